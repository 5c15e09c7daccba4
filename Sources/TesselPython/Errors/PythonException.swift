/// A Python exception raised at trace time: its class name and why, in CPython's words.
///
/// Recurring messages have their own ``Reason`` cases, rendered in one place (``Reason/message``);
/// the rest are ``Reason/message(_:)``. When the kernel raised an exception object itself
/// (`raise MyError(...)`), ``object`` holds it so that `except MyError as e` sees the same object.
public struct PythonException: Sendable, Hashable {
  /// The exception's class name (`TypeError`, `AssertionError`, a user class's name).
  public var type: String
  /// Why it was raised.
  public var reason: Reason
  /// The raised exception object, when the kernel raised one (ignored by `==`).
  package var object: ExceptionObject?

  /// Creates an exception of class `type`.
  public init(_ type: String, _ reason: Reason) {
    self.type = type
    self.reason = reason
  }

  /// The message after the class name.
  public var message: String { reason.message }

  /// `Type: message`, or `Type` alone for an empty message (as Python's traceback prints it).
  public var formatted: String {
    let m = message
    return m.isEmpty ? type : "\(type): \(m)"
  }

  public static func == (a: PythonException, b: PythonException) -> Bool {
    a.type == b.type && a.reason == b.reason
  }

  public func hash(into h: inout Hasher) {
    h.combine(type)
    h.combine(reason)
  }

  /// Why an exception was raised, for the messages the evaluator raises again and again.
  public enum Reason: Sendable, Hashable {
    /// Free text.
    case message(String)
    /// `name 'x' is not defined`.
    case nameNotDefined(String)
    /// `'T' object has no attribute 'x'`.
    case noAttribute(type: String, name: String)
    /// `module 'm' has no attribute 'x'`.
    case moduleHasNoAttribute(module: String, name: String)
    /// `type object 'C' has no attribute 'x'`.
    case classHasNoAttribute(class: String, name: String)
    /// `'T' object is not callable`.
    case notCallable(type: String)
    /// `'T' object is not iterable`.
    case notIterable(type: String)
    /// `'T' object is not subscriptable`.
    case notSubscriptable(type: String)
    /// `'T' object does not support item assignment`.
    case noItemAssignment(type: String)
    /// `'T' object cannot be interpreted as an integer`.
    case notAnInteger(type: String)
    /// `object of type 'T' has no len()`.
    case noLength(type: String)
    /// `unhashable type: 'T'`.
    case unhashable(type: String)
    /// `unsupported operand type(s) for +: 'A' and 'B'`.
    case unsupportedOperands(operator: String, left: String, right: String)
    /// `bad operand type for unary -: 'T'`.
    case badUnaryOperand(operator: String, type: String)
    /// `'<' not supported between instances of 'A' and 'B'`.
    case notOrderable(operator: String, left: String, right: String)
    /// `list index out of range` (and tuple, string, range).
    case indexOutOfRange(type: String)
    /// `not enough values to unpack (expected 3, got 2)`.
    case notEnoughToUnpack(expected: Int, got: Int, atLeast: Bool)
    /// `too many values to unpack (expected 2)`.
    case tooManyToUnpack(expected: Int)
    /// A call whose arguments do not bind to the function's parameters.
    case arguments(function: String, problem: ArgumentProblem)

    /// The message, as CPython 3.11 words it.
    public var message: String {
      switch self {
      case .message(let m): return m
      case .nameNotDefined(let n): return "name '\(n)' is not defined"
      case .noAttribute(let t, let n): return "'\(t)' object has no attribute '\(n)'"
      case .moduleHasNoAttribute(let m, let n): return "module '\(m)' has no attribute '\(n)'"
      case .classHasNoAttribute(let c, let n): return "type object '\(c)' has no attribute '\(n)'"
      case .notCallable(let t): return "'\(t)' object is not callable"
      case .notIterable(let t): return "'\(t)' object is not iterable"
      case .notSubscriptable(let t): return "'\(t)' object is not subscriptable"
      case .noItemAssignment(let t): return "'\(t)' object does not support item assignment"
      case .notAnInteger(let t): return "'\(t)' object cannot be interpreted as an integer"
      case .noLength(let t): return "object of type '\(t)' has no len()"
      case .unhashable(let t): return "unhashable type: '\(t)'"
      case .unsupportedOperands(let op, let l, let r): return "unsupported operand type(s) for \(op): '\(l)' and '\(r)'"
      case .badUnaryOperand(let op, let t): return "bad operand type for unary \(op): '\(t)'"
      case .notOrderable(let op, let l, let r): return "'\(op)' not supported between instances of '\(l)' and '\(r)'"
      case .indexOutOfRange(let t): return "\(t) index out of range"
      case .notEnoughToUnpack(let e, let g, let atLeast):
        return "not enough values to unpack (expected \(atLeast ? "at least " : "")\(e), got \(g))"
      case .tooManyToUnpack(let e): return "too many values to unpack (expected \(e))"
      case .arguments(let f, let p): return p.message(function: f)
      }
    }
  }

