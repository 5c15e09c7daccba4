import TesselIR

/// Prints syntax trees as stable S-expressions, for tests and debugging.
///
/// The form is compact and one line per top-level statement:
///
/// ```
/// x = a[i, 0:4] + f(b, k=1)
/// (= x (+ (sub a (tuple i (slice 0 4 _))) (call f b (kw k 1))))
/// ```
///
/// Names print bare, literals as Python's `repr` would (`None`, `1.5`, `'s'`, `b'\x00'`),
/// operators as their spelling (`(- x)` is unary, `(- a b)` binary), and missing optional parts
/// as `_`. With `includeLocations`, every node's head gets `@line:column`.
public struct ASTPrinter: Sendable {
  /// Whether to append `@line:column` to every node.
  public var includeLocations: Bool

  /// Creates a printer.
  public init(includeLocations: Bool = false) {
    self.includeLocations = includeLocations
  }

  // MARK: Modules and statements

  /// The module, one statement per line.
  public func print(_ module: Module) -> String {
    module.statements.map { print($0) }.joined(separator: "\n")
  }

  /// One statement.
  public func print(_ statement: Stmt) -> String {
    let at = statement.location
    switch statement.kind {
    case .expression(let e):
      return node("expr", at, [print(e)])
    case .assign(let targets, let value):
      return node("=", at, targets.map { print($0) } + [print(value)])
    case .annotatedAssign(let target, let annotation, let value):
      return node("annassign", at, [print(target), print(annotation)] + (value.map { [print($0)] } ?? []))
    case .augmentedAssign(let target, let op, let value):
      return node(op.rawValue + "=", at, [print(target), print(value)])
    case .if(let clauses, let orElse):
      var parts: [String] = []
      for (i, clause) in clauses.enumerated() {
        let items = [print(clause.condition), block("body", clause.body)]
        parts.append(i == 0 ? items.joined(separator: " ") : node("elif", clause.location, items))
      }
      if !orElse.isEmpty { parts.append(block("else", orElse)) }
      return node("if", at, parts)
    case .for(let target, let iterable, let body, let orElse):
      return node(
        "for", at, [print(target), print(iterable), block("body", body)] + optionalBlock("else", orElse))
    case .while(let condition, let body, let orElse):
      return node("while", at, [print(condition), block("body", body)] + optionalBlock("else", orElse))
    case .break:
      return node("break", at, [])
    case .continue:
      return node("continue", at, [])
    case .pass:
      return node("pass", at, [])
    case .return(let value):
      return node("return", at, value.map { [print($0)] } ?? [])
    case .assert(let condition, let message):
      return node("assert", at, [print(condition)] + (message.map { [print($0)] } ?? []))
    case .delete(let targets):
      return node("del", at, targets.map { print($0) })
    case .global(let names):
      return node("global", at, names)
    case .nonlocal(let names):
      return node("nonlocal", at, names)
    case .raise(let exception, let cause):
      var parts = exception.map { [print($0)] } ?? []
      if let cause { parts.append("(from \(print(cause)))") }
      return node("raise", at, parts)
    case .try(let body, let handlers, let orElse, let finalBody):
      var parts = [block("body", body)]
      for handler in handlers {
        var items: [String] = []
        if let type = handler.type { items.append(print(type)) }
        if let name = handler.name { items.append("as \(name)") }
        items.append(block("body", handler.body))
        parts.append(node("except", handler.location, items))
      }
      parts += optionalBlock("else", orElse) + optionalBlock("finally", finalBody)
      return node("try", at, parts)
    case .with(let items, let body):
      let printed = items.map { item in
        node("item", item.location, [print(item.context)] + (item.target.map { [print($0)] } ?? []))
      }
      return node("with", at, printed + [block("body", body)])
    case .import(let names):
      return node("import", at, names.map { alias($0) })
    case .importFrom(let module, let names, let level):
      let from = String(repeating: ".", count: level) + (module ?? "")
      return node("from", at, [from] + names.map { alias($0) })
    case .functionDef(let def):
      var parts = [def.name, parameters(def.parameters)]
      if let returns = def.returns { parts.append("(-> \(print(returns)))") }
      if !def.decorators.isEmpty {
        parts.append("(decorators \(def.decorators.map { print($0) }.joined(separator: " ")))")
      }
      parts.append(block("body", def.body))
      return node("def", at, parts)
    case .classDef(let def):
      var parts = [def.name]
      if !def.arguments.isEmpty { parts.append("(bases \(def.arguments.map { argument($0) }.joined(separator: " ")))") }
      if !def.decorators.isEmpty {
        parts.append("(decorators \(def.decorators.map { print($0) }.joined(separator: " ")))")
      }
      parts.append(block("body", def.body))
      return node("class", at, parts)
    }
  }

