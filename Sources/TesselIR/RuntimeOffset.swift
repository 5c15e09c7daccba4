/// A part of a view's position that is read from memory when the instruction runs: NKI's
/// `.ap(scalar_offset=…)`, whose value comes from a virtual register or a `[1, 1]` SBUF tile.
///
/// The view's start on tensor dimension `k` becomes `start[k] + value · steps[k]`, where `value` is
/// the integer held by `source` just before the instruction executes. Such a view can only be
/// bounds-checked at run time; the interpreter does so before every execution.
///
/// ```swift
/// // input.ap(pattern=[[H, 128], [1, 512]], scalar_offset=m_start, indirect_dim=0) on [M, H]:
/// // one unit of m_start moves one row.
/// RuntimeOffset(source: .whole(mStart, shape: [1, 1]), steps: [1, 0])
/// ```
public struct RuntimeOffset: Sendable, Hashable, Codable {
  /// The one-element view holding the value (a register or a `[1, 1]` tile).
  public var source: View
  /// How far one unit of the value moves along each tensor dimension of the view's tensor.
  public var steps: [Int]

  /// Creates a runtime offset.
  public init(source: View, steps: [Int]) {
    self.source = source
    self.steps = steps
  }
}

extension View {
  /// Whether the view's position depends on values known only at run time: it has runtime
  /// offsets, or its start uses one of `runtimeVariables` (a dynamic loop's induction variable).
  public func isPositionedAtRunTime(_ runtimeVariables: Set<IndexVar>) -> Bool {
    if !runtimeOffsets.isEmpty { return true }
    if runtimeVariables.isEmpty { return false }
    return start.contains { e in e.terms.contains { runtimeVariables.contains($0.variable) } }
  }
}
