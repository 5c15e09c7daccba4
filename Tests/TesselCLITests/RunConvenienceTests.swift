import Foundation
import TesselHost
import TesselIR
import Testing

/// A kernel that stores only the first 64 rows of a [128, n] output.
private let halfStoreKernel = """
  from neuronxcc import nki
  import neuronxcc.nki.language as nl


  @nki.jit
  def half(x):
      out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
      t = nl.load(x[0:64, :])
      nl.store(out[0:64, :], value=t)
      return out

  """

@Suite("tessel run conveniences: --seed, --expect, --strict, and messages that say what to do", .serialized)
struct RunConvenienceTests {
  let scratch = ScratchFolder("tessel-conv")
  var dir: String { scratch.path }

  func write(_ name: String, _ shape: [Int], _ values: [Float], _ dtype: DType = .float32) throws -> String {
    try scratch.npy(name, shape, values, dtype)
  }

  func kernel(_ name: String, _ source: String) throws -> String { try scratch.text(name, source) }

  @Test(
    "--seed fills SHAPE:DTYPE arguments reproducibly; --save-inputs writes them",
    arguments: [DType.float32, .bfloat16, .int32])
  func seededInputs(dtype: DType) throws {
    let sub = "\(dir)/seed-\(dtype)"
    try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
    let shape = "130x70:\(dtype.nkiName)"
    let r = try runTessel(
      ["run", "kernels/tensor_add.py", shape, shape, "--seed", "7", "--save-inputs", sub, "-o", "\(sub)/c.npy"])
    #expect(r.status == 0, "\(r.err)")
    // numpy saves bf16 as raw 2-byte data: read it back with its dtype.
    func read(_ name: String) throws -> HostArray { try HostArray.readNPY(from: "\(sub)/\(name)", as: dtype) }
    let a = try read("a_input.npy")
    let b = try read("b_input.npy")
    let c = try read("c.npy")
    #expect(a.shape == [130, 70] && a.dtype == dtype && b.dtype == dtype)
    let av = a.floatValues()
    let bv = b.floatValues()
    #expect(av != bv, "each argument has its own seed")
    if dtype == .int32 {
      #expect(av.allSatisfy { $0 >= -8 && $0 < 8 && $0 == $0.rounded() })
    } else {
      #expect(av.allSatisfy { $0 >= -1 && $0 <= 1 }, "[-1, 1), rounded to the dtype")
      #expect(Set(av).count > 1000, "values are spread, not constant")
    }
    // The kernel's sum, against a plain sum rounded to the dtype.
    let sum = try HostArray(shape: [130, 70], dtype: dtype, values: zip(av, bv).map { $0 + $1 }).floatValues()
    #expect(c.floatValues() == sum)
    // The same seed gives the same inputs; another seed others.
    let again = try runTessel(["run", "kernels/tensor_add.py", shape, shape, "--seed", "7", "--save-inputs", sub])
    #expect(again.status == 0)
    #expect(try read("a_input.npy").floatValues() == av)
    _ = try runTessel(["run", "kernels/tensor_add.py", shape, shape, "--seed", "8", "--save-inputs", sub])
    #expect(try read("a_input.npy").floatValues() != av)
  }

  @Test("--expect passes, or exits 1 naming the worst element; bad references are usage errors")
  func expect() throws {
    let x = (0..<(300 * 8)).map { Float($0 % 23) / 8 }
    let px = try write("ex.npy", [300, 8], x)
    let same = try write("same.npy", [300, 8], x.map { $0 + $0 })
    var off = x.map { $0 + $0 }
    off[130 * 8 + 5] += 0.5
    let bad = try write("off.npy", [300, 8], off)
    let short = try write("short.npy", [10, 8], Array(repeating: 0, count: 80))

    let ok = try runTessel(["run", "kernels/tensor_add.py", px, px, "--expect", same])
    #expect(ok.status == 0, "\(ok.err)")
    #expect(ok.err.contains("expect: output `c_output` matches \(same)"), "\(ok.err)")
    #expect(!ok.out.contains("HostArray"), "with --expect the arrays are not printed")

    let fail = try runTessel(["run", "kernels/tensor_add.py", px, px, "--expect", "c_output=\(bad)", "--atol", "1e-3"])
    #expect(fail.status == 1)
    #expect(fail.err.contains("error: output `c_output` does not match \(bad)"), "\(fail.err)")
    #expect(fail.err.contains("1 of 2400 elements out of tolerance"))
    #expect(fail.err.contains("worst: [130, 5] (row 130: tile 1, partition 2)"), "\(fail.err)")
    // A looser tolerance accepts it.
    #expect(
      try runTessel(["run", "kernels/tensor_add.py", px, px, "--expect", "0=\(bad)", "--atol", "0.6"]).status == 0)

