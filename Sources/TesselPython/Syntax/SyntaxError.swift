import TesselIR

/// A syntax error in NKI Python source: what went wrong and where.
///
/// The lexer and the parser stop at the first error. The error is structured: ``kind`` names the
/// problem with its payload, and ``message`` renders it, in one place, with CPython's wording
/// (`expected ':'`, `unterminated string literal (detected at line 3)`, `'(' was never closed`).
///
/// ```swift
/// do {
///   _ = try parseModule(source: "if x\n    pass\n", file: "k.py")
/// } catch {
///   print(error.diagnostic.message)   // SyntaxError: expected ':'
///   print(error.location)             // k.py:1:5
/// }
/// ```
public struct SyntaxError: Error, Sendable, Hashable {
  /// What went wrong.
  public var kind: Kind
  /// Where: the offending token, bracket or expression.
  public var location: SourceLocation

  /// Creates an error.
  public init(_ kind: Kind, at location: SourceLocation) {
    self.kind = kind
    self.location = location
  }

  /// The problems the lexer and the parser report.
  public enum Kind: Sendable, Hashable {
    // MARK: Generic
    /// A token that no rule accepts here.
    case invalidSyntax
    /// Two expressions in a row inside brackets.
    case missingComma
    /// `=` where a condition was expected (`if x = 1:`).
    case assignmentInCondition
    /// A specific token was required; the payload is its quoted spelling (`':'`).
    case expected(String)
    /// `':' expected after dictionary key`.
    case expectedColonAfterDictKey
    /// `expected 'else' after 'if' expression`.
    case expectedElseInConditional
    /// A compound statement header not followed by a block.
    case expectedIndentedBlock(after: BlockOwner, line: Int)
    /// A construct Python accepts but this front end does not (the payload names it).
    case unsupported(String)
    /// The parser's recursion limit for nested expressions.
    case nestedTooDeeply
    /// The limit on the depth of an expression's tree (long operator or call chains).
    case expressionTooComplex

    // MARK: Indentation
    /// An indented line where no block starts.
    case unexpectedIndent
    /// A dedent where the statement cannot end.
    case unexpectedUnindent
    /// A dedent to a column that no enclosing block uses.
    case unindentMismatch
    /// Tabs and spaces mixed so that the indentation depends on the tab size.
    case inconsistentTabs
    /// More than 100 levels of indentation.
    case tooManyIndentationLevels

    // MARK: Characters, brackets, continuation
    /// A character that cannot start a token.
    case invalidCharacter(Unicode.Scalar)
    /// A non-printable character outside a string.
    case invalidNonPrintableCharacter(Unicode.Scalar)
    /// A NUL byte in the source.
    case nullByte
    /// A backslash not followed by a newline.
    case unexpectedCharacterAfterContinuation
    /// The file ends right after a backslash continuation.
    case unexpectedEndOfFile
    /// An opening bracket without a closing one; the payload is the bracket.
    case unclosedBracket(String)
    /// A closing bracket with no opening one.
    case unmatchedBracket(String)
    /// A closing bracket of the wrong kind; `openingLine` is set when it is on another line.
    case mismatchedBracket(closing: String, opening: String, openingLine: Int?)
    /// More than 200 nested brackets.
    case tooManyNestedParentheses

