import TesselIR

// MARK: - Parameter lists

extension Parser {
  /// Parses the parameters of a `def` (up to `)`) or `lambda` (up to `:`), not consuming `closing`.
  ///
  ///     params: ','.(param ['=' expression] | '/' | '*' [param] | '**' param)+ [',']
  ///     param: NAME [':' expression]      (annotations only in `def`)
  mutating func parseParameters(closing: Punctuator, allowAnnotations: Bool) throws(SyntaxError) -> Parameters {
    var result = Parameters()
    var sawSlash = false
    var star: Token?
    var bareStar: Token?
    var sawDefault = false
    var progress = LoopProgressCondition()
    while !at(closing) && progress.evaluate(index) {
      if let slash = eat(.slash) {
        if sawSlash { throw error(.invalidParameterList("/ may appear only once"), at: slash) }
        if star != nil { throw error(.invalidParameterList("/ must be ahead of *"), at: slash) }
        if result.positional.isEmpty {
          throw error(.invalidParameterList("at least one argument must precede /"), at: slash)
        }
        result.positionalOnly = result.positional
        result.positional = []
        sawSlash = true
      } else if let starToken = eat(.star) {
        if star != nil { throw error(.invalidParameterList("* argument may appear only once"), at: starToken) }
        star = starToken
        if at(.name) {
          result.variadic = try parseParameter(allowAnnotation: allowAnnotations, allowDefault: false)
          if at(.equal) {
            throw error(.invalidParameterList("var-positional argument cannot have default value"), at: current)
          }
        } else {
          bareStar = starToken
          if !at(.comma) {
            if at(closing) { throw error(.bareStarWithoutNames, at: starToken) }
            throw invalidSyntax()
          }
        }
      } else if eat(.doubleStar) != nil {
        result.keywordVariadic = try parseParameter(allowAnnotation: allowAnnotations, allowDefault: false)
        if at(.equal) {
          throw error(.invalidParameterList("var-keyword argument cannot have default value"), at: current)
        }
        _ = eat(.comma)
        if !at(closing) {
          throw error(.invalidParameterList("arguments cannot follow var-keyword argument"), at: current)
        }
        break
      } else {
        guard at(.name) else { throw invalidSyntax() }
        let parameter = try parseParameter(allowAnnotation: allowAnnotations, allowDefault: true)
        if star != nil {
          result.keywordOnly.append(parameter)
        } else {
          if parameter.defaultValue != nil {
            sawDefault = true
          } else if sawDefault {
            throw error(.nonDefaultAfterDefault, at: parameter.location)
          }
          result.positional.append(parameter)
        }
      }
      guard eat(.comma) != nil else {
        if !at(closing), startsExpression(current), let last = lastParameterExpression(result) {
          throw error(.missingComma, at: last.location)
        }
        break
      }
    }
    if let bareStar, result.keywordOnly.isEmpty {
      throw error(.bareStarWithoutNames, at: bareStar)
    }
    checkDuplicateParameters(result)
    return result
  }

  /// The default or annotation of the most recently parsed parameter, for the comma hint.
  func lastParameterExpression(_ parameters: Parameters) -> Expr? {
    let candidates = [
      parameters.keywordVariadic, parameters.keywordOnly.last, parameters.variadic, parameters.positional.last,
    ]
    guard let last = candidates.compactMap({ $0 }).first else { return nil }
    return last.defaultValue ?? last.annotation
  }

  /// Parses the grammar rule `param`.
  ///
  ///     param: NAME [':' expression] ['=' expression]
  mutating func parseParameter(allowAnnotation: Bool, allowDefault: Bool) throws(SyntaxError) -> Parameter {
    let (name, token) = try expectName()
    var annotation: Expr?
    if allowAnnotation, eat(.colon) != nil {
      annotation = try parseExpression()
    }
    var defaultValue: Expr?
    if allowDefault, eat(.equal) != nil {
      guard startsExpression(current) else { throw error(.expectedDefaultValue, at: current) }
      defaultValue = try parseExpression()
    }
    return Parameter(name: name, annotation: annotation, defaultValue: defaultValue, location: location(of: token))
  }

  /// Records `duplicate argument 'x' in function definition` for the first repeated name.
  mutating func checkDuplicateParameters(_ parameters: Parameters) {
    var all = parameters.positionalOnly + parameters.positional
    if let variadic = parameters.variadic { all.append(variadic) }
    all += parameters.keywordOnly
    if let keywordVariadic = parameters.keywordVariadic { all.append(keywordVariadic) }
    var seen: Set<String> = []
    for parameter in all where !seen.insert(parameter.name).inserted {
      deferError(.duplicateParameter(parameter.name), at: parameter.location)
      return
    }
  }
}
