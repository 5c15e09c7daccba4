/// The identity of a hashable Python value as a dict key or set member.
///
/// Numbers that compare equal share a key (`1`, `1.0` and `True`), as in Python; tuples hash by
/// their items; functions, classes, modules and plain instances by identity; native objects by
/// the key they give (``NativeObject/hashKey``).
package enum HashKey: Hashable {
  case none
  case int(Int)
  /// A float that is not integral, by bit pattern.
  case float(UInt64)
  case string(String)
  case tuple([HashKey])
  case object(ObjectIdentifier)
  /// A key chosen by a native object (`dtype:float32`).
  case native(String)
  case ellipsis
}

/// The hash keys of an insertion-ordered container (``PyDict``, ``PySet``): each entry's key in
/// order, and each key's position for lookup.
struct OrderedHashKeys {
  /// The keys in insertion order.
  private(set) var keys: [HashKey] = []
  private var positions: [HashKey: Int] = [:]

  /// The position of `key`, or nil when it is absent.
  func position(of key: HashKey) -> Int? { positions[key] }

  /// Appends `key`, which must be absent, as the last entry.
  mutating func append(_ key: HashKey) {
    positions[key] = keys.count
    keys.append(key)
  }

  /// Removes `key` and returns the position it had, or nil when it is absent.
  mutating func remove(_ key: HashKey) -> Int? {
    guard let i = positions.removeValue(forKey: key) else { return nil }
    keys.remove(at: i)
    for j in i..<keys.count { positions[keys[j]] = j }
    return i
  }
}

/// A Python dict: insertion-ordered keys with hash lookup.
package final class PyDict {
  /// The `collections` variants, which differ in what a missing key gives and in their repr.
  package enum Flavor {
    case plain
    case ordered
    /// `defaultdict(factory)`: a missing key is set to `factory()`.
    case defaultDict(Value)
    /// `Counter`: a missing key counts 0.
    case counter
  }

  package var flavor: Flavor = .plain
  package private(set) var keys: [Value] = []
  package private(set) var values: [Value] = []
  private var hashKeys = OrderedHashKeys()

  package init() {}

  /// The number of entries.
  package var count: Int { keys.count }

  /// The value stored under `key`.
  package func get(_ key: HashKey) -> Value? {
    guard let i = hashKeys.position(of: key) else { return nil }
    return values[i]
  }

  /// Stores `value` under `key` (whose hash key is `hashKey`), keeping the first key object.
  package func set(_ key: Value, _ hashKey: HashKey, _ value: Value) {
    if let i = hashKeys.position(of: hashKey) {
      values[i] = value
      return
    }
    hashKeys.append(hashKey)
    keys.append(key)
    values.append(value)
  }

  /// Removes the entry for `key` and returns its value.
  @discardableResult
  package func remove(_ hashKey: HashKey) -> Value? {
    guard let i = hashKeys.remove(hashKey) else { return nil }
    keys.remove(at: i)
    return values.remove(at: i)
  }

  /// Removes every entry.
  package func removeAll() {
    keys = []
    values = []
    hashKeys = OrderedHashKeys()
  }

  /// The entries as (key, value) pairs in insertion order.
  package var items: [(Value, Value)] { Array(zip(keys, values)) }

  /// A shallow copy.
  package func copy() -> PyDict {
    let d = PyDict()
    d.flavor = flavor
    d.keys = keys
    d.values = values
    d.hashKeys = hashKeys
    return d
  }

  /// The hash key of entry `i`.
  package func hashKey(at i: Int) -> HashKey { hashKeys.keys[i] }
}

/// A Python set: insertion-ordered members with hash lookup.
package final class PySet {
  package private(set) var members: [Value] = []
  private var hashKeys = OrderedHashKeys()
  /// Whether this is a `frozenset`.
  package let frozen: Bool

  package init(frozen: Bool = false) { self.frozen = frozen }

  package var count: Int { members.count }

  package func contains(_ key: HashKey) -> Bool { hashKeys.position(of: key) != nil }

  package func insert(_ value: Value, _ key: HashKey) {
    guard hashKeys.position(of: key) == nil else { return }
    hashKeys.append(key)
    members.append(value)
  }

  @discardableResult
  package func remove(_ key: HashKey) -> Bool {
    guard let i = hashKeys.remove(key) else { return false }
    members.remove(at: i)
    return true
  }

  package func removeAll() {
    members = []
    hashKeys = OrderedHashKeys()
  }

  /// The members with their hash keys.
  package var entries: [(Value, HashKey)] { Array(zip(members, hashKeys.keys)) }

  package func copy(frozen: Bool? = nil) -> PySet {
    let s = PySet(frozen: frozen ?? self.frozen)
    s.members = members
    s.hashKeys = hashKeys
    return s
  }
}