    // MARK: Literals
    /// A string that reaches the end of its line (`line`) or of the file.
    case unterminatedString(line: Int)
    /// A triple-quoted string that reaches the end of the file at `line`.
    case unterminatedTripleQuotedString(line: Int)
    /// An f-string that reaches the end of its line or of the file.
    case unterminatedFString(line: Int)
    /// A triple-quoted f-string that reaches the end of the file.
    case unterminatedTripleQuotedFString(line: Int)
    /// A malformed number; the payload is `decimal`, `hexadecimal`, `octal` or `binary`.
    case invalidNumber(String)
    /// `0777`.
    case leadingZeros
    /// An imaginary literal (`2j`).
    case complexLiteral
    /// An integer literal that does not fit in 64 bits.
    case integerTooLarge
    /// A malformed escape (`\x1`); the payload describes it (`truncated \xXX escape`).
    case invalidEscape(String)
    /// A non-ASCII character in a bytes literal.
    case nonASCIIBytes
    /// A bytes literal next to a str literal.
    case mixedBytesAndStr
    /// `}` alone in f-string text.
    case fstringSingleBrace
    /// An f-string replacement field without its closing `}`.
    case fstringExpectingBrace
    /// `{}` in an f-string.
    case fstringEmptyExpression
    /// `{x!q}`; the payload is the character.
    case fstringInvalidConversion(String)
    /// `{x!}`.
    case fstringMissingConversion
    /// `{x! r}`.
    case fstringConversionNotAdjacent

    // MARK: Targets
    /// An expression that cannot be assigned to or deleted in `context`; `description` names it
    /// as CPython does (`function call`, `literal`, `comparison`). `suggestEquality` adds CPython's
    /// hint for `f() = 1`.
    case invalidTarget(description: String, context: TargetContext, suggestEquality: Bool)
    /// `x, y: int`: an annotation on a tuple or list; the payload is `tuple` or `list`.
    case annotatedMultipleTargets(String)
    /// `*a = b`.
    case starredAssignmentTarget
    /// `*a, *b = c`.
    case multipleStarredTargets
    /// A starred expression where the grammar allows none (`(*a)`).
    case starredNotAllowed
    /// A starred expression outside a display, call or target (`x = *a`), found when compiling.
    case starredOutsideDisplay
    /// `x = yield = 1`.
    case yieldAssignment
    /// `print "x"`; the payload is `print` or `exec`.
    case missingParenthesesInCall(String)
    /// `[*a for a in b]`.
    case starredInComprehension
    /// `{**a for a in b}`.
    case dictUnpackingInComprehension

    // MARK: Calls and definitions
    /// `f(a=1, 2)`.
    case positionalFollowsKeyword
    /// `f(**k, 2)`.
    case positionalFollowsKeywordUnpacking
    /// `f(**k, *a)`.
    case iterableUnpackingFollowsKeywordUnpacking
    /// `f(a=1, a=2)`.
    case keywordArgumentRepeated(String)
    /// `f(a.b=1)`.
    case assignmentInArgument
    /// `f(x for x in y, 1)`.
    case unparenthesizedGenerator
    /// `def f(a=)`.
    case expectedDefaultValue
    /// `def f(a=1, b)`.
    case nonDefaultAfterDefault
    /// `def f(a, a)`.
    case duplicateParameter(String)
    /// `def f(*)`.
    case bareStarWithoutNames
    /// A misplaced `/`, `*` or `**` in a parameter list; the payload is CPython's message.
    case invalidParameterList(String)

    // MARK: Statement placement
    /// `return`, `yield`, `break` or `continue` where it cannot appear.
    case outsideContext(String)
    /// `nonlocal` at module level.
    case nonlocalAtModuleLevel
    /// `from m import *` inside a function.
    case importStarNotAtModuleLevel
    /// `from m import a,`.
    case importTrailingComma
    /// `from m import` with nothing after.
    case importExpectedNames
    /// `except:` followed by another `except`.
    case defaultExceptNotLast
    /// `try:` with neither `except` nor `finally`.
    case expectedExceptOrFinally
    /// `except A, B as e:`.
    case unparenthesizedExceptTypes
  }

  /// The kind of statement whose block is missing, for `expected an indented block after ...`.
  public enum BlockOwner: String, Sendable, Hashable {
    case `if` = "'if' statement"
    case elif = "'elif' statement"
    case `else` = "'else' statement"
    case `for` = "'for' statement"
    case `while` = "'while' statement"
    case `try` = "'try' statement"
    case except = "'except' statement"
    case finally = "'finally' statement"
    case with = "'with' statement"
    case function = "function definition"
    case `class` = "class definition"
  }

