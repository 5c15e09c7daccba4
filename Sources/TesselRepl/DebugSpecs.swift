import Foundation
import Tessel

/// Where a stepping session stops: a source line, an instruction, or every instruction of an
/// operation.
enum BreakpointSpec: Equatable, CustomStringConvertible {
  /// Line `line` of `file`, or of the called kernel's own file when `file` is nil.
  case line(file: String?, line: Int)
  /// Instruction `#N` of the kernel (its index in the listing's order, loops included).
  case instruction(Int)
  /// Every instruction of an NKI operation (`nc_matmul`, `activation`, ...).
  case operation(String)

  /// Parses what follows `:break`: `LINE`, `FILE:LINE`, `#N` or an operation name.
  static func parse(_ text: String) -> BreakpointSpec? {
    let t = text.trimmingCharacters(in: .whitespaces)
    if t.hasPrefix("#") { return Int(t.dropFirst()).flatMap { $0 >= 0 ? .instruction($0) : nil } }
    if let n = Int(t) { return n > 0 ? .line(file: nil, line: n) : nil }
    if let colon = t.lastIndex(of: ":"), let n = Int(t[t.index(after: colon)...]), n > 0, colon > t.startIndex {
      return .line(file: String(t[..<colon]), line: n)
    }
    if !t.isEmpty, t.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), t.first?.isNumber == false {
      return .operation(t)
    }
    return nil
  }

  var description: String {
    switch self {
    case .line(let file?, let line): "\(file):\(line)"
    case .line(nil, let line): "line \(line)"
    case .instruction(let n): "#\(n)"
    case .operation(let name): "every \(name)"
    }
  }
}

/// A tile or a rectangular part of one, as typed at the debugger: `acc`, `acc[0:4, 0:8]`,
/// `out[3]`, `%5[:, 2:]`.
struct TileRegion: Equatable, CustomStringConvertible {
  /// The tensor's name as the kernel's listing prints it (`t`, `t.1`, `%5`).
  var name: String
  /// One entry per subscript: a single index, or a `start:stop` range (either end optional,
  /// negative counting from the end as in Python).
  var subscripts: [Subscript]

  /// One subscript of a ``TileRegion``.
  enum Subscript: Equatable {
    case index(Int)
    case range(Int?, Int?)
  }

  /// Parses `NAME` or `NAME[s, s, ...]`; nil when the text is neither.
  static func parse(_ text: String) -> TileRegion? {
    let t = text.trimmingCharacters(in: .whitespaces)
    let nameEnd = t.firstIndex(of: "[") ?? t.endIndex
    let name = String(t[..<nameEnd]).trimmingCharacters(in: .whitespaces)
    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_.%".contains($0) }) else { return nil }
    guard nameEnd < t.endIndex else { return TileRegion(name: name, subscripts: []) }
    guard t.hasSuffix("]") else { return nil }
    let inner = t[t.index(after: nameEnd)..<t.index(before: t.endIndex)]
    var subs: [Subscript] = []
    for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
      let p = part.trimmingCharacters(in: .whitespaces)
      if let colon = p.firstIndex(of: ":") {
        let a = p[..<colon].trimmingCharacters(in: .whitespaces)
        let b = p[p.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard a.isEmpty || Int(a) != nil, b.isEmpty || Int(b) != nil else { return nil }
        subs.append(.range(Int(a), Int(b)))
      } else {
        guard let i = Int(p) else { return nil }
        subs.append(.index(i))
      }
    }
    return TileRegion(name: name, subscripts: subs)
  }

  var description: String {
    guard !subscripts.isEmpty else { return name }
    let parts = subscripts.map { s -> String in
      switch s {
      case .index(let i): "\(i)"
      case .range(let a, let b): "\(a.map(String.init) ?? ""):\(b.map(String.init) ?? "")"
      }
    }
    return "\(name)[\(parts.joined(separator: ", "))]"
  }

  /// The region's elements in a tensor of `shape`: their row-major indices and coordinates,
  /// and the region's shape (single-index subscripts drop their dimension, as in numpy).
  ///
  /// Throws a message when the region does not fit the shape.
  func elements(in shape: [Int]) throws(DebugMessage) -> (offsets: [Int], coordinates: [[Int]], shape: [Int]) {
    guard subscripts.count <= shape.count else {
      throw DebugMessage("`\(name)` has \(shape.count) dimensions (shape \(shape)), not \(subscripts.count)")
    }
    var ranges: [Range<Int>] = []
    var kept: [Int] = []
    for (d, size) in shape.enumerated() {
      let s = d < subscripts.count ? subscripts[d] : .range(nil, nil)
      switch s {
      case .index(let i):
        let j = i < 0 ? i + size : i
        guard j >= 0 && j < size else {
          throw DebugMessage("index \(i) is out of bounds for dimension \(d) of `\(name)` with size \(size)")
        }
        ranges.append(j..<j + 1)
      case .range(let a, let b):
        func clamp(_ v: Int?, _ fallback: Int) -> Int {
          guard let v else { return fallback }
          return Swift.min(Swift.max(v < 0 ? v + size : v, 0), size)
        }
        let lo = clamp(a, 0)
        let hi = Swift.max(lo, clamp(b, size))
        guard hi > lo else { throw DebugMessage("`\(description)` is empty in dimension \(d) (size \(size))") }
        ranges.append(lo..<hi)
        kept.append(hi - lo)
      }
    }
    var strides = Array(repeating: 1, count: shape.count)
    for d in stride(from: shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * shape[d + 1] }
    var offsets: [Int] = []
    var coordinates: [[Int]] = []
    var index = ranges.map(\.lowerBound)
    let total = ranges.map(\.count).reduce(1, *)
    for _ in 0..<total {
      offsets.append(zip(index, strides).map { $0 * $1 }.reduce(0, +))
      coordinates.append(index)
      var d = ranges.count - 1
      while d >= 0 {
        index[d] += 1
        if index[d] < ranges[d].upperBound { break }
        index[d] = ranges[d].lowerBound
        d -= 1
      }
    }
    return (offsets, coordinates, kept)
  }
}

/// A message the debugger shows for a command it cannot carry out.
struct DebugMessage: Error {
  var text: String
  init(_ text: String) { self.text = text }
}
