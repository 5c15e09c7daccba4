import TesselIR

/// One statement of a kernel body: an operation that returns no tile (`store`, a loop, ...).
///
/// DSL calls record their instruction the moment they run, in program order; statements only
/// give the result builder something to collect, so a body's value says how many statements
/// (at any nesting of `if` and `for`) it ran.
public struct KernelStatement: Sendable {
  /// What the statement was (`store`, `affine_range`, `tile`, ...).
  public var kind: String
  /// Where it was written.
  public var location: SourceLocation

  /// Creates a statement marker.
  public init(kind: String, location: SourceLocation = .unknown) {
    self.kind = kind
    self.location = location
  }
}

/// The statements a kernel body (or a loop body) ran, in order.
public struct KernelBody: Sendable {
  /// The statements, flattened across `if`/`else` branches and `for` iterations.
  public var statements: [KernelStatement]

  /// Creates a body.
  public init(_ statements: [KernelStatement] = []) {
    self.statements = statements
  }
}

/// The result builder of kernel and loop bodies.
///
/// Swift control flow in a body runs while the kernel is built: `if` chooses what to emit
/// (NKI's trace-time `if use_causal_mask:`) and `for` unrolls (NKI's `nl.static_range`). Loops
/// that should stay loops in the IR are ``affineRange(_:name:fileID:line:column:_:)`` and
/// ``sequentialRange(_:name:fileID:line:column:_:)``.
///
/// ```swift
/// let kernel = SwiftKernel(name: "scale", parameters: [.init("x", shape: [256, 64])]) { args in
///   let out = output("out", shape: [256, 64], dtype: .float32)
///   affineRange(2) { t in
///     let x = load(args[0][t * 128 ..+ 128, 0 ..< 64])
///     if doubled {
///       store(out[t * 128 ..+ 128, 0 ..< 64], value: multiply(x, 2))
///     } else {
///       store(out[t * 128 ..+ 128, 0 ..< 64], value: x)
///     }
///   }
/// }
/// ```
@resultBuilder
public enum KernelBodyBuilder {
  /// Turns a statement into a body component.
  ///
  /// ```swift
  /// store(out[0 ..< 128, 0 ..< 64], value: t)   // a KernelStatement
  /// ```
  public static func buildExpression(_ statement: KernelStatement) -> [KernelStatement] {
    [statement]
  }

  /// Accepts a tile whose value is not used (its instruction is already recorded).
  ///
  /// ```swift
  /// activation(.exp, x, reduceInto: rowSum)   // only the reduction is used later
  /// ```
  public static func buildExpression<S: OnChipMemory>(_ tile: Tile<S>) -> [KernelStatement] {
    [KernelStatement(kind: "tile", location: tile.declaration.location)]
  }

  /// Accepts a tensor whose value is not used.
  ///
  /// ```swift
  /// output("unused", shape: [1, 1], dtype: .float32)
  /// ```
  public static func buildExpression<S: DeviceMemory>(_ tensor: Tensor<S>) -> [KernelStatement] {
    [KernelStatement(kind: "tensor", location: tensor.declaration.location)]
  }

  /// Accepts a `Void` expression (such as `psum += matmul(a, b)` or a helper function call).
  ///
  /// ```swift
  /// resPsum += matmul(lhsTile, rhsTile)
  /// ```
  public static func buildExpression(_: Void) -> [KernelStatement] {
    []
  }

  /// Accepts a nested body (a helper function that is itself a `@KernelBodyBuilder`).
  ///
  /// ```swift
  /// @KernelBodyBuilder func normalize(_ t: Tile<SBUF>) -> KernelBody { ... }
  /// normalize(x)
  /// ```
  public static func buildExpression(_ body: KernelBody) -> [KernelStatement] {
    body.statements
  }

  /// Starts a block with its first statement.
  ///
  /// ```swift
  /// let t = load(x[0 ..< 128, 0 ..< 64])
  /// store(out[0 ..< 128, 0 ..< 64], value: t)   // the first component
  /// ```
  public static func buildPartialBlock(first: [KernelStatement]) -> [KernelStatement] {
    first
  }

  /// Appends the next statement of a block.
  ///
  /// ```swift
  /// store(a[0 ..< 128, 0 ..< 64], value: t)
  /// store(b[0 ..< 128, 0 ..< 64], value: t)     // accumulated after the first
  /// ```
  public static func buildPartialBlock(
    accumulated: [KernelStatement], next: [KernelStatement]
  ) -> [KernelStatement] {
    accumulated + next
  }

  /// An empty block.
  ///
  /// ```swift
  /// affineRange(4) { _ in }
  /// ```
  public static func buildBlock() -> [KernelStatement] {
    []
  }

  /// An `if` without `else`: the statements when the condition held at build time.
  ///
  /// ```swift
  /// if addBias {
  ///   store(out[0 ..< 128, 0 ..< 64], value: add(t, bias))
  /// }
  /// ```
  public static func buildOptional(_ component: [KernelStatement]?) -> [KernelStatement] {
    component ?? []
  }

  /// The `if` branch of an `if`/`else` (or the first `switch` case).
  ///
  /// ```swift
  /// if causal { store(o, value: masked) } else { store(o, value: plain) }
  /// ```
  public static func buildEither(first component: [KernelStatement]) -> [KernelStatement] {
    component
  }

  /// The `else` branch of an `if`/`else`.
  ///
  /// ```swift
  /// if causal { store(o, value: masked) } else { store(o, value: plain) }
  /// ```
  public static func buildEither(second component: [KernelStatement]) -> [KernelStatement] {
    component
  }

  /// A Swift `for` loop, unrolled at build time (NKI's `nl.static_range`).
  ///
  /// ```swift
  /// for c in 0 ..< 4 {
  ///   store(out[0 ..< 128, c * 64 ..+ 64], value: t)
  /// }
  /// ```
  public static func buildArray(_ components: [[KernelStatement]]) -> [KernelStatement] {
    components.flatMap { $0 }
  }

  /// A body guarded by `if #available`.
  ///
  /// ```swift
  /// if #available(macOS 15, *) { store(o, value: t) }
  /// ```
  public static func buildLimitedAvailability(_ component: [KernelStatement]) -> [KernelStatement] {
    component
  }

  /// Wraps the collected statements.
  ///
  /// ```swift
  /// let body: KernelBody = ...   // what a @KernelBodyBuilder closure returns
  /// ```
  public static func buildFinalResult(_ component: [KernelStatement]) -> KernelBody {
    KernelBody(component)
  }
}
