import TesselDSL
import TesselIR
import Testing

@Suite("Errors point at the Swift call site")
struct LocationTests {
  @Test("a verifier error (matmul contraction mismatch) is located at the matmul call")
  func verifierErrorAtCallSite() {
    let expectedLine = #line + 6
    let k = SwiftKernel(
      name: "bad", parameters: [KernelParameter("a", shape: [128, 64]), KernelParameter("b", shape: [64, 512])]
    ) { args in
      let a = load(args[0])
      let b = load(args[1])
      let p = matmul(a, b)
      store(output("out", shape: [64, 512], dtype: .float32), value: p)
    }
    do {
      _ = try k.build(target: .trn2)
      Issue.record("expected a contraction error")
    } catch {
      #expect(error.operation == "nc_matmul")
      #expect(error.location.file == "TesselDSLTests/LocationTests.swift")
      #expect(error.location.line == expectedLine)
      // The column is where the call's argument list starts: `matmul(` ends at column 21.
      #expect(error.location.column == 21)
      #expect(error.message.contains("contraction dimension mismatch"))
    }
  }

  @Test("an out-of-bounds slice of an HBM tensor inside a loop is located at the load")
  func outOfBoundsInLoop() {
    let k = SwiftKernel(name: "oob", parameters: [KernelParameter("x", shape: [300, 64])]) { args in
      let out = output("out", shape: [300, 64], dtype: .float32)
      affineRange(3) { t in
        let tile = load(args[0][t * 128 ..+ 128, 0..<64])  // no mask: rows 256..<384 do not exist
        store(out[t * 128 ..+ 128, 0..<64], value: tile)
      }
    }
    do {
      _ = try k.build()
      Issue.record("expected an out-of-bounds error")
    } catch {
      #expect(error.operation == "load")
      #expect(error.location.line == #line - 9)
      #expect(error.message.contains("Out-of-bound access for tensor `x` on dimension 0"))
    }
  }

  @Test("a subscript outside the tile is reported (by the verifier) at the call that uses it")
  func subscriptError() {
    let k = SwiftKernel(name: "slice", parameters: [KernelParameter("x", shape: [128, 64])]) { args in
      let t = load(args[0])
      store(output("out", shape: [128, 64], dtype: .float32), value: t[0..., 32..<96])
    }
    #expect(throws: KernelError.self) { try k.build() }
    do {
      _ = try k.build()
    } catch {
      #expect(error.location.line == #line - 6)
      #expect(error.operation == "store")
      #expect(error.message.contains("on dimension 1: index range [32, 95] exceed dimension size of 64"))
    }
  }

  @Test("a tile from another kernel body is rejected where it is used")
  func foreignTile() throws {
    nonisolated(unsafe) var leaked: Tile<SBUF>?
    let first = SwiftKernel(name: "first", parameters: [KernelParameter("x", shape: [128, 8])]) { args in
      let t = load(args[0])
      store(output("out", shape: [128, 8], dtype: .float32), value: t)
      let _ = { leaked = t }()
    }
    _ = try first.build()
    let captured = leaked
    let second = SwiftKernel(name: "second", parameters: [KernelParameter("x", shape: [128, 8])]) { _ in
      if let captured {
        store(output("out", shape: [128, 8], dtype: .float32), value: captured)
      }
    }
    #expect {
      try second.build()
    } throws: { error in
      (error as? KernelError)?.message.contains("belongs to another kernel body") == true
    }
  }

  @Test("parameters out of range and masks over missing axes are reported, not trapped")
  func misuse() {
    let k = SwiftKernel(name: "misuse", parameters: [KernelParameter("x", shape: [128, 8])]) { args in
      let t = load(args[3])
      store(output("out", shape: [128, 8], dtype: .float32), value: t, mask: GridIndex.axis(4) < 2)
    }
    #expect(throws: KernelError.self) { try k.build() }
  }

  @Test("tensor_scalar's second stage needs both op1 and operand1; one alone is an error at the call")
  func tensorScalarHalfStage() {
    let expectedLine = #line + 3
    let k = SwiftKernel(name: "half", parameters: [KernelParameter("x", shape: [128, 8])]) { args in
      let t = load(args[0])
      let y = tensorScalar(t, op0: .add, operand0: 1, op1: .multiply)
      store(output("out", shape: [128, 8], dtype: .float32), value: y)
    }
    do {
      _ = try k.build(target: .trn2)
      Issue.record("expected an error")
    } catch {
      #expect(error.message == "invalid op op1 for 'tensor_scalar': op1 and operand1 must be given together")
      #expect(error.location.line == expectedLine)
    }
  }
}
