import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupportCore
import Testing

/// `nl.all_reduce` across SPMD programs: the programs run up to the collective, the reduction is
/// over the named launch axes, and every program of a group receives the result; against plain
/// loops over the programs (float32 accumulation in program order, one rounding to `dtype`).
@Suite("nl.all_reduce across SPMD programs")
struct AllReduceAcrossProgramsTests {
  /// Program `(a, b)` of a 2-D launch reduces its block `x[a, b]` column tile by column tile, in
  /// an `nl.affine_range` loop, and stores the result to its own block of `out`.
  static func blocks(op: String, axes: String, dtype: String, tiles: Int) -> String {
    header + """
      import numpy as np

      @nki.jit
      def k(x):
          G0, G1, P, F = x.shape
          out = nl.ndarray((G0, G1, P, F), dtype=\(dtype), buffer=nl.shared_hbm)
          a = nl.program_id(axis=0)
          b = nl.program_id(axis=1)
          FT = F // \(tiles)
          for j in nl.affine_range(\(tiles)):
              t = nl.load(x[a, b, :, j * FT:(j + 1) * FT])
              r = nl.all_reduce(t, op=\(op), program_axes=\(axes), dtype=\(dtype))
              nl.store(out[a, b, :, j * FT:(j + 1) * FT], value=r)
          return out
      """
  }

  /// The reference: for every program `(a, b)` and element, its group's blocks combined in
  /// program order in float32, rounded once to bfloat16 when `bf16`.
  static func reference(
    _ x: [Float], grid: [Int], block: Int, axes: Set<Int>, op: (Float, Float) -> Float, bf16: Bool
  ) -> [Float] {
    var out = [Float](repeating: 0, count: x.count)
    for a in 0..<grid[0] {
      for b in 0..<grid[1] {
        let group = (0..<grid[0]).flatMap { qa in (0..<grid[1]).map { qb in (qa, qb) } }.filter { q in
          (axes.contains(0) || q.0 == a) && (axes.contains(1) || q.1 == b)
        }
        for e in 0..<block {
          var acc = x[(group[0].0 * grid[1] + group[0].1) * block + e]
          for q in group.dropFirst() { acc = op(acc, x[(q.0 * grid[1] + q.1) * block + e]) }
          out[(a * grid[1] + b) * block + e] = bf16 ? Float(bfloat16RoundedToNearestEven: acc) : acc
        }
      }
    }
    return out
  }

  static func run(_ src: String, _ x: HostArray, grid: [Int]) throws -> (Kernel, HostRunResult) {
    let traced = try NKIFile(source: src, file: "t.py").trace(
      arguments: [.tensor(shape: x.shape, dtype: .float32)], grid: grid)
    return (traced.kernel, try Interpreter(kernel: traced.kernel).run(hostArrays: [x]))
  }

