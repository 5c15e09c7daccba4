import TesselIR

// MARK: - Assignment targets

extension Parser {
  /// Checks the target of a `=` statement, with CPython's `Maybe you meant '=='` hint when a
  /// lone, operator-level expression stands where a name was expected (`f() = 1`).
  mutating func checkAssignmentTarget(_ target: Expr, isOnlyTarget: Bool) throws(SyntaxError) {
    switch target.kind {
    case .yield, .yieldFrom: throw error(.yieldAssignment, at: target.location)
    default: break
    }
    if isOnlyTarget, Parser.isBitwiseOrLevel(target), invalidTarget(in: target, context: .assignment) != nil {
      switch target.kind {
      case .tuple, .list, .generator, .noneLiteral, .bool, .name, .attribute, .subscript, .starred:
        break
      default:
        throw error(
          .invalidTarget(description: Parser.describe(target), context: .assignment, suggestEquality: true),
          at: target.location)
      }
    }
    try checkTarget(target, context: .assignment)
  }

  /// Checks that `target` can be assigned or deleted in `context`, throwing CPython's message
  /// for the first part that cannot.
  mutating func checkTarget(_ target: Expr, context: SyntaxError.TargetContext) throws(SyntaxError) {
    if context == .assignment, case .starred = target.kind {
      throw error(.starredAssignmentTarget, at: target.location)
    }
    if let invalid = invalidTarget(in: target, context: context) {
      throw error(
        .invalidTarget(description: Parser.describe(invalid), context: context, suggestEquality: false),
        at: invalid.location)
    }
    if context == .assignment {
      checkStarredTargets(target)
    }
  }

  /// Checks an annotated assignment's target: a name, attribute or subscript.
  func checkAnnotationTarget(_ target: Expr) throws(SyntaxError) {
    switch target.kind {
    case .name, .attribute, .subscript:
      return
    case .tuple:
      throw error(.annotatedMultipleTargets("tuple"), at: target.location)
    case .list:
      throw error(.annotatedMultipleTargets("list"), at: target.location)
    default:
      throw error(
        .invalidTarget(description: Parser.describe(target), context: .annotation, suggestEquality: false),
        at: target.location)
    }
  }

  /// The first part of `target` that cannot be a target in `context`, or nil.
  func invalidTarget(in target: Expr, context: SyntaxError.TargetContext) -> Expr? {
    switch target.kind {
    case .name:
      return nil
    case .attribute, .subscript:
      return context == .namedExpression ? target : nil
    case .tuple(let items), .list(let items):
      guard context == .assignment || context == .deletion else { return target }
      for item in items {
        if case .starred(let inner) = item.kind {
          if context == .deletion { return item }
          if let invalid = invalidTarget(in: inner, context: context) { return invalid }
        } else if let invalid = invalidTarget(in: item, context: context) {
          return invalid
        }
      }
      return nil
    default:
      return target
    }
  }

  /// Records `multiple starred expressions in assignment` for a tuple or list target with more
  /// than one starred item (at any depth).
  mutating func checkStarredTargets(_ target: Expr) {
    switch target.kind {
    case .tuple(let items), .list(let items):
      var starred = 0
      for item in items {
        if case .starred(let inner) = item.kind {
          starred += 1
          if starred == 2 { deferError(.multipleStarredTargets, at: target.location) }
          checkStarredTargets(inner)
        } else {
          checkStarredTargets(item)
        }
      }
    default:
      break
    }
  }

  /// Whether `expression` is at `bitwise_or` level or tighter (not a comparison, boolean,
  /// `not`, conditional, lambda, named expression, starred or yield).
  static func isBitwiseOrLevel(_ expression: Expr) -> Bool {
    switch expression.kind {
    case .compare, .boolean, .conditional, .lambda, .named, .starred, .yield, .yieldFrom, .tuple:
      false
    case .unary(let op, _):
      op != .not
    default:
      true
    }
  }

  /// How CPython names an expression in target errors (`function call`, `literal`, ...).
  static func describe(_ expression: Expr) -> String {
    switch expression.kind {
    case .name: "name"
    case .noneLiteral: "None"
    case .bool(let value): value ? "True" : "False"
    case .int, .float, .string, .bytes: "literal"
    case .fstring: "f-string expression"
    case .ellipsis: "ellipsis"
    case .unary, .binary, .boolean: "expression"
    case .compare: "comparison"
    case .conditional: "conditional expression"
    case .lambda: "lambda"
    case .named: "named expression"
    case .call: "function call"
    case .attribute: "attribute"
    case .subscript: "subscript"
    case .slice: "slice"
    case .starred: "starred"
    case .tuple: "tuple"
    case .list: "list"
    case .set: "set display"
    case .dict: "dict literal"
    case .listComprehension: "list comprehension"
    case .setComprehension: "set comprehension"
    case .dictComprehension: "dict comprehension"
    case .generator: "generator expression"
    case .yield, .yieldFrom: "yield expression"
    }
  }
}
