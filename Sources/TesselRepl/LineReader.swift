/// What reading one line of input produced.
public enum LineInput: Sendable, Equatable {
  /// A line, without its newline.
  case line(String)
  /// Ctrl-C: cancel the current line or block.
  case interrupted
  /// Ctrl-D or the end of input.
  case end
}

/// A source of input lines for the REPL: a terminal with line editing, piped input, or a script.
public protocol LineReader: AnyObject {
  /// Shows `prompt` (when interactive) and reads one line.
  func readLine(prompt: String) -> LineInput
  /// Records a complete input in the history (a no-op for readers without one).
  func addHistory(_ entry: String)
}

extension LineReader {
  public func addHistory(_ entry: String) {}
}

/// Reads plain lines from standard input, with no line editing (used when stdin is not a terminal).
public final class PlainLineReader: LineReader {
  /// Creates a reader.
  public init() {}
  public func readLine(prompt: String) -> LineInput {
    guard let l = Swift.readLine(strippingNewline: true) else { return .end }
    return .line(l)
  }
}

/// Hands out prepared lines, for tests.
public final class ScriptedLineReader: LineReader {
  var inputs: [LineInput]
  /// The prompts shown, in order.
  public private(set) var prompts: [String] = []
  /// The entries added to the history.
  public private(set) var history: [String] = []

  /// Creates a reader over lines; `.interrupted` entries simulate Ctrl-C.
  public init(_ inputs: [LineInput]) { self.inputs = inputs }

  /// Creates a reader over plain lines.
  public convenience init(lines: [String]) { self.init(lines.map { .line($0) }) }

  public func readLine(prompt: String) -> LineInput {
    prompts.append(prompt)
    return inputs.isEmpty ? .end : inputs.removeFirst()
  }

  public func addHistory(_ entry: String) { history.append(entry) }
}
