import TesselInterpreter
import TesselTestSupportCore
import Testing

/// `HostBLAS.sgemm` in its four operand layouts against a plain triple loop.
@Suite("HostBLAS.sgemm layouts")
struct HostBLASTests {
  @Test(
    "sgemm matches a plain loop for every operand layout",
    arguments: [(1, 1, 1), (7, 13, 5), (128, 33, 64), (3, 128, 7)])
  func layouts(m: Int, n: Int, k: Int) {
    // a[i, p] and b[p, j], stored in both orders.
    let a = randomArray(count: m * k, in: -1...1, seed: UInt64(m * 10_007 + k))
    let b = randomArray(count: k * n, in: -1...1, seed: UInt64(n * 10_009 + k))
    let aT = (0..<(k * m)).map { a[($0 % m) * k + $0 / m] }
    let bT = (0..<(n * k)).map { b[($0 % k) * n + $0 / k] }
    let expected = referenceMatmul(a, b, m: m, k: k, n: n)
    for (transposedA, transposedB) in [(false, false), (true, false), (false, true), (true, true)] {
      var c = [Float](repeating: .nan, count: m * n)
      HostBLAS.sgemm(
        transposedA ? aT : a, transposedB ? bT : b, &c, m: m, n: n, k: k, transposedA: transposedA,
        transposedB: transposedB)
      let worst = zip(c, expected).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= 1e-5 * Float(k), "transposedA \(transposedA) transposedB \(transposedB): error \(worst)")
    }
  }
}
