import Foundation
import TesselHost
import TesselIR
import TesselLang
import TesselPython
import TesselTestSupport
import Testing

@testable import TesselInterpreter

/// Runs a kernel file serially and in parallel and returns both results.
private func serialAndParallel(
  _ file: String, kernel: String? = nil, _ args: [TestArgument], keywords: [String: TestArgument] = [:],
  grid: [Int] = []
) throws -> (serial: HostRunResult, parallel: HostRunResult) {
  let nki = try NKIFile.load(path: "\(kernelsDirectory)/\(file)")
  func ka(_ a: TestArgument) -> KernelArgument {
    switch a {
    case .tensor(let s, _, let d): return .tensor(shape: s, dtype: d)
    case .literal(let l): return .literal(l)
    }
  }
  let traced = try nki.trace(kernel: kernel, arguments: args.map(ka), keywords: keywords.mapValues(ka), grid: grid)
  var data: [HostArray] = []
  for a in args {
    if case .tensor(let s, let v, let d) = a { data.append(try HostArray(shape: s, dtype: d, values: v)) }
  }
  var serial = RunOptions()
  serial.parallel = false
  var parallel = RunOptions()
  parallel.parallel = true
  let a = try Interpreter(kernel: traced.kernel, options: serial).run(hostArrays: data)
  let b = try Interpreter(kernel: traced.kernel, options: parallel).run(hostArrays: data)
  // Run the parallel interpreter twice: the second run reuses the first one's memory.
  let interpreter = try Interpreter(kernel: traced.kernel, options: parallel)
  _ = try interpreter.run(hostArrays: data)
  let c = try interpreter.run(hostArrays: data)
  #expect(b.outputs == c.outputs && b.parameters == c.parameters, "a repeated run differs")
  return (a, b)
}

/// Bitwise equality of two runs' outputs, parameters and counters.
private func expectIdentical(_ r: (serial: HostRunResult, parallel: HostRunResult), _ what: String) {
  #expect(r.serial.outputs == r.parallel.outputs, "\(what): outputs differ between serial and parallel runs")
  #expect(r.serial.parameters == r.parallel.parameters, "\(what): parameters differ between serial and parallel runs")
  #expect(r.serial.report.engines == r.parallel.report.engines, "\(what): counters differ")
  #expect(r.serial.report.warnings.count == r.parallel.report.warnings.count, "\(what): warnings differ")
}

@Suite("Parallel execution (SPMD instances and affine_range iterations) is bit-identical to serial")
struct ParallelKernelFileTests {
  @Test("tensor_add with ragged masked tiles", arguments: [(300, 700), (1024, 512)])
  func tensorAdd(shape: (Int, Int)) throws {
    let (r, c) = shape
    let a = randomArray(count: r * c, seed: 1)
    let b = randomArray(count: r * c, seed: 2)
    expectIdentical(try serialAndParallel("tensor_add.py", [.tensor([r, c], a), .tensor([r, c], b)]), "tensor_add")
  }

  @Test("tensor_add_spmd on a 2-D grid")
  func tensorAddSPMD() throws {
    let r = 512
    let c = 1024
    let a = randomArray(count: r * c, seed: 5)
    let b = randomArray(count: r * c, seed: 6)
    expectIdentical(
      try serialAndParallel(
        "tensor_add_spmd.py",
        [.tensor([r, c], a), .tensor([r, c], b), .tensor([r, c], Array(repeating: 0, count: r * c))],
        grid: [4, 2]), "tensor_add_spmd")
  }

  @Test(
    "matmul series",
    arguments: [
      "matmul_basic.py", "matmul_tiled.py", "matmul_hoisted.py", "matmul_block_free.py", "matmul_optimized.py",
    ])
  func matmul(file: String) throws {
    // matmul_optimized needs N = 2048 for two blocks of its outer loop (so that it runs in parallel).
    let (K, M, N) = file == "matmul_basic.py" ? (128, 64, 512) : (512, 256, file == "matmul_optimized.py" ? 2048 : 1024)
    let a = randomArray(count: K * M, seed: 10)
    let b = randomArray(count: K * N, seed: 11)
    expectIdentical(try serialAndParallel(file, [.tensor([K, M], a), .tensor([K, N], b)]), file)
  }

