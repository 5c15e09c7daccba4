/// A read of never-written memory by one operand of one instruction: the origin of the values
/// computed from it.
///
/// The interpreter records one per (instruction, operand) when it runs with origin tracking
/// (`RunOptions.trackUninitializedOrigins`); every value computed from the elements it read
/// carries its identity. ``UninitializedOrigin`` says which output elements ended up with it.
public struct UninitializedRead: Sendable, Hashable, Codable {
  /// The instruction's index in ``Kernel/instructions``.
  public var instruction: Int
  /// The NKI spelling of the operation (`tensor_tensor`, `nc_matmul`, ...).
  public var operation: String
  /// The NKI operand name (`data1`, `stationary`; `dst` for a matmul accumulating into PSUM).
  public var operand: String
  /// The name of the tensor read.
  public var tensor: String
  /// The first never-written element the operand read (an index into the tensor).
  public var firstElement: [Int]
  /// How many distinct never-written elements of the tensor the operand read over the run.
  public var elementCount: Int
  /// The source location of the instruction.
  public var location: SourceLocation

  /// Creates a record.
  public init(
    instruction: Int, operation: String, operand: String, tensor: String, firstElement: [Int],
    elementCount: Int, location: SourceLocation
  ) {
    self.instruction = instruction
    self.operation = operation
    self.operand = operand
    self.tensor = tensor
    self.firstElement = firstElement
    self.elementCount = elementCount
    self.location = location
  }
}

/// Elements of a kernel output (a returned tensor or a parameter the kernel writes) whose values
/// were computed from one read of never-written memory.
///
/// ```text
/// warning: output `c` elements [0:128, 4:8] (512 of 4096) derive from the read of never-written `t` by 'tensor_tensor' at line 12
/// ```
public struct UninitializedOrigin: Sendable, Hashable, Codable {
  /// The output's name.
  public var output: String
  /// Whether the output is a kernel parameter (written in place) rather than a returned tensor.
  public var isParameter: Bool
  /// The output's shape.
  public var shape: [Int]
  /// Where the output is declared.
  public var outputLocation: SourceLocation
  /// The affected elements, as row-major flat indices into the output, ascending.
  public var elements: [Int]
  /// The read the elements derive from.
  public var read: UninitializedRead

  /// Creates an entry; `elements` are row-major flat indices, ascending.
  public init(
    output: String, isParameter: Bool, shape: [Int], outputLocation: SourceLocation, elements: [Int],
    read: UninitializedRead
  ) {
    self.output = output
    self.isParameter = isParameter
    self.shape = shape
    self.outputLocation = outputLocation
    self.elements = elements
    self.read = read
  }

  /// The multi-index of a row-major flat index into a tensor of `shape`.
  public static func index(_ flat: Int, in shape: [Int]) -> [Int] {
    var rest = flat
    var out = Array(repeating: 0, count: shape.count)
    for d in shape.indices.reversed() {
      let n = Swift.max(1, shape[d])
      out[d] = rest % n
      rest /= n
    }
    return out
  }

  /// The bounding box of the affected elements: a half-open range per dimension.
  public var bounds: [Range<Int>] {
    var lo = Array(repeating: Int.max, count: shape.count)
    var hi = Array(repeating: Int.min, count: shape.count)
    for e in elements {
      let idx = Self.index(e, in: shape)
      for d in idx.indices {
        lo[d] = Swift.min(lo[d], idx[d])
        hi[d] = Swift.max(hi[d], idx[d])
      }
    }
    return shape.indices.map { lo[$0] <= hi[$0] ? lo[$0]..<(hi[$0] + 1) : 0..<0 }
  }

  /// Whether the affected elements are exactly their bounding box.
  public var fillsBounds: Bool {
    bounds.map(\.count).reduce(1, *) == elements.count
  }

  /// The one-line message.
  public var message: String {
    let total = shape.reduce(1, *)
    let box = "[" + bounds.map { "\($0.lowerBound):\($0.upperBound)" }.joined(separator: ", ") + "]"
    let what = isParameter ? "parameter" : "output"
    let region: String
    if elements.count == 1, let e = elements.first {
      region = "element \(Self.index(e, in: shape)) (1 of \(total)) derives"
    } else if fillsBounds {
      region = "elements \(box) (\(elements.count) of \(total)) derive"
    } else {
      let first = elements.first.map { ", first \(Self.index($0, in: shape))" } ?? ""
      region = "elements within \(box) (\(elements.count) of \(total)\(first)) derive"
    }
    let line = read.location.isKnown ? " at line \(read.location.line)" : ""
    return "\(what) `\(output)` \(region) from the read of never-written `\(read.tensor)` by '\(read.operation)'\(line)"
  }

  /// The warning, located at the read, with notes on what was read and where the output is declared.
  public var diagnostic: Diagnostic {
    let elementWord = read.elementCount == 1 ? "element" : "elements"
    var notes = [
      Diagnostic(
        .note,
        "'\(read.operation)' read \(read.elementCount) never-written \(elementWord) of `\(read.tensor)` (operand '\(read.operand)'), the first `\(read.tensor)\(read.firstElement)`"
      )
    ]
    if outputLocation.isKnown {
      notes.append(Diagnostic(.note, "`\(output)` is declared here", at: outputLocation))
    }
    return Diagnostic(.warning, message, at: read.location.isKnown ? read.location : nil, notes: notes)
  }
}
