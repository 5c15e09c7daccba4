import TesselIR
import TesselInterpreter
import TesselNumerics
import TesselTestSupportCore
import Testing

/// The vectorised row loops (several elements at a time) against element-by-element references:
/// overlapping in-place operands, NaN and signed zeros, and `bn_stats` over four rows at once.
@Suite("Vectorised row loops against element-by-element references")
struct VectorRowTests {
  /// A `[p, n]` view of a `[p, width]` tile starting at column `column`.
  static func columns(_ t: TensorID, _ p: Int, _ n: Int, from column: Int) -> View {
    View(
      tensor: t, start: [AffineExpr(constant: 0), AffineExpr(constant: column)],
      dims: [.along(0, of: 2, count: p), .along(1, of: 2, count: n)])
  }

  /// Rows of 3 partitions, 70 columns from column 20 of a `[3, 130]` tile written at column
  /// `20 + shift` by the instruction `emit` makes from (destination, source, second tile).
  static func overlapping(
    shift: Int, _ emit: (_ dst: View, _ src: View, _ other: TensorID) -> Operation
  ) throws -> (a: [Float], b: [Float], result: [Float]) {
    var k = TileKernel()
    let (ta, tb) = k.twoLoadedInputs([overlapRows, overlapWidth])
    let out = k.output("out", [overlapRows, overlapWidth])
    k.b.emit(
      emit(
        columns(ta, overlapRows, overlapCount, from: overlapSource + shift),
        columns(ta, overlapRows, overlapCount, from: overlapSource), tb))
    k.store(out, ta)
    var rng = SeededGenerator(seed: UInt64(40 + shift))
    let av = rng.array(overlapRows * overlapWidth)
    let bv = rng.array(overlapRows * overlapWidth)
    return (av, bv, try k.run([out], [av, bv]).outputs[0])
  }
  static let overlapRows = 3
  static let overlapCount = 70
  static let overlapWidth = 130
  static let overlapSource = 20

  @Test(
    "tensor_tensor whose destination overlaps its source, shifted by fewer or more elements than a lane group",
    arguments: [-17, -16, -3, -1, 0, 1, 3, 15, 16, 17, 40])
  func overlappingInPlace(shift: Int) throws {
    let (av, bv, result) = try Self.overlapping(shift: shift) { dst, src, other in
      .tensorTensor(dst: dst, a: src, b: Self.columns(other, Self.overlapRows, Self.overlapCount, from: 0), op: .add)
    }
    // The element-by-element definition: column j of the destination gets the source's column
    // j as it is at that moment (an earlier column may have overwritten it).
    let (w, s) = (Self.overlapWidth, Self.overlapSource)
    var expected = av
    for i in 0..<Self.overlapRows {
      for j in 0..<Self.overlapCount { expected[i * w + s + shift + j] = expected[i * w + s + j] + bv[i * w + j] }
    }
    #expect(result == expected)
  }

  @Test(
    "activation with a scale and a per-partition bias whose destination overlaps its source",
    arguments: [-17, -1, 0, 1, 3, 15, 16, 17])
  func overlappingActivation(shift: Int) throws {
    let (av, bv, result) = try Self.overlapping(shift: shift) { dst, src, other in
      .activation(
        dst: dst, src: src, function: .square, scale: .scalar(1.5),
        bias: Self.columns(other, Self.overlapRows, 1, from: 0), reduceOp: nil, reduceDst: nil)
    }
    // Row by row: `x·1.5 + bias` element by element (reading the source as it is at that
    // moment), then the square of the whole destination row.
    let (w, s) = (Self.overlapWidth, Self.overlapSource)
    var expected = av
    for i in 0..<Self.overlapRows {
      for j in 0..<Self.overlapCount { expected[i * w + s + shift + j] = expected[i * w + s + j] * 1.5 + bv[i * w] }
      for j in 0..<Self.overlapCount {
        let x = expected[i * w + s + shift + j]
        expected[i * w + s + shift + j] = x * x
      }
    }
    #expect(result == expected)
  }