  /// Where an invalid target appeared, which decides the wording of its message.
  public enum TargetContext: String, Sendable, Hashable {
    /// `=`, `for`, `with ... as`, comprehension `for`.
    case assignment
    /// `del`.
    case deletion
    /// `+=` and the other augmented assignments.
    case augmentedAssignment
    /// `x: T`.
    case annotation
    /// `:=`.
    case namedExpression
  }

  /// The message, worded as CPython words it.
  public var message: String {
    switch kind {
    case .invalidSyntax: "invalid syntax"
    case .missingComma: "invalid syntax. Perhaps you forgot a comma?"
    case .assignmentInCondition: "invalid syntax. Maybe you meant '==' or ':=' instead of '='?"
    case .expected(let what): "expected \(what)"
    case .expectedColonAfterDictKey: "':' expected after dictionary key"
    case .expectedElseInConditional: "expected 'else' after 'if' expression"
    case .expectedIndentedBlock(let owner, let line):
      "expected an indented block after \(owner.rawValue) on line \(line)"
    case .unsupported(let what): "\(what) is not supported"
    case .nestedTooDeeply: "expression is nested too deeply"
    case .expressionTooComplex: "expression is too complex"
    case .unexpectedIndent: "unexpected indent"
    case .unexpectedUnindent: "unexpected unindent"
    case .unindentMismatch: "unindent does not match any outer indentation level"
    case .inconsistentTabs: "inconsistent use of tabs and spaces in indentation"
    case .tooManyIndentationLevels: "too many levels of indentation"
    case .invalidCharacter(let c):
      "invalid character '\(Character(c))' (U+\(Self.hex(c.value)))"
    case .invalidNonPrintableCharacter(let c): "invalid non-printable character U+\(Self.hex(c.value))"
    case .nullByte: "source code cannot contain null bytes"
    case .unexpectedCharacterAfterContinuation: "unexpected character after line continuation character"
    case .unexpectedEndOfFile: "unexpected EOF while parsing"
    case .unclosedBracket(let b): "'\(b)' was never closed"
    case .unmatchedBracket(let b): "unmatched '\(b)'"
    case .mismatchedBracket(let closing, let opening, let line):
      if let line {
        "closing parenthesis '\(closing)' does not match opening parenthesis '\(opening)' on line \(line)"
      } else {
        "closing parenthesis '\(closing)' does not match opening parenthesis '\(opening)'"
      }
    case .tooManyNestedParentheses: "too many nested parentheses"
    case .unterminatedString(let line): "unterminated string literal (detected at line \(line))"
    case .unterminatedTripleQuotedString(let line):
      "unterminated triple-quoted string literal (detected at line \(line))"
    case .unterminatedFString(let line): "unterminated f-string literal (detected at line \(line))"
    case .unterminatedTripleQuotedFString(let line):
      "unterminated triple-quoted f-string literal (detected at line \(line))"
    case .invalidNumber(let base): "invalid \(base) literal"
    case .leadingZeros:
      "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
    case .complexLiteral: "complex literals are not supported"
    case .integerTooLarge: "integer literal is too large (more than 64 bits)"
    case .invalidEscape(let what): "(unicode error) 'unicodeescape' codec can't decode bytes: \(what)"
    case .nonASCIIBytes: "bytes can only contain ASCII literal characters"
    case .mixedBytesAndStr: "cannot mix bytes and nonbytes literals"
    case .fstringSingleBrace: "f-string: single '}' is not allowed"
    case .fstringExpectingBrace: "f-string: expecting '}'"
    case .fstringEmptyExpression: "f-string: valid expression required before '}'"
    case .fstringInvalidConversion(let c):
      "f-string: invalid conversion character '\(c)': expected 's', 'r', or 'a'"
    case .fstringMissingConversion: "f-string: missing conversion character"
    case .fstringConversionNotAdjacent: "f-string: conversion type must come right after the exclamation mark"
    case .invalidTarget(let what, let context, let suggest):
      switch context {
      case .assignment:
        suggest
          ? "cannot assign to \(what) here. Maybe you meant '==' instead of '='?"
          : "cannot assign to \(what)"
      case .deletion: "cannot delete \(what)"
      case .augmentedAssignment: "'\(what)' is an illegal expression for augmented assignment"
      case .annotation: "illegal target for annotation"
      case .namedExpression: "cannot use assignment expressions with \(what)"
      }
    case .annotatedMultipleTargets(let what): "only single target (not \(what)) can be annotated"
    case .starredAssignmentTarget: "starred assignment target must be in a list or tuple"
    case .multipleStarredTargets: "multiple starred expressions in assignment"
    case .starredNotAllowed: "cannot use starred expression here"
    case .starredOutsideDisplay: "can't use starred expression here"
    case .yieldAssignment: "assignment to yield expression not possible"
    case .missingParenthesesInCall(let name): "Missing parentheses in call to '\(name)'. Did you mean \(name)(...)?"
    case .starredInComprehension: "iterable unpacking cannot be used in comprehension"
    case .dictUnpackingInComprehension: "dict unpacking cannot be used in dict comprehension"
    case .positionalFollowsKeyword: "positional argument follows keyword argument"
    case .positionalFollowsKeywordUnpacking: "positional argument follows keyword argument unpacking"
    case .iterableUnpackingFollowsKeywordUnpacking:
      "iterable argument unpacking follows keyword argument unpacking"
    case .keywordArgumentRepeated(let name): "keyword argument repeated: \(name)"
    case .assignmentInArgument: "expression cannot contain assignment, perhaps you meant \"==\"?"
    case .unparenthesizedGenerator: "Generator expression must be parenthesized"
    case .expectedDefaultValue: "expected default value expression"
    case .nonDefaultAfterDefault: "parameter without a default follows parameter with a default"
    case .duplicateParameter(let name): "duplicate argument '\(name)' in function definition"
    case .bareStarWithoutNames: "named arguments must follow bare *"
    case .invalidParameterList(let message): message
    case .outsideContext(let message): message
    case .nonlocalAtModuleLevel: "nonlocal declaration not allowed at module level"
    case .importStarNotAtModuleLevel: "import * only allowed at module level"
    case .importTrailingComma: "trailing comma not allowed without surrounding parentheses"
    case .importExpectedNames: "Expected one or more names after 'import'"
    case .defaultExceptNotLast: "default 'except:' must be last"
    case .expectedExceptOrFinally: "expected 'except' or 'finally' block"
    case .unparenthesizedExceptTypes: "multiple exception types must be parenthesized"
    }
  }

