import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// Deterministic test values: small integers and halves, exact in fp32 sums.
private func values(_ n: Int, seed: Int) -> [Float] {
  (0..<n).map { Float(($0 * 7 + seed * 13) % 11) / 2 - 2 }
}

private func array(_ shape: [Int], seed: Int) throws -> HostArray {
  try HostArray(shape: shape, dtype: .float32, values: values(shape.reduce(1, *), seed: seed))
}

private let npHeader = header + "import numpy as np\n\n"

/// Idioms of AWS's production kernels: HBM reshapes that merge dimensions, returning a reshaped
/// tensor, `nl.loop_reduce`, and `+=` of matmuls into an `nl.ndarray` PSUM tile.
///
/// Each is checked
/// against plain loops over the kernel's documented meaning.
@Suite("Production-kernel idioms of the legacy dialect")
struct ProductionIdiomTests {
  @Test(
    "reshape of an HBM tensor merging dimensions reads the same row-major elements",
    arguments: [(1, 1, 4, 5), (2, 3, 4, 5), (1, 7, 3, 9), (2, 64, 2, 3)])
  func mergingReshape(n: Int, c: Int, h: Int, w: Int) throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            N, C, H, W = x.shape
            out = nl.ndarray((N, C, H, W), dtype=x.dtype, buffer=nl.shared_hbm)
            xr = x.reshape((N * C, H * W))
            outr = out.reshape(shape=(N * C, H * W))
            t = nl.load(xr)
            nl.store(outr, nl.multiply(t, 2.0))
            return out
        """
    let x = try array([n, c, h, w], seed: 1)
    let (_, r) = try traceAndRun(src, [x])
    let xv = x.floatValues()
    #expect(r.outputs[0].shape == [n, c, h, w])
    #expect(r.outputs[0].floatValues() == xv.map { $0 * 2 })
    #expect(r.report.warnings.isEmpty)
  }

  @Test("a merging reshape of an input, indexed per row inside a loop", arguments: [(1, 3, 4), (3, 5, 2), (2, 7, 6)])
  func mergingReshapeInLoop(n: Int, h: Int, w: Int) throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            N, H, W = x.shape
            out = nl.ndarray((N * H, W), dtype=x.dtype, buffer=nl.shared_hbm)
            xr = x.reshape((N * H, W))
            for i in nl.affine_range(N):
                t = nl.load(xr[i * H:(i + 1) * H, :])
                nl.store(out[i * H:(i + 1) * H, :], nl.add(t, 1.0))
            return out
        """
    let x = try array([n, h, w], seed: 2)
    let (_, r) = try traceAndRun(src, [x])
    #expect(r.outputs[0].floatValues() == x.floatValues().map { $0 + 1 })
  }

  @Test("returning a reshaped output (merging or splitting) returns a tensor of the new shape")
  func returnReshaped() throws {
    for (newShape, merge) in [("(A * B, C)", true), ("(A, B, C // 2, 2)", false)] {
      let src =
        header + """
          @nki.jit
          def k(x):
              A, B, C = x.shape
              out = nl.ndarray((A, B, C), dtype=x.dtype, buffer=nl.shared_hbm)
              for a in nl.affine_range(A):
                  nl.store(out[a], nl.negative(nl.load(x[a])))
              return out.reshape(\(newShape))
          """
      let x = try array([3, 4, 6], seed: 3)
      let (k, r) = try traceAndRun(src, [x])
      #expect(r.outputs[0].shape == (merge ? [12, 6] : [3, 4, 3, 2]))
      #expect(r.outputs[0].floatValues() == x.floatValues().map { -$0 })
      #expect(k.tensors[k.outputs[0].index].alias == nil)
      #expect(r.report.warnings.isEmpty)
    }
  }

  @Test("returning a reshaped kernel argument is refused with a located error")
  func returnReshapedArgument() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            return x.reshape((8, 4))
        """
    #expect(throws: (any Error).self) { try traceAndRun(src, [try array([4, 8], seed: 0)]) }
  }

  @Test(
    "dst[...] = nl.loop_reduce(x, op, loop_indices) is dst = op(dst, x) over the loop",
    arguments: [("np.add", 1), ("np.max", 7), ("nl.minimum", 128), ("np.multiply", 5)])
  func loopReduce(op: String, p: Int) throws {
    let kt = 3
    let f = 6
    let src =
      npHeader + """
        @nki.jit
        def k(x):
            K, P, F = x.shape
            out = nl.ndarray((P, F), dtype=x.dtype, buffer=nl.shared_hbm)
            acc = nl.full((P, F), 1.5, dtype=nl.float32, buffer=nl.sbuf)
            for k in nl.affine_range(K):
                t = nl.load(x[k])
                acc[...] = nl.loop_reduce(t, op=\(op), loop_indices=[k], dtype=nl.float32)
            nl.store(out, acc)
            return out
        """
    let x = try array([kt, p, f], seed: 4)
    let xv = x.floatValues()
    let (_, r) = try traceAndRun(src, [x])
    var expected = [Float](repeating: 1.5, count: p * f)
    for k in 0..<kt {
      for i in 0..<(p * f) {
        let v = xv[k * p * f + i]
        switch op {
        case "np.add": expected[i] += v
        case "np.max": expected[i] = max(expected[i], v)
        case "nl.minimum": expected[i] = min(expected[i], v)
        default: expected[i] *= v
        }
      }
    }
    #expect(r.outputs[0].floatValues() == expected)
    #expect(r.report.warnings.isEmpty)
  }

  @Test("nl.loop_reduce's result used as a value is a located TypeError")
  func loopReduceAsValue() throws {
    let src =
      npHeader + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            t = nl.load(x)
            r = nl.loop_reduce(t, np.add, loop_indices=[0])
            nl.store(out, r + 1)
            return out
        """
    do {
      _ = try traceAndRun(src, [try array([4, 4], seed: 0)])
      Issue.record("expected an error")
    } catch {
      #expect("\(error)".contains("loop_reduce"))
      #expect("\(error)".contains("t.py:11:"))
    }
  }

  @Test(
    "psum += nisa.nc_matmul into an nl.ndarray PSUM tile is an accumulation group (first write overwrites)",
    arguments: [(1, 4), (7, 6), (128, 9)])
  func ndarrayAccumulation(m: Int, n: Int) throws {
    let kt = 3
    let kk = 5
    let groups = 2
    let src =
      header + """
        @nki.jit
        def k(a, b):
            G, KT, K, M = a.shape
            N = b.shape[3]
            out = nl.ndarray((G, M, N), dtype=nl.float32, buffer=nl.shared_hbm)
            for g in nl.affine_range(G):
                ps = nl.ndarray((M, N), dtype=nl.float32, buffer=nl.psum)
                for k in nl.affine_range(KT):
                    ps[...] += nisa.nc_matmul(nl.load(a[g, k]), nl.load(b[g, k]))
                nl.store(out[g], nl.copy(ps))
            return out
        """
    let a = try array([groups, kt, kk, m], seed: 5)
    let b = try array([groups, kt, kk, n], seed: 6)
    let (k, r) = try traceAndRun(src, [a, b])
    let av = a.floatValues()
    let bv = b.floatValues()
    var expected = [Float](repeating: 0, count: groups * m * n)
    for g in 0..<groups {
      for i in 0..<m {
        for j in 0..<n {
          var s: Float = 0
          for t in 0..<kt {
            for q in 0..<kk { s += av[((g * kt + t) * kk + q) * m + i] * bv[((g * kt + t) * kk + q) * n + j] }
          }
          expected[(g * m + i) * n + j] = s
        }
      }
    }
    #expect(r.outputs[0].floatValues() == expected)
    #expect(r.report.warnings.isEmpty)
    #expect(
      k.instructions.contains {
        if case .matmul(let mm) = $0.operation { return mm.accumulation == .auto } else { return false }
      })
  }

  @Test("psum += nisa.nc_matmul into a PSUM tile written before adds to what it holds")
  func initializedAccumulation() throws {
    let src =
      header + """
        @nki.jit
        def k(a, b, c):
            K, M = a.shape
            out = nl.ndarray((M, b.shape[1]), dtype=nl.float32, buffer=nl.shared_hbm)
            ps = nl.ndarray((M, b.shape[1]), dtype=nl.float32, buffer=nl.psum)
            ps[...] = nl.load(c)
            ps[...] += nisa.nc_matmul(nl.load(a), nl.load(b))
            nl.store(out, nl.copy(ps))
            return out
        """
    let (m, n, kk) = (7, 5, 4)
    let a = try array([kk, m], seed: 7)
    let b = try array([kk, n], seed: 8)
    let c = try array([m, n], seed: 9)
    let (_, r) = try traceAndRun(src, [a, b, c])
    let av = a.floatValues()
    let bv = b.floatValues()
    let cv = c.floatValues()
    var expected = cv
    for i in 0..<m { for j in 0..<n { for q in 0..<kk { expected[i * n + j] += av[q * m + i] * bv[q * n + j] } } }
    #expect(r.outputs[0].floatValues() == expected)
  }

  @Test("sizeinbytes from nki.language.constants gives an element's bytes for NKI and numpy dtypes")
  func sizeInBytes() throws {
    let src =
      npHeader + """
        from neuronxcc.nki.language.constants import sizeinbytes

        @nki.jit
        def k(x):
            out = nl.ndarray((1, 4), dtype=nl.float32, buffer=nl.shared_hbm)
            t = nl.zeros((1, 4), dtype=nl.float32, buffer=nl.sbuf)
            t[0, 0] = sizeinbytes(np.float32)
            t[0, 1] = sizeinbytes(nl.bfloat16)
            t[0, 2] = nl.constants.sizeinbytes(nl.float8_e4m3)
            t[0, 3] = sizeinbytes(x.dtype)
            nl.store(out, t)
            return out
        """
    let x = try HostArray(shape: [2, 2], dtype: .float16, values: [0, 0, 0, 0])
    let (_, r) = try traceAndRun(src, [x])
    #expect(r.outputs[0].floatValues() == [4, 2, 1, 2])
  }
}
