import Foundation
import TesselHost
import TesselIR
import Testing

@Suite("The tessel command: run, check, ir and their exit codes", .serialized)
struct CommandLineTests {
  let scratch = ScratchFolder("tessel-cli")
  var dir: String { scratch.path }

  func write(_ name: String, _ shape: [Int], _ values: [Float], _ dtype: DType = .float32) throws -> String {
    try scratch.npy(name, shape, values, dtype)
  }

  @Test("run writes returned tensors with -o, and reports JSON")
  func runAndJSON() throws {
    let a = (0..<(130 * 70)).map { Float($0 % 17) }
    let b = (0..<(130 * 70)).map { Float($0 % 5) - 2 }
    let pa = try write("a.npy", [130, 70], a)
    let pb = try write("b.npy", [130, 70], b)
    let out = "\(dir)/c.npy"
    let r = try runTessel(["run", "kernels/tensor_add.py", pa, pb, "-o", out, "--json"])
    #expect(r.status == 0, "\(r.err)")
    let c = try HostArray.readNPY(from: out).floatValues()
    #expect(c == zip(a, b).map { $0 + $1 })
    #expect(r.out.contains("\"outputs\""))
    #expect(r.out.contains("\"shape\" : [\n        130,\n        70\n      ]") || r.out.contains("130"))
    #expect(r.out.contains("\"dma\""))
  }

  @Test("-o PARAM=PATH writes an output parameter; --repeat prints timing")
  func outputParameterAndRepeat() throws {
    let n = 256 * 512
    let a = (0..<n).map { Float($0 % 7) }
    let b = (0..<n).map { Float($0 % 3) }
    let pa = try write("sa.npy", [256, 512], a)
    let pb = try write("sb.npy", [256, 512], b)
    let pc = try write("sc.npy", [256, 512], Array(repeating: 0, count: n))
    let out = "\(dir)/sc_out.npy"
    let r = try runTessel([
      "run", "kernels/tensor_add_spmd.py", "--grid", "2,1", pa, pb, pc, "-o", "c_output=\(out)", "--repeat", "3",
    ])
    #expect(r.status == 0, "\(r.err)")
    #expect(try HostArray.readNPY(from: out).floatValues() == zip(a, b).map { $0 + $1 })
    #expect(r.err.contains("timing: trace_ms="))
    #expect(r.err.contains("runs=3"))
    // Every run's time, in order: three numbers.
    let perRun = r.err.split(separator: "\n").first { $0.hasPrefix("timing:") }?
      .split(separator: " ").first { $0.hasPrefix("run_ms=") }?.dropFirst("run_ms=".count)
      .split(separator: ",").compactMap { Double($0) }
    #expect(perRun?.count == 3)
  }

  @Test("--max-instructions, --max-memory and --max-seconds stop a run with a located error")
  func limits() throws {
    let n = 300 * 70
    let a = (0..<n).map { Float($0 % 11) }
    let pa = try write("la.npy", [300, 70], a)
    let pb = try write("lb.npy", [300, 70], a)
    let ok = try runTessel(["run", "kernels/tensor_add.py", pa, pb, "--max-instructions", "100", "--max-memory", "64M"])
    #expect(ok.status == 0, "\(ok.err)")
    let few = try runTessel(["run", "kernels/tensor_add.py", pa, pb, "--max-instructions", "5"])
    #expect(few.status == 1)
    #expect(few.err.contains("executed instructions"), "\(few.err)")
    #expect(few.err.contains("--> kernels/tensor_add.py:"), "\(few.err)")
    let small = try runTessel(["run", "kernels/tensor_add.py", pa, pb, "--max-memory", "1K"])
    #expect(small.status == 1)
    #expect(small.err.contains("simulated memory"), "\(small.err)")
    for bad in [
      ["--max-memory", "12Q"], ["--max-memory", "0"], ["--max-seconds", "-1"], ["--max-instructions", "0"],
    ] {
      let r = try runTessel(["run", "kernels/tensor_add.py", pa, pb] + bad)
      #expect(r.status == 2, "\(bad): \(r.err)")
    }
  }

