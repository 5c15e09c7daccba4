import Foundation

/// A plain-text table: the first column left-aligned, the others right-aligned, columns two
/// spaces apart, each as wide as its widest cell.
///
/// ```swift
/// TextTable.render([["case", "ms"], ["add", "1.50"]])
/// // case    ms
/// // add   1.50
/// ```
enum TextTable {
  /// The rows (the header first), one line each, joined by newlines.
  static func render(_ rows: [[String]]) -> String {
    let columns = rows.map(\.count).max() ?? 0
    let widths = (0..<columns).map { i in rows.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0 }
    return rows.map { row in
      row.enumerated().map { i, s in
        i == 0
          ? s.padding(toLength: widths[i], withPad: " ", startingAt: 0)
          : String(repeating: " ", count: widths[i] - s.count) + s
      }.joined(separator: "  ")
    }.joined(separator: "\n")
  }

  /// A number with `digits` decimals, or `-` when absent.
  static func number(_ x: Double?, _ digits: Int = 2) -> String {
    x.map { String(format: "%.\(digits)f", $0) } ?? "-"
  }
}
