import TesselIR
import TesselTestSupportCore
import Testing

/// Registers, runtime offsets (`scalar_offset`) and loops the hardware runs (`nl.dynamic_range`,
/// `while reg:`), against plain references.
@Suite("Registers, runtime offsets and dynamic loops")
struct DynamicControlFlowTests {
  static let h = 1024
  static let tileH = 512

  /// A `[rows, cols]` block of a `[_, width]` tensor at (row, col), moved by `offset` rows at run time.
  static func block(_ t: TensorID, rows: Int, cols: Int, col: AffineExpr, offset: View?) -> View {
    View(
      tensor: t, start: [AffineExpr(), col],
      dims: [.along(0, of: 2, count: rows), .along(1, of: 2, count: cols)],
      runtimeOffsets: offset.map { [RuntimeOffset(source: $0, steps: [1, 0])] } ?? [])
  }

  /// nki-library's `dynamic_elementwise_add`, by hand: `num_m_tiles` read into a register bounds a
  /// `dynamic_range`, and an SBUF counter moves the row blocks through `scalar_offset`.
  static func dynamicAdd(rows m: Int) -> TileKernel {
    var k = TileKernel()
    let a = k.input("a", [m, h])
    let b = k.input("b", [m, h])
    let n = k.input("n", [1, 1], .int32)
    let out = k.output("out", [m, h])
    let nSB = k.tile("n_sb", [1, 1], .int32)
    let reg = k.tile("reg", [1, 1], .int32)
    let mStart = k.tile("m_start", [1, 1], .int32)
    k.b.emit(.dmaCopy(dst: k.whole(nSB), src: k.whole(n)))
    k.b.emit(.registerLoad(dst: k.whole(reg), src: k.whole(nSB)))
    k.b.emit(.memset(dst: k.whole(mStart), value: 0))
    _ = k.b.beginDynamicLoop(name: "i", bound: .stop(k.whole(reg)))
    let j = k.b.beginLoop(name: "j", kind: .sequential, stop: h / tileH)
    let ta = k.tile("ta", [128, tileH])
    let tb = k.tile("tb", [128, tileH])
    let tc = k.tile("tc", [128, tileH])
    let col = AffineExpr(j) * tileH
    k.b.emit(.dmaCopy(dst: k.whole(ta), src: block(a, rows: 128, cols: tileH, col: col, offset: k.whole(mStart))))
    k.b.emit(.dmaCopy(dst: k.whole(tb), src: block(b, rows: 128, cols: tileH, col: col, offset: k.whole(mStart))))
    k.b.emit(.tensorTensor(dst: k.whole(tc), a: k.whole(ta), b: k.whole(tb), op: .add))
    k.b.emit(.dmaCopy(dst: block(out, rows: 128, cols: tileH, col: col, offset: k.whole(mStart)), src: k.whole(tc)))
    try? k.b.endLoop()
    k.b.emit(
      .tensorScalar(
        dst: k.whole(mStart), src: k.whole(mStart), op0: .add, operand0: .scalar(128), reverse0: false, op1: nil,
        operand1: nil, reverse1: false))
    try? k.b.endLoop()
    return k
  }

  @Test("dynamic_range over a register, scalar_offset from an SBUF counter", arguments: [0, 1, 3, 4])
  func dynamicAdd(tiles: Int) throws {
    let m = 512
    let k = Self.dynamicAdd(rows: m)
    var rng = SeededGenerator(seed: UInt64(tiles + 1))
    let a = rng.array(m * Self.h)
    let b = rng.array(m * Self.h)
    let out = k.b.tensorID(named: "out")
    let r = try k.run([out], [a, b, [Float(tiles)]])
    for i in 0..<(m * Self.h) {
      let written = i / Self.h < tiles * 128
      let got = r.outputs[0][i]
      #expect(written ? got == a[i] + b[i] : got.isNaN, "element \(i)")
      if written ? got != a[i] + b[i] : !got.isNaN { break }
    }
  }

