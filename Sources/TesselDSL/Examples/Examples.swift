/// DSL versions of the NKI tutorial kernels in `kernels/*.py`.
///
/// Each factory takes the shapes (and compile-time keyword parameters) the NKI kernel is traced
/// with and returns a ``SwiftKernel`` whose body mirrors the `.py` file call for call: the same
/// parameter names, tensors created in the same order, and one DSL call per NKI call, so that
/// both front ends lower to the same IR.
///
/// ```swift
/// let softmax = DSLExamples.softmax(rows: 300, cols: 64)
/// let result = try softmax.run([x])
/// ```
public enum DSLExamples {
  /// NKI's `nl.tile_size.pmax`.
  static let pmax = 128
}
