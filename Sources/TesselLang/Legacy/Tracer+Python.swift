import TesselIR
import TesselPython

extension Tracer {
  /// An integer argument: a Python int or bool, an integral float (shapes written with `/`), or
  /// a constant index; a symbolic index refuses.
  func intValue(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Int {
    try ev.integralValue(v, at: loc)
  }

  func floatValue(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Double {
    try ev.floatValue(v, at: loc)
  }

  func truth(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Bool {
    try ev.truth(v, at: loc)
  }

  func iterate(_ v: Value, at loc: SourceLocation) throws(TraceError) -> [Value] {
    try ev.iterate(v, at: loc)
  }

  func str(_ v: Value) throws(TraceError) -> String { try ev.str(v) }
  func repr(_ v: Value) throws(TraceError) -> String { try ev.repr(v) }
}