  @Test(
    "1, 2 and 4 programs, and 2-D grids reduced over one axis or both: add and max, fp32 and bf16, ragged tiles",
    arguments: [
      ([1, 1], "[a]", 1, 5, 1), ([2, 1], "[a]", 7, 33, 3), ([4, 1], "(0,)", 128, 12, 2), ([2, 3], "[b]", 7, 10, 2),
      ([2, 3], "[a]", 1, 7, 1), ([2, 2], "[a, b]", 5, 6, 3),
    ] as [([Int], String, Int, Int, Int)])
  func sweep(grid: [Int], axes: String, p: Int, f: Int, tiles: Int) throws {
    let reduced: Set<Int> = axes.contains("a") || axes.contains("0") ? [0] : []
    let axisSet = reduced.union(axes.contains("b") ? [1] : [])
    let shape = grid + [p, f]
    var rng = SeededGenerator(seed: UInt64(p * 100 + f))
    let xv = (0..<shape.reduce(1, *)).map { _ in Float.random(in: -3...3, using: &rng) }
    let x = try HostArray(shape: shape, dtype: .float32, values: xv)
    let ops: [(String, (Float, Float) -> Float)] = [("np.add", { $0 + $1 }), ("nl.maximum", { Swift.max($0, $1) })]
    for (name, op) in ops {
      for dtype in ["nl.float32", "nl.bfloat16"] {
        let src = Self.blocks(op: name, axes: axes, dtype: dtype, tiles: tiles)
        let (kernel, r) = try Self.run(src, x, grid: grid)
        let expected = Self.reference(
          xv, grid: grid, block: p * f, axes: grid[0] > 1 || grid[1] > 1 ? axisSet : [], op: op,
          bf16: dtype == "nl.bfloat16")
        #expect(r.outputs[0].floatValues() == expected, "\(name) \(dtype) grid \(grid)")
        #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
        if grid.reduce(1, *) > 1 {
          // Traced once per program, interleaved at each collective (one per column tile).
          #expect(Set(kernel.instructions.map(\.program)) == Set(0..<grid.reduce(1, *)))
          #expect(kernel.rendezvous.count == 2 * tiles)
        }
      }
    }
  }

  @Test("every program stores the reduced tile to the same HBM tensor: equal writes pass", arguments: [2, 4])
  func equalWrites(programs: Int) throws {
    let src = AllReduceTests.kernel(axes: "[shard_id]")
    let xv = (0..<(7 * 9)).map { Float($0 % 11) - 4.5 }
    let (_, r) = try Self.run(src, try HostArray(shape: [7, 9], dtype: .float32, values: xv), grid: [programs])
    var expected = xv
    for _ in 1..<programs { expected = zip(expected, xv).map { $0 + $1 } }
    #expect(r.outputs[0].floatValues() == expected)
  }

  @Test("mask= limits the reduction and leaves the rest of the destination", arguments: [1, 7, 128])
  func masked(p: Int) throws {
    let src = AllReduceTests.kernel(axes: "[shard_id]", mask: "(i_f < 3)")
    let f = 5
    let xv = (0..<(p * f)).map { Float($0 % 17) * 0.5 }
    let (_, r) = try Self.run(src, try HostArray(shape: [p, f], dtype: .float32, values: xv), grid: [2])
    let expected = xv.enumerated().map { k, v in k % f < 3 ? v + v : 0 }
    #expect(r.outputs[0].floatValues() == expected)
  }

  /// A kernel whose programs store different values to one element after the collective.
  @Test("programs storing different values to one element after the collective: the dependence error")
  func differingWrites() throws {
    let src =
      header + """
        import numpy as np

        @nki.jit
        def k(x):
            out = nl.ndarray((1, 4), dtype=x.dtype, buffer=nl.shared_hbm)
            pid = nl.program_id(axis=0)
            t = nl.load(x[pid:pid + 1, :])
            s = nl.all_reduce(t, op=np.add, program_axes=[pid])
            nl.store(out, value=nl.add(s, t))
            return out
        """
    let x = try HostArray(shape: [2, 4], dtype: .float32, values: (0..<8).map(Float.init))
    #expect {
      _ = try Self.run(src, x, grid: [2])
    } throws: { error in
      "\(error)".contains("t.py:12") && "\(error)".contains("by program instances (0) and (1) of the SPMD grid [2]")
    }
  }

  @Test(
    "what Tessel does not model is a located error at the call",
    arguments: [
      ("np.subtract", "", "order-free reductions"), ("np.add", ", asynchronous=True", "asynchronous=True"),
    ])
  func refused(op: String, more: String, message: String) {
    #expect {
      _ = try AllReduceTests.trace(
        AllReduceTests.kernel(axes: "[0]", op: op, more: more), shape: [4, 4], grid: [2])
    } throws: { error in
      guard let e = error as? TraceError else { return false }
      return e.location.line == 14 && "\(e)".contains(message)
    }
  }
}
