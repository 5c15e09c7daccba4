import TesselIR

/// A function implemented in Swift with a Python signature (`len`, `math.sqrt`, `nl.load`).
///
/// The evaluator binds a call's arguments to ``signature`` before calling ``call(_:_:at:)``, so
/// every native function checks its arguments the same way, with CPython's messages.
package protocol NativeFunction: AnyObject {
  /// The Python signature.
  var signature: Signature { get }
  /// The signature's parameters, prepared for binding (computed once).
  var parameterList: ParameterList { get }
  /// Calls the function with arguments bound to ``signature``.
  func call(_ arguments: BoundArguments, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value
}

/// A native function whose body is a Swift closure.
package final class BuiltinFunction: NativeFunction {
  package typealias Body = (BoundArguments, Evaluator, SourceLocation) throws(TraceError) -> Value

  package let signature: Signature
  package let parameterList: ParameterList
  let body: Body

  package init(_ signature: Signature, _ body: @escaping Body) {
    self.signature = signature
    parameterList = signature.parameterList
    self.body = body
  }

  /// A function whose signature is parsed from Python text (`"len(obj, /)"`).
  ///
  /// The texts are constants of the evaluator and its bindings; a test parses every one, so a
  /// malformed text cannot reach a user. Should one fail anyway, the function still exists and
  /// raises a located error when called.
  package convenience init(_ text: String, _ body: @escaping Body) {
    if let s = try? Signature.cached(parsing: text) {
      self.init(s, body)
    } else {
      let name = String(text.prefix { $0 != "(" })
      self.init(
        Signature(
          name,
          [
            Signature.Parameter("args", kind: .variadicPositional),
            Signature.Parameter("kwargs", kind: .variadicKeyword),
          ])
      ) { _, _, loc throws(TraceError) in
        throw TraceError.unsupported("\(name) (its signature text does not parse)", at: loc)
      }
    }
  }

  package func call(_ arguments: BoundArguments, _ ev: Evaluator, at location: SourceLocation) throws(TraceError)
    -> Value
  {
    try body(arguments, ev, location)
  }
}
