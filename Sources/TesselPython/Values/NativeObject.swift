import TesselIR

/// An object that a binding (or the evaluator itself) implements in Swift: NKI tiles, index
/// grids, masks, dtypes, loop ranges, host arrays, `range`, ...
///
/// The evaluator reaches it only through these hooks. Every hook has a default that behaves as a
/// plain Python object without that ability: `nil` from a hook means "not supported", and the
/// evaluator raises the `TypeError` or `AttributeError` CPython would. A hook that must refuse
/// (a symbolic loop index asked for its truth value, which depends on the iteration) throws.
package protocol NativeObject: AnyObject {
  /// The Python type name for messages (`tile`, `dtype`, `range`).
  var typeName: String { get }

  /// `obj.name`; nil when there is no such attribute.
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value?
  /// `obj.name = value`; false when the object has no settable attribute of that name.
  func setAttribute(_ name: String, _ value: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError)
    -> Bool
  /// `obj(...)`; nil when the object is not callable.
  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  /// `obj op other` (or `other op obj` when `reflected`); nil for Python's `NotImplemented`.
  func binary(_ op: BinaryOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  /// `obj op= other`; nil to fall back to `obj = obj op other`.
  func inPlace(_ op: BinaryOperator, _ other: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError)
    -> Value?
  /// `obj[key] op= value` in place; false to fall back to get, operate and set.
  func inPlaceItem(
    _ key: Value, _ op: BinaryOperator, _ value: Value, _ ev: Evaluator, at location: SourceLocation
  ) throws(TraceError) -> Bool
  /// `op obj` (`-`, `+`, `~`; `not` is the evaluator's, through ``truth(_:at:)``); nil when unsupported.
  func unary(_ op: UnaryOperator, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value?
  /// `abs(obj)`; nil when unsupported.
  func absolute(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value?
  /// `obj op other` for comparisons (or reflected); nil for `NotImplemented`.
  func compare(
    _ op: ComparisonOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at location: SourceLocation
  ) throws(TraceError) -> Value?
  /// `obj[key]`; nil when the object is not subscriptable.
  func getItem(_ key: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value?
  /// `obj[key] = value`; false when the object does not support item assignment.
  func setItem(_ key: Value, _ value: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Bool
  /// `bool(obj)`: true by default; a symbolic value throws instead of guessing.
  func truth(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Bool
  /// Whether the object takes part in `a and b` as a condition to conjoin (a mask), rather than
  /// through its truth value.
  var conjoinsWithAnd: Bool { get }
  /// The items of `iter(obj)`; nil when the object is not iterable.
  func iterate(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> [Value]?
  /// Runs a `for` loop over this object itself (a symbolic loop); nil to let the evaluator
  /// iterate over ``iterate(_:at:)`` instead.
  func driveLoop(_ loop: ForLoop, _ ev: Evaluator) throws(TraceError) -> Flow?
  /// `len(obj)`; nil when the object has no length.
  func length(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Int?
  /// `repr(obj)`.
  func repr(_ ev: Evaluator) throws(TraceError) -> String
  /// `str(obj)`; defaults to ``repr(_:)``.
  func str(_ ev: Evaluator) throws(TraceError) -> String
  /// The key of the object in dicts and sets; nil when unhashable.
  func hashKey(_ ev: Evaluator) -> HashKey?
  /// `obj == other` when it is a plain truth (dtypes, constants); nil to use identity.
  func isEqual(to other: Value, _ ev: Evaluator) -> Bool?
  /// `isinstance(obj, cls)`.
  func isInstance(of cls: PyClass, _ ev: Evaluator) -> Bool
  /// The object as a Python integer (`__index__`); nil when it is not one. A symbolic value
  /// throws instead (its value depends on a loop iteration).
  func asInteger(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Int?
  /// The object as a Python float (`__float__`); nil when it is not a number.
  func asFloat(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Double?
}

extension NativeObject {
  package func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    nil
  }
  package func setAttribute(_ name: String, _ value: Value, _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Bool
  { false }
  package func call(
    _ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation
  ) throws(TraceError) -> Value? { nil }
  package func binary(
    _ op: BinaryOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at location: SourceLocation
  ) throws(TraceError) -> Value? { nil }
  package func inPlace(_ op: BinaryOperator, _ other: Value, _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  { nil }
  package func inPlaceItem(
    _ key: Value, _ op: BinaryOperator, _ value: Value, _ ev: Evaluator, at location: SourceLocation
  ) throws(TraceError) -> Bool { false }
  package func unary(_ op: UnaryOperator, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    nil
  }
  package func compare(
    _ op: ComparisonOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at location: SourceLocation
  ) throws(TraceError) -> Value? { nil }
  package func absolute(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? { nil }
  package func getItem(_ key: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    nil
  }
  package func setItem(_ key: Value, _ value: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError)
    -> Bool
  { false }
  package func truth(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Bool { true }
  package var conjoinsWithAnd: Bool { false }
  package func iterate(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> [Value]? { nil }
  package func driveLoop(_ loop: ForLoop, _ ev: Evaluator) throws(TraceError) -> Flow? { nil }
  package func length(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Int? { nil }
  package func repr(_ ev: Evaluator) throws(TraceError) -> String { "<\(typeName) object>" }
  package func str(_ ev: Evaluator) throws(TraceError) -> String { try repr(ev) }
  package func hashKey(_ ev: Evaluator) -> HashKey? { .object(ObjectIdentifier(self)) }
  package func isEqual(to other: Value, _ ev: Evaluator) -> Bool? { nil }
  package func isInstance(of cls: PyClass, _ ev: Evaluator) -> Bool { cls.builtin == .object }
  package func asInteger(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Int? { nil }
  package func asFloat(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Double? { nil }
}

/// A module whose attributes a binding or the evaluator provides in Swift (`math`, `nki.language`).
package protocol NativeModule: AnyObject {
  /// The module's dotted name.
  var name: String { get }
  /// The attribute `name`; nil when the module has no such attribute.
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value?
  /// The attribute names, for `dir()`, completion and `from m import *`.
  var attributeNames: [String] { get }
}

/// Provides modules by dotted name: a binding's `neuronxcc.nki.language`, the standard library's
/// `math`, or files found on the import path.
package protocol ModuleProvider: AnyObject {
  /// The module named `name`, or nil when this provider does not have it.
  func module(named name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value?
}

/// Receives `print` output (the REPL's terminal, the report of a run).
package protocol PrintSink: AnyObject {
  func print(_ text: String)
}

/// Collects `print` output in order (a trace's printed text, reported with its result).
package final class PrintBuffer: PrintSink {
  /// Everything printed so far.
  package private(set) var text = ""
  package init() {}
  package func print(_ text: String) { self.text += text }
  /// The length of ``text`` in UTF-8 bytes, to return to with ``truncate(toUTF8Count:)``.
  package var utf8Count: Int { text.utf8.count }
  /// Drops what was printed after ``text`` had `count` UTF-8 bytes (output of abandoned work).
  package func truncate(toUTF8Count count: Int) {
    guard count < text.utf8.count else { return }
    text = String(decoding: text.utf8.prefix(count), as: UTF8.self)
  }

  /// Runs `body`; an error it throws carries what was printed before it (``TraceError/output``).
  package func collecting<T>(_ body: () throws(TraceError) -> T) throws(TraceError) -> T {
    do {
      return try body()
    } catch {
      var e = error
      e.output = text
      throw e
    }
  }
}
