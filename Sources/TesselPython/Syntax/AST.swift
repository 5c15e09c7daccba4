import TesselIR

/// A parsed source file: the root of the syntax tree that ``parseModule(source:file:)`` returns.
///
/// The tree follows Python's own `ast` module closely (same node set, same field names where Swift
/// allows), so a reader who knows `ast.dump` can read ``dump()``. Every node stores the
/// ``SourceLocation`` (file, 1-based line, 1-based UTF-8 column) of its first token; a tracer
/// reports errors there.
///
/// Only the parser builds nodes: the node structs' memberwise initializers are the synthesized
/// (module-internal) ones.
public struct Module: Sendable, Equatable {
  /// The file name given to the parser.
  public var file: String
  /// The top-level statements, in order.
  public var statements: [Stmt]

  /// Whether two modules are the same tree, compared on a large stack (see `LargeStack`):
  /// the synthesized comparison recurses once per tree level and needs several kilobytes per
  /// level in debug builds.
  ///
  /// Comparing deep ``Expr`` or ``Stmt`` values directly does not get this
  /// protection.
  public static func == (lhs: Module, rhs: Module) -> Bool {
    LargeStack.run { lhs.file == rhs.file && lhs.statements == rhs.statements }
  }
}

// MARK: - Statements

/// A statement and where it starts.
public struct Stmt: Sendable, Equatable {
  /// What the statement is.
  public var kind: Kind
  /// The location of its first token (the `def` or `class` keyword for definitions, after any
  /// decorators).
  public var location: SourceLocation

  /// Creates a statement.
  public init(_ kind: Kind, at location: SourceLocation) {
    self.kind = kind
    self.location = location
  }

  /// The kinds of statement.
  public indirect enum Kind: Sendable, Equatable {
    /// An expression evaluated for its effect (a call, a docstring).
    case expression(Expr)
    /// `a = b = value`: one or more targets, assigned left to right.
    case assign(targets: [Expr], value: Expr)
    /// `target: annotation = value`, the value optional.
    case annotatedAssign(target: Expr, annotation: Expr, value: Expr?)
    /// `target op= value` (`+=`, `//=`, `@=` and the rest); `op` is the binary operator.
    case augmentedAssign(target: Expr, op: BinaryOperator, value: Expr)
    /// `if`, then any `elif` clauses in order (each an ``IfClause``), then `else`.
    case `if`(clauses: [IfClause], orElse: [Stmt])
    /// `for target in iterable: body else: orElse`.
    case `for`(target: Expr, iterable: Expr, body: [Stmt], orElse: [Stmt])
    /// `while condition: body else: orElse`.
    case `while`(condition: Expr, body: [Stmt], orElse: [Stmt])
    /// `break`.
    case `break`
    /// `continue`.
    case `continue`
    /// `pass`.
    case pass
    /// `return value`, the value optional.
    case `return`(Expr?)
    /// `assert condition, message`.
    case assert(condition: Expr, message: Expr?)
    /// `del a, b[i]`.
    case delete([Expr])
    /// `global a, b`.
    case global([String])
    /// `nonlocal a, b`.
    case nonlocal([String])
    /// `raise exception from cause`, both optional.
    case raise(exception: Expr?, cause: Expr?)
    /// `try: body except ...: ... else: orElse finally: finalBody`.
    case `try`(body: [Stmt], handlers: [ExceptHandler], orElse: [Stmt], finalBody: [Stmt])
    /// `with a as x, b: body`.
    case with(items: [WithItem], body: [Stmt])
    /// `import a.b as c, d`.
    case `import`([ImportAlias])
    /// `from ..a.b import c as d, e` (`level` counts the leading dots; `module` is nil for
    /// `from . import x`); `from m import *` has one alias named `*`.
    case importFrom(module: String?, names: [ImportAlias], level: Int)
    /// `def` with its decorators.
    case functionDef(FunctionDef)
    /// `class` with its decorators.
    case classDef(ClassDef)
  }
}

/// One `if` or `elif` clause.
public struct IfClause: Sendable, Equatable {
  /// The condition.
  public var condition: Expr
  /// The statements run when it holds.
  public var body: [Stmt]
  /// The location of the `if` or `elif` keyword.
  public var location: SourceLocation
}

/// One `except` clause of a `try` statement.
public struct ExceptHandler: Sendable, Equatable {
  /// The exception type expression; nil for a bare `except:`.
  public var type: Expr?
  /// The name after `as`.
  public var name: String?
  /// The handler's statements.
  public var body: [Stmt]
  /// The location of the `except` keyword.
  public var location: SourceLocation
}