    for (args, message) in [
      (["--expect", short], "the reference has shape [10, 8], but output `c_output` has shape [300, 8]"),
      (
        ["--expect", "zz=\(same)"],
        "the kernel has no output or parameter 'zz' (choices: 0 or c_output, a_input, b_input)"
      ),
      (["--expect", "\(dir)/missing.npy"], "--expect \(dir)/missing.npy:"),
      (["--expect", same, "--rtol=-1"], "--rtol and --atol must be finite and not negative"),
    ] {
      let r = try runTessel(["run", "kernels/tensor_add.py", px, px] + args)
      #expect(r.status == 2, "\(args): \(r.err)")
      #expect(r.err.contains(message), "\(args): \(r.err)")
    }
  }

  @Test("--expect on an output parameter; a kernel that writes a parameter says where its result went")
  func outputParameter() throws {
    let n = 256 * 512
    let a = (0..<n).map { Float($0 % 7) }
    let b = (0..<n).map { Float($0 % 3) }
    let pa = try write("pa.npy", [256, 512], a)
    let pb = try write("pb.npy", [256, 512], b)
    let pc = try write("pc.npy", [256, 512], Array(repeating: 0, count: n))
    let ref = try write("pref.npy", [256, 512], zip(a, b).map { $0 + $1 })
    let printed = try runTessel(["run", "kernels/tensor_add_spmd.py", "--grid", "2,1", pa, pb, pc])
    #expect(printed.status == 0, "\(printed.err)")
    #expect(printed.out.contains("parameter c_output (written by the kernel):"))
    #expect(
      printed.err.contains("note: the kernel writes its result into parameter `c_output`; -o c_output=PATH saves it"))
    let checked = try runTessel([
      "run", "kernels/tensor_add_spmd.py", "--grid", "2,1", pa, pb, pc, "--expect", "c_output=\(ref)",
    ])
    #expect(checked.status == 0, "\(checked.err)")
    #expect(checked.err.contains("expect: parameter `c_output` matches"))
    // A grid that misses half the columns: the rows and columns no instance wrote are reported.
    let wide = try write("pw.npy", [256, 1024], Array(repeating: 1, count: 2 * n))
    let partial = try runTessel([
      "run", "kernels/tensor_add_spmd.py", "--grid", "2,1", wide, wide, wide, "-o", "c_output=\(dir)/pw_out.npy",
    ])
    #expect(partial.status == 0, "\(partial.err)")
    #expect(
      partial.err.contains(
        "warning: parameter `c_output`: 131072 of 262144 elements were written by no program instance of the grid [2, 1]; they keep the values passed in"
      ), "\(partial.err)")
    #expect(
      try runTessel([
        "run", "kernels/tensor_add_spmd.py", "--grid", "2,2", wide, wide, wide, "--strict", "-o",
        "c_output=\(dir)/pw_out.npy",
      ]).status == 0)
    let unnamed = try runTessel(["run", "kernels/tensor_add_spmd.py", "--grid", "2,1", pa, pb, pc, "--expect", ref])
    #expect(unnamed.status == 2)
    #expect(unnamed.err.contains("the kernel returns nothing; name the parameter to compare, e.g. --expect c_output="))
  }

  @Test("--strict turns warnings into errors (exit 1); without it the warnings are counted")
  func strict() throws {
    let k = try kernel("half.py", halfStoreKernel)
    let x = try write("hx.npy", [128, 4], (0..<512).map(Float.init))
    let lenient = try runTessel(["run", k, x, "--no-origins"])
    #expect(lenient.status == 0)
    #expect(lenient.err.contains("warning: output `out` has 256 of 512 elements that the kernel never wrote"))
    #expect(lenient.err.contains("1 warning (--strict makes warnings errors)"), "\(lenient.err)")
    let strict = try runTessel(["run", k, x, "--no-origins", "--strict"])
    #expect(strict.status == 1)
    #expect(strict.err.contains("error: output `out` has 256 of 512 elements that the kernel never wrote"))
    #expect(strict.err.contains("error: 1 warning, treated as errors (--strict)"))
    let check = try runTessel(["check", k, "128x4:float32", "--origins", "--strict"])
    #expect(check.status == 1)
    #expect(check.out.hasPrefix("failed: half:") && check.out.contains(", 1 warning"), "\(check.out)")
    let clean = try runTessel(["run", "kernels/tensor_add.py", x, x, "--strict"])
    #expect(clean.status == 0, "\(clean.err)")
    #expect(!clean.err.contains("warning"))
  }

  @Test(
    "argument and file errors say what to do",
    arguments: [
      (
        ["check", "kernels/tensor_add.py", "300x700", "300x700"],
        "error: '300x700' is a shape without a dtype; add one, e.g. 300x700:float32"
      ),
      (
        ["check", "kernels/tensor_add.py", "300x700:float33", "300x700:float32"],
        "unknown dtype 'float33' in '300x700:float33'; valid dtypes: bool_, int8, int16, int32, uint8, uint16, uint32, float16, bfloat16, tfloat32, float32, float8_e4m3, float8_e5m2, float8_e4m3fn"
      ),
      (
        ["run", "kernels/softmax.py", "300x512:float32"],
        "error: argument #0 gives only a shape (300x512:float32); give a .npy file, or add --seed N to run on seeded random values"
      ),
      (["run", "kernels/nope.py"], "error: cannot read kernel file 'kernels/nope.py': no such file or directory"),
      (["run", "kernels"], "error: cannot read kernel file 'kernels': it is a directory"),
      (
        ["run", "kernels/softmax.py", "8x8:float32", "--seed", "1", "-o", "/nonexistent/dir/y.npy"],
        "error: cannot write -o /nonexistent/dir/y.npy: directory '/nonexistent/dir' does not exist"
      ),
      (
        ["run", "kernels/softmax.py", "8x8:float32", "--seed", "1", "-o", "kernels"],
        "error: cannot write -o kernels: it is a directory"
      ),
      (["run", "kernels/softmax.py", "8x8:float32", "--save-inputs", "."], "error: --save-inputs needs --seed"),
    ])
  func messages(args: [String], message: String) throws {
    let r = try runTessel(args)
    #expect(r.status == 2, "\(args): \(r.err)")
    #expect(r.err.hasPrefix(message) || r.err.contains(message), "\(args): \(r.err)")
    #expect(r.err.split(separator: "\n").count == 1, "reported once, before anything ran: \(r.err)")
  }

  @Test("run --help lists only argument forms that run accepts, and the new options")
  func help() throws {
    let r = try runTessel(["run", "--help"])
    #expect(r.status == 0)
    #expect(!r.out.contains("SHAPExSHAPE"))
    for option in ["--seed", "--expect", "--rtol", "--atol", "--strict", "--save-inputs", "128x512:float32"] {
      #expect(r.out.contains(option), "\(option)")
    }
  }

  @Test("demo says whether the result passed its tolerance; a wrong kernel fails with exit 1")
  func demo() throws {
    let ok = try runTessel(["demo"])
    #expect(ok.status == 0, "\(ok.err)")
    #expect(ok.out.contains("PASS: within the tolerance 7.81e-03 (one bf16 ulp, 2^-7)"), "\(ok.out)")
    let zeros = try kernel(
      "zeros_matmul.py",
      """
      from neuronxcc import nki
      import neuronxcc.nki.language as nl


      @nki.jit
      def zeros_matmul(lhsT, rhs):
          K, M = lhsT.shape
          K2, N = rhs.shape
          result = nl.ndarray((M, N), dtype=lhsT.dtype, buffer=nl.shared_hbm)
          for m in nl.affine_range(M // 128):
              for n in nl.affine_range(N // 512):
                  z = nl.zeros((128, 512), dtype=nl.float32, buffer=nl.sbuf)
                  nl.store(result[m * 128:(m + 1) * 128, n * 512:(n + 1) * 512], value=z)
          return result

      """)
    let bad = try runTessel(["demo", "--file", zeros])
    #expect(bad.status == 1)
    #expect(bad.out.contains("FAIL: above the tolerance 7.81e-03"), "\(bad.out) \(bad.err)")
  }
}

