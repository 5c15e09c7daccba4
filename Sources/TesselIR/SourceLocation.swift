/// A position in kernel source: an NKI Python file, a Swift file using the DSL, or a REPL line.
///
/// Lines and columns count from 1. A location with `line == 0` is unknown (``SourceLocation/unknown``).
public struct SourceLocation: Sendable, Hashable, Codable {
  /// The file name as the user gave it (`kernels/add.py`, `MyKernels/Add.swift`, `<repl>`).
  public var file: String
  /// The 1-based line.
  public var line: Int
  /// The 1-based column (in UTF-8 bytes); 0 when only the line is known.
  public var column: Int

  /// Creates a location.
  public init(file: String, line: Int, column: Int = 0) {
    self.file = file
    self.line = line
    self.column = column
  }

  /// A location for IR built without one.
  public static let unknown = SourceLocation(file: "<unknown>", line: 0, column: 0)

  /// Whether this location points anywhere.
  public var isKnown: Bool { line > 0 }
}

extension SourceLocation: CustomStringConvertible {
  /// `file:line:column`, or `file:line` when the column is unknown.
  public var description: String {
    column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)"
  }
}
