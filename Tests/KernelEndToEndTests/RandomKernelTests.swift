import Testing

/// Generated kernels against independent plain-loop references (issue 7).
///
/// Each case is built from its seed alone: a failure prints the family, the seed and the NKI
/// source, and `RandomRowwiseKernel(seed:)` (or the matmul and loop generators) rebuilds it.
/// The families:
/// - rowwise: elementwise chains over two inputs with `nl.sum/max/min/mean(axis=[1],
///   keepdims=True)` columns broadcast back, random row tiles (ragged, masked) and, without
///   reductions, nested column tiles;
/// - matmul: `nisa.nc_matmul` and `nl.matmul` (with and without `transpose_x`) accumulated over
///   K tiles into a PSUM accumulator, K tiles of 1–128 rows, nested M and N tile loops;
/// - loops: running values carried by `nl.sequential_range` inside `nl.affine_range`.
/// All three sweep float32 and bfloat16 inputs.
@Suite("Random valid kernels against plain loops")
struct RandomKernelTests {
  @Test("elementwise and reduction programs over ragged tiles", arguments: 0..<150)
  func rowwise(seed: Int) throws {
    let k = RandomRowwiseKernel(seed: UInt64(seed))
    expectMatchesReference(try k.generated(seed: UInt64(seed)))
  }

  @Test("matmuls accumulated over K tiles in PSUM", arguments: 0..<80)
  func matmul(seed: Int) throws {
    let k = RandomMatmulKernel(seed: UInt64(seed))
    expectMatchesReference(try k.generated(seed: UInt64(seed)))
  }

  @Test("sequential accumulation nested in affine loops", arguments: 0..<80)
  func loops(seed: Int) throws {
    let k = RandomLoopKernel(seed: UInt64(seed))
    expectMatchesReference(try k.generated(seed: UInt64(seed)))
  }

  /// The comparison must be able to fail: each generator's mutant (a flipped op, a skipped K
  /// tile, a running value that is not carried) runs against the unmutated reference, and nearly
  /// every mutant must be caught.
  ///
  /// A few are equivalent by chance (max and min of one element,
  /// `maximum(a, a)`), hence a rate rather than every one.
  @Test("mutated kernels are caught")
  func mutants() throws {
    var cases: [(GeneratedKernel, GeneratedKernel)] = []
    for seed in UInt64(0)..<15 {
      let r = RandomRowwiseKernel(seed: seed)
      if r.hasMutant { cases.append((try r.generated(seed: seed), try r.generated(seed: seed, mutant: true))) }
      let m = RandomMatmulKernel(seed: seed)
      if m.kTiles > 1 || m.epilogue == .scale || m.epilogue == .shift {
        cases.append((try m.generated(seed: seed), try m.generated(seed: seed, mutant: true)))
      }
      let l = RandomLoopKernel(seed: seed)
      if l.rowTiles > 1 && l.shape == .acrossRows || l.colTiles > 1 && l.shape == .acrossColumns {
        cases.append((try l.generated(seed: seed), try l.generated(seed: seed, mutant: true)))
      }
    }
    var caught = 0
    var missed: [String] = []
    for (real, mutant) in cases.prefix(30) {
      #expect(real.source != mutant.source, "\(real.name): the mutant is the same source")
      if differences(mutant).isEmpty { missed.append(mutant.name) } else { caught += 1 }
    }
    let total = Swift.min(cases.count, 30)
    #expect(total >= 25, "only \(total) mutants")
    #expect(caught * 10 >= total * 9, "caught \(caught) of \(total) mutants; missed: \(missed)")
  }

  /// The seeds the tests run reach every variant of every generator, so an edit that loses one
  /// (a form, an epilogue, a dtype, a reduction, column tiling, a ragged shape) is noticed.
  @Test("the generated cases cover every variant")
  func coverage() {
    let rowwise = (0..<150).map { RandomRowwiseKernel(seed: UInt64($0)) }
    let sources = rowwise.map { $0.source() }
    for call in [
      "nl.sum(", "nl.max(", "nl.min(", "nl.mean(", "nl.subtract(", "nl.maximum(", "nl.tanh(", "nl.exp(",
      "dtype=nl.bfloat16", "nl.affine_range",
    ] {
      #expect(sources.contains { $0.contains(call) }, "no rowwise case uses \(call)")
    }
    #expect(rowwise.contains { $0.tileCols != $0.cols && $0.cols % $0.tileCols != 0 }, "no ragged column tiling")
    #expect(rowwise.contains { $0.rows % $0.tileRows != 0 && $0.dtype == .bfloat16 }, "no ragged bf16 row tiling")
    let matmuls = (0..<80).map { RandomMatmulKernel(seed: UInt64($0)) }
    for f in RandomMatmulKernel.Form.allCases { #expect(matmuls.contains { $0.form == f }, "no \(f) matmul") }
    for e in RandomMatmulKernel.Epilogue.allCases { #expect(matmuls.contains { $0.epilogue == e }, "no \(e) epilogue") }
    for k in [1, 7] { #expect(matmuls.contains { $0.K == k }, "no matmul with K = \(k)") }
    #expect(matmuls.contains { $0.kTiles == 3 && $0.mTiles * $0.nTiles > 1 }, "no nested matmul with 3 K tiles")
    #expect(matmuls.contains { $0.dtype == .bfloat16 && $0.sequentialK }, "no bf16 matmul in a sequential K loop")
    let loops = (0..<80).map { RandomLoopKernel(seed: UInt64($0)) }
    for shape in [RandomLoopKernel.Shape.acrossColumns, .acrossRows] {
      for combine in ["add", "maximum"] {
        #expect(
          loops.contains { $0.shape == shape && $0.combine == combine && $0.rowTiles > 1 && $0.colTiles > 1 },
          "no \(shape) \(combine) loop nest")
      }
    }
  }
}
