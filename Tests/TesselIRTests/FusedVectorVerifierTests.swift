import TesselIR
import Testing

/// The verifier rules of `scalar_tensor_tensor` and `tensor_scalar_reduce`.
@Suite("Verifier: scalar_tensor_tensor and tensor_scalar_reduce")
struct FusedVectorVerifierTests {
  func tiles(
    _ b: inout KernelBuilder, dataIn: MemorySpace = .sbuf, operand1In: MemorySpace = .sbuf, operand1: [Int] = [8, 4]
  )
    -> (View, View, View)
  {
    let d = b.declareTensor(name: "d", space: dataIn, shape: [8, 4], dtype: .float32)
    let o = b.declareTensor(name: "o", space: operand1In, shape: operand1, dtype: .float32)
    let r = b.declareTensor(name: "r", space: .sbuf, shape: [8, 4], dtype: .float32)
    b.emit(.memset(dst: .whole(d, shape: [8, 4]), value: 1))
    b.emit(.memset(dst: .whole(o, shape: operand1), value: 1))
    return (.whole(r, shape: [8, 4]), .whole(d, shape: [8, 4]), .whole(o, shape: operand1))
  }

  @Test("operand1 must have the data's shape")
  func operand1Shape() {
    let e = verifyError { b in
      let (r, d, o) = tiles(&b, operand1: [8, 1])
      b.emit(
        .scalarTensorTensor(
          dst: r, src: d, op0: .add, operand0: .scalar(1), reverse0: false, op1: .multiply, operand1: o, reverse1: false
        ))
    }
    guard case .shapeMismatch(let names, _)? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
    #expect(names == ["data", "operand1", "dst"])
  }

  @Test("data and operand1 cannot both be in PSUM")
  func bothPSUM() {
    let e = verifyError { b in
      let (r, d, o) = tiles(&b, dataIn: .psum, operand1In: .psum)
      b.emit(
        .scalarTensorTensor(
          dst: r, src: d, op0: .add, operand0: .scalar(1), reverse0: false, op1: .multiply, operand1: o, reverse1: false
        ))
    }
    guard case .wrongMemorySpace(let operand, _, .psum)? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
    #expect(operand == "operand1")
  }

  @Test("bitwise operators are refused by both instructions")
  func bitwise() {
    for fused in [true, false] {
      let e = verifyError { b in
        let (r, d, o) = tiles(&b)
        if fused {
          b.emit(
            .scalarTensorTensor(
              dst: r, src: d, op0: .bitwiseAnd, operand0: .scalar(1), reverse0: false, op1: .add, operand1: o,
              reverse1: false))
        } else {
          let red = b.declareTensor(name: "red", space: .sbuf, shape: [8, 1], dtype: .float32)
          b.emit(
            .tensorScalarReduce(
              dst: r, src: d, op0: .bitwiseOr, operand0: .scalar(1), reverse0: false, reduceOp: .add,
              reduceDst: .whole(red, shape: [8, 1])))
        }
      }
      guard case .invalidOp? = e?.kind else {
        Issue.record("got \(String(describing: e))")
        continue
      }
    }
  }

  @Test("reduce_op is add, multiply, max or min, and reduce_res a [P, 1] column")
  func reduceRules() {
    let badOp = verifyError { b in
      let (r, d, _) = tiles(&b)
      let red = b.declareTensor(name: "red", space: .sbuf, shape: [8, 1], dtype: .float32)
      b.emit(
        .tensorScalarReduce(
          dst: r, src: d, op0: .add, operand0: .scalar(1), reverse0: false, reduceOp: .subtract,
          reduceDst: .whole(red, shape: [8, 1])))
    }
    guard case .invalidOp(let op, _)? = badOp?.kind else {
      Issue.record("got \(String(describing: badOp))")
      return
    }
    #expect(op == "subtract")
    let badShape = verifyError { b in
      let (r, d, _) = tiles(&b)
      let red = b.declareTensor(name: "red", space: .sbuf, shape: [8, 2], dtype: .float32)
      b.emit(
        .tensorScalarReduce(
          dst: r, src: d, op0: .add, operand0: .scalar(1), reverse0: false, reduceOp: .add,
          reduceDst: .whole(red, shape: [8, 2])))
    }
    guard case .shapeMismatch(let names, _)? = badShape?.kind else {
      Issue.record("got \(String(describing: badShape))")
      return
    }
    #expect(names == ["reduce_res"])
  }

  @Test("both run on the Vector engine only")
  func vectorOnly() {
    let e = verifyError { b in
      let (r, d, o) = tiles(&b)
      b.emit(
        .scalarTensorTensor(
          dst: r, src: d, op0: .add, operand0: .scalar(1), reverse0: false, op1: .multiply, operand1: o, reverse1: false
        ), engine: .scalar)
    }
    guard case .wrongEngine(.scalar, let allowed)? = e?.kind else {
      Issue.record("got \(String(describing: e))")
      return
    }
    #expect(allowed == [.vector])
  }
}
