/// Formats a number as numpy prints it (short, `nan`, `inf`).
public func formatNumber(_ x: Float) -> String {
  if x.isNaN { return "nan" }
  if x.isInfinite { return x < 0 ? "-inf" : "inf" }
  if x == x.rounded() && abs(x) < 1e7 { return String(Int(x)) + "." }
  let a = abs(x)
  if a >= 1e-4 && a < 1e7 {
    var s = String(format4: Double(x))
    while s.hasSuffix("0") { s.removeLast() }
    return s
  }
  return "\(x)"
}

extension String {
  init(format4 x: Double) {
    let scaled = (x * 10000).rounded()
    let sign = scaled < 0 ? "-" : ""
    let v = Int(abs(scaled))
    let frac = v % 10000
    self = "\(sign)\(v / 10000)." + String(repeating: "0", count: 4 - String(frac).count) + String(frac)
  }
}

/// Formats values as numpy prints an array: nested brackets, elided past 1000 elements (the
/// first and last three of each dimension then).
public func formatArray(_ values: [Float], shape: [Int], dtype: DType) -> String {
  let elide = values.count > 1000
  let isInt = !dtype.isFloatingPoint
  func num(_ x: Float) -> String {
    if isInt && !x.isNaN { return String(Int(x)) }
    return formatNumber(x)
  }
  func rec(_ dim: Int, _ offset: Int, _ indent: String) -> String {
    if shape.isEmpty { return values.first.map(num) ?? "" }
    let n = shape[dim]
    let stride = shape[(dim + 1)...].reduce(1, *)
    var idx: [Int?] = Array(0..<n).map { Optional($0) }
    if elide && n > 6 { idx = [0, 1, 2, nil, n - 3, n - 2, n - 1] }
    if dim == shape.count - 1 {
      return "[" + idx.map { $0.map { num(values[offset + $0]) } ?? "..." }.joined(separator: " ") + "]"
    }
    let sep = ",\n" + String(repeating: "\n", count: max(0, shape.count - dim - 2)) + indent + " "
    return "[" + idx.map { $0.map { rec(dim + 1, offset + $0 * stride, indent + " ") } ?? "..." }.joined(separator: sep)
      + "]"
  }
  return rec(0, 0, "")
}

/// A string as Python's `repr` prints it: single quotes unless the text contains one and no
/// double quote; backslash, newline, tab, carriage return and other control characters escaped.
///
/// The result is also a valid Python string literal.
///
/// ```swift
/// pythonStringRepr("it's")   // "it's" in double quotes
/// pythonStringRepr("a\tb")  // 'a\tb'
/// ```
public func pythonStringRepr(_ s: String) -> String {
  let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
  var out = String(quote)
  for c in s.unicodeScalars {
    switch c {
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    case "\r": out += "\\r"
    default:
      if Character(c) == quote {
        out += "\\" + String(quote)
      } else if c.value < 0x20 || c.value == 0x7F {
        out += "\\x" + (c.value < 16 ? "0" : "") + String(c.value, radix: 16)
      } else {
        out.unicodeScalars.append(c)
      }
    }
  }
  out.append(quote)
  return out
}
