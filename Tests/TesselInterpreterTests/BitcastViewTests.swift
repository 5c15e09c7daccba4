import TesselIR
import TesselMachine
import Testing

@testable import TesselInterpreter

/// Bitcast views (`tile.view(dtype)`, ``BitcastView``) against plain byte-level references
/// built from Swift's own bit patterns.
@Suite("Bitcast views")
struct BitcastViewTests {
  /// The little-endian bytes of one element as the device holds it.
  static func bytes(_ x: Float, _ dtype: DType) -> [UInt8] {
    let bits: UInt32
    switch dtype {
    case .float32: bits = x.bitPattern
    case .bfloat16: bits = x.bitPattern >> 16
    case .int16: bits = UInt32(UInt16(bitPattern: Int16(x)))
    case .uint8, .uint16, .uint32: bits = UInt32(x)
    default: bits = dtype.encode(x)
    }
    return (0..<dtype.byteSize).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt32($0))) }
  }

  /// One element of `dtype` from its little-endian bytes.
  static func value(_ b: ArraySlice<UInt8>, _ dtype: DType) -> Float {
    let bits = b.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    switch dtype {
    case .float32: return Float(bitPattern: bits)
    case .bfloat16: return Float(bitPattern: bits << 16)
    case .int16: return Float(Int16(bitPattern: UInt16(bits)))
    case .uint8, .uint16, .uint32: return Float(bits)
    default: return dtype.decode(bits)
    }
  }

  /// `xs` (rows of `from`) reinterpreted row by row as `to`.
  static func reference(_ xs: [Float], rows: Int, from: DType, to: DType) -> [Float] {
    let perRow = xs.count / rows
    var out: [Float] = []
    for r in 0..<rows {
      let b = xs[(r * perRow)..<((r + 1) * perRow)].flatMap { bytes($0, from) }
      out += stride(from: 0, to: b.count, by: to.byteSize).map { value(b[$0..<($0 + to.byteSize)], to) }
    }
    return out
  }

  /// Values of `dtype` whose bytes, read as any dtype of the sweep, are finite numbers: each
  /// byte is below 0x70, so no exponent field is all ones.
  static func safeValues(_ n: Int, _ dtype: DType, seed: Int) -> [Float] {
    var state = UInt64(seed &+ 0x9E37_79B9)
    func byte() -> UInt8 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8((state >> 33) % 0x70)
    }
    return (0..<n).map { _ in value(ArraySlice((0..<dtype.byteSize).map { _ in byte() }), dtype) }
  }

  static let pairs: [(from: DType, to: DType, fromShape: [Int])] = [
    (.float32, .float8e4m3, [1]),  // a [P, 1] fp32 scale as 4 fp8 bytes
    (.float32, .bfloat16, [3]),
    (.bfloat16, .float32, [6]),
    (.uint8, .float32, [8]),
    (.int16, .uint8, [5]),
    (.float8e4m3, .bfloat16, [6]),
    (.float32, .bfloat16, [2, 3]),
  ]

  @Test("reading through a view gives the base's bytes in the view's dtype (1, 7, 128 partitions)")
  func readThroughView() throws {
    for partitions in [1, 7, 128] {
      for (i, pair) in Self.pairs.enumerated() {
        var k = TileKernel()
        let shape = [partitions] + pair.fromShape
        let x = k.input("x", shape, pair.from)
        let t = k.tile("t", shape, pair.from)
        k.load(t, x)
        let v = try k.b.declareBitcast(name: "t_view", of: t, as: pair.to)
        let viewShape = k.b.tensor(v).shape
        #expect(viewShape.last == (pair.fromShape.last ?? 0) * pair.from.byteSize / pair.to.byteSize)
        let out = k.output("out", viewShape, pair.to)
        k.store(out, v)
        let xs = Self.safeValues(shape.reduce(1, *), pair.from, seed: i * 1000 + partitions)
        let r = try k.run([out], [xs])
        let expected = Self.reference(xs, rows: partitions, from: pair.from, to: pair.to)
        #expect(
          r.outputs[0].map(\.bitPattern) == expected.map(\.bitPattern), "\(pair.from) → \(pair.to), P=\(partitions)")
        #expect(r.report.warnings.isEmpty)
      }
    }
  }

  @Test("writing part of a view changes exactly those bytes of the base")
  func writeThroughView() throws {
    for partitions in [1, 7, 128] {
      var k = TileKernel()
      let y = k.input("y", [partitions, 4], .bfloat16)
      let base = k.tile("base", [partitions, 4])
      k.b.emit(.memset(dst: k.whole(base), value: 3.5))
      let v = try k.b.declareBitcast(name: "base_bf16", of: base, as: .bfloat16)
      // view[:, 2:6] = y: the bf16 halves of base elements 1 and 2.
      let part = View(
        tensor: v, start: [AffineExpr(), AffineExpr(constant: 2)],
        dims: [.along(0, of: 2, count: partitions), .along(1, of: 2, count: 4)])
      let ty = k.tile("ty", [partitions, 4], .bfloat16)
      k.load(ty, y)
      k.b.emit(.tensorCopy(dst: part, src: k.whole(ty)))
      let out = k.output("out", [partitions, 4])
      k.store(out, base)
      let ys = Self.safeValues(partitions * 4, .bfloat16, seed: partitions)
      let r = try k.run([out], [ys])
      var expected: [Float] = []
      for p in 0..<partitions {
        var row = [Float](repeating: 3.5, count: 4).flatMap { Self.bytes($0, .float32) }
        let written = ys[(p * 4)..<(p * 4 + 4)].flatMap { Self.bytes($0, .bfloat16) }
        row.replaceSubrange(4..<12, with: written)
        expected += stride(from: 0, to: 16, by: 4).map { Self.value(row[$0..<($0 + 4)], .float32) }
      }
      #expect(r.outputs[0].map(\.bitPattern) == expected.map(\.bitPattern), "P=\(partitions)")
    }
  }

  @Test("never-written bytes are reported where the view is read, under the reader's mask")
  func neverWritten() throws {
    func run(readAll: Bool) throws -> [Diagnostic] {
      var k = TileKernel()
      let x = k.input("x", [7, 1])
      let t = k.tile("scales", [8, 1])
      // Only partitions 0..<7 of the 8 are written.
      k.b.emit(
        .load(
          dst: View(
            tensor: t, start: [AffineExpr(), AffineExpr()],
            dims: [.along(0, of: 2, count: 7), .along(1, of: 2, count: 1)]),
          src: k.whole(x)))
      let v = try k.b.declareBitcast(name: "scales_fp8", of: t, as: .float8e4m3)
      let out = k.output("out", [8, 4], .float8e4m3)
      // Reads every partition of the view, or (under a mask, as rmsnorm_quant's scale store does)
      // only the written ones.
      let mask =
        readAll ? [] : [AffineCondition(coefficients: [1, 0], offset: AffineExpr(constant: -7), comparison: .less)]
      k.b.emit(.store(dst: k.whole(out), src: k.whole(v)), mask: mask)
      // (The output's masked-off row is reported as never written either way.)
      return try k.run([out], [Self.safeValues(7, .float32, seed: 3)]).report.warnings.filter {
        !$0.message.hasPrefix("output `out`")
      }
    }
    let none = try run(readAll: false)
    #expect(none.isEmpty, "\(none)")
    let w = try run(readAll: true)
    #expect(w.count == 1)
    #expect(
      w.map(\.message).contains(
        "'store' reads 4 of 32 elements of `scales_fp8` (operand 'src') that were never written"), "\(w)")
  }

  @Test("a view takes no memory of its own, and a read in an affine loop is no dependence")
  func memoryAndDependences() throws {
    // 120,000 bytes per partition: a second copy would not fit SBUF.
    let big = try Self.loopKernel(free: 30_000)
    #expect(try Allocator(target: .trn2).plan(big).sbufHighWater == 120_000)
    let kernel = try Self.loopKernel(free: 40)
    let xs = Self.safeValues(128 * 40, .float32, seed: 9)
    let r = try Interpreter(kernel: kernel, options: RunOptions(target: .trn2)).run([xs])
    var expected: [Float] = []
    for j in 0..<4 {
      for p in 0..<128 {
        let b = Self.bytes(xs[p * 40 + j], .float32)
        expected += [Self.value(b[0..<2], .bfloat16), Self.value(b[2..<4], .bfloat16)]
      }
    }
    #expect(r.outputs[0].map(\.bitPattern) == expected.map(\.bitPattern))
    #expect(r.report.warnings.isEmpty)
  }

  /// `for i in affine_range(4): out[i] = t.view(bfloat16)[:, 2i:2i+2]`, dependence-checked.
  static func loopKernel(free: Int) throws -> Kernel {
    var k = TileKernel()
    let x = k.input("x", [128, free])
    let t = k.tile("t", [128, free])
    k.load(t, x)
    let v = try k.b.declareBitcast(name: "t_bf16", of: t, as: .bfloat16)
    let out = k.output("out", [4, 128, 2])
    let i = k.b.beginLoop(name: "i", kind: .affine, stop: 4)
    k.b.emit(
      .store(
        dst: View(
          tensor: out, start: [AffineExpr(i), AffineExpr(), AffineExpr()],
          dims: [.along(1, of: 3, count: 128), .along(2, of: 3, count: 2)]),
        src: View(
          tensor: v, start: [AffineExpr(), AffineExpr(i) * 2],
          dims: [.along(0, of: 2, count: 128), .along(1, of: 2, count: 2)])))
    try k.b.endLoop()
    k.b.setOutputs([out])
    return try k.b.finish(target: .trn2, checkDependences: true)
  }

  @Test("rules: bytes that do not divide, PSUM tiles, values an fp32 cannot hold")
  func rules() throws {
    var b = KernelBuilder(name: "k")
    let s = b.declareTensor(name: "s", space: .sbuf, shape: [4, 3], dtype: .bfloat16)
    #expect(throws: KernelError.self) { try b.declareBitcast(name: "v", of: s, as: .float32) }
    do {
      _ = try b.declareBitcast(name: "v", of: s, as: .float32)
    } catch {
      #expect(
        error.description.contains(
          "cannot view `s` [4, 3] bfloat16 as float32: its last dimension holds 6 bytes, not a multiple of 4"),
        "\(error)")
    }
    let p = b.declareTensor(name: "acc", space: .psum, shape: [4, 8], dtype: .float32)
    #expect(throws: KernelError.self) { try b.declareBitcast(name: "v", of: p, as: .bfloat16) }

    // 0x3F800001 (1.0000001 as fp32) is 1065353217 as int32: more than an fp32 holds exactly.
    var k = TileKernel()
    let x = k.input("x", [2, 2])
    let t = k.tile("t", [2, 2])
    k.load(t, x)
    let v = try k.b.declareBitcast(name: "t_i32", of: t, as: .int32)
    let out = k.output("out", [2, 2], .int32)
    k.store(out, v)
    #expect(throws: KernelError.self) { try k.run([out], [[Float(bitPattern: 0x3F80_0001), 0, 0, 0]]) }
    // Small integers round-trip.
    #expect(try k.run([out], [[0, Float(bitPattern: 7), 0, 0]]).outputs[0] == [0, 7, 0, 0])
  }

  @Test("an unmaterialised view is refused by the verifier")
  func unmaterialised() throws {
    var b = KernelBuilder(name: "k")
    let x = b.addParameter(name: "x", shape: [2, 2], dtype: .float32)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [2, 2], dtype: .float32)
    let v = try b.declareBitcast(name: "t_bf16", of: t, as: .bfloat16)
    b.emit(.load(dst: .whole(t, shape: [2, 2]), src: .whole(x, shape: [2, 2])))
    let o = b.declareTensor(name: "o", space: .sharedHBM, shape: [2, 4], dtype: .bfloat16)
    b.emit(.store(dst: .whole(o, shape: [2, 4]), src: .whole(v, shape: [2, 4])))
    #expect(throws: KernelError.self) { try Verifier(target: .trn2).verify(b.kernel) }
    let k = try b.finish(target: .trn2)
    #expect(k.instructions.map(\.operation.nkiName) == ["load", "bitcast", "store"])
  }
}
