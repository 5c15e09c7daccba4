import TesselIR

/// A Python class: a built-in type (`int`, `ValueError`) or the result of a `class` statement.
///
/// Attribute lookup walks ``mro`` (C3 linearization, as CPython computes it). A built-in type
/// knows which one it is (``builtin``), so that calling it converts (`int("3")`) and `isinstance`
/// can test values that are not instances of Python classes.
package final class PyClass {
  /// The built-in types the evaluator implements in Swift.
  package enum Builtin: Equatable {
    case object, type, none, bool, int, float, str, tuple, list, dict, set, frozenset, range, slice
    case function, module
    /// An exception class (`BaseException` and its built-in subclasses).
    case exception
  }

  package let name: String
  package var qualifiedName: String
  package let bases: [PyClass]
  /// The method resolution order after this class, `object` last.
  ///
  /// The class itself is not stored here: a class holding a strong reference to itself would
  /// never be freed, and every trace would leak its classes.
  package private(set) var ancestors: [PyClass] = []
  /// The method resolution order: this class first, `object` last.
  package var mro: [PyClass] { [self] + ancestors }
  /// The class namespace: methods, class attributes.
  package var dict: [String: Value] = [:]
  /// Names of the class body's annotated assignments in order (dataclass and NamedTuple fields).
  package var annotations: [String] = []
  /// Names the class body bound, in order (enum members).
  package var order: [String] = []
  /// Which built-in type this is, for classes implemented in Swift.
  package let builtin: Builtin?
  /// Special behaviour given by a decorator or a base (dataclass, Enum, NamedTuple).
  package var special: Special?
  /// The module the class was defined in.
  package var module: String = "builtins"
  /// Where the `class` statement is (unknown for built-in types).
  package var location: SourceLocation = .unknown

  /// Behaviour that a decorator or a special base class adds.
  package enum Special {
    case dataclass(DataclassInfo)
    case enumeration(EnumInfo)
    case namedTuple(NamedTupleInfo)
  }

  /// The library base classes whose subclasses the evaluator builds specially.
  package enum Role {
    /// `enum.Enum` and its `IntEnum`, `StrEnum`, `Flag`, `IntFlag` variants.
    case enumBase
    /// `typing.NamedTuple`.
    case namedTupleBase
    /// A base whose subclasses are records, as NKI's `nl.NKIObject` is: every data attribute the
    /// class body binds, annotated or not, is a field of the generated `__init__`, and a field
    /// without a value defaults to `None`.
    case recordBase
  }

  /// Which library base class this is, if any.
  package var role: Role?

  package init(name: String, bases: [PyClass], builtin: Builtin? = nil) throws(MROError) {
    self.name = name
    qualifiedName = name
    self.bases = bases
    self.builtin = builtin
    ancestors = try PyClass.merge(bases.map(\.mro) + [bases])
  }

  /// A class with a single base (or none), for built-in types; never fails.
  package init(builtin name: String, base: PyClass?, kind: Builtin) {
    self.name = name
    qualifiedName = name
    bases = base.map { [$0] } ?? []
    builtin = kind
    ancestors = base?.mro ?? []
  }

  /// The attribute `name` found along the MRO, with the class that defines it.
  package func lookup(_ name: String) -> (Value, PyClass)? {
    if let v = dict[name] { return (v, self) }
    for c in ancestors {
      if let v = c.dict[name] { return (v, c) }
    }
    return nil
  }

  /// Whether `other` is this class or one of its bases (`issubclass(self, other)`).
  package func isSubclass(of other: PyClass) -> Bool {
    self === other || ancestors.contains { $0 === other }
  }

  /// The nearest built-in type along the MRO (`int` for an `IntEnum`, `object` for plain classes).
  package var builtinBase: Builtin {
    if let b = builtin { return b }
    for c in ancestors { if let b = c.builtin { return b } }
    return .object
  }

  /// Whether instances are exceptions.
  package var isException: Bool { builtin == .exception || ancestors.contains { $0.builtin == .exception } }

  /// The dataclass fields, when this is a dataclass.
  package var dataclassInfo: DataclassInfo? {
    if case .dataclass(let d)? = special { return d }
    return nil
  }

  /// The enumeration members, when this is an `Enum`.
  package var enumInfo: EnumInfo? {
    if case .enumeration(let e)? = special { return e }
    return nil
  }

  /// The fields, when this is a named tuple.
  package var namedTupleInfo: NamedTupleInfo? {
    if case .namedTuple(let n)? = special { return n }
    return nil
  }

  /// Whether a base of this class is a ``Role/recordBase``.
  package var isRecord: Bool { ancestors.contains { $0.role == .recordBase } }

  /// The names the class body declares as fields, in order: the annotated names, or for a
  /// record (``isRecord``) every name bound to data (not a function, class, descriptor or dunder).
  package var fieldNames: [String] {
    guard isRecord else { return annotations }
    return order.filter { name in
      if name.hasPrefix("__") && name.hasSuffix("__") { return false }
      switch dict[name] {
      case .function?, .builtin?, .type?: return false
      case .native(let o)? where o is StaticMethod || o is ClassMethod || o is PropertyObject: return false
      default: return true
      }
    }
  }

  /// Whether this is an enumeration class or one of the `enum` module's bases.
  package var isEnum: Bool {
    role == .enumBase || enumInfo != nil || ancestors.contains { $0.role == .enumBase || $0.enumInfo != nil }
  }

  /// An inconsistent hierarchy (`class C(A, B)` with incompatible orders).
  package struct MROError: Error {}

  /// C3 merge of the bases' linearizations.
  static func merge(_ lists: [[PyClass]]) throws(MROError) -> [PyClass] {
    var seqs = lists.filter { !$0.isEmpty }
    var out: [PyClass] = []
    while !seqs.isEmpty {
      var head: PyClass?
      for s in seqs {
        let candidate = s[0]
        if !seqs.contains(where: { $0.dropFirst().contains { $0 === candidate } }) {
          head = candidate
          break
        }
      }
      guard let h = head else { throw MROError() }
      out.append(h)
      seqs = seqs.map { s in s[0] === h ? Array(s.dropFirst()) : s }.filter { !$0.isEmpty }
    }
    return out
  }
}

