import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// Legacy NKI's vector-indirect DMA: an HBM tensor subscripted with a tile of indices in
/// `nl.load`, `nl.store` and `nisa.dma_copy`, against plain loops.
@Suite("Indirect (tile-indexed) loads and stores in the legacy dialect")
struct IndirectAccessTests {
  /// A gather in the style of a nearest-neighbour resize: the rows of a flattened [B, H·W, C]
  /// view picked by indices computed on chip, the last tile masked.
  static let gatherSource =
    header + """
      @nki.jit
      def gather(data, n_out):
          B, H, W, C = data.shape
          S = H * W
          out = nl.ndarray((B, n_out, C), dtype=data.dtype, buffer=nl.shared_hbm)
          flat = data.reshape(shape=(B, S, C))
          TILE = 128
          for b in nl.affine_range(B):
              for t in nl.affine_range((n_out + TILE - 1) // TILE):
                  i_p = nl.arange(TILE)[:, None]
                  i_c = nl.arange(C)[None, :]
                  pos = t * TILE + i_p
                  rows = nl.mod(nisa.iota(pos * 7 + 3, dtype=nl.int32), S, dtype=nl.int32)
                  inside = pos < n_out
                  tile = nl.load(flat[b, rows, i_c], mask=inside)
                  nl.store(out[b, pos, i_c], value=tile, mask=inside)
          return out
      """

  @Test(
    "nl.load(t[b, idx, i_f]) gathers row idx[p] for every partition; masked partitions read nothing",
    arguments: [(1, 1), (7, 5), (128, 3), (300, 2)])
  func gather(nOut: Int, channels: Int) throws {
    let (B, H, W) = (2, 5, 3)
    let S = H * W
    let x = (0..<(B * S * channels)).map { Float($0) * 0.5 - 3 }
    let (_, r) = try traceAndRun(
      Self.gatherSource, [try HostArray(shape: [B, H, W, channels], dtype: .float32, values: x)],
      literals: ["n_out": .int(nOut)])
    let out = r.outputs[0].floatValues()
    #expect(out.count == B * nOut * channels)
    for b in 0..<B {
      for i in 0..<nOut {
        let row = (i * 7 + 3) % S
        for c in 0..<channels {
          #expect(out[(b * nOut + i) * channels + c] == x[(b * S + row) * channels + c], "b \(b) i \(i) c \(c)")
        }
      }
    }
    #expect(r.report.warnings.isEmpty)
  }

  @Test(
    "nl.store(t[idx, i_f], value=) scatters row p to row idx[p], in the destination's dtype", arguments: [1, 7, 128])
  func scatter(partitions p: Int) throws {
    let src =
      header + """
        @nki.jit
        def scatter(x):
            P, F = x.shape
            out = nl.ndarray((P, F), dtype=nl.bfloat16, buffer=nl.shared_hbm)
            i_p = nl.arange(P)[:, None]
            i_f = nl.arange(F)[None, :]
            t = nl.load(x)
            # A permutation of the rows: p -> (P - 1 - p).
            rows = nisa.iota(P - 1 - i_p, dtype=nl.int32)
            nl.store(out[rows, i_f], value=t)
            return out
        """
    let f = 6
    let x = (0..<(p * f)).map { Float($0) + 0.25 }
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [p, f], dtype: .float32, values: x)])
    let out = r.outputs[0].floatValues()
    for i in 0..<p { for j in 0..<f { #expect(out[(p - 1 - i) * f + j] == DType.bfloat16.quantize(x[i * f + j])) } }
    #expect(r.report.warnings.isEmpty)
  }

  @Test("nisa.dma_copy gathers into an existing tile and scatters from one")
  func dmaCopy() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray((4, 3), dtype=x.dtype, buffer=nl.shared_hbm)
            i_p = nl.arange(4)[:, None]
            i_f = nl.arange(3)[None, :]
            rows = nisa.iota(i_p * 2, dtype=nl.int32)
            t = nl.ndarray((4, 3), dtype=x.dtype, buffer=nl.sbuf)
            nisa.dma_copy(dst=t, src=x[rows, i_f])
            back = nisa.iota(3 - i_p, dtype=nl.int32)
            nisa.dma_copy(dst=out[back, i_f], src=t)
            return out
        """
    let x = (0..<24).map(Float.init)
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [8, 3], dtype: .float32, values: x)])
    let out = r.outputs[0].floatValues()
    // out[3 - p] = x[2p]
    for p in 0..<4 { for j in 0..<3 { #expect(out[(3 - p) * 3 + j] == x[2 * p * 3 + j]) } }
  }

  /// The error of tracing (or running) `body` as a kernel over an [8, 4] fp32 input `x`.
  func failure(_ body: String) -> String? {
    let src = header + "@nki.jit\ndef k(x):\n" + body
    do {
      _ = try traceAndRun(src, [try HostArray(shape: [8, 4], dtype: .float32, values: Array(repeating: 1, count: 32))])
      return nil
    } catch let e as TraceError {
      return "\(e.location.line): \(e.message)"
    } catch let e as KernelError {
      return "\(e.location.line): \(e.message)"
    } catch {
      return "\(error)"
    }
  }

  @Test("misuses are located errors, not guesses")
  func errors() {
    let setup = """
          out = nl.ndarray((8, 4), dtype=x.dtype, buffer=nl.shared_hbm)
          i_p = nl.arange(8)[:, None]
          i_f = nl.arange(4)[None, :]
          rows = nisa.iota(i_p, dtype=nl.int32)

      """
    // Used by anything but a DMA.
    #expect(
      failure(setup + "    y = nl.exp(x[rows, i_f])\n    return out\n")
        == "10: TypeError: must be real number, not indirect access (a tensor indexed by a tile of indices, for nl.load, nl.store, nisa.dma_copy)"
    )
    #expect(
      failure(setup + "    t = nl.load(x)\n    y = nl.add(t, x[rows, i_f])\n    return out\n")?.contains(
        "indirect access") == true)
    // Float indices.
    #expect(
      failure(setup + "    f = nl.load(x)\n    y = nl.load(x[f[:, 0:1], i_f])\n    nl.store(out, y)\n    return out\n")?
        .contains("TypeError: the indices of an indirect access must be integers") == true)
    // An on-chip tile indexed indirectly.
    #expect(
      failure(setup + "    t = nl.load(x)\n    y = nl.copy(t[rows, i_f])\n    return out\n")?.contains(
        "indexing on-chip tile") == true)
    // Out of bounds at run time: the line of the load.
    #expect(
      failure(
        setup
          + "    bad = nisa.iota(i_p + 1, dtype=nl.int32)\n    y = nl.load(x[bad, i_f])\n    nl.store(out, y)\n    return out\n"
      )
        == "11: 'indirect_dma' failed to run scatter/gather (indirect memory copy via vector DGE), due to out-of-bound access: index 8 of partition 7 moves tensor `x` to [8, 8] on dimension 0, of size 8"
    )
    // Written with a plain assignment.
    #expect(
      failure(setup + "    t = nl.load(x)\n    out[rows, i_f] = t\n    return out\n")?.contains(
        "unsupported: indexing `out` with a tile of indices here") == true)
  }
}
