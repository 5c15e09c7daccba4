import Foundation
import TesselIR

/// A small numpy array known at trace time: `np.arange(OH) * H // OH`, `np.identity(128)`,
/// `np.zeros((4,))`.
///
/// Its elements are constants of the trace, held as `Double` (exact for every
/// NKI dtype and for 64-bit integers up to 2^53) and converted to ``dtype`` after every
/// operation, as numpy stores them.
///
/// Bindings read ``shape``, ``dtype`` and ``values`` to turn one into kernel data
/// (`nl.shared_constant`); an array reaching a kernel's data path any other way is an error of
/// the binding, never a silent conversion.
package final class NDArray: NativeObject {
  /// The dimensions (empty for a 0-d array).
  package let shape: [Int]
  /// The element type.
  package let dtype: ArrayDType
  /// The elements, row-major, already converted to ``dtype``.
  package internal(set) var values: [Double]

  /// The largest array Tessel builds at trace time (elements); bigger ones are kernel data.
  package static let maximumCount = 1 << 24

  /// An array of `values` (row-major), converted to `dtype`.
  package init(shape: [Int], dtype: ArrayDType, values: [Double], at loc: SourceLocation) throws(TraceError) {
    self.shape = shape
    self.dtype = dtype
    var converted = values
    for i in converted.indices {
      guard let v = dtype.convert(converted[i]) else {
        throw TraceError.unsupported("numpy arrays of \(dtype) at trace time", at: loc)
      }
      converted[i] = v
    }
    self.values = converted
  }

  /// An array of `count` copies of `fill`.
  package convenience init(shape: [Int], dtype: ArrayDType, fill: Double, at loc: SourceLocation) throws(TraceError) {
    let n = try NDArray.count(of: shape, at: loc)
    try self.init(shape: shape, dtype: dtype, values: Array(repeating: fill, count: n), at: loc)
  }

  /// The number of elements of `shape`, checked against ``maximumCount``.
  package static func count(of shape: [Int], at loc: SourceLocation) throws(TraceError) -> Int {
    var n = 1
    for d in shape {
      guard d >= 0 else { throw TraceError.python("ValueError", "negative dimensions are not allowed", at: loc) }
      let (p, overflow) = n.multipliedReportingOverflow(by: d)
      guard !overflow, p <= maximumCount else {
        throw TraceError(
          .resourceLimit(what: "elements of a numpy array built at trace time", limit: maximumCount), at: loc)
      }
      n = p
    }
    return n
  }

  /// The number of elements.
  package var count: Int { values.count }

  /// Row-major strides in elements.
  package var strides: [Int] { RowMajorIndex.strides(of: shape) }

  package var typeName: String { "numpy.ndarray" }

  /// One element as the Python number numpy's scalar behaves as.
  package func scalar(_ x: Double) -> Value {
    if dtype.isBool { return .bool(x != 0) }
    if dtype.isFloat { return .float(x) }
    return .int(Int(x))
  }

  /// The array as nested Python lists (`tolist()`).
  package func nestedList() -> Value {
    if shape.isEmpty { return scalar(values.first ?? 0) }
    func build(_ axis: Int, _ offset: Int, _ strides: [Int]) -> Value {
      var items: [Value] = []
      items.reserveCapacity(shape[axis])
      for i in 0..<shape[axis] {
        let o = offset + i * strides[axis]
        items.append(axis == shape.count - 1 ? scalar(values[o]) : build(axis + 1, o, strides))
      }
      return .list(PyList(items))
    }
    return build(0, 0, strides)
  }

  /// The single element of a size-1 array, or the error numpy gives for a bigger one.
  func only(_ what: String, at loc: SourceLocation) throws(TraceError) -> Double {
    guard values.count == 1 else {
      throw TraceError.python(
        "ValueError", "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()",
        at: loc)
    }
    return values[0]
  }

  package func truth(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Bool {
    if values.isEmpty { return false }
    return try only("truth", at: loc) != 0
  }

  package func asInteger(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Int? {
    guard dtype.isInteger, values.count == 1 else {
      throw TraceError.typeError(.message("only integer scalar arrays can be converted to a scalar index"), at: loc)
    }
    return Int(values[0])
  }

  package func asFloat(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Double? {
    guard values.count == 1 else {
      throw TraceError.typeError(.message("only length-1 arrays can be converted to Python scalars"), at: loc)
    }
    return values[0]
  }

  package func length(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Int? {
    guard let n = shape.first else { throw TraceError.typeError(.message("len() of unsized object"), at: loc) }
    return n
  }

  package func iterate(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> [Value]? {
    guard let n = shape.first else { throw TraceError.typeError(.message("iteration over a 0-d array"), at: loc) }
    var items: [Value] = []
    for i in 0..<n { items.append(try item(at: [i], at: loc)) }
    return items
  }

  package func hashKey(_ ev: Evaluator) -> HashKey? { nil }
}