  @Test("a runtime offset past the tensor stops the run at the instruction, in NKI's words")
  func runtimeOutOfBounds() throws {
    let k = Self.dynamicAdd(rows: 256)
    let n = 256 * Self.h
    #expect(throws: KernelError.self) {
      try k.run([k.b.tensorID(named: "out")], [Array(repeating: 1, count: n), Array(repeating: 1, count: n), [3]])
    }
    do {
      _ = try k.run([k.b.tensorID(named: "out")], [Array(repeating: 1, count: n), Array(repeating: 1, count: n), [3]])
    } catch let e as KernelError {
      #expect(
        e.message
          == "Out-of-bound access for tensor `a` on dimension 0: index range [256, 383] exceed dimension size of 256")
      #expect(e.operation == "dma_copy")
    }
  }

  @Test("a register holding a never-written value or a fraction is an error, not a guess")
  func nonIntegerRegister() throws {
    var k = TileKernel()
    let x = k.input("x", [1, 1])
    let out = k.output("out", [4, 4])
    let reg = k.tile("reg", [1, 1], .float32)
    let t = k.tile("t", [4, 4])
    k.b.emit(.dmaCopy(dst: k.whole(reg), src: k.whole(x)))
    k.b.emit(.memset(dst: k.whole(t), value: 1))
    _ = k.b.beginDynamicLoop(name: "i", bound: .stop(k.whole(reg)))
    k.b.emit(.dmaCopy(dst: k.whole(out), src: k.whole(t)))
    try k.b.endLoop()
    #expect(try k.run([out], [[2]]).outputs[0] == Array(repeating: 1, count: 16))
    do {
      _ = try k.run([out], [[1.5]])
      Issue.record("a fractional bound ran")
    } catch let e as KernelError {
      #expect(e.message.contains("dynamic_range holds 1.5, not an integer"))
    }
  }

  @Test("while reg: the body repeats until the register it reloads is zero", arguments: [0, 1, 5])
  func whileLoop(count: Int) throws {
    var k = TileKernel()
    let x = k.input("x", [4, 8])
    let n = k.input("n", [1, 1], .int32)
    let out = k.output("out", [4, 8])
    let acc = k.tile("acc", [4, 8])
    let counter = k.tile("counter", [1, 1], .int32)
    let reg = k.tile("reg", [1, 1], .int32)
    k.load(acc, x)
    k.b.emit(.dmaCopy(dst: k.whole(counter), src: k.whole(n)))
    k.b.emit(.registerLoad(dst: k.whole(reg), src: k.whole(counter)))
    _ = k.b.beginDynamicLoop(name: "it", bound: .condition(k.whole(reg)))
    k.b.emit(
      .tensorScalar(
        dst: k.whole(acc), src: k.whole(acc), op0: .multiply, operand0: .scalar(2), reverse0: false, op1: nil,
        operand1: nil, reverse1: false))
    k.b.emit(
      .tensorScalar(
        dst: k.whole(counter), src: k.whole(counter), op0: .subtract, operand0: .scalar(1), reverse0: false, op1: nil,
        operand1: nil, reverse1: false))
    k.b.emit(.registerLoad(dst: k.whole(reg), src: k.whole(counter)))
    try k.b.endLoop()
    k.store(out, acc)
    var rng = SeededGenerator(seed: UInt64(count))
    let xs = rng.array(32)
    let r = try k.run([out], [xs, [Float(count)]])
    #expect(r.outputs[0] == xs.map { $0 * Float(1 << count) })
  }

  @Test("a dynamic loop's variable positions views; its range is checked at run time")
  func dynamicLoopVariable() throws {
    var k = TileKernel()
    let x = k.input("x", [8, 4])
    let n = k.input("n", [1, 1], .int32)
    let out = k.output("out", [8, 4])
    let t = k.tile("t", [1, 4])
    let reg = k.tile("reg", [1, 1], .int32)
    let moved = k.tile("moved", [1, 1], .int32)
    k.b.emit(.dmaCopy(dst: k.whole(reg), src: k.whole(n)))
    k.b.emit(.registerMove(dst: k.whole(moved), src: k.whole(reg)))
    let i = k.b.beginDynamicLoop(name: "i", start: 1, step: 2, bound: .stop(k.whole(moved)))
    let row = View(
      tensor: x, start: [AffineExpr(i), AffineExpr()], dims: [.along(0, of: 2, count: 1), .along(1, of: 2, count: 4)])
    var outRow = row
    outRow.tensor = out
    k.b.emit(.dmaCopy(dst: k.whole(t), src: row))
    k.b.emit(.dmaCopy(dst: outRow, src: k.whole(t)))
    try k.b.endLoop()
    let xs = (0..<32).map(Float.init)
    let r = try k.run([out], [xs, [8]])
    for row in 0..<8 {
      for c in 0..<4 {
        let got = r.outputs[0][row * 4 + c]
        #expect(row % 2 == 1 ? got == xs[row * 4 + c] : got.isNaN)
      }
    }
    do {
      _ = try k.run([out], [xs, [10]])
      Issue.record("row 9 of an 8-row tensor was read")
    } catch let e as KernelError {
      #expect(
        e.message == "Out-of-bound access for tensor `x` on dimension 0: index range [9, 9] exceed dimension size of 8")
    }
  }

  @Test("register_store writes a register back into a tile")
  func registerStore() throws {
    var k = TileKernel()
    let x = k.input("x", [1, 1], .int32)
    let out = k.output("out", [1, 1], .int32)
    let reg = k.tile("reg", [1, 1], .int32)
    let t = k.tile("t", [1, 1], .int32)
    let back = k.tile("back", [1, 1], .int32)
    k.b.emit(.dmaCopy(dst: k.whole(t), src: k.whole(x)))
    k.b.emit(.registerLoad(dst: k.whole(reg), src: k.whole(t)))
    k.b.emit(.registerStore(dst: k.whole(back), src: k.whole(reg)))
    k.b.emit(.dmaCopy(dst: k.whole(out), src: k.whole(back)))
    #expect(try k.run([out], [[41]]).outputs[0] == [41])
  }

  @Test("the printer shows dynamic loops and runtime offsets")
  func printed() throws {
    var k = Self.dynamicAdd(rows: 256)
    k.b.setOutputs([k.b.tensorID(named: "out")])
    let text = try k.b.finish(target: .trn2).printed()
    #expect(text.contains("dynamic_range i in 0..<reg[0:1, 0:1] {"))
    #expect(text.contains("+ m_start[0:1, 0:1]·[1, 0]"))
  }

  @Test("dynamic loops need a one-element SBUF bound and a positive step")
  func verifierRules() {
    func build(bound: (inout TileKernel) -> View, step: Int = 1) -> KernelError? {
      var k = TileKernel()
      let v = bound(&k)
      _ = k.b.beginDynamicLoop(name: "i", step: step, bound: .stop(v))
      do {
        try k.b.endLoop()
        _ = try k.b.finish(target: .trn2)
        return nil
      } catch { return error }
    }
    let wide = build { k in
      let r = k.tile("r", [1, 2], .int32)
      return k.whole(r)
    }
    #expect(wide?.message.contains("one element") == true)
    let hbm = build { k in
      let r = k.input("r", [1, 1], .int32)
      return k.whole(r)
    }
    #expect(
      hbm?.message
        == "Expected operand 'dynamic_range' of 'dynamic_range' to be in address space 'sbuf', but got a tile in 'hbm' instead"
    )
    let backwards = build(
      bound: { k in
        let r = k.tile("r", [1, 1], .int32)
        return k.whole(r)
      }, step: -1)
    #expect(backwards?.message == "dynamic_range needs a positive constant step, got -1")
  }
}

extension KernelBuilder {
  /// The tensor named `name` (tests look their outputs up by name).
  func tensorID(named name: String) -> TensorID {
    var i = 0
    while true {
      if tensor(TensorID(i)).name == name { return TensorID(i) }
      i += 1
    }
  }
}