  @Test("normalisations and softmax", arguments: ["softmax.py", "rmsnorm.py", "layernorm.py", "layernorm_bn.py"])
  func rows(file: String) throws {
    let (r, c) = (300, 512)
    let x = randomArray(count: r * c, in: -2...2, seed: 14)
    let g = randomArray(count: c, seed: 15)
    let b = randomArray(count: c, seed: 16)
    var args: [TestArgument] = [.tensor([r, c], x)]
    if file != "softmax.py" { args.append(.tensor([c], g)) }
    if file.hasPrefix("layernorm") { args.append(.tensor([c], b)) }
    expectIdentical(try serialAndParallel(file, args), file)
  }

  @Test("attention, with and without the causal mask", arguments: [false, true])
  func attention(causal: Bool) throws {
    let seq = 256
    let d = 64
    let q = randomArray(count: seq * d, seed: 18)
    let k = randomArray(count: seq * d, seed: 19)
    let v = randomArray(count: seq * d, seed: 20)
    expectIdentical(
      try serialAndParallel(
        "attention.py", [.tensor([seq, d], q), .tensor([seq, d], k), .tensor([seq, d], v)],
        keywords: ["use_causal_mask": .literal(.bool(causal))]), "attention")
  }

  @Test("mamba, rotary, avgpool and transpose")
  func others() throws {
    let b = 1
    let ch = 256
    let L = 1024
    let S = 4
    let delta = randomArray(count: b * ch * L, in: 0...0.1, seed: 21)
    let u = randomArray(count: b * ch * L, seed: 22)
    let A = randomArray(count: ch * S, in: -1...0, seed: 23)
    let B = randomArray(count: b * S * L, seed: 24)
    let C = randomArray(count: b * S * L, seed: 25)
    expectIdentical(
      try serialAndParallel(
        "mamba.py",
        [
          .tensor([b, ch, L], delta), .tensor([b, ch, L], u), .tensor([ch, S], A), .tensor([b, S, L], B),
          .tensor([b, S, L], C),
        ]), "mamba")
    let (s, d) = (300, 64)
    let x = randomArray(count: s * d, seed: 26)
    let co = randomArray(count: s * d / 2, seed: 27)
    let si = randomArray(count: s * d / 2, seed: 28)
    expectIdentical(
      try serialAndParallel(
        "rotary.py",
        [
          .tensor([s, d], x), .tensor([s, d / 2], co), .tensor([s, d / 2], si),
          .tensor([s, d], Array(repeating: 0, count: s * d)),
        ]), "rotary")
    let p = randomArray(count: 130 * 12 * 6, seed: 9)
    expectIdentical(try serialAndParallel("avgpool2d.py", [.tensor([130, 12, 6], p), .literal(.int(3))]), "avgpool2d")
    let y = randomArray(count: 256 * 128, seed: 8)
    expectIdentical(
      try serialAndParallel("transpose2d.py", kernel: "transpose_matrix_kernel", [.tensor([256, 128], y)]), "transpose")
  }

  @Test(
    "a perfect nest of three affine loops runs as one space of units, ragged and masked",
    arguments: [(5, 70, 3), (1, 130, 2), (3, 1, 1)])
  func perfectNest(shape: (Int, Int, Int)) throws {
    let (b, r, c) = shape
    let source = """
      from neuronxcc import nki
      import neuronxcc.nki.language as nl

      @nki.jit
      def nest(x):
          B, R, C = x.shape
          out = nl.ndarray((B, R, C), dtype=x.dtype, buffer=nl.shared_hbm)
          i_p = nl.arange(64)[:, None]
          i_f = nl.arange(1)[None, :]
          for i in nl.affine_range(B):
              for j in nl.affine_range((R + 63) // 64):
                  for k in nl.affine_range(C):
                      keep = j * 64 + i_p < R
                      t = nl.load(x[i, j * 64 + i_p, k + i_f], mask=keep)
                      nl.store(out[i, j * 64 + i_p, k + i_f], value=nl.add(t, 1.0, mask=keep), mask=keep)
          return out
      """
    let x = randomArray(count: b * r * c, seed: 9)
    let traced = try NKIFile(source: source, file: "<nest>").trace(
      kernel: nil, arguments: [.tensor(shape: [b, r, c], dtype: .float32)], keywords: [:], grid: [])
    var expected = [Float](repeating: 0, count: b * r * c)
    for i in 0..<b {
      for j in 0..<r {
        for k in 0..<c {
          let e = (i * r + j) * c + k
          expected[e] = x[e] + 1
        }
      }
    }
    for parallel in [false, true] {
      var options = RunOptions()
      options.parallel = parallel
      let result = try Interpreter(kernel: traced.kernel, options: options).run([x])
      #expect(result.outputs[0] == expected, "parallel \(parallel)")
      #expect(result.report.warnings.isEmpty)
    }
  }