  // MARK: Expressions

  /// One expression.
  public func print(_ expression: Expr) -> String {
    let at = expression.location
    switch expression.kind {
    case .name(let name): return leaf(name, at)
    case .noneLiteral: return leaf("None", at)
    case .bool(let value): return leaf(value ? "True" : "False", at)
    case .int(let value): return leaf(String(value), at)
    case .float(let value): return leaf(Self.floatRepr(value), at)
    case .string(let value): return leaf(Self.repr(value), at)
    case .bytes(let value): return leaf(Self.repr(value), at)
    case .ellipsis: return leaf("...", at)
    case .fstring(let parts): return node("fstring", at, parts.map { fstringPart($0) })
    case .unary(let op, let operand): return node(op.rawValue, at, [print(operand)])
    case .binary(let op, let left, let right): return node(op.rawValue, at, [print(left), print(right)])
    case .boolean(let op, let values): return node(op.rawValue, at, values.map { print($0) })
    case .compare(let left, let comparisons):
      var parts = [print(left)]
      for c in comparisons {
        parts.append(c.op.rawValue.replacingSpaces())
        parts.append(print(c.right))
      }
      return node("compare", at, parts)
    case .conditional(let condition, let body, let orElse):
      return node("if", at, [print(condition), print(body), print(orElse)])
    case .lambda(let params, let body):
      return node("lambda", at, [parameters(params), print(body)])
    case .named(let target, let value):
      return node(":=", at, [print(target), print(value)])
    case .call(let function, let arguments):
      return node("call", at, [print(function)] + arguments.map { argument($0) })
    case .attribute(let value, let name):
      return node(".", at, [print(value), name])
    case .subscript(let value, let index):
      return node("sub", at, [print(value), print(index)])
    case .slice(let lower, let upper, let step):
      return node("slice", at, [lower, upper, step].map { $0.map { print($0) } ?? "_" })
    case .starred(let value):
      return node("*", at, [print(value)])
    case .tuple(let items): return node("tuple", at, items.map { print($0) })
    case .list(let items): return node("list", at, items.map { print($0) })
    case .set(let items): return node("set", at, items.map { print($0) })
    case .dict(let items):
      return node(
        "dict", at,
        items.map { item in
          switch item {
          case .pair(let key, let value): "(\(print(key)) \(print(value)))"
          case .unpack(let mapping): "(** \(print(mapping)))"
          }
        })
    case .listComprehension(let element, let clauses):
      return node("listcomp", at, [print(element)] + clauses.map { comprehension($0) })
    case .setComprehension(let element, let clauses):
      return node("setcomp", at, [print(element)] + clauses.map { comprehension($0) })
    case .dictComprehension(let key, let value, let clauses):
      return node("dictcomp", at, [print(key), print(value)] + clauses.map { comprehension($0) })
    case .generator(let element, let clauses):
      return node("genexp", at, [print(element)] + clauses.map { comprehension($0) })
    case .yield(let value):
      return node("yield", at, value.map { [print($0)] } ?? [])
    case .yieldFrom(let value):
      return node("yield-from", at, [print(value)])
    }
  }

  // MARK: Pieces

  private func head(_ name: String, _ location: SourceLocation) -> String {
    includeLocations ? "\(name)@\(location.line):\(location.column)" : name
  }

  private func leaf(_ text: String, _ location: SourceLocation) -> String {
    head(text, location)
  }

  private func node(_ name: String, _ location: SourceLocation, _ parts: [String]) -> String {
    parts.isEmpty ? "(\(head(name, location)))" : "(\(head(name, location)) \(parts.joined(separator: " ")))"
  }

  private func block(_ name: String, _ statements: [Stmt]) -> String {
    statements.isEmpty ? "(\(name))" : "(\(name) \(statements.map { print($0) }.joined(separator: " ")))"
  }

  private func optionalBlock(_ name: String, _ statements: [Stmt]) -> [String] {
    statements.isEmpty ? [] : [block(name, statements)]
  }

  private func alias(_ alias: ImportAlias) -> String {
    guard let asName = alias.asName else { return head(alias.name, alias.location) }
    return "(\(head("as", alias.location)) \(alias.name) \(asName))"
  }

