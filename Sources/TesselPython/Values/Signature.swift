import Foundation
import TesselIR

/// A Python function signature: the parameters a native function accepts, by kind, with defaults.
///
/// The evaluator binds every call's arguments to the signature (``ParameterList/bind(function:positional:keywords:at:)``)
/// exactly as CPython binds them to a `def`, with CPython's `TypeError` wording for unexpected,
/// duplicate, missing and surplus arguments. A binding's API table is a list of signatures, so it
/// is also the data that completion, `help()` and the docs read.
///
/// ```swift
/// let s = try Signature(parsing: "nl.load(src, *, mask=None, dtype=None)")
/// s.description        // "nl.load(src, *, mask=None, dtype=None)"
/// s.keywords           // ["src", "mask", "dtype"]
/// ```
public struct Signature: Sendable, Hashable, CustomStringConvertible {
  /// How a parameter receives its argument.
  public enum ParameterKind: Sendable, Hashable {
    /// Before `/`: by position only.
    case positionalOnly
    /// By position or by keyword.
    case positionalOrKeyword
    /// After `*` or `*args`: by keyword only.
    case keywordOnly
    /// `*args`.
    case variadicPositional
    /// `**kwargs`.
    case variadicKeyword
  }

  /// A parameter's default value.
  public enum DefaultValue: Sendable, Hashable, CustomStringConvertible {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    /// A constant of the API, by its Python spelling (`nl.float32`, `reduce_cmd.idle`); the
    /// function applies it when the argument is not given.
    case symbol(String)

    public var description: String {
      switch self {
      case .none: return "None"
      case .bool(let b): return b ? "True" : "False"
      case .int(let i): return String(i)
      case .float(let f): return f == f.rounded() && abs(f) < 1e16 ? String(format1: f) : "\(f)"
      case .string(let s): return "'\(s)'"
      case .symbol(let s): return s
      }
    }
  }

  /// One parameter.
  public struct Parameter: Sendable, Hashable {
    public var name: String
    public var kind: ParameterKind
    /// The default, or nil when the argument is required.
    public var defaultValue: DefaultValue?

    public init(_ name: String, kind: ParameterKind = .positionalOrKeyword, default defaultValue: DefaultValue? = nil) {
      self.name = name
      self.kind = kind
      self.defaultValue = defaultValue
    }
  }

  /// The name shown in messages (`nisa.activation`, `len`, `list.append`).
  public var name: String
  /// The parameters in order.
  public var parameters: [Parameter]

  /// Creates a signature.
  public init(_ name: String, _ parameters: [Parameter]) {
    self.name = name
    self.parameters = parameters
  }

