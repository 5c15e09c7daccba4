import TesselDSL
import TesselIR
import Testing

@Suite("Result builder: static control flow and IR loops")
struct BuilderTests {
  /// A kernel whose body uses `if`, `if`/`else`, `for` and an optional, all decided at build time.
  func controlFlow(double: Bool, bias: Bool, copies: Int) -> SwiftKernel {
    SwiftKernel(name: "flow", parameters: [KernelParameter("x", shape: [128, 64])]) { args in
      let out = output("out", shape: [128, 64], dtype: .float32)
      let x = load(args[0])
      if double {
        store(out, value: multiply(x, 2))
      } else {
        store(out, value: x)
      }
      if bias {
        store(out, value: add(x, 1))
      }
      for c in 0..<copies {
        store(out[0..<128, c * 8 ..+ 8], value: x[0..<128, 0..<8])
      }
    }
  }

  @Test("if/else, if without else and for choose and unroll at build time")
  func staticControlFlow() throws {
    let a = try controlFlow(double: true, bias: false, copies: 0).build()
    #expect(a.instructions.count == 3)  // load, tensor_scalar, store
    if case .tensorScalar(let p) = a.instructions[1].operation, p.stage1 == nil, p.stage0.operand == .scalar(2),
      !p.stage0.reversed
    {
      #expect(p.stage0.op == .multiply)
    } else {
      Issue.record("expected tensor_scalar multiply 2, got \(a.instructions[1].operation)")
    }
    let b = try controlFlow(double: false, bias: true, copies: 3).build()
    // load, store, tensor_scalar add, store, then 3 unrolled stores.
    #expect(b.instructions.count == 7)
    #expect(b.instructions.filter { if case .store = $0.operation { true } else { false } }.count == 5)
    #expect(!b.printed().contains("range"))
  }

  @Test("the body value counts the statements each branch ran")
  func statementCount() {
    let body = { (flag: Bool) -> KernelBody in
      @KernelBodyBuilder func make() -> KernelBody {
        KernelStatement(kind: "a")
        if flag { KernelStatement(kind: "b") }
        for _ in 0..<2 { KernelStatement(kind: "c") }
      }
      return make()
    }
    #expect(body(true).statements.map(\.kind) == ["a", "b", "c", "c"])
    #expect(body(false).statements.map(\.kind) == ["a", "c", "c"])
  }

  @Test("affineRange and sequentialRange produce IR loops with symbolic indices")
  func loops() throws {
    let k = SwiftKernel(name: "loops", parameters: [KernelParameter("x", shape: [512, 64])]) { args in
      let out = output("out", shape: [512, 64], dtype: .float32)
      affineRange(4, name: "i") { i in
        let t = load(args[0][i * 128 ..+ 128, 0..<64])
        sequentialRange(2, name: "j") { j in
          store(out[i * 128 ..+ 128, j * 32 ..+ 32], value: t[0..., j * 32 ..+ 32])
        }
      }
    }
    let text = try k.printedIR()
    #expect(text.contains("affine_range i in 0..<4 {"))
    #expect(text.contains("sequential_range j in 0..<2 {"))
    #expect(text.contains("x[128*i:128*i + 128, 0:64]"))
    #expect(text.contains("out[128*i:128*i + 128, 32*j:32*j + 32]"))
    let kernel = try k.build()
    #expect(kernel.indexVars.map(\.name) == ["i", "j"])
    // One load and one store inside two loops: 2 begins, 2 ends.
    #expect(kernel.instructions.count == 6)
    let canonical = kernel.printed(canonicalNames: true)
    #expect(canonical.contains("affine_range v0 in 0..<4"))
  }

  @Test("a loop with a start and a step, and program ids with a grid")
  func rangesAndGrid() throws {
    let k = SwiftKernel(name: "grid", parameters: [KernelParameter("x", shape: [256, 512])], grid: [2]) { args in
      let out = output("out", shape: [256, 512], dtype: .float32)
      let row0 = programID(0) * 128
      affineRange(0..<512, step: 256, name: "c") { c in
        store(out[row0 ..+ 128, c ..+ 256], value: load(args[0][row0 ..+ 128, c ..+ 256]))
      }
    }
    let text = try k.printedIR()
    #expect(text.contains("grid [2]"))
    #expect(text.contains("affine_range c in 0..<512 step 256 {"))
    #expect(text.contains("x[128*pid0:128*pid0 + 128, c:c + 256]"))
    let x = (0..<(256 * 512)).map { Float($0 % 97) }
    #expect(try runKernel(k, [x]) == x)
  }

  @Test("masks lower to affine conditions over the instruction's axes")
  func masks() throws {
    let k = SwiftKernel(name: "masked", parameters: [KernelParameter("x", shape: [200, 64])]) { args in
      let out = output("out", shape: [200, 64], dtype: .float32)
      affineRange(2, name: "t") { t in
        let inside = (t * 128 + GridIndex.partition < 200) && (GridIndex.free < 60)
        store(out[t * 128 ..+ 128, 0..<64], value: load(args[0][t * 128 ..+ 128, 0..<64], mask: inside), mask: inside)
      }
    }
    let kernel = try k.build()
    let masked = kernel.instructions[1]
    #expect(masked.mask.count == 2)
    #expect(masked.mask[0].coefficients == [1, 0] && masked.mask[0].comparison == .less)
    #expect(masked.mask[0].offset.constant == -200 && masked.mask[0].offset.terms.first?.coefficient == 128)
    #expect(masked.mask[1].coefficients == [0, 1] && masked.mask[1].offset == AffineExpr(constant: -60))
    #expect(try k.printedIR().contains("mask(i0 + 128*t - 200 < 0 && i1 - 60 < 0)"))
  }
}
