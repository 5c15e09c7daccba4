/// A tensor declared by a kernel: a kernel parameter, an output, or an on-chip tile.
///
/// On-chip tensors (SBUF, PSUM) have the partition dimension first; the remaining dimensions are
/// laid out row-major inside each partition. HBM tensors are plain row-major arrays.
public struct TensorDecl: Sendable, Hashable, Codable {
  /// What role the tensor plays in the kernel.
  public enum Role: String, Sendable, Hashable, Codable {
    /// An HBM tensor passed in by the caller.
    case parameter
    /// A tensor the kernel allocates (`nl.ndarray`, a tile result, an output).
    case local
  }

  /// The user-visible name (`a_tensor`, `res_psum`, or a generated `%t3`).
  public var name: String
  /// The memory space.
  public var space: MemorySpace
  /// The shape; for on-chip tensors `shape[0]` is the partition dimension.
  public var shape: [Int]
  /// The element dtype.
  public var dtype: DType
  /// Parameter or local.
  public var role: Role
  /// Where the tensor was declared.
  public var location: SourceLocation
  /// The instruction index of the innermost loop open at the declaration (nil at kernel scope):
  /// an on-chip tensor declared outside a loop and used inside it lives across the whole loop.
  public var enclosingLoop: Int?
  /// For a tensor that names part of another tensor's storage with its own shape (NKI's
  /// `.ap(pattern)` over raw storage, `.reshape`): where its elements are.
  ///
  /// Nil for a tensor with
  /// storage of its own.
  public var alias: StorageAlias?
  /// For a read-only HBM tensor whose contents the kernel gives at trace time
  /// (`nl.shared_constant`, `nl.shared_identity_matrix`): its elements, row-major, already
  /// rounded to ``dtype``.
  ///
  /// Nil for other tensors.
  public var constantValues: [Float]?
  /// For a bitcast view (`tile.view(dtype)`) or the copy of one that an instruction uses: the
  /// tensor whose bytes it names in its own dtype (``BitcastView``).
  ///
  /// Nil for other tensors.
  public var bitcast: BitcastView?
  /// For an SBUF or PSUM tensor: how many dimensions after the partition dimension are block
  /// dimensions (`[P, blocks..., free...]`), each block being a tile of its own that the
  /// allocator places, and frees, independently of the others (in whole banks in PSUM).
  ///
  /// 0 (the default): one tile, every dimension after the partition dimension free, whatever
  /// the rank: `(nl.par_dim(P), F0, F1)` or `(P, F0, F1)` in the legacy dialect, every on-chip
  /// tensor of the current dialect and of the Swift DSL. Only the legacy dialect has blocks: the
  /// dimensions before `nl.par_dim` (`(B0, B1, nl.par_dim(P), F)`, stored `[P, B0, B1, F]`, has 2).
  public var blockDimensions = 0
  /// Whether one block of this PSUM tensor may span several banks (consecutive ones).
  ///
  /// False: a PSUM tile holds at most one 2 KiB bank per partition (legacy NKI and the Swift
  /// DSL; more is the one-bank tile error). True for the current dialect, whose PSUM tensors
  /// span banks up to the whole PSUM partition (`nl.tile_size.psum_bank_fmax` is a bank's size,
  /// not a tile's).
  public var spansPSUMBanks = false

  /// Creates a tensor declaration.
  public init(
    name: String, space: MemorySpace, shape: [Int], dtype: DType, role: Role = .local,
    location: SourceLocation = .unknown, enclosingLoop: Int? = nil
  ) {
    self.enclosingLoop = enclosingLoop
    self.name = name
    self.space = space
    self.shape = shape
    self.dtype = dtype
    self.role = role
    self.location = location
  }

  /// The number of elements.
  public var elementCount: Int { shape.reduce(1, *) }

  /// The partition count of an on-chip tensor (its first dimension; 1 for a 0-d tensor).
  public var partitionCount: Int { shape.first ?? 1 }

  /// Elements per partition of an on-chip tensor (the product of the free dimensions).
  public var freeElementCount: Int { shape.dropFirst().reduce(1, *) }

  /// Bytes per partition of an on-chip tensor.
  public var bytesPerPartition: Int { freeElementCount * dtype.byteSize }

  /// Element strides of each dimension in the tensor's storage: row-major, except that an
  /// on-chip alias steps from partition to partition by its base's row
  /// (``StorageAlias/partitionStride``).
  public var strides: [Int] {
    var s = Array(repeating: 1, count: shape.count)
    var acc = 1
    for d in shape.indices.reversed() {
      s[d] = acc
      acc *= shape[d]
    }
    if let p = alias?.partitionStride, !s.isEmpty { s[0] = p }
    return s
  }

  /// The sizes of an on-chip tensor's block dimensions (``blockDimensions``; empty for a single
  /// tile).
  public var blockShape: [Int] {
    guard shape.count >= 2 else { return [] }
    let count = Swift.min(Swift.max(blockDimensions, 0), shape.count - 1)
    return Array(shape[1..<(1 + count)])
  }

  /// Bytes per partition of one block: the product of the free dimensions after the block
  /// dimensions (``blockShape``), the whole free size for a single tile.
  public var blockBytes: Int {
    bytesPerPartition / Swift.max(1, blockShape.reduce(1, *))
  }

  /// The indices of a stored element in the order the kernel writes them: a legacy block tensor
  /// `(B0, B1, nl.par_dim(P), F)` is stored `[P, B0, B1, F]` and indexed `[b0, b1, p, f]`; every
  /// other tensor in storage order.
  public func userIndices(ofStored element: [Int]) -> [Int] {
    let blocks = blockShape.count
    guard blocks > 0, element.count > blocks else { return element }
    return Array(element[1...blocks]) + [element[0]] + Array(element[(blocks + 1)...])
  }

  /// How many PSUM banks the tensor occupies per partition.
  public func psumBanks(bankBytes: Int) -> Int {
    let perBlock = Swift.max(1, (blockBytes + bankBytes - 1) / bankBytes)
    return perBlock * blockShape.reduce(1, *)
  }
}

extension Kernel {
  /// The tensor that owns `t`'s storage: `t` itself, or its alias's base.
  public func storage(of t: TensorID) -> TensorID { tensors[t.index].alias?.base ?? t }
}

/// Where an alias tensor's elements are in its base tensor's storage (``TensorDecl/alias``).
///
/// Element `i` (row-major) of an HBM alias is element `offset + i` of its base. An on-chip alias
/// keeps its base's partitions: element `(p, f)` (free dimensions flattened) is element
/// `offset + f` of the base's partition `p`, the base's partitions lying `partitionStride`
/// elements apart.
public struct StorageAlias: Sendable, Hashable, Codable {
  /// The tensor that owns the storage (never itself an alias).
  public var base: TensorID
  /// The element of the base (within each partition, on chip) where the alias starts.
  public var offset: Int
  /// On chip: the base's elements per partition; nil for HBM.
  public var partitionStride: Int?
}
