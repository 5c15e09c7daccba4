import TesselIR

extension Evaluator {
  func constructor(_ signature: String, _ body: @escaping BuiltinFunction.Body) {
    let f = BuiltinFunction(signature, body)
    constructors[f.signature.name] = f
  }

  /// What calling each built-in type does.
  func installConstructors() {
    constructor("int(x=0, /, base=10)") { a, ev, loc throws(TraceError) in
      let v = a[0] ?? .int(0)
      if let b = a[1], !b.isNone, case .string(let s) = v {
        let base = try ev.intValue(b, at: loc)
        guard let i = Int(s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: ""), radix: base)
        else {
          throw TraceError.python(
            "ValueError", "invalid literal for int() with base \(base): \(Evaluator.stringRepr(s))", at: loc)
        }
        return .int(i)
      }
      switch v {
      case .string(let s):
        guard let i = Int(s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")) else {
          throw TraceError.python(
            "ValueError", "invalid literal for int() with base 10: \(Evaluator.stringRepr(s))", at: loc)
        }
        return .int(i)
      case .float(let f): return .int(try pyInt(f.rounded(.towardZero), at: loc))
      case .instance(let i):
        if let m = try ev.lookupSpecial(i, "__int__") { return try ev.call(m, [], [], at: loc) }
        return .int(try ev.intValue(v, at: loc))
      case .native(let o):
        if let i = try o.asInteger(ev, at: loc) { return .int(i) }
        if let f = try o.asFloat(ev, at: loc) { return .int(try pyInt(f.rounded(.towardZero), at: loc)) }
        throw TraceError.typeError(
          .message("int() argument must be a string, a bytes-like object or a real number, not '\(v.typeName)'"),
          at: loc)
      default: return .int(try ev.intValue(v, at: loc))
      }
    }
    constructor("float(x=0.0, /)") { a, ev, loc throws(TraceError) in
      let v = a[0] ?? .float(0)
      if case .string(let s) = v {
        let t = s.trimmingCharacters(in: .whitespaces).lowercased()
        switch t {
        case "inf", "+inf", "infinity", "+infinity": return .float(.infinity)
        case "-inf", "-infinity": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default:
          if let d = Double(t.replacingOccurrences(of: "_", with: "")) { return .float(d) }
          throw TraceError.python(
            "ValueError", "could not convert string to float: \(Evaluator.stringRepr(s))", at: loc)
        }
      }
      return .float(try ev.floatValue(v, at: loc))
    }
    constructor("bool(x=False, /)") { a, ev, loc throws(TraceError) in
      .bool(try ev.truth(a[0] ?? .bool(false), at: loc))
    }
    constructor("str(object='')") { a, ev, _ throws(TraceError) in .string(try ev.str(a[0] ?? .string(""))) }
    constructor("tuple(iterable=(), /)") { a, ev, loc throws(TraceError) in
      .tuple(try ev.iterate(a[0] ?? .tuple([]), at: loc))
    }
    constructor("list(iterable=(), /)") { a, ev, loc throws(TraceError) in
      .list(PyList(try ev.iterate(a[0] ?? .tuple([]), at: loc)))
    }
    constructor("set(iterable=(), /)") { a, ev, loc throws(TraceError) in
      let s = PySet()
      for x in try ev.iterate(a[0] ?? .tuple([]), at: loc) { s.insert(x, try ev.hashKey(x, at: loc)) }
      return .set(s)
    }
    constructor("frozenset(iterable=(), /)") { a, ev, loc throws(TraceError) in
      let s = PySet(frozen: true)
      for x in try ev.iterate(a[0] ?? .tuple([]), at: loc) { s.insert(x, try ev.hashKey(x, at: loc)) }
      return .set(s)
    }
    constructor("dict(mapping=None, /, **kwargs)") { a, ev, loc throws(TraceError) in
      let d = PyDict()
      if let m = a[0], !m.isNone { try ev.updateDict(d, from: m, at: loc) }
      for (k, v) in a.extraKeywords { d.set(.string(k), .string(k), v) }
      return .dict(d)
    }
    constructor("range(*args)") { a, ev, loc throws(TraceError) in
      let ints = try a.extraPositional.map { (x) throws(TraceError) in try ev.intValue(x, at: loc) }
      switch ints.count {
      case 0: throw TraceError.typeError(.message("range expected at least 1 argument, got 0"), at: loc)
      case 1: return .native(PyRange(0, ints[0], 1))
      case 2: return .native(PyRange(ints[0], ints[1], 1))
      case 3:
        if ints[2] == 0 { throw TraceError.python("ValueError", "range() arg 3 must not be zero", at: loc) }
        return .native(PyRange(ints[0], ints[1], ints[2]))
      default: throw TraceError.typeError(.message("range expected at most 3 arguments, got \(ints.count)"), at: loc)
      }
    }
    constructor("slice(*args)") { a, _, loc throws(TraceError) in
      let p = a.extraPositional
      switch p.count {
      case 1: return .slice(PySlice(lower: .none, upper: p[0], step: .none))
      case 2: return .slice(PySlice(lower: p[0], upper: p[1], step: .none))
      case 3: return .slice(PySlice(lower: p[0], upper: p[1], step: p[2]))
      default: throw TraceError.typeError(.message("slice expected at least 1 argument, got \(p.count)"), at: loc)
      }
    }
    constructor("object()") { _, ev, _ throws(TraceError) in .instance(PyInstance(cls: ev.builtinClass("object"))) }
    constructor("type(object, /)") { a, ev, _ throws(TraceError) in .type(ev.classOf(a[0] ?? .none)) }
  }

  /// `d.update(m)` / `dict(m)`: from a mapping or an iterable of pairs.
  package func updateDict(_ d: PyDict, from m: Value, at loc: SourceLocation) throws(TraceError) {
    if case .dict(let other) = m {
      for i in 0..<other.count { d.set(other.keys[i], other.hashKey(at: i), other.values[i]) }
      return
    }
    for pair in try iterate(m, at: loc) {
      let kv = try iterate(pair, at: loc)
      guard kv.count == 2 else {
        throw TraceError.python(
          "ValueError", "dictionary update sequence element has length \(kv.count); 2 is required", at: loc)
      }
      d.set(kv[0], try hashKey(kv[0], at: loc), kv[1])
    }
  }
}