  /// Whether CPython raises this as an `IndentationError` (or its subclass `TabError`).
  public var isIndentationError: Bool {
    switch kind {
    case .unexpectedIndent, .unexpectedUnindent, .unindentMismatch, .inconsistentTabs, .tooManyIndentationLevels,
      .expectedIndentedBlock:
      true
    default:
      false
    }
  }

  /// Four or more uppercase hex digits, as in `U+00A0`.
  private static func hex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}

extension SyntaxError: DiagnosticConvertible {
  /// The Python exception class CPython raises for this error: `IndentationError`, `TabError`
  /// (both subclasses of `SyntaxError`) or `SyntaxError`.
  public var pythonType: String {
    if case .inconsistentTabs = kind { return "TabError" }
    return isIndentationError ? "IndentationError" : "SyntaxError"
  }

  /// The error as a ``Diagnostic`` for ``DiagnosticRenderer``, prefixed with its Python class as
  /// CPython prints it (`SyntaxError: '(' was never closed`).
  public var diagnostic: Diagnostic {
    Diagnostic(.error, "\(pythonType): \(message)", at: location)
  }
}

extension SyntaxError: CustomStringConvertible {
  /// `file:line:column: error: SyntaxError: message`.
  public var description: String {
    "\(location): error: \(pythonType): \(message)"
  }
}
