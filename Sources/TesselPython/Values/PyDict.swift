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
  private var hashKeys: [HashKey] = []
  private var index: [HashKey: Int] = [:]

  package init() {}

  /// The number of entries.
  package var count: Int { keys.count }

  /// The value stored under `key`.
  package func get(_ key: HashKey) -> Value? {
    guard let i = index[key] else { return nil }
    return values[i]
  }

  /// Stores `value` under `key` (whose hash key is `hashKey`), keeping the first key object.
  package func set(_ key: Value, _ hashKey: HashKey, _ value: Value) {
    if let i = index[hashKey] {
      values[i] = value
      return
    }
    index[hashKey] = keys.count
    keys.append(key)
    values.append(value)
    hashKeys.append(hashKey)
  }

  /// Removes the entry for `key` and returns its value.
  @discardableResult
  package func remove(_ hashKey: HashKey) -> Value? {
    guard let i = index[hashKey] else { return nil }
    let v = values[i]
    keys.remove(at: i)
    values.remove(at: i)
    hashKeys.remove(at: i)
    index[hashKey] = nil
    for j in i..<hashKeys.count { index[hashKeys[j]] = j }
    return v
  }

  /// Removes every entry.
  package func removeAll() {
    keys = []
    values = []
    hashKeys = []
    index = [:]
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
    d.index = index
    return d
  }

  /// The hash key of entry `i`.
  package func hashKey(at i: Int) -> HashKey { hashKeys[i] }
}

/// A Python set: insertion-ordered members with hash lookup.
package final class PySet {
  package private(set) var members: [Value] = []
  private var hashKeys: [HashKey] = []
  private var index: [HashKey: Int] = [:]
  /// Whether this is a `frozenset`.
  package let frozen: Bool

  package init(frozen: Bool = false) { self.frozen = frozen }

  package var count: Int { members.count }

  package func contains(_ key: HashKey) -> Bool { index[key] != nil }

  package func insert(_ value: Value, _ key: HashKey) {
    guard index[key] == nil else { return }
    index[key] = members.count
    members.append(value)
    hashKeys.append(key)
  }

  @discardableResult
  package func remove(_ key: HashKey) -> Bool {
    guard let i = index[key] else { return false }
    members.remove(at: i)
    hashKeys.remove(at: i)
    index[key] = nil
    for j in i..<hashKeys.count { index[hashKeys[j]] = j }
    return true
  }

  package func removeAll() {
    members = []
    hashKeys = []
    index = [:]
  }

  /// The members with their hash keys.
  package var entries: [(Value, HashKey)] { Array(zip(members, hashKeys)) }

  package func copy(frozen: Bool? = nil) -> PySet {
    let s = PySet(frozen: frozen ?? self.frozen)
    s.members = members
    s.hashKeys = hashKeys
    s.index = index
    return s
  }
}
