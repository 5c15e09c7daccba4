import TesselTestSupport
import Testing

@Suite struct ReferenceMatmulTests {
  // a = [[1, 2, 3],      b = [[ 7,  8],
  //      [4, 5, 6]]           [ 9, 10],
  //                           [11, 12]]
  // c[0][0] = 1·7 + 2·9  + 3·11 =  7 + 18 + 33 =  58
  // c[0][1] = 1·8 + 2·10 + 3·12 =  8 + 20 + 36 =  64
  // c[1][0] = 4·7 + 5·9  + 6·11 = 28 + 45 + 66 = 139
  // c[1][1] = 4·8 + 5·10 + 6·12 = 32 + 50 + 72 = 154
  let a: [Float] = [1, 2, 3, 4, 5, 6]
  let b: [Float] = [7, 8, 9, 10, 11, 12]
  let product: [Float] = [58, 64, 139, 154]

  @Test func twoByThreeTimesThreeByTwo() {
    #expect(referenceMatmul(a, b, m: 2, k: 3, n: 2) == product)
  }

  @Test func transposedLeftOperand() {
    // aT = [[1, 4], [2, 5], [3, 6]], i.e. a stored with the contraction axis first.
    let aT: [Float] = [1, 4, 2, 5, 3, 6]
    #expect(referenceMatmul(transposedA: aT, b, m: 2, k: 3, n: 2) == product)
  }

  @Test func transposedVariantAgreesWithPlainOnRandomData() {
    let (m, k, n) = (5, 7, 3)
    let a = randomArray(count: m * k, in: -1...1, seed: 1)
    let b = randomArray(count: k * n, in: -1...1, seed: 2)
    let aT = referenceTranspose(a, rows: m, cols: k)
    #expect(
      referenceMatmul(transposedA: aT, b, m: m, k: k, n: n)
        == referenceMatmul(a, b, m: m, k: k, n: n))
  }

  @Test func identityIsNeutral() {
    let x = randomArray(count: 12, seed: 3)
    let identity: [Float] = [1, 0, 0, 0, 1, 0, 0, 0, 1]
    #expect(referenceMatmul(x, identity, m: 4, k: 3, n: 3) == x)
  }

  @Test func transposeOfOneMatrix() {
    // [[1, 2, 3], [4, 5, 6]] -> [[1, 4], [2, 5], [3, 6]]
    #expect(referenceTranspose(a, rows: 2, cols: 3) == [1, 4, 2, 5, 3, 6])
  }

  @Test func transposeIsBatchedAndAnInvolution() {
    // Two 2×2 matrices: [[0, 1], [2, 3]] and [[4, 5], [6, 7]].
    let x: [Float] = [0, 1, 2, 3, 4, 5, 6, 7]
    #expect(referenceTranspose(x, rows: 2, cols: 2, batch: 2) == [0, 2, 1, 3, 4, 6, 5, 7])
    let y = randomArray(count: 3 * 4 * 5, seed: 4)
    let once = referenceTranspose(y, rows: 4, cols: 5, batch: 3)
    #expect(referenceTranspose(once, rows: 5, cols: 4, batch: 3) == y)
  }

  @Test func addIsElementwise() {
    #expect(referenceAdd([1, 2, 3], [10, 20, 30]) == [11, 22, 33])
    #expect(referenceAdd([], []) == [])
  }
}