  @Test("a kernel error exits 1 with a located, rustc-style diagnostic")
  func kernelError() throws {
    let bad = "\(dir)/bad.py"
    try """
    import neuronxcc.nki.language as nl
    from neuronxcc import nki

    @nki.jit
    def k(a):
        t = nl.ndarray((256, 4), dtype=nl.float32, buffer=nl.sbuf)
        return a
    """.write(toFile: bad, atomically: true, encoding: .utf8)
    let r = try runTessel(["check", bad, "a=8x4:float32"])
    #expect(r.status == 1)
    #expect(r.err.contains("error: Size of partition dimension 256 exceeds architecture limitation of 128"))
    #expect(r.err.contains("--> \(bad):6:"))
    #expect(r.err.contains("6 |     t = nl.ndarray((256, 4)"))
  }

  @Test(
    "usage errors exit 2",
    arguments: [
      ["run", "kernels/tensor_add.py", "nope.npy", "nope2.npy"],
      ["run", "kernels/tensor_add.py", "--target", "trn9", "a=4x4:float32"],
      ["check", "kernels/transpose2d.py", "x=4x4:float32"],
      ["run", "kernels/tensor_add.py", "4x4:float32", "4x4:float32"],
      ["check", "kernels/tensor_add.py", "--grid", "0", "4x4:float32", "4x4:float32"],
    ])
  func usageErrors(args: [String]) throws {
    let r = try runTessel(args)
    #expect(r.status == 2, "\(args): status \(r.status), stderr \(r.err)")
    #expect(r.err.contains("rror"))
  }

