extension Stmt {
  /// The statement lists nested directly in this statement, in source order: the bodies of a
  /// `def`, `class`, `for`, `while` or `with`, every clause of an `if` or `try` (their `else`
  /// and `finally` included); empty for a simple statement.
  public var nestedBodies: [[Stmt]] {
    switch kind {
    case .functionDef(let f): [f.body]
    case .classDef(let c): [c.body]
    case .if(let clauses, let orElse): clauses.map(\.body) + [orElse]
    case .for(_, _, let body, let orElse), .while(_, let body, let orElse): [body, orElse]
    case .with(_, let body): [body]
    case .try(let body, let handlers, let orElse, let finalBody): [body] + handlers.map(\.body) + [orElse, finalBody]
    default: []
    }
  }

  /// Calls `visit` on every statement of `statements` and, depth first, on the statements nested
  /// in it, in source order.
  ///
  /// ```swift
  /// var imports = 0
  /// Stmt.walk(module.statements) { if case .import = $0.kind { imports += 1 } }
  /// ```
  public static func walk(_ statements: [Stmt], _ visit: (Stmt) -> Void) {
    for s in statements {
      visit(s)
      for body in s.nestedBodies { walk(body, visit) }
    }
  }
}