/// An instance of a class defined in Python (exceptions, dataclasses and enum members included).
package final class PyInstance {
  package let cls: PyClass
  package var attributes: [String: Value]
  /// Set on frozen dataclass instances once `__init__` has run: attribute assignment is an error.
  package var frozen = false

  package init(cls: PyClass, attributes: [String: Value] = [:]) {
    self.cls = cls
    self.attributes = attributes
  }
}

/// The fields of a `@dataclass`, in order, with their defaults.
package struct DataclassInfo {
  package struct Field {
    package var name: String
    /// The default value, if any.
    package var defaultValue: Value?
    /// `field(default_factory=...)`: called for every instance.
    package var defaultFactory: Value?
    /// Whether the field is an `__init__` parameter (`field(init=False)` is not).
    package var inInit = true
    /// Whether the field takes part in `__repr__`.
    package var inRepr = true
    /// Whether the field takes part in `__eq__`.
    package var inCompare = true
    /// Whether the `__init__` parameter is keyword-only.
    package var keywordOnly = false

    package init(name: String) { self.name = name }
  }
  package var fields: [Field]
  package var frozen: Bool
  package var eq: Bool
  package var order: Bool
  /// Whether `repr()` shows the fields.
  package var repr: Bool
}

/// The fields of a named tuple, with their defaults.
package struct NamedTupleInfo {
  package var fields: [String]
  package var defaults: [String: Value]
}

/// The members of an `Enum` class, in definition order.
package struct EnumInfo {
  /// Member names in definition order (aliases excluded).
  package var names: [String]
  /// The members by name (aliases included).
  package var members: [String: PyInstance]
}