  @Test(
    "maximum, minimum and comparisons with NaN and signed zeros, full lane groups and a ragged tail",
    arguments: [ALUOp.maximum, .minimum, .greater, .less, .equal, .divide, .subtract])
  func specialValues(op: ALUOp) throws {
    let p = 2
    let n = 37
    var k = TileKernel()
    let (ta, tb) = k.twoLoadedInputs([p, n])
    let tc = k.tile("tc", [p, n])
    let out = k.output("out", [p, n])
    k.b.emit(.tensorTensor(dst: k.whole(tc), a: k.whole(ta), b: k.whole(tb), op: op))
    k.store(out, tc)
    let specials: [Float] = [.nan, 0, -0.0, 1, -1, .infinity, -.infinity, 2.5]
    let av = (0..<(p * n)).map { specials[$0 % specials.count] }
    let bv = (0..<(p * n)).map { specials[($0 / specials.count) % specials.count] }
    let r = try k.run([out], [av, bv])
    for i in 0..<(p * n) {
      let x = av[i]
      let y = bv[i]
      let e: Float
      switch op {
      case .maximum: e = x.isNaN || y.isNaN ? .nan : (x > y ? x : y)
      case .minimum: e = x.isNaN || y.isNaN ? .nan : (x < y ? x : y)
      case .greater: e = x > y ? 1 : 0
      case .less: e = x < y ? 1 : 0
      case .equal: e = x == y ? 1 : 0
      case .divide: e = x / y
      default: e = x - y
      }
      let got = r.outputs[0][i]
      #expect(
        got.bitPattern == e.bitPattern || (got.isNaN && e.isNaN), "\(op) at \(i): \(x), \(y) -> \(got), expected \(e)")
    }
  }

  @Test(
    "bn_stats over 1, 4, 7 and 128 partitions and odd, even and single-element rows",
    arguments: [[1, 9], [4, 1], [4, 2], [7, 301], [128, 512], [5, 64]])
  func batchNormStats(shape: [Int]) throws {
    let p = shape[0]
    let f = shape[1]
    var k = TileKernel()
    let ta = k.loadedInputs([p, f], count: 1)[0]
    let st = k.tile("st", [p, 6])
    let o = k.output("o", [p, 6])
    k.b.emit(.bnStats(dst: k.whole(st), src: k.whole(ta)))
    k.store(o, st)
    var rng = SeededGenerator(seed: UInt64(p * 1000 + f))
    // An offset makes the rounding of the running sum matter.
    let av = rng.array(p * f, 99, 101)
    let r = try k.run([o], [av])
    for i in 0..<p {
      for half in 0..<2 {
        // In order, in Double: the sum, the mean, then the squared deviations from it.
        var sum: Double = 0
        var count = 0
        for j in stride(from: half, to: f, by: 2) {
          sum += Double(av[i * f + j])
          count += 1
        }
        let mean = count == 0 ? 0 : sum / Double(count)
        var m2: Double = 0
        for j in stride(from: half, to: f, by: 2) {
          let d = Double(av[i * f + j]) - mean
          m2 += d * d
        }
        #expect(r.outputs[0][i * 6 + half * 3] == Float(count))
        #expect(r.outputs[0][i * 6 + half * 3 + 1] == Float(mean), "row \(i) half \(half)")
        #expect(r.outputs[0][i * 6 + half * 3 + 2] == Float(m2), "row \(i) half \(half)")
      }
    }
  }
}

extension TileKernel {
  /// `count` parameters (`a`, `b`, ...) of `shape`, each loaded into a tile of its own: the tiles.
  fileprivate mutating func loadedInputs(_ shape: [Int], count: Int) -> [TensorID] {
    (0..<count).map { i in
      let name = String(UnicodeScalar(UInt8(97 + i)))
      let t = tile("t" + name, shape)
      load(t, input(name, shape))
      return t
    }
  }

  /// ``loadedInputs(_:count:)`` of two.
  fileprivate mutating func twoLoadedInputs(_ shape: [Int]) -> (TensorID, TensorID) {
    let t = loadedInputs(shape, count: 2)
    return (t[0], t[1])
  }
}
