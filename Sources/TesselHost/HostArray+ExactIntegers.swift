import TesselIR
import TesselInterpreter
import TesselNumerics

extension HostArray {
  /// The first element (row-major index and value) that a `Float` cannot hold exactly, for an
  /// integer array; `nil` when every element converts exactly or the array is not of an integer type.
  ///
  /// Only 32- and 64-bit integers can be inexact: every `int8`/`int16`/`uint8`/`uint16` value is
  /// a `Float` exactly, and so is every integer up to 2^24 in magnitude.
  public func firstInexactInteger() -> (index: Int, value: String)? {
    let wide: Bool
    switch elementType {
    case .int64, .uint64: wide = true
    case .nki(let d): wide = d == .int32 || d == .uint32
    case .float64: wide = false
    }
    guard wide else { return nil }
    for i in 0..<count {
      guard let (negative, magnitude) = integerValue(at: i),
        !IntegerArithmetic.isExactInFloat(magnitude: magnitude)
      else { continue }
      return (i, negative ? "-\(magnitude)" : "\(magnitude)")
    }
    return nil
  }
}

extension Interpreter {
  /// Refuses an integer argument that is converted to its parameter's dtype (a different element
  /// type: `int64` for an `int32` parameter, say) and holds a value fp32 elements would round.
  ///
  /// Arguments already in the parameter's dtype reach the interpreter as their bytes
  /// (``ParameterSource/encoded(_:)``), which checks them itself.
  func checkExactIntegers(_ arguments: [HostArray]) throws(KernelError) {
    for (p, a) in zip(kernel.parameters, arguments) {
      guard kernel[p.tensor].dtype.isInteger, a.elementType != .nki(kernel[p.tensor].dtype),
        let (index, value) = a.firstInexactInteger()
      else { continue }
      try checkExactInteger(p, index: index, value: value)
    }
  }
}
