import Foundation

/// Adds two arrays element by element: `out[i] = a[i] + b[i]`.
///
/// The reference for `kernels/tensor_add.py` and `kernels/tensor_add_spmd.py`; the shape does not
/// matter, only that both operands have the same number of elements.
///
/// ```swift
/// referenceAdd([1, 2, 3], [10, 20, 30])  // [11, 22, 33]
/// ```
public func referenceAdd(_ a: [Float], _ b: [Float]) -> [Float] {
  precondition(a.count == b.count, "operands have \(a.count) and \(b.count) elements")
  var out = [Float](repeating: 0, count: a.count)
  for i in 0..<a.count {
    out[i] = a[i] + b[i]
  }
  return out
}

/// The activation of a scaled input, element by element: `act(x * scale)` with `act` one of
/// `identity`, `exp` and `relu` (the product rounded to fp32 first, as a tile holds it).
///
/// ```swift
/// referenceScaledActivation([-1, 0.5], scale: 2, activation: "relu")  // [0, 1]
/// ```
public func referenceScaledActivation(_ x: [Float], scale: Float, activation: String) -> [Float] {
  x.map { v in
    let s = v * scale
    switch activation {
    case "exp": return Float(Foundation.exp(Double(s)))
    case "relu": return Swift.max(s, 0)
    default: return s
    }
  }
}
