import TesselIR
import TesselNumerics

extension HostArray: CustomStringConvertible {
  /// How many elements make an array big enough to elide its middle (numpy's `threshold`).
  static let summaryThreshold = 1000
  /// How many items are shown at each end of an elided axis (numpy's `edgeitems`).
  static let summaryEdgeItems = 3
  /// Arrays of higher rank are printed as a flat list of their elements.
  static let maxNestedRank = 64

  /// A numpy-like rendering: a header line with shape and dtype, then the nested elements.
  ///
  /// Arrays of more than 1000 elements show only the first and last 3 items of each long axis;
  /// arrays of more than 64 dimensions are shown as a flat list.
  ///
  /// ```
  /// HostArray(shape: (2, 3), dtype: float32)
  /// [[1.0, 2.0, 3.0],
  ///  [4.0, 5.0, 6.0]]
  /// ```
  public var description: String {
    let header = "HostArray(shape: \(formatShape(shape)), dtype: \(elementType))"
    if count == 0 { return header + "\n[]" }
    let summarize = count > Self.summaryThreshold
    // Rendering recurses once per axis; past numpy's 64 dimensions, print the elements flat.
    let layout = shape.count > Self.maxNestedRank ? [count] : shape
    let shownPerAxis = layout.map { shownIndices(size: $0, summarize: summarize) }
    // Render every shown element once to find the column width.
    var strides = [Int](repeating: 1, count: layout.count)
    var stride = 1
    for axis in layout.indices.reversed() {
      strides[axis] = stride
      stride *= layout[axis]
    }
    var width = 0
    forEachShown(shownPerAxis, strides: strides, axis: 0, offset: 0) { i in
      width = max(width, formatElement(at: i).count)
    }
    let body = render(shownPerAxis, strides: strides, axis: 0, offset: 0, width: width)
    return header + "\n" + body
  }

  private func shownIndices(size: Int, summarize: Bool) -> [Int?] {
    let edge = Self.summaryEdgeItems
    if summarize && size > 2 * edge {
      return Array(0..<edge).map { Optional($0) } + [nil] + Array((size - edge)..<size).map { Optional($0) }
    }
    return Array(0..<size).map { Optional($0) }
  }

  private func forEachShown(
    _ shown: [[Int?]], strides: [Int], axis: Int, offset: Int, _ body: (Int) -> Void
  ) {
    if axis == shown.count {
      body(offset)
      return
    }
    for case let i? in shown[axis] {
      forEachShown(shown, strides: strides, axis: axis + 1, offset: offset + i * strides[axis], body)
    }
  }

  private func render(_ shown: [[Int?]], strides: [Int], axis: Int, offset: Int, width: Int) -> String {
    if axis == shown.count {
      let s = formatElement(at: offset)
      return String(repeating: " ", count: max(0, width - s.count)) + s
    }
    let parts = shown[axis].map { index -> String in
      guard let index else { return "..." }
      return render(shown, strides: strides, axis: axis + 1, offset: offset + index * strides[axis], width: width)
    }
    let innerAxes = shown.count - axis - 1
    let separator =
      innerAxes == 0
      ? ", "
      : "," + String(repeating: "\n", count: innerAxes) + String(repeating: " ", count: axis + 1)
    return "[" + parts.joined(separator: separator) + "]"
  }

  /// One element as numpy would print it: `True`/`False`, exact integers, shortest floats.
  func formatElement(at i: Int) -> String {
    let bits = rawBits(at: i)
    switch elementType {
    case .float64:
      return String(describing: Double(bitPattern: bits))
    case .nki(.bool):
      return bits == 0 ? "False" : "True"
    case .nki(let dtype) where dtype.isFloatingPoint:
      return String(describing: dtype.decode(UInt32(truncatingIfNeeded: bits)))
    default:
      guard let (negative, magnitude) = integerValue(at: i) else { return "?" }
      return (negative ? "-" : "") + String(magnitude)
    }
  }
}