  private func argument(_ argument: Argument) -> String {
    switch argument {
    case .positional(let value): print(value)
    case .unpacked(let value): "(* \(print(value)))"
    case .keyword(let keyword): "(\(head("kw", keyword.location)) \(keyword.name) \(print(keyword.value)))"
    case .unpackedKeywords(let value): "(** \(print(value)))"
    }
  }

  private func parameter(_ p: Parameter) -> String {
    var text = head(p.name, p.location)
    if let annotation = p.annotation { text += " : \(print(annotation))" }
    if let value = p.defaultValue { text += " = \(print(value))" }
    return p.annotation == nil && p.defaultValue == nil ? text : "(\(text))"
  }

  private func parameters(_ params: Parameters) -> String {
    var parts: [String] = params.positionalOnly.map { parameter($0) }
    if !params.positionalOnly.isEmpty { parts.append("/") }
    parts += params.positional.map { parameter($0) }
    if let variadic = params.variadic {
      parts.append("(* \(parameter(variadic)))")
    } else if !params.keywordOnly.isEmpty {
      parts.append("*")
    }
    parts += params.keywordOnly.map { parameter($0) }
    if let keywordVariadic = params.keywordVariadic { parts.append("(** \(parameter(keywordVariadic)))") }
    return parts.isEmpty ? "(params)" : "(params \(parts.joined(separator: " ")))"
  }

  private func comprehension(_ c: Comprehension) -> String {
    let conditions = c.conditions.map { "(if \(print($0)))" }
    return node("for", c.location, [print(c.target), print(c.iterable)] + conditions)
  }

  private func fstringPart(_ part: FStringPart) -> String {
    switch part {
    case .literal(let text):
      return Self.repr(text)
    case .field(let field):
      var parts = [print(field.value)]
      if let conversion = field.conversion { parts.append("!" + conversion.rawValue) }
      if let spec = field.formatSpec { parts.append("(spec\(spec.map { " " + fstringPart($0) }.joined()))") }
      return node("format", field.location, parts)
    }
  }

  // MARK: Literals

  /// A float as Python's `repr` prints it (`1.0`, `0.5`, `1e-05`, `inf`).
  static func floatRepr(_ value: Double) -> String {
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value.isNaN { return "nan" }
    var text = "\(value)"
    if let e = text.firstIndex(of: "e") {
      // Swift prints 1e-05 as "1e-05" and 1e+16 as "1e+16", as Python does.
      let mantissa = text[..<e]
      if mantissa.hasSuffix(".0") { text = String(mantissa.dropLast(2)) + text[e...] }
    }
    return text
  }

  /// A str literal as Python's `repr` prints it (``pythonStringRepr(_:)``).
  static func repr(_ text: String) -> String { pythonStringRepr(text) }

  /// A bytes literal as Python's `repr` prints it.
  static func repr(_ bytes: [UInt8]) -> String {
    var out = "b'"
    for b in bytes {
      switch b {
      case UInt8(ascii: "\\"): out += "\\\\"
      case UInt8(ascii: "'"): out += "\\'"
      case UInt8(ascii: "\n"): out += "\\n"
      case UInt8(ascii: "\r"): out += "\\r"
      case UInt8(ascii: "\t"): out += "\\t"
      case 0x20..<0x7F: out.unicodeScalars.append(Unicode.Scalar(b))
      default: out += "\\x" + hex2(b)
      }
    }
    return out + "'"
  }

  private static func hex2(_ b: UInt8) -> String {
    let digits = String(b, radix: 16)
    return digits.count == 1 ? "0" + digits : digits
  }
}

extension String {
  /// The string with spaces replaced by `-` (`not in` prints as `not-in`).
  fileprivate func replacingSpaces() -> String {
    String(map { $0 == " " ? "-" : $0 })
  }
}

// The printer recurses once per tree level; like the parser, it runs on a large stack so that
// the deepest trees the parser accepts print in debug builds too.

extension Module {
  /// The module as S-expressions, one statement per line (see ``ASTPrinter``).
  public func dump(includeLocations: Bool = false) -> String {
    LargeStack.run { ASTPrinter(includeLocations: includeLocations).print(self) }
  }
}

extension Stmt {
  /// The statement as an S-expression (see ``ASTPrinter``).
  public func dump(includeLocations: Bool = false) -> String {
    LargeStack.run { ASTPrinter(includeLocations: includeLocations).print(self) }
  }
}

extension Expr {
  /// The expression as an S-expression (see ``ASTPrinter``).
  public func dump(includeLocations: Bool = false) -> String {
    LargeStack.run { ASTPrinter(includeLocations: includeLocations).print(self) }
  }
}