  @Test("tiles written whole before any read are never poisoned; the others start fresh in their scope")
  func freshTiles() throws {
    /// The names of the tiles that start fresh, sorted.
    func fresh(_ source: String, _ shapes: [[Int]]) throws -> [String] {
      let traced = try NKIFile(source: source, file: "<units>").trace(
        kernel: nil, arguments: shapes.map { .tensor(shape: $0, dtype: .float32) }, keywords: [:], grid: [])
      let interpreter = try Interpreter(kernel: traced.kernel)
      return traced.kernel.tensors.indices.filter { interpreter.needsFresh[$0] }.map { traced.kernel.tensors[$0].name }
        .sorted()
    }
    func file(_ name: String) throws -> String {
      try String(contentsOfFile: "\(kernelsDirectory)/\(name)", encoding: .utf8)
    }
    // Whole-tile loads, zeros into PSUM, covering copies, and strips filled tile by tile by an
    // inner loop of loads, swept whole: nothing to poison.
    #expect(try fresh(file("matmul_tiled.py"), [[256, 256], [256, 1024]]) == [])
    #expect(try fresh(file("matmul_hoisted.py"), [[256, 512], [256, 1024]]) == [])
    #expect(try fresh(file("matmul_optimized.py"), [[512, 512], [512, 2048]]) == [])
    // Masked (ragged) loads may write part of their tiles.
    #expect(try fresh(file("tensor_add.py"), [[300, 700], [300, 700]]) == ["a_tile", "b_tile", "c_tile"])
    let header = "from neuronxcc import nki\nimport neuronxcc.nki.language as nl\n\n@nki.jit\n"
    // The tile's first write sits in an inner loop (which might not run).
    let inner =
      header + """
        def k(x):
            out = nl.ndarray((512, 64), dtype=x.dtype, buffer=nl.shared_hbm)
            for i in nl.affine_range(4):
                t = nl.ndarray((128, 64), dtype=x.dtype, buffer=nl.sbuf)
                for j in nl.sequential_range(2):
                    t[...] = nl.load(x[i * 128:(i + 1) * 128, 0:64])
                nl.store(out[i * 128:(i + 1) * 128, 0:64], value=t)
            return out
        """
    #expect(try fresh(inner, [[512, 64]]) == ["t"])
    // Read (accumulated into) before any whole write.
    let accumulate =
      header + """
        def k(x):
            out = nl.ndarray((512, 64), dtype=x.dtype, buffer=nl.shared_hbm)
            for i in nl.affine_range(4):
                t = nl.ndarray((128, 64), dtype=x.dtype, buffer=nl.sbuf)
                t[...] = nl.add(t, nl.load(x[i * 128:(i + 1) * 128, 0:64]))
                nl.store(out[i * 128:(i + 1) * 128, 0:64], value=t)
            return out
        """
    #expect(try fresh(accumulate, [[512, 64]]) == ["t"])
    // A strip swept by an inner loop: whole when the loop runs over every slot, not otherwise.
    func strip(_ slots: Int) -> String {
      header + """
        def k(x):
            out = nl.ndarray((512, 64), dtype=x.dtype, buffer=nl.shared_hbm)
            i_p, i_f = nl.mgrid[0:128, 0:64]
            for i in nl.affine_range(4):
                s = nl.ndarray((4, nl.par_dim(128), 64), dtype=x.dtype, buffer=nl.sbuf)
                for j in nl.affine_range(\(slots)):
                    s[j, i_p, i_f] = nl.load(x[i * 128 + i_p, i_f])
                nl.store(out[i * 128 + i_p, i_f], value=s[0, i_p, i_f])
            return out
        """
    }
    #expect(try fresh(strip(4), [[512, 64]]) == [])
    #expect(try fresh(strip(3), [[512, 64]]) == ["s"])
  }
}
