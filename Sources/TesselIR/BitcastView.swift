/// A tensor that names another tensor's bytes in its own dtype: NKI's `tile.view(dtype)`
/// (``TensorDecl/bitcast``).
///
/// A view keeps its base's leading dimensions and rescales the last one by the ratio of the
/// element sizes (a `[P, 1]` float32 tile viewed as float8_e4m3 is `[P, 4]`); element `j` of a
/// row is the `j`-th run of the view dtype's bytes in that row of the base, little-endian as on
/// the device.
///
/// Tessel keeps every element as a decoded `Float`, so a view cannot share its base's memory
/// the way a ``StorageAlias`` does. A front end declares the view and lets
/// instructions name it; ``Kernel/materializingBitcasts()`` (run by ``KernelBuilder/finish(target:checkDependences:foldCopies:)``)
/// then gives each such instruction a copy of its own (``isCopy``), filled from the base by a
/// ``Operation/Bitcast`` instruction before it and, when the instruction writes it, copied back
/// after it. A copy takes no memory of its own: the allocator counts its base's.
public struct BitcastView: Sendable, Hashable, Codable {
  /// The tensor whose bytes the view names (never itself a bitcast view).
  public var base: TensorID
  /// False for the view a front end declared (instructions may name it until the kernel is
  /// finished); true for the copy one instruction uses, kept in step with the base by bitcast
  /// instructions.
  public var isCopy: Bool

  /// The shape of `base` viewed as `dtype`: the last dimension rescaled by the ratio of the
  /// element sizes, or nil when the last dimension's bytes do not divide into `dtype`'s.
  public static func shape(of base: TensorDecl, as dtype: DType) -> [Int]? {
    guard let last = base.shape.last else { return nil }
    let bytes = last * base.dtype.byteSize
    guard bytes % dtype.byteSize == 0 else { return nil }
    return base.shape.dropLast() + [bytes / dtype.byteSize]
  }
}

extension Kernel {
  /// The tensor whose memory `t` occupies: its alias's base, a bitcast's base (or that base's
  /// alias base), or `t` itself.
  ///
  /// The allocator places and counts only these.
  public func memoryOwner(of t: TensorID) -> TensorID {
    storage(of: tensors[t.index].bitcast?.base ?? t)
  }
}

extension KernelBuilder {
  /// Declares `base` viewed as `dtype` (NKI's `tile.view(dtype)`) and returns the view.
  ///
  /// A view of a view names the first view's base. Instructions may read and write the view;
  /// ``Kernel/materializingBitcasts()`` keeps it in step with its base.
  ///
  /// - Throws: ``KernelError`` when the last dimension's bytes do not divide into `dtype`'s, or
  ///   for a PSUM tile (Tessel tracks PSUM accumulation per tile; copy it to SBUF first).
  public mutating func declareBitcast(
    name: String, of base: TensorID, as dtype: DType, location: SourceLocation = .unknown
  ) throws(KernelError) -> TensorID {
    let root = kernel[base].bitcast?.base ?? base
    let b = kernel[root]
    if b.space == .psum {
      throw KernelError(
        .unsupported("view(\(dtype.nkiName)) of the PSUM tile `\(b.name)` (copy it to SBUF first)"), at: location)
    }
    guard let shape = BitcastView.shape(of: b, as: dtype) else {
      throw KernelError(
        .malformed(
          "cannot view `\(b.name)` \(b.shape) \(b.dtype.nkiName) as \(dtype.nkiName): its last dimension holds "
            + "\((b.shape.last ?? 0) * b.dtype.byteSize) bytes, not a multiple of \(dtype.byteSize)"),
        at: location)
    }
    var decl = TensorDecl(
      name: name, space: b.space, shape: shape, dtype: dtype, role: .local, location: location,
      enclosingLoop: openLoops.last)
    decl.bitcast = BitcastView(base: root, isCopy: false)
    return appendTensor(decl)
  }
}
