import TesselIR
import TesselInterpreter

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
      guard let (negative, magnitude) = integerValue(at: i), magnitude > 1 << 24 else { continue }
      // A Float holds an integer exactly when its significant bits span at most 24 bits.
      let span = (UInt64.bitWidth - magnitude.leadingZeroBitCount) - magnitude.trailingZeroBitCount
      if span > Float.significandBitCount + 1 {
        return (i, negative ? "-\(magnitude)" : "\(magnitude)")
      }
    }
    return nil
  }
}

extension Interpreter {
  /// Refuses an integer argument holding a value that fp32 elements would round, when the kernel
  /// reads the parameter as values.
  ///
  /// Elements are held as `Float`s, so an `int32` above 2^24 (say 16777217) would silently become
  /// its nearest `Float`. The one read that sees such values exactly is a bitcast view of the whole
  /// parameter, which decodes the caller's bytes (``ParameterSource/encoded(_:)``); a parameter
  /// read only that way is accepted.
  func checkExactIntegers(_ arguments: [HostArray]) throws(KernelError) {
    for (p, a) in zip(kernel.parameters, arguments) {
      let t = kernel[p.tensor]
      guard t.dtype.isInteger, let (index, value) = a.firstInexactInteger(), readsValues(of: p.tensor) else {
        continue
      }
      throw KernelError(
        .argumentMismatch(
          parameter: p.name,
          expected: "integers fp32 holds exactly (Tessel keeps elements as fp32 values: every integer up to 2^24 "
            + "in magnitude; larger ones only through a bitcast view of the whole parameter)",
          actual: "element \(index) (row-major) = \(value), which would be rounded"))
    }
  }
}
