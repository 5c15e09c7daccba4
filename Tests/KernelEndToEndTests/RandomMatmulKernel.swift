import TesselHost
import TesselIR

/// A random tiled matmul: `out = lhsT.T @ rhs` over `mTiles × nTiles` output tiles, each
/// accumulating `kTiles` contraction tiles with `acc += ...` into a PSUM `nl.zeros` tile, as
/// kernels/matmul_tiled.py does, in fp32 or bf16, written both as NKI source and as a triple loop.
struct RandomMatmulKernel {
  /// How the product of one K tile is written.
  enum Form: CaseIterable {
    /// `nisa.nc_matmul(a_tile, b_tile)`, `a` in the `[K, M]` (lhsT) layout.
    case ncMatmul
    /// `nisa.nc_matmul(stationary=a_tile, moving=b_tile)`.
    case ncMatmulKeywords
    /// `nl.matmul(a_tile, b_tile, transpose_x=True)`.
    case matmulTransposed
    /// `nl.matmul(a_tile, b_tile)` with `a` in the `[M, K]` layout (the tracer transposes it).
    case matmulPlain
  }

  /// What happens to the PSUM accumulator before the store.
  enum Epilogue: CaseIterable {
    /// `nl.copy(acc, dtype=out.dtype)`.
    case copy
    /// `nl.multiply(acc, s, dtype=out.dtype)`.
    case scale
    /// `nl.add(acc, s)`, an fp32 tile the store rounds.
    case shift
    /// `nl.store` straight from PSUM.
    case direct
  }

  /// Tile sizes: `tileK` contraction rows (partitions), `tileM` stationary and `tileN` moving columns.
  var tileK: Int, tileM: Int, tileN: Int
  /// Tile counts along each dimension.
  var kTiles: Int, mTiles: Int, nTiles: Int
  var dtype: DType
  var form: Form, epilogue: Epilogue
  /// The scalar of `.scale` and `.shift`.
  var scalar: Float
  /// Whether the K loop is `nl.sequential_range` rather than `nl.affine_range`.
  var sequentialK: Bool
  /// Whether tiles are addressed with `nl.arange` grids rather than slices.
  var arangeIndexing: Bool

  /// Builds the kernel for `seed`.
  init(seed: UInt64) {
    var c = KernelChooser(seed: seed, salt: 0x4D4D)
    tileK = c.pick([1, 7, 32, 128])
    tileM = c.pick([1, 7, 64, 128])
    tileN = c.pick([1, 5, 100, 512])
    kTiles = 1 + c.below(3)
    mTiles = c.chance(0.3) ? 2 : 1
    nTiles = c.chance(0.3) ? 2 : 1
    dtype = c.pick([DType.float32, .bfloat16])
    form = c.pick(Form.allCases)
    epilogue = c.pick(Epilogue.allCases)
    scalar = c.pick([-1.5, -0.5, 0.25, 2])  // never 0, which would hide the product
    sequentialK = c.chance(0.3)
    arangeIndexing = c.chance(0.5)
    // The reference is a plain triple loop in a debug build: at most one full 128×512×128 tile's work.
    while tileM * mTiles * tileN * nTiles * tileK * kTiles > 128 * 512 * 128 {
      if kTiles > 1 { kTiles -= 1 } else if nTiles > 1 { nTiles -= 1 } else { mTiles -= 1 }
    }
  }

  var K: Int { tileK * kTiles }
  var M: Int { tileM * mTiles }
  var N: Int { tileN * nTiles }
  /// The shape of the `a` input: `[K, M]`, or `[M, K]` for `.matmulPlain`.
  var aShape: [Int] { form == .matmulPlain ? [M, K] : [K, M] }

  /// A tile of an HBM tensor: rows `r0 + 0..<rn`, columns `c0 + 0..<cn` as a slice or arange view.
  private func tile(_ t: String, _ r: String, _ rn: Int, _ rg: String, _ col: String, _ cn: Int, _ cg: String) -> String
  {
    arangeIndexing
      ? "\(t)[\(r) * \(rn) + \(rg), \(col) * \(cn) + \(cg)]"
      : "\(t)[\(r) * \(rn):(\(r) + 1) * \(rn), \(col) * \(cn):(\(col) + 1) * \(cn)]"
  }

