#!/usr/bin/env python3
"""Checks that two `tessel` builds give identical results on every kernel in kernels/.

For each case (a kernel, its arguments, a target), both binaries print the IR (`tessel ir`) and
run the kernel (`tessel run -o ...`) on the same seeded inputs; the IR text and the output bytes
must be identical. Use it around a refactoring that must not change behaviour:

    swift build -c release --product tessel && cp .build/release/tessel /tmp/tessel-before
    # ... change the code, rebuild ...
    scripts/kernel-parity.py /tmp/tessel-before .build/release/tessel

Needs numpy. Exit status 0 when every case matches, 1 otherwise.
"""
import os, subprocess, sys, tempfile
import numpy as np

KERNELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "kernels")


def cases():
    rng = np.random.default_rng(1234)

    def arr(shape, lo=-1.0, hi=1.0):
        return rng.uniform(lo, hi, size=shape).astype(np.float32)

    out = []

    def case(name, file, inputs, extra=(), kernel=None, grid=None, outputs=1, target="trn2", params=()):
        out.append(dict(name=name, file=file, inputs=inputs, extra=list(extra), kernel=kernel, grid=grid,
                        outputs=outputs, target=target, params=list(params)))

    for r, c in [(7, 33), (128, 512), (300, 1000)]:
        case(f"add {r}x{c}", "tensor_add.py", [arr((r, c)), arr((r, c))])
    case("add_spmd", "tensor_add_spmd.py", [arr((256, 1024)), arr((256, 1024)), np.zeros((256, 1024), np.float32)],
         grid="2,2", outputs=0, params=["c_output"])
    case("transpose2d", "transpose2d.py", [arr((4, 30)), np.zeros((4, 30), np.float32)], extra=["(6, 5)"],
         kernel="transpose2d_kernel", outputs=0, params=["out_tensor"])
    case("transpose_matrix", "transpose2d.py", [arr((256, 128))], kernel="transpose_matrix_kernel")
    for c, h, w, p in [(3, 8, 8, 2), (130, 12, 12, 3)]:
        case(f"avgpool {c}", "avgpool2d.py", [arr((c, h, w))], extra=[str(p)])
    case("matmul_basic", "matmul_basic.py", [arr((128, 64)), arr((128, 512))])
    for f in ["matmul_tiled", "matmul_hoisted", "matmul_block_free", "matmul_optimized"]:
        case(f, f + ".py", [arr((512, 256)), arr((512, 1024))])
    for r, c in [(7, 64), (300, 512)]:
        case(f"rmsnorm {r}", "rmsnorm.py", [arr((r, c)), arr((c,))])
        case(f"softmax {r}", "softmax.py", [arr((r, c))])
    for f in ["layernorm", "layernorm_bn"]:
        for r, c in [(7, 64), (130, 1024)]:
            case(f"{f} {r}", f + ".py", [arr((r, c)), arr((c,)), arr((c,))])
    case("attention", "attention.py", [arr((256, 64)), arr((256, 64)), arr((256, 64))])
    case("attention causal", "attention.py", [arr((256, 64)), arr((256, 64)), arr((256, 64))],
         extra=["use_causal_mask=True"])
    case("mamba", "mamba.py", [arr((1, 128, 64), 0.0, 0.1), arr((1, 128, 64)), arr((128, 16), -1, -0.1),
                               arr((1, 16, 64)), arr((1, 16, 64))], extra=["seq_tile=32"])
    case("rotary", "rotary.py", [arr((130, 64)), arr((130, 32)), arr((130, 32)), np.zeros((130, 64), np.float32)],
         outputs=0, params=["out"])
    for t in ["trn1", "trn3"]:
        case(f"matmul_tiled {t}", "matmul_tiled.py", [arr((256, 128)), arr((256, 512))], target=t)
    return out


def run(tessel, c, tmp, tag):
    ins = []
    for j, a in enumerate(c["inputs"]):
        p = os.path.join(tmp, f"in{j}.npy")
        np.save(p, a)
        ins.append(p)
    opts = ["--target", c["target"]] + (["--kernel", c["kernel"]] if c["kernel"] else []) \
        + (["--grid", c["grid"]] if c["grid"] else [])
    path = os.path.join(KERNELS, c["file"])
    ir = subprocess.run([tessel, "ir", path] + opts + ins + c["extra"], capture_output=True, text=True)
    outs = [os.path.join(tmp, f"{tag}-out{k}.npy") for k in range(c["outputs"])]
    outs += [os.path.join(tmp, f"{tag}-{n}.npy") for n in c["params"]]
    oargs = sum((["-o", p] for p in outs[:c["outputs"]]), [])
    oargs += sum((["-o", f"{n}={p}"] for n, p in zip(c["params"], outs[c["outputs"]:])), [])
    r = subprocess.run([tessel, "run", path] + opts + ins + c["extra"] + oargs, capture_output=True, text=True)
    data = [open(p, "rb").read() if os.path.exists(p) else None for p in outs]
    return ir.stdout + ir.stderr, r.returncode, data


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    before, after = sys.argv[1:]
    failures = 0
    all_cases = cases()
    for c in all_cases:
        with tempfile.TemporaryDirectory() as tmp:
            a, b = run(before, c, tmp, "a"), run(after, c, tmp, "b")
        same = a == b and a[1] == 0 and all(d is not None for d in a[2])
        print(("ok    " if same else "DIFF  ") + c["name"])
        failures += not same
    print(f"{len(all_cases) - failures} of {len(all_cases)} cases identical")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