/// One context manager of a `with` statement.
public struct WithItem: Sendable, Equatable {
  /// The context manager expression.
  public var context: Expr
  /// The target after `as`.
  public var target: Expr?
  /// The location of the context expression.
  public var location: SourceLocation
}

/// A name in an `import` statement: `a.b.c as d`.
public struct ImportAlias: Sendable, Equatable {
  /// The dotted name, or `*`.
  public var name: String
  /// The name after `as`.
  public var asName: String?
  /// The location of the name's first component.
  public var location: SourceLocation
}

/// A `def` statement.
public struct FunctionDef: Sendable, Equatable {
  /// The function's name.
  public var name: String
  /// Its parameters.
  public var parameters: Parameters
  /// The annotation after `->`.
  public var returns: Expr?
  /// The body.
  public var body: [Stmt]
  /// The decorator expressions, outermost first (`@nki.jit` is `nki.jit`).
  public var decorators: [Expr]
}

/// A `class` statement.
public struct ClassDef: Sendable, Equatable {
  /// The class's name.
  public var name: String
  /// The base classes and keywords in parentheses (`metaclass=...`).
  public var arguments: [Argument]
  /// The body.
  public var body: [Stmt]
  /// The decorator expressions, outermost first.
  public var decorators: [Expr]
}

/// The parameter list of a `def` or `lambda`.
///
/// `def f(a, /, b, c=1, *args, d, e=2, **kwargs)` has `positionalOnly` `[a]`, `positional`
/// `[b, c]`, `variadic` `args`, `keywordOnly` `[d, e]` and `keywordVariadic` `kwargs`.
public struct Parameters: Sendable, Equatable {
  /// The parameters before `/`.
  public var positionalOnly: [Parameter] = []
  /// The ordinary parameters.
  public var positional: [Parameter] = []
  /// `*args`.
  public var variadic: Parameter?
  /// The parameters after `*` or `*args`.
  public var keywordOnly: [Parameter] = []
  /// `**kwargs`.
  public var keywordVariadic: Parameter?

  /// Whether the list is empty.
  public var isEmpty: Bool {
    positionalOnly.isEmpty && positional.isEmpty && variadic == nil && keywordOnly.isEmpty
      && keywordVariadic == nil
  }
}

/// One parameter: a name, an annotation and a default.
public struct Parameter: Sendable, Equatable {
  /// The name.
  public var name: String
  /// The annotation after `:`.
  public var annotation: Expr?
  /// The default value after `=`.
  public var defaultValue: Expr?
  /// The location of the name.
  public var location: SourceLocation
}

// MARK: - Expressions

/// An expression and where it starts.
public struct Expr: Sendable, Equatable {
  /// What the expression is.
  public var kind: Kind
  /// The location of its first token (`a` in `a + b`, `f` in `f(x)`, `(` in `(a, b)`).
  public var location: SourceLocation

  /// Creates an expression.
  public init(_ kind: Kind, at location: SourceLocation) {
    self.kind = kind
    self.location = location
  }

  /// The kinds of expression.
  public indirect enum Kind: Sendable, Equatable {
    // MARK: Atoms
    /// An identifier.
    case name(String)
    /// `None` (named so that it never reads as `Optional.none`).
    case noneLiteral
    /// `True` or `False`.
    case bool(Bool)
    /// An integer literal (64-bit; larger literals are a syntax error).
    case int(Int)
    /// A float literal.
    case float(Double)
    /// A str literal, after escapes and implicit concatenation (`'a' 'b'`).
    case string(String)
    /// A bytes literal.
    case bytes([UInt8])
    /// An f-string (possibly concatenated with plain strings): literal text and fields.
    case fstring([FStringPart])
    /// `...`.
    case ellipsis

    // MARK: Operators
    /// `-x`, `+x`, `~x`, `not x`.
    case unary(UnaryOperator, Expr)
    /// `a + b` and the other binary operators.
    case binary(BinaryOperator, Expr, Expr)
    /// `a and b and c` or `a or b`, with all operands of one operator in one node.
    case boolean(BooleanOperator, [Expr])
    /// `a < b <= c`: the left operand and each following comparison.
    case compare(Expr, [Comparison])
    /// `body if condition else orElse`.
    case conditional(condition: Expr, body: Expr, orElse: Expr)
    /// `lambda parameters: body`.
    case lambda(Parameters, body: Expr)
    /// `target := value`.
    case named(target: Expr, value: Expr)

    // MARK: Primaries
    /// `function(arguments)`.
    case call(Expr, [Argument])
    /// `value.name`.
    case attribute(Expr, String)
    /// `value[index]`; several indices make a ``tuple`` index, and `a:b:c` is a ``slice``.
    case `subscript`(Expr, index: Expr)
    /// `lower:upper:step` inside a subscript; each part optional.
    case slice(lower: Expr?, upper: Expr?, step: Expr?)
    /// `*value` in a display, call, subscript or assignment target.
    case starred(Expr)

    // MARK: Displays
    /// `(a, b)` or `a, b`.
    case tuple([Expr])
    /// `[a, b]`.
    case list([Expr])
    /// `{a, b}`.
    case set([Expr])
    /// `{k: v, **d}`.
    case dict([DictItem])
    /// `[element for ...]`.
    case listComprehension(Expr, [Comprehension])
    /// `{element for ...}`.
    case setComprehension(Expr, [Comprehension])
    /// `{key: value for ...}`.
    case dictComprehension(key: Expr, value: Expr, [Comprehension])
    /// `(element for ...)`.
    case generator(Expr, [Comprehension])

    // MARK: Generators
    /// `yield value`, the value optional.
    case yield(Expr?)
    /// `yield from value`.
    case yieldFrom(Expr)
  }
}

