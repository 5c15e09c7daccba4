import TesselIR
import TesselPython

/// `nl.shared_constant` and `nl.shared_identity_matrix`: read-only HBM tensors whose contents
/// the kernel gives at trace time (``TensorDecl/constantValues``).
extension Tracer {
  /// `nl.shared_constant(constant, dtype=None)` of a trace-time numpy array, and
  /// `nl.shared_identity_matrix(n, dtype=nl.uint8)`.
  func sharedConstant(_ fn: String, _ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    let shape: [Int]
    var values: [Double]
    var dtype: DType
    if fn == "shared_identity_matrix" {
      let n = try intValue(try a.require(0, "n"), at: loc)
      guard n >= 1, n <= 1 << 12 else {
        throw TraceError.python(
          "ValueError", "nl.shared_identity_matrix(n): n must be between 1 and 4096, got \(n)", at: loc)
      }
      shape = [n, n]
      values = Array(repeating: 0, count: n * n)
      for i in 0..<n { values[i * n + i] = 1 }
      dtype = .uint8
    } else {
      let c = try a.require(0, "constant")
      guard case .native(let o) = c, let array = o as? NDArray else {
        throw TraceError.python(
          "TypeError",
          "nl.shared_constant expects a numpy array built at trace time (np.identity, np.array, ...), got \(c.typeName)",
          at: loc)
      }
      shape = array.shape.isEmpty ? [1] : array.shape
      values = array.values
      dtype = array.dtype.nkiDType
    }
    if let d = try dtypeArgument(a.get(1, "dtype"), at: loc) { dtype = d }
    var rounded: [Float] = []
    rounded.reserveCapacity(values.count)
    for v in values {
      guard let x = ArrayDType.nki(dtype).convert(v) else {
        throw TraceError.unsupported(
          "nl.\(fn) with dtype \(dtype.nkiName) (Tessel does not round host values to fp8 at trace time)", at: loc)
      }
      rounded.append(Float(x))
    }
    let id = builder.declareConstant(name: freshName(), shape: shape, dtype: dtype, values: rounded, location: loc)
    return .tensor(TensorRef(id: id, view: .whole(id, shape: shape)))
  }
}
