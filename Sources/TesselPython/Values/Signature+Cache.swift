import Foundation

extension Signature {
  /// The signature `text` parses to, parsed once per process.
  ///
  /// Bindings make a builtin on every attribute access (`nisa.tensor_copy`, `t.reshape`), each
  /// from a constant signature text, so a kernel's loop traced once per index would parse the
  /// same texts thousands of times. A text that does not parse is not kept: it throws each time.
  package static func cached(parsing text: String) throws(SyntaxError) -> Signature {
    if let s = SignatureCache.shared.lookup(text) { return s }
    let s = try Signature(parsing: text)
    SignatureCache.shared.store(s, for: text)
    return s
  }
}

/// The signatures ``Signature/cached(parsing:)`` parsed, by text (the bindings' constant texts).
private final class SignatureCache: @unchecked Sendable {
  static let shared = SignatureCache()
  private let lock = NSLock()
  private var signatures: [String: Signature] = [:]

  func lookup(_ text: String) -> Signature? { lock.withLock { signatures[text] } }
  func store(_ signature: Signature, for text: String) { lock.withLock { signatures[text] = signature } }
}
