import CEditLine
import Foundation
import TesselRepl

/// The prompt libedit shows; libedit asks for it through a C callback with no context.
nonisolated(unsafe) private var currentPrompt: UnsafeMutablePointer<CChar>? = strdup(">>> ")
/// The completer the C callback consults.
nonisolated(unsafe) private var currentCompleter: ((String) -> [String])?
/// Set by the SIGINT handler while a line is being read.
nonisolated(unsafe) private var interruptFlag: sig_atomic_t = 0

private func promptCallback(_ e: OpaquePointer?) -> UnsafeMutablePointer<CChar>? { currentPrompt }

/// Tab: complete the word before the cursor; list the candidates when there are several.
private func completeCallback(_ e: OpaquePointer?, _ ch: Int32) -> UInt8 {
  guard let e, let completer = currentCompleter else { return UInt8(tessel_cc_error()) }
  var cursor: Int32 = 0
  guard let buffer = tessel_el_line_buffer(e, &cursor) else { return UInt8(tessel_cc_error()) }
  let bytes = UnsafeBufferPointer(
    start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: Int(cursor))
  let prefix = String(decoding: bytes, as: UTF8.self)
  let candidates = completer(prefix)
  guard !candidates.isEmpty else { return UInt8(tessel_cc_error()) }
  // The word being completed: after the last separator.
  let separators = Set(" \t()[]{},=+-*/<>:".unicodeScalars)
  var word = ""
  for u in prefix.unicodeScalars.reversed() {
    if separators.contains(u) && !(prefix.trimmingCharacters(in: .whitespaces).hasPrefix(":") && u == ":") { break }
    word.unicodeScalars.insert(u, at: word.unicodeScalars.startIndex)
  }
  // Longest common prefix of the candidates.
  var common = candidates[0]
  for c in candidates.dropFirst() {
    while !c.hasPrefix(common) { common.removeLast() }
  }
  if common.count > word.count {
    let addition = String(common.dropFirst(word.count))
    _ = el_insertstr(e, addition)
    return UInt8(tessel_cc_refresh())
  }
  if candidates.count > 1 {
    FileHandle.standardOutput.write(Data(("\n" + candidates.prefix(60).joined(separator: "  ") + "\n").utf8))
    return UInt8(tessel_cc_redisplay())
  }
  return UInt8(tessel_cc_refresh())
}

private func sigintHandler(_ sig: Int32) {
  interruptFlag = 1
}

/// Line editing with libedit: emacs bindings, history in `~/.tessel_history`, tab completion.
final class EditLineReader: LineReader {
  let editLine: OpaquePointer
  let history: OpaquePointer
  let historyPath: String

  init?(completer: @escaping (String) -> [String]) {
    guard let e = tessel_el_init("tessel"), let h = tessel_history_init(1000) else { return nil }
    editLine = e
    history = h
    historyPath = (ProcessInfo.processInfo.environment["HOME"] ?? ".") + "/.tessel_history"
    currentCompleter = completer
    tessel_el_setup(e, promptCallback, completeCallback, h)
    tessel_history_load(h, historyPath)
    // SIGINT interrupts the read (no SA_RESTART) instead of ending the process.
    var action = sigaction()
    action.__sigaction_handler.sa_handler = sigintHandler
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGINT, &action, nil)
  }

  deinit {
    tessel_history_save(history, historyPath)
    el_end(editLine)
    history_end(history)
  }

  func readLine(prompt: String) -> LineInput {
    free(currentPrompt)
    currentPrompt = strdup(prompt)
    interruptFlag = 0
    var count: Int32 = 0
    guard let line = el_gets(editLine, &count) else {
      if interruptFlag != 0 || errno == EINTR {
        el_reset(editLine)
        FileHandle.standardOutput.write(Data("\n".utf8))
        return .interrupted
      }
      return .end
    }
    if interruptFlag != 0 {
      el_reset(editLine)
      return .interrupted
    }
    var s = String(cString: line)
    if s.hasSuffix("\n") { s.removeLast() }
    return .line(s)
  }

  func addHistory(_ entry: String) {
    for l in entry.split(separator: "\n") where !l.trimmingCharacters(in: .whitespaces).isEmpty {
      tessel_history_enter(history, String(l))
    }
    tessel_history_save(history, historyPath)
  }
}