  /// How a call's arguments fail to bind to a signature (CPython's `TypeError` family).
  public enum ArgumentProblem: Sendable, Hashable {
    /// `f() got an unexpected keyword argument 'k'`.
    case unexpectedKeyword(String)
    /// `f() got multiple values for argument 'k'`.
    case multipleValues(String)
    /// `f() missing 2 required positional arguments: 'a' and 'b'` (or keyword-only).
    case missing([String], keywordOnly: Bool)
    /// `f() takes from 1 to 2 positional arguments but 3 were given`.
    case tooManyPositional(minimum: Int, maximum: Int, given: Int, keywordOnlyGiven: Int)
    /// `f() got some positional-only arguments passed as keyword arguments: 'a'`.
    case positionalOnlyAsKeyword([String])
    /// `f() takes no keyword arguments`.
    case noKeywords
    /// `f() argument after ** must be a mapping, not 'T'`.
    case starStarNotMapping(type: String)
    /// `f() argument after * must be an iterable, not 'T'`.
    case starNotIterable(type: String)
    /// `keywords must be strings`.
    case keywordsNotStrings

    /// The message for a call of `function` (its qualified name).
    public func message(function f: String) -> String {
      switch self {
      case .unexpectedKeyword(let k): return "\(f)() got an unexpected keyword argument '\(k)'"
      case .multipleValues(let k): return "\(f)() got multiple values for argument '\(k)'"
      case .missing(let names, let keywordOnly):
        let kind = keywordOnly ? "keyword-only" : "positional"
        let quoted = names.map { "'\($0)'" }
        let list: String
        switch quoted.count {
        case 1: list = quoted[0]
        case 2: list = "\(quoted[0]) and \(quoted[1])"
        default: list = quoted.dropLast().joined(separator: ", ") + ", and " + (quoted.last ?? "")
        }
        return "\(f)() missing \(names.count) required \(kind) argument\(names.count == 1 ? "" : "s"): \(list)"
      case .tooManyPositional(let lo, let hi, let given, let kwonly):
        let takes = lo == hi ? "\(hi)" : "from \(lo) to \(hi)"
        let plural = lo != hi || hi != 1
        var tail = "\(given)"
        if kwonly > 0 {
          tail +=
            " positional argument\(given == 1 ? "" : "s") (and \(kwonly) keyword-only argument\(kwonly == 1 ? "" : "s"))"
        }
        let verb = given == 1 && kwonly == 0 ? "was" : "were"
        return "\(f)() takes \(takes) positional argument\(plural ? "s" : "") but \(tail) \(verb) given"
      case .positionalOnlyAsKeyword(let names):
        return "\(f)() got some positional-only arguments passed as keyword arguments: "
          + names.map { "'\($0)'" }.joined(separator: ", ")
      case .noKeywords: return "\(f)() takes no keyword arguments"
      case .starStarNotMapping(let t): return "\(f)() argument after ** must be a mapping, not '\(t)'"
      case .starNotIterable(let t): return "\(f)() argument after * must be an iterable, not '\(t)'"
      case .keywordsNotStrings: return "keywords must be strings"
      }
    }
  }
}

/// The exception object a kernel raised, carried inside a ``TraceError`` until an `except`
/// clause binds it (only ever read on the thread that raised it).
package final class ExceptionObject: @unchecked Sendable {
  /// The raised object (an instance of an exception class).
  package let value: Value
  package init(_ value: Value) { self.value = value }
}
