import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// `nl.transpose` of a PSUM tile: copied out to SBUF first (the Tensor engine reads SBUF), as
/// AWS's column-packing convolution transposes its PSUM reduction; against a plain loop.
@Suite("nl.transpose of a PSUM tile")
struct TransposePSUMOperandTests {
  @Test(
    "the transpose of a PSUM tile is exact and goes through a visible SBUF copy",
    arguments: [(1, 3), (7, 5), (128, 100)])
  func transposeOfPSUM(k: Int, n: Int) throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            K, N = x.shape
            out = nl.ndarray((N, K), dtype=nl.float32, buffer=nl.shared_hbm)
            ident = nl.shared_identity_matrix(K, dtype=nl.float32)
            ps = nl.ndarray((K, N), dtype=nl.float32, buffer=nl.psum)
            ps[...] = nisa.nc_matmul(nl.load(ident), nl.load(x))
            t = nl.transpose(ps)
            nl.store(out, nl.copy(t))
            return out
        """
    let values = (0..<(k * n)).map { Float(($0 * 17) % 41) / 4 - 5 }
    let (kernel, r) = try traceAndRun(src, [try HostArray(shape: [k, n], dtype: .float32, values: values)])
    #expect(kernel.tensors.contains { $0.name == "ps_sbuf" && $0.space == .sbuf })
    let out = r.outputs[0].floatValues()
    for i in 0..<k { for j in 0..<n { #expect(out[j * k + i] == values[i * n + j], "\(i), \(j)") } }
  }
}
