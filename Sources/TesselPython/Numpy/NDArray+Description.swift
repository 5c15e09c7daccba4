import TesselIR

/// `repr` and `str` of trace-time arrays, in numpy's layout: `array([0, 1, 2], dtype=int32)`,
/// `[[1. 0.]\n [0. 1.]]`.
extension NDArray {
  package func repr(_ ev: Evaluator) throws(TraceError) -> String {
    let body = layout(separator: ", ", indent: "array(".count)
    let defaultType = dtype == .int64 || dtype == .float64 || dtype.isBool
    return "array(" + body + (defaultType && count > 0 ? ")" : ", dtype=\(dtype))")
  }

  package func str(_ ev: Evaluator) throws(TraceError) -> String {
    layout(separator: " ", indent: 0)
  }

  /// The elements as text, padded to a common width as numpy aligns them.
  func elementTexts() -> [String] {
    if dtype.isBool {
      return values.map { $0 != 0 ? " True" : "False" }.map { values.contains(0) ? $0 : String($0.dropFirst()) }
    }
    if !dtype.isFloat { return pad(values.map { String(Int($0)) }) }
    let raw = values.map { x -> String in
      if x.isNaN { return "nan" }
      if x.isInfinite { return x < 0 ? "-inf" : "inf" }
      if x == x.rounded(), Swift.abs(x) < 1e16 { return String(Int(x)) + "." }
      return Evaluator.floatRepr(x)
    }
    // Align on the decimal point: integer parts right-aligned, fractions left-aligned.
    let parts = raw.map { s -> (Substring, Substring) in
      guard let dot = s.firstIndex(of: ".") else { return (Substring(s), "") }
      return (s[..<dot], s[dot...])
    }
    let intWidth = parts.map(\.0.count).max() ?? 0
    let fracWidth = parts.map(\.1.count).max() ?? 0
    return parts.map {
      String(repeating: " ", count: intWidth - $0.0.count) + $0.0 + $0.1
        + String(repeating: " ", count: fracWidth - $0.1.count)
    }
  }

  private func pad(_ texts: [String]) -> [String] {
    let w = texts.map(\.count).max() ?? 0
    return texts.map { String(repeating: " ", count: w - $0.count) + $0 }
  }

  /// Nested brackets over the shape, one row of the last axis per line.
  func layout(separator: String, indent: Int) -> String {
    let texts = elementTexts()
    if shape.isEmpty { return texts.first ?? "" }
    let strides = self.strides
    func build(_ axis: Int, _ offset: Int) -> String {
      if axis == shape.count - 1 {
        return "[" + (0..<shape[axis]).map { texts[offset + $0] }.joined(separator: separator) + "]"
      }
      let rowSeparator =
        separator.trimmingTrailingSpace + String(repeating: "\n", count: shape.count - 1 - axis)
        + String(repeating: " ", count: indent + axis + 1)
      return "["
        + (0..<shape[axis]).map { build(axis + 1, offset + $0 * strides[axis]) }.joined(separator: rowSeparator) + "]"
    }
    return build(0, 0)
  }
}

extension String {
  fileprivate var trimmingTrailingSpace: String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
