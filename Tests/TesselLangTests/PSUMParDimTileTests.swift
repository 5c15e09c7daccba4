import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// A PSUM tile declared `(nl.par_dim(P), a, b, F)`: every dimension after the partition
/// dimension is a free dimension of one tile (blocks are the dimensions before `par_dim`), so it
/// needs `a·b·F` elements of one bank, not `a·b` banks; the one-bank limit and the capacity
/// check still hold.
@Suite("PSUM tiles with nl.par_dim first and several free dimensions")
struct PSUMParDimTileTests {
  static func kernel(free: [Int], copies: Int = 1) -> String {
    let shape = free.map(String.init).joined(separator: ", ")
    let names = (0..<copies).map { "ps\($0)" }
    let decls = names.map {
      "        \($0) = nl.ndarray((nl.par_dim(P), \(shape)), dtype=nl.float32, buffer=nl.psum)\n"
        + "        \($0)[...] = nl.multiply(t, 2.0)\n"
    }.joined()
    let sum = names.dropFirst().reduce("nl.add(\(names[0]), 1.0)") { "nl.add(\($0), \($1))" }
    return header + """
      @nki.jit
      def k(x):
          B, P = x.shape[0], x.shape[1]
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          for b in nl.affine_range(B):
              t = nl.load(x[b])
      \(decls)        r = \(sum)
              nl.store(out[b], r)
          return out
      """
  }

  static func run(_ src: String, _ shape: [Int]) throws -> (HostRunResult, [Float]) {
    let x = (0..<shape.reduce(1, *)).map { Float($0 % 23) * 0.5 - 3 }
    let traced = try NKIFile(source: src, file: "t.py").trace(arguments: [.tensor(shape: shape, dtype: .float32)])
    let r = try Interpreter(kernel: traced.kernel).run(hostArrays: [
      try HostArray(shape: shape, dtype: .float32, values: x)
    ])
    return (r, x)
  }

  @Test(
    "a [P, a, b, F] PSUM tile of at most one bank computes per loop iteration in one bank",
    arguments: [(1, [4, 4, 8]), (7, [16, 32, 1]), (128, [2, 8, 32])])
  func fitsOneBank(p: Int, free: [Int]) throws {
    let shape = [3, p] + free
    let (r, x) = try Self.run(Self.kernel(free: free), shape)
    // ps = 2x, r = ps + 1, elementwise: a plain loop over every element.
    let expected = x.map { $0 * 2 + 1 }
    #expect(r.outputs[0].floatValues() == expected)
    #expect(r.report.psumHighWaterBytes == 2048)
  }

  @Test("two such tiles live at once take one bank each; nine take more than PSUM has")
  func capacityStillChecked() throws {
    let free = [4, 4, 32]
    let (r, x) = try Self.run(Self.kernel(free: free, copies: 2), [2, 128] + free)
    #expect(r.outputs[0].floatValues() == x.map { $0 * 2 + 1 + $0 * 2 })
    #expect(r.report.psumHighWaterBytes == 2 * 2048)
    #expect {
      _ = try Self.run(Self.kernel(free: free, copies: 9), [1, 128] + free)
    } throws: { error in
      "\(error)".contains("PSUM capacity exceeded")
    }
  }

  @Test("more than one bank of free elements is the one-bank PSUM tile error at the declaration")
  func tooLargeForOneBank() {
    #expect {
      _ = try Self.run(Self.kernel(free: [16, 32, 2]), [1, 64, 16, 32, 2])
    } throws: { error in
      guard let e = error as? TraceError else { return false }
      return e.location.line == 10
        && "\(e)".contains("needs 4096 bytes per partition, more than one PSUM bank (2048 bytes")
    }
  }
}