  @Test("ir prints the traced kernel; check verifies without data")
  func irAndCheck() throws {
    let r = try runTessel(["ir", "kernels/matmul_tiled.py", "256x128:bfloat16", "256x512:bfloat16"])
    #expect(r.status == 0, "\(r.err)")
    #expect(
      r.out.hasPrefix(
        "kernel matmul_tiled_kernel(lhsT: hbm bfloat16[256, 128], rhs: hbm bfloat16[256, 512]) -> (result)"))
    #expect(r.out.contains("nc_matmul("))
    #expect(r.out.contains("accumulate: add"))
    let c = try runTessel(["check", "kernels/softmax.py", "300x512:float32"])
    #expect(c.status == 0, "\(c.err)")
    #expect(c.out.hasPrefix("ok: softmax_kernel"))
  }

  @Test("check and run show what the kernel printed before its trace failed, then the error")
  func printBeforeTraceError() throws {
    let kernel = try scratch.text(
      "prints_then_fails.py",
      """
      import neuronxcc.nki as nki
      import neuronxcc.nki.language as nl


      @nki.jit
      def prints_then_fails(a):
          print("tile rows:", a.shape[0])
          assert a.shape[0] % 128 == 0, "rows must be a multiple of 128"
          return a
      """)
    for command in ["check", "run"] {
      let r = try runTessel([command, kernel, "100x8:float32"] + (command == "run" ? ["--seed", "1"] : []))
      #expect(r.status == 1, "\(command): \(r.err)")
      #expect(r.out == "tile rows: 100\n", "\(command): \(r.out)")
      #expect(r.err.contains("AssertionError: rows must be a multiple of 128"), "\(command): \(r.err)")
    }
  }

  @Test(
    "run reruns with origin tracking after a never-written read (not with --no-origins); check --origins runs on zeros")
  func origins() throws {
    let kernel = """
      from neuronxcc import nki
      import neuronxcc.nki.language as nl


      @nki.jit
      def partial_tile(a, b):
          c = nl.ndarray((128, 8), dtype=a.dtype, buffer=nl.shared_hbm)
          t = nl.ndarray((128, 8), dtype=nl.float32, buffer=nl.sbuf)
          t[:, 0:4] = nl.load(a[:, 0:4])
          u = nl.load(b)
          s = nl.add(t, u)
          nl.store(c, value=s)
          return c

      """
    let path = "\(dir)/partial_tile.py"
    try kernel.write(toFile: path, atomically: true, encoding: .utf8)
    let pa = try write("pa.npy", [128, 8], Array(repeating: 1, count: 1024))
    let origin = """
      warning: output `c` elements [0:128, 4:8] (512 of 1024) derive from the read of never-written `t` by 'tensor_tensor' at line 11
        --> \(path):11:9
         |
      11 |     s = nl.add(t, u)
         |         ^
      note: 'tensor_tensor' read 512 never-written elements of `t` (operand 'data1'), the first `t[0, 4]`
      note: `c` is declared here
      """
    let r = try runTessel(["run", path, pa, pa, "-o", "\(dir)/pc.npy"])
    #expect(r.status == 0, "\(r.err)")
    #expect(
      r.err.contains("'tensor_tensor' reads 512 of 1024 elements of `t` (operand 'data1') that were never written"))
    #expect(r.err.contains(origin), "\(r.err)")
    let quiet = try runTessel(["run", path, pa, pa, "-o", "\(dir)/pc.npy", "--no-origins"])
    #expect(
      quiet.status == 0 && quiet.err.contains("that were never written") && !quiet.err.contains("derive from"),
      "\(quiet.err)")
    let c = try runTessel(["check", path, "128x8:float32", "128x8:float32", "--origins"])
    #expect(c.status == 0 && c.out.hasPrefix("ok: partial_tile"), "\(c.err)")
    #expect(c.err.contains(origin), "\(c.err)")
    let plain = try runTessel(["check", path, "128x8:float32", "128x8:float32"])
    #expect(plain.status == 0 && plain.err.isEmpty, "\(plain.err)")
    // --json carries the origins as data: the affected box and the read's location.
    let j = try runTessel(["run", path, pa, pa, "--json"])
    #expect(j.status == 0, "\(j.err)")
    let doc = try JSONSerialization.jsonObject(with: Data(j.out.utf8)) as? [String: Any]
    let origins = try #require(doc?["uninitializedOrigins"] as? [[String: Any]])
    #expect(origins.count == 1)
    #expect(origins.first?["output"] as? String == "c")
    #expect(origins.first?["elementCount"] as? Int == 512)
    #expect(origins.first?["bounds"] as? [[Int]] == [[0, 127], [4, 7]])
    let read = origins.first?["read"] as? [String: Any]
    #expect(
      read?["tensor"] as? String == "t" && read?["line"] as? Int == 11
        && read?["operation"] as? String == "tensor_tensor")
  }

  @Test("--fp32 reports the largest difference against fp32 storage, per output")
  func precisionAB() throws {
    let x: [Float] = (0..<(130 * 40)).map { (i: Int) -> Float in Float((i * 37) % 101) / 17 - 3 }
    let px = try write("bx.npy", [130, 40], x, .bfloat16)
    let r = try runTessel(["run", "kernels/softmax.py", "\(px):bfloat16", "-o", "\(dir)/by.npy", "--fp32"])
    #expect(r.status == 0, "\(r.err)")
    let line = try #require(
      r.err.split(separator: "\n").first { $0.hasPrefix("precision: output 0 (`out`, bfloat16)") })
    // bf16 storage of a softmax loses precision but stays within a few bf16 ulps of the fp32 run.
    let tail: Substring = line.split(separator: "=").last ?? ""
    let number: String = String(tail.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
    let value: Float = Float(number) ?? -1
    #expect(value > 0 && value < 0.02, "\(line)")
  }

  @Test("a file with several kernels needs --kernel, and the error lists them")
  func chooseKernel() throws {
    let r = try runTessel(["check", "kernels/transpose2d.py", "4x4:float32"])
    #expect(r.status == 2)
    #expect(r.err.contains("transpose2d_kernel") && r.err.contains("transpose_matrix_kernel"))
  }
}
