import Foundation
import TesselIR

extension Evaluator {
  /// `format(v, spec)`: Python's format-spec mini-language for str, int and float
  /// (`[[fill]align][sign][#][0][width][,|_][.precision][type]`).
  package func format(_ v: Value, _ spec: String, at loc: SourceLocation) throws(TraceError) -> String {
    if spec.isEmpty { return try str(v) }
    guard let s = FormatSpec(spec) else {
      throw TraceError.python(
        "ValueError", "Invalid format specifier '\(spec)' for object of type '\(v.typeName)'", at: loc)
    }
    func invalid() -> TraceError {
      TraceError.python(
        "ValueError", "Unknown format code '\(s.type.map(String.init) ?? "")' for object of type '\(v.typeName)'",
        at: loc)
    }
    var body: String
    var negative = false
    var numeric = true
    switch v {
    case .string(let text):
      guard s.type == nil || s.type == "s" else { throw invalid() }
      numeric = false
      body = s.precision.map { String(text.prefix($0)) } ?? text
    case .bool, .int:
      let i = try intValue(v, at: loc)
      switch s.type {
      case nil, "d", "n":
        if s.type == nil, case .bool(let b) = v, s.width == nil && s.sign == nil { return b ? "True" : "False" }
        negative = i < 0
        body = s.group(String(i.magnitude))
      case "b":
        negative = i < 0
        body = (s.alternate ? "0b" : "") + String(i.magnitude, radix: 2)
      case "o":
        negative = i < 0
        body = (s.alternate ? "0o" : "") + String(i.magnitude, radix: 8)
      case "x":
        negative = i < 0
        body = (s.alternate ? "0x" : "") + String(i.magnitude, radix: 16)
      case "X":
        negative = i < 0
        body = (s.alternate ? "0X" : "") + String(i.magnitude, radix: 16).uppercased()
      case "c":
        guard let u = Unicode.Scalar(UInt32(clamping: i)) else {
          throw TraceError.python("OverflowError", "%c arg not in range(0x110000)", at: loc)
        }
        body = String(Character(u))
        numeric = false
      case "e", "E", "f", "F", "g", "G", "%":
        return try format(.float(Double(i)), spec, at: loc)
      default: throw invalid()
      }
    case .float(let f):
      negative = f.sign == .minus && !f.isNaN
      let m = Swift.abs(f)
      switch s.type {
      case nil:
        body = s.precision.map { Evaluator.cFormat(m, "g", $0) } ?? Evaluator.floatRepr(m)
      case "e", "E", "f", "F", "g", "G":
        body = Evaluator.cFormat(m, s.type ?? "g", s.precision ?? 6)
        if s.type == "F" || s.type == "E" || s.type == "G" { body = body.uppercased() }
      case "%": body = Evaluator.cFormat(m * 100, "f", s.precision ?? 6) + "%"
      default: throw invalid()
      }
      if s.grouping != nil, let dot = body.firstIndex(where: { !$0.isNumber }) {
        body = s.group(String(body[..<dot])) + body[dot...]
      } else if s.grouping != nil {
        body = s.group(body)
      }
    default:
      if case .instance(let i) = v, let m = try lookupSpecial(i, "__format__") {
        return try str(try call(m, [.string(spec)], [], at: loc))
      }
      if let x = intLike(v) { return try format(x, spec, at: loc) }
      if case .instance(let i) = v, let e = try enumString(i) { return try format(.string(e), spec, at: loc) }
      throw TraceError.typeError(.message("unsupported format string passed to \(v.typeName).__format__"), at: loc)
    }
    var sign = ""
    if numeric {
      if negative { sign = "-" } else if s.sign == "+" { sign = "+" } else if s.sign == " " { sign = " " }
    }
    let width = s.width ?? 0
    let length = sign.count + body.count
    guard length < width else { return sign + body }
    let pad = width - length
    let fill = s.fill ?? (s.zeroPad && numeric ? "0" : " ")
    let align = s.align ?? (s.zeroPad && numeric ? "=" : (numeric ? ">" : "<"))
    let padding = { (n: Int) in String(repeating: fill, count: n) }
    switch align {
    case "<": return sign + body + padding(pad)
    case "^": return padding(pad / 2) + sign + body + padding(pad - pad / 2)
    case "=": return sign + padding(pad) + body
    default: return padding(pad) + sign + body
    }
  }

  /// A C `printf` conversion of a non-negative double.
  static func cFormat(_ x: Double, _ type: Character, _ precision: Int) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return "inf" }
    let p = Swift.min(Swift.max(precision, 0), 100)
    return String(format: "%.\(p)\(type.lowercased())", x)
  }
}

/// A parsed format specification.
struct FormatSpec {
  var fill: Character?
  var align: Character?
  var sign: Character?
  var alternate = false
  var zeroPad = false
  var width: Int?
  var grouping: Character?
  var precision: Int?
  var type: Character?

  init?(_ text: String) {
    var c = Array(text)[...]
    if c.count >= 2, "<>=^".contains(c[c.startIndex + 1]) {
      fill = c.removeFirst()
      align = c.removeFirst()
    } else if let f = c.first, "<>=^".contains(f) {
      align = c.removeFirst()
    }
    if let f = c.first, "+- ".contains(f) { sign = c.removeFirst() }
    if c.first == "#" {
      alternate = true
      c.removeFirst()
    }
    if c.first == "0" {
      zeroPad = true
      c.removeFirst()
    }
    var digits = ""
    while let d = c.first, d.isNumber {
      digits.append(d)
      c.removeFirst()
    }
    if !digits.isEmpty { width = Int(digits) }
    if let g = c.first, g == "," || g == "_" { grouping = c.removeFirst() }
    if c.first == "." {
      c.removeFirst()
      var p = ""
      while let d = c.first, d.isNumber {
        p.append(d)
        c.removeFirst()
      }
      guard let n = Int(p) else { return nil }
      precision = n
    }
    if let t = c.first {
      type = t
      c.removeFirst()
    }
    guard c.isEmpty else { return nil }
  }

  /// Groups the digits of `s` by thousands with the grouping character.
  func group(_ s: String) -> String {
    guard let g = grouping else { return s }
    var out = ""
    for (i, ch) in s.reversed().enumerated() {
      if i > 0 && i % 3 == 0 { out.append(g) }
      out.append(ch)
    }
    return String(out.reversed())
  }
}