  /// Parses a Python signature, `name(params)`, in Python's parameter syntax: `/`, `*`,
  /// `*args`, `**kwargs`, and defaults that are literals (`None`, `True`, numbers, strings,
  /// tuples of them) or dotted names of API constants (`nl.float32`).
  ///
  /// A small dedicated parser: signatures are parsed for every function the evaluator and its
  /// bindings provide, so this must be cheap.
  public init(parsing text: String) throws(SyntaxError) {
    guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
      throw SyntaxError(.expected("a signature `name(parameters)`"), at: .unknown)
    }
    name = String(text[..<open])
    let inner = text[text.index(after: open)..<text.index(before: text.endIndex)]
    var items: [Substring] = []
    var depth = 0
    var quote: Character?
    var start = inner.startIndex
    for i in inner.indices {
      let c = inner[i]
      if let q = quote {
        if c == q { quote = nil }
        continue
      }
      switch c {
      case "'", "\"": quote = c
      case "(", "[": depth += 1
      case ")", "]": depth -= 1
      case "," where depth == 0:
        items.append(inner[start..<i])
        start = inner.index(after: i)
      default: break
      }
    }
    items.append(inner[start...])
    var params: [Parameter] = []
    var keywordOnly = false
    for raw in items {
      let item = Signature.trimmed(raw)
      if item.isEmpty {
        if items.count == 1 { break }
        throw SyntaxError(.expected("a parameter"), at: .unknown)
      }
      if item == "/" {
        for i in params.indices where params[i].kind == .positionalOrKeyword { params[i].kind = .positionalOnly }
        continue
      }
      if item == "*" {
        keywordOnly = true
        continue
      }
      if item.hasPrefix("**") {
        params.append(Parameter(String(item.dropFirst(2)), kind: .variadicKeyword))
        continue
      }
      if item.hasPrefix("*") {
        params.append(Parameter(String(item.dropFirst()), kind: .variadicPositional))
        keywordOnly = true
        continue
      }
      var paramName = item
      var dflt: DefaultValue?
      if let eq = item.firstIndex(of: "=") {
        paramName = Signature.trimmed(item[..<eq])
        dflt = try Signature.defaultValue(Signature.trimmed(item[item.index(after: eq)...]))
      }
      guard Signature.isIdentifier(paramName) else {
        throw SyntaxError(.expected("a parameter name"), at: .unknown)
      }
      params.append(Parameter(paramName, kind: keywordOnly ? .keywordOnly : .positionalOrKeyword, default: dflt))
    }
    parameters = params
  }

  /// `s` without the spaces and tabs around it (Foundation's `trimmingCharacters` goes through
  /// `NSString`, which made parsing the API tables a visible part of a command's start-up).
  static func trimmed(_ s: Substring) -> String {
    func blank(_ c: Character) -> Bool { c.isWhitespace && !c.isNewline }
    var t = s
    while let c = t.first, blank(c) { t = t.dropFirst() }
    while let c = t.last, blank(c) { t = t.dropLast() }
    return String(t)
  }

  static func isIdentifier(_ s: String) -> Bool {
    guard let f = s.first, f == "_" || f.isLetter else { return false }
    return s.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
  }

  static func defaultValue(_ t: String) throws(SyntaxError) -> DefaultValue {
    switch t {
    case "None": return .none
    case "True": return .bool(true)
    case "False": return .bool(false)
    default: break
    }
    if let i = Int(t) { return .int(i) }
    if let f = Double(t) { return .float(f) }
    if t.count >= 2, let q = t.first, q == "'" || q == "\"", t.last == q {
      return .string(String(t.dropFirst().dropLast()))
    }
    if t.hasPrefix("(") && t.hasSuffix(")") { return .symbol(t) }
    if t.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ isIdentifier(String($0)) }) {
      return .symbol(t)
    }
    throw SyntaxError(.unsupported("a default that is not a literal or a dotted name"), at: .unknown)
  }

  /// The names accepted as keywords.
  public var keywords: [String] {
    parameters.filter { $0.kind == .positionalOrKeyword || $0.kind == .keywordOnly }.map(\.name)
  }

  /// The signature as Python text: `nl.load(src, *, mask=None, dtype=None)`.
  public var description: String {
    var parts: [String] = []
    var sawStar = false
    for (i, p) in parameters.enumerated() {
      let d = p.defaultValue.map { "=\($0)" } ?? ""
      switch p.kind {
      case .positionalOnly:
        parts.append(p.name + d)
        if i + 1 == parameters.count || parameters[i + 1].kind != .positionalOnly { parts.append("/") }
      case .positionalOrKeyword: parts.append(p.name + d)
      case .keywordOnly:
        if !sawStar {
          parts.append("*")
          sawStar = true
        }
        parts.append(p.name + d)
      case .variadicPositional:
        sawStar = true
        parts.append("*" + p.name)
      case .variadicKeyword: parts.append("**" + p.name)
      }
    }
    return "\(name)(\(parts.joined(separator: ", ")))"
  }

  /// The parameters as the argument binder reads them.
  package var parameterList: ParameterList {
    ParameterList(
      named: parameters.compactMap { p in
        switch p.kind {
        case .positionalOnly, .positionalOrKeyword, .keywordOnly:
          return ParameterSpec(name: p.name, kind: p.kind, hasDefault: p.defaultValue != nil)
        default: return nil
        }
      },
      variadicPositional: parameters.contains { $0.kind == .variadicPositional },
      variadicKeyword: parameters.contains { $0.kind == .variadicKeyword })
  }
}

extension String {
  /// `1.0` style formatting of an integral double.
  package init(format1 f: Double) {
    self = String(Int(f)) + ".0"
  }
}

