/// A `nl.device_print(prefix, x)` call of a kernel: the tile's values at each execution are kept
/// in a log tensor while the kernel runs, and printed after it.
///
/// The tracer lowers the call to a `store` (or `dma_copy`) of the tile into a slice of an HBM
/// log tensor of shape `axes.map(\.slots) + tile shape`, indexed by the program ids and the
/// enclosing loops' variables, so that every execution writes its own slice, parallel loops and
/// SPMD instances included. Slots no execution wrote (a loop with step 2, a masked-off
/// iteration, iterations past ``Axis/slots``) stay never-written and are not printed.
///
/// ```python
/// for i in nl.affine_range(4):
///     t = nl.load(x[i * 128:(i + 1) * 128, :])
///     nl.device_print("t =", t)      # log: [4, 128, F], slot i ← t
/// ```
public struct DevicePrint: Sendable, Hashable, Codable {
  /// One leading dimension of the log: a program id or an enclosing loop's variable.
  public struct Axis: Sendable, Hashable, Codable {
    /// The name printed with each value (`i`, `pid0`).
    public var name: String
    /// The variable's value at slot 0.
    public var first: Int
    /// The change of the value from one slot to the next (1 or -1).
    public var direction: Int
    /// How many slots one iteration advances (the loop's step, in magnitude; 1 for a grid axis).
    public var stride: Int
    /// The log's slots along this axis.
    public var slots: Int
    /// The values the variable takes (a loop's trip count, a grid axis's size).
    public var count: Int

    /// How many of the variable's values the log keeps (the first ones).
    public var kept: Int { min(count, (slots + stride - 1) / stride) }

    /// Creates an axis.
    public init(name: String, first: Int, direction: Int, stride: Int = 1, slots: Int, count: Int) {
      self.name = name
      self.first = first
      self.direction = direction
      self.stride = stride
      self.slots = slots
      self.count = count
    }
  }

  /// The text printed before the values (`prefix` of the call).
  public var prefix: String
  /// The HBM tensor the tile is copied into at each execution.
  public var log: TensorID
  /// The leading dimensions of the log, outermost first.
  public var axes: [Axis]
  /// The printed tensor (its name heads each entry).
  public var tile: TensorID
  /// Where the call is.
  public var location: SourceLocation
  /// What the front end left out of the log, printed after the call's last output (a front end
  /// that unrolls loops keeps only the first iterations' calls); nil when nothing was.
  public var omitted: String?

  /// Creates a record of a call.
  public init(prefix: String, log: TensorID, axes: [Axis], tile: TensorID, location: SourceLocation) {
    self.prefix = prefix
    self.log = log
    self.axes = axes
    self.tile = tile
    self.location = location
  }
}