/// Python's `range` object.
package final class PyRange: NativeObject {
  package let start: Int
  package let stop: Int
  package let step: Int

  package init(_ start: Int, _ stop: Int, _ step: Int) {
    self.start = start
    self.stop = stop
    self.step = step
  }

  package var typeName: String { "range" }

  /// The number of items (`Int.max` when it does not fit).
  package var count: Int {
    if step > 0 {
      guard start < stop else { return 0 }
      let (d, o) = stop.subtractingReportingOverflow(start)
      return o ? Int.max : (d - 1) / step + 1
    }
    guard start > stop else { return 0 }
    let (d, o) = start.subtractingReportingOverflow(stop)
    if o { return Int.max }
    return step == Int.min ? 1 : (d - 1) / (-step) + 1
  }

  package func iterate(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> [Value]? {
    let n = count
    if n > 1_000_000 { throw TraceError.unsupported("unrolling more than 1,000,000 iterations", at: location) }
    return (0..<n).map { .int(start + $0 * step) }
  }

  package func length(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Int? { count }

  package func getItem(_ key: Value, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    if case .slice(let s) = key {
      let (a, b, c) = try ev.sliceIndices(s, count: count, at: location)
      return .native(PyRange(start + a * step, start + b * step, step * c))
    }
    let i = try ev.intValue(key, at: location)
    let k = i < 0 ? i + count : i
    guard k >= 0 && k < count else {
      throw TraceError.python("IndexError", .indexOutOfRange(type: "range object"), at: location)
    }
    return .int(start + k * step)
  }

  package func repr(_ ev: Evaluator) throws(TraceError) -> String {
    step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))"
  }

  package func hashKey(_ ev: Evaluator) -> HashKey? { .native("range(\(start),\(stop),\(step))") }

  package func isEqual(to other: Value, _ ev: Evaluator) -> Bool? {
    guard let o = other.native(PyRange.self) else { return false }
    return o.start == start && o.stop == stop && o.step == step
  }

  package func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    switch name {
    case "start": return .int(start)
    case "stop": return .int(stop)
    case "step": return .int(step)
    default: return nil
    }
  }
}
