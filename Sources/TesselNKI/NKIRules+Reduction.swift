import TesselIR

extension NKIRules {
  /// The shape of a reduction of a tile of `shape` over the free `axes`.
  ///
  /// Reduced axes disappear, or stay with size 1 with `keepDims`. A tile keeps its partition
  /// dimension and at least one free dimension: reducing every free axis leaves `[P, 1]`, which
  /// broadcasts along the free dimension in later operations.
  ///
  /// ```swift
  /// try NKIRules.reduceShape([128, 4, 512], axes: [2], keepDims: false)   // [128, 4]
  /// try NKIRules.reduceShape([128, 512], axes: [1], keepDims: false)      // [128, 1]
  /// ```
  ///
  /// - Throws: `KernelError` for the partition axis, an axis out of range or repeated.
  public static func reduceShape(_ shape: [Int], axes: [Int], keepDims: Bool) throws(KernelError) -> [Int] {
    if axes.contains(0) {
      throw KernelError(
        .invalidOp(
          op: "axis=0",
          reason:
            "reductions run along free axes; the partition axis 0 cannot be reduced (use nisa.tensor_partition_reduce or a matmul)"
        ),
        operation: "tensor_reduce")
    }
    if let bad = axes.first(where: { $0 < 0 || $0 >= shape.count }) {
      throw KernelError(
        .invalidOp(op: "axis=\(bad)", reason: "axis \(bad) is out of bounds for a tile of rank \(shape.count)"),
        operation: "tensor_reduce")
    }
    if Set(axes).count != axes.count || axes.isEmpty {
      throw KernelError(
        .invalidOp(op: "axis=\(axes)", reason: "reduction axes must be distinct free axes of data\(shape)"),
        operation: "tensor_reduce")
    }
    let out =
      keepDims
      ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
      : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    return out.count < 2 ? [shape[0], 1] : out
  }
}
