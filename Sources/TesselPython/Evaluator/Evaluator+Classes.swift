import TesselIR

extension Evaluator {
  /// Finishes a class made by a `class` statement: special bases (`Enum`, `NamedTuple`) and
  /// class keywords.
  func finishClass(_ cls: PyClass, keywords: [(String, Value)], at location: SourceLocation) throws(TraceError) {
    for (k, _) in keywords where k != "metaclass" && k != "total" {
      throw TraceError.typeError(.message("\(cls.name).__init_subclass__() takes no keyword arguments"), at: location)
    }
  }

  /// Calls a class with special behaviour (dataclass, enum, named tuple); nil to instantiate it
  /// as a plain class.
  func instantiateSpecial(
    _ cls: PyClass, _ special: PyClass.Special, _ positional: [Value], _ keywords: [(String, Value)],
    at loc: SourceLocation
  ) throws(TraceError) -> Value? {
    nil
  }
}

extension Evaluator {
  /// `repr()` of an instance: its `__repr__`, a dataclass's fields, an enum member, or
  /// `<module.Class object>`.
  func instanceRepr(_ i: PyInstance) throws(TraceError) -> String {
    if let m = try lookupSpecial(i, "__repr__") {
      guard case .string(let s) = try call(m, [], [], at: .unknown) else {
        throw TraceError.typeError(.message("__repr__ returned non-string"), at: .unknown)
      }
      return s
    }
    if i.cls.isException {
      guard case .tuple(let args)? = i.attributes["args"] else { return "\(i.cls.name)()" }
      let inner = try args.map { (x) throws(TraceError) in try repr(x) }.joined(separator: ", ")
      return "\(i.cls.name)(\(inner))"
    }
    return "<\(i.cls.module).\(i.cls.qualifiedName) object>"
  }
}