  /// The NKI source of kernel `k(a, b)`; with `mutant` the K loop skips its last tile (or, with
  /// a single K tile, the epilogue's scalar is off by one).
  func source(mutant: Bool = false) -> String {
    let aTile =
      form == .matmulPlain
      ? tile("a", "m", tileM, "im", "kk", tileK, "jk")
      : tile("a", "kk", tileK, "ik", "m", tileM, "jm")
    let product: String
    switch form {
    case .ncMatmul: product = "nisa.nc_matmul(a_tile, b_tile)"
    case .ncMatmulKeywords: product = "nisa.nc_matmul(stationary=a_tile, moving=b_tile)"
    case .matmulTransposed: product = "nl.matmul(a_tile, b_tile, transpose_x=True)"
    case .matmulPlain: product = "nl.matmul(a_tile, b_tile)"
    }
    let s = mutant && kTiles == 1 ? scalar + 1 : scalar
    let result: String
    switch epilogue {
    case .copy: result = "            res = nl.copy(acc, dtype=out.dtype)\n"
    case .scale: result = "            res = nl.multiply(acc, \(s), dtype=out.dtype)\n"
    case .shift: result = "            res = nl.add(acc, \(s))\n"
    case .direct: result = ""
    }
    let kRange = mutant && kTiles > 1 ? kTiles - 1 : kTiles
    return """
      import neuronxcc.nki as nki
      import neuronxcc.nki.isa as nisa
      import neuronxcc.nki.language as nl

      @nki.jit
      def k(a, b):
          out = nl.ndarray((\(M), \(N)), dtype=a.dtype, buffer=nl.shared_hbm)
          ik = nl.arange(\(tileK))[:, None]
          jk = nl.arange(\(tileK))[None, :]
          im = nl.arange(\(tileM))[:, None]
          jm = nl.arange(\(tileM))[None, :]
          jn = nl.arange(\(tileN))[None, :]
          for m in nl.affine_range(\(mTiles)):
              for n in nl.affine_range(\(nTiles)):
                  acc = nl.zeros((\(tileM), \(tileN)), dtype=nl.float32, buffer=nl.psum)
                  for kk in nl.\(sequentialK ? "sequential_range" : "affine_range")(\(kRange)):
                      a_tile = nl.load(\(aTile))
                      b_tile = nl.load(\(tile("b", "kk", tileK, "ik", "n", tileN, "jn")))
                      acc += \(product)
      \(result)            nl.store(\(tile("out", "m", tileM, "im", "n", tileN, "jn")), value=\(epilogue == .direct ? "acc" : "res"))
          return out

      """
  }

  /// The reference: a triple loop in Double (fp32 PSUM accumulation is within 2·K·u·Σ|a·b| of
  /// it), then the epilogue in fp32 and the store's rounding to the output dtype.
  func reference(_ a: [Float], _ b: [Float]) -> [Bounded] {
    var out: [Bounded] = []
    out.reserveCapacity(M * N)
    // Row i of the left operand, contiguous, and the right operand transposed: unit-stride loops.
    let aRows: [[Double]] = (0..<M).map { i in
      (0..<K).map { p in Double(form == .matmulPlain ? a[i * K + p] : a[p * M + i]) }
    }
    let bCols: [[Double]] = (0..<N).map { j in (0..<K).map { p in Double(b[p * N + j]) } }
    for i in 0..<M {
      for j in 0..<N {
        var sum = 0.0
        var abs = 0.0
        aRows[i].withUnsafeBufferPointer { x in
          bCols[j].withUnsafeBufferPointer { y in
            for p in 0..<K {
              let t = x[p] * y[p]
              sum += t
              abs += Swift.abs(t)
            }
          }
        }
        var v = Bounded(Float(sum), error: 2 * Double(K) * 0x1p-24 * abs + Bounded.slack(Float(sum)))
        switch epilogue {
        case .copy, .direct: break
        case .scale: v = Bounded.binary("multiply", v, Bounded(scalar))
        case .shift: v = Bounded.binary("add", v, Bounded(scalar))
        }
        out.append(v.stored(as: dtype))
      }
    }
    return out
  }

  /// The generated case: inputs uniform in [-1, 1], rounded to the kernel's dtype.
  func generated(seed: UInt64, mutant: Bool = false) throws -> GeneratedKernel {
    var c = KernelChooser(seed: seed, salt: 0x4D4E)
    let a = c.values(M * K, in: -1...1, dtype: dtype)
    let b = c.values(K * N, in: -1...1, dtype: dtype)
    return try GeneratedKernel(
      family: "matmul", seed: seed, mutant: mutant, source: source(mutant: mutant), dtype: dtype,
      inputs: [(aShape, a), ([K, N], b)], expected: [([M, N], reference(a, b))])
  }
}