@Suite("tessel run prints nl.device_print output", .serialized)
struct RunDevicePrintTests {
  let scratch = ScratchFolder("tessel-dprint")

  @Test("each execution is printed before the outputs, and in --json as device_prints")
  func printsAndJSON() throws {
    let k = try scratch.text(
      "p.py",
      """
      import neuronxcc.nki as nki
      import neuronxcc.nki.language as nl

      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          for i in nl.affine_range(2):
              t = nl.load(x[i:i + 1, :])
              nl.device_print("t =", t)
              nl.store(out[i:i + 1, :], value=t)
          return out

      """)
    let x = try scratch.npy("x.npy", [2, 3], [1, 2, 3, 4, 5, 6])
    let r = try runTessel(["run", k, x])
    #expect(r.status == 0, "\(r.err)")
    #expect(r.out.hasPrefix("t = (i=0) [[1. 2. 3.]]\nt = (i=1) [[4. 5. 6.]]\noutput 0 (out):"), "\(r.out)")
    let j = try runTessel(["run", k, x, "--json"])
    let obj = try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any]
    let prints = obj?["devicePrints"] as? [[String: Any]]
    #expect(prints?.count == 2)
    #expect((prints?.last?["values"] as? [Double]) == [4, 5, 6])
    #expect((prints?.last?["tags"] as? [String: Int]) == ["i": 1])
  }
}