/// One named parameter as the argument binder sees it.
package struct ParameterSpec {
  package var name: String
  package var kind: Signature.ParameterKind
  package var hasDefault: Bool

  /// The named parameters of a `def` (positional-only, positional, keyword-only).
  static func from(_ p: Parameters) -> [ParameterSpec] {
    p.positionalOnly.map { ParameterSpec(name: $0.name, kind: .positionalOnly, hasDefault: $0.defaultValue != nil) }
      + p.positional.map {
        ParameterSpec(name: $0.name, kind: .positionalOrKeyword, hasDefault: $0.defaultValue != nil)
      }
      + p.keywordOnly.map { ParameterSpec(name: $0.name, kind: .keywordOnly, hasDefault: $0.defaultValue != nil) }
  }
}

/// A function's parameters, for binding a call's arguments.
package struct ParameterList {
  /// Positional-only, then positional-or-keyword, then keyword-only parameters.
  package var named: [ParameterSpec]
  package var variadicPositional: Bool
  package var variadicKeyword: Bool

  /// Binds a call's arguments as CPython 3.11 does (`initialize_locals`), with its errors in its
  /// order: keywords first (unknown, positional-only, duplicate), then surplus positional
  /// arguments, then missing positional, then missing keyword-only ones.
  package func bind(
    function: String, positional: [Value], keywords: [(String, Value)], at location: SourceLocation
  ) throws(TraceError) -> BoundArguments {
    var slots = [Value?](repeating: nil, count: named.count)
    let argcount = named.firstIndex { $0.kind == .keywordOnly } ?? named.count
    let n = positional.count
    for i in 0..<Swift.min(n, argcount) { slots[i] = positional[i] }
    var extra: [Value] = []
    if n > argcount && variadicPositional { extra = Array(positional[argcount...]) }
    var extraKeywords: [(String, Value)] = []
    func fail(_ p: PythonException.ArgumentProblem) -> TraceError {
      .typeError(.arguments(function: function, problem: p), at: location)
    }
    for (k, v) in keywords {
      guard let j = named.firstIndex(where: { $0.name == k && $0.kind != .positionalOnly }) else {
        if variadicKeyword {
          extraKeywords.append((k, v))
          continue
        }
        let positionalOnly = Set(named.filter { $0.kind == .positionalOnly }.map(\.name))
        let misplaced = keywords.map(\.0).filter { positionalOnly.contains($0) }
        if !misplaced.isEmpty { throw fail(.positionalOnlyAsKeyword(misplaced)) }
        throw fail(.unexpectedKeyword(k))
      }
      if slots[j] != nil { throw fail(.multipleValues(k)) }
      slots[j] = v
    }
    if n > argcount && !variadicPositional {
      let defaults = named[0..<argcount].filter(\.hasDefault).count
      let keywordOnlyGiven = (argcount..<named.count).filter { slots[$0] != nil }.count
      throw fail(
        .tooManyPositional(
          minimum: argcount - defaults, maximum: argcount, given: n, keywordOnlyGiven: keywordOnlyGiven))
    }
    let missing = (0..<argcount).filter { slots[$0] == nil && !named[$0].hasDefault }.map { named[$0].name }
    if !missing.isEmpty { throw fail(.missing(missing, keywordOnly: false)) }
    let missingKeywords = (argcount..<named.count).filter { slots[$0] == nil && !named[$0].hasDefault }.map {
      named[$0].name
    }
    if !missingKeywords.isEmpty { throw fail(.missing(missingKeywords, keywordOnly: true)) }
    return BoundArguments(slots: slots, extraPositional: extra, extraKeywords: extraKeywords)
  }
}

/// A call's arguments bound to a signature.
package struct BoundArguments {
  /// One slot per named parameter, in ``ParameterList/named`` order: nil when not given.
  package var slots: [Value?]
  /// Positional arguments beyond the named parameters (`*args`).
  package var extraPositional: [Value]
  /// Keywords that match no parameter (`**kwargs`).
  package var extraKeywords: [(String, Value)]

  /// The argument of parameter `i`, if given.
  package subscript(_ i: Int) -> Value? { i < slots.count ? slots[i] : nil }
}
