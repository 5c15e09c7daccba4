/// The index of a tensor in ``Kernel/tensors``.
public struct TensorID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  /// The position in ``Kernel/tensors``.
  public var index: Int
  /// Creates an ID from a position.
  public init(_ index: Int) { self.index = index }
  public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
  public var description: String { "%\(index)" }
}

/// An index variable: a loop induction variable or an SPMD program id (``Kernel/indexVars``).
public struct IndexVar: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
  /// The position in ``Kernel/indexVars``.
  public var index: Int
  /// Creates an ID from a position.
  public init(_ index: Int) { self.index = index }
  public static func < (a: Self, b: Self) -> Bool { a.index < b.index }
  public var description: String { "$\(index)" }
}