/// A unary operator.
public enum UnaryOperator: String, Sendable, Hashable, CaseIterable {
  /// `-x`.
  case negate = "-"
  /// `+x`.
  case plus = "+"
  /// `~x`.
  case invert = "~"
  /// `not x`.
  case not = "not"
}

/// A binary operator, also used for augmented assignment.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case matrixMultiply = "@"
  case divide = "/"
  case floorDivide = "//"
  case modulo = "%"
  case power = "**"
  case leftShift = "<<"
  case rightShift = ">>"
  case bitwiseOr = "|"
  case bitwiseXor = "^"
  case bitwiseAnd = "&"
}

/// `and` or `or`.
public enum BooleanOperator: String, Sendable, Hashable, CaseIterable {
  case and, or
}

/// A comparison operator.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
  case equal = "=="
  case notEqual = "!="
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case `is` = "is"
  case isNot = "is not"
  case `in` = "in"
  case notIn = "not in"
}

/// One link of a comparison chain: `< b` in `a < b`.
public struct Comparison: Sendable, Equatable {
  /// The operator.
  public var op: ComparisonOperator
  /// The right operand.
  public var right: Expr
}

/// One argument of a call or class definition.
public enum Argument: Sendable, Equatable {
  /// `f(x)`.
  case positional(Expr)
  /// `f(*xs)`.
  case unpacked(Expr)
  /// `f(name=value)`.
  case keyword(KeywordArgument)
  /// `f(**kwargs)`.
  case unpackedKeywords(Expr)
}

/// `name=value` in a call.
public struct KeywordArgument: Sendable, Equatable {
  /// The parameter name.
  public var name: String
  /// The value.
  public var value: Expr
  /// The location of the name.
  public var location: SourceLocation
}

/// One entry of a dict display.
public enum DictItem: Sendable, Equatable {
  /// `key: value`.
  case pair(key: Expr, value: Expr)
  /// `**mapping`.
  case unpack(Expr)
}

/// One `for ... in ... if ...` clause of a comprehension.
public struct Comprehension: Sendable, Equatable {
  /// The loop target.
  public var target: Expr
  /// The iterated expression.
  public var iterable: Expr
  /// The `if` filters, in order.
  public var conditions: [Expr]
  /// The location of the `for` keyword.
  public var location: SourceLocation
}

/// A piece of an f-string.
public enum FStringPart: Sendable, Equatable {
  /// Literal text, with escapes and doubled braces resolved.
  case literal(String)
  /// A replacement field.
  case field(FormattedValue)
}

/// A replacement field `{value!conversion:spec}` of an f-string.
///
/// A self-documenting field `{x=}` becomes the literal text `x=` followed by a field with the
/// `repr` conversion (when it has neither conversion nor spec), as in Python's own AST.
public struct FormattedValue: Sendable, Equatable {
  /// The expression.
  public var value: Expr
  /// The conversion after `!`.
  public var conversion: Conversion?
  /// The format spec after `:`, which may contain nested fields.
  public var formatSpec: [FStringPart]?
  /// The location of the field's `{`.
  public var location: SourceLocation

  /// An f-string conversion.
  public enum Conversion: String, Sendable, Hashable, CaseIterable {
    /// `!s`: `str()`.
    case str = "s"
    /// `!r`: `repr()`.
    case repr = "r"
    /// `!a`: `ascii()`.
    case ascii = "a"
  }
}
