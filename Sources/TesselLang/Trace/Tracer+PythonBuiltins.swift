import TesselIR

extension Tracer {
  /// Python builtins and methods of str, list and dict.
  func callPythonBuiltin(_ name: String, _ a: CallArguments) throws(TraceError) -> Value? {
    let loc = a.location
    let p = a.positional
    switch name {
    case "range":
      let ints = try p.map { (x) throws(TraceError) in try intValue(x, at: loc) }
      switch ints.count {
      case 1: return .range(RangeValue(kind: .python, start: 0, stop: ints[0], step: 1))
      case 2: return .range(RangeValue(kind: .python, start: ints[0], stop: ints[1], step: 1))
      case 3: return .range(RangeValue(kind: .python, start: ints[0], stop: ints[1], step: ints[2]))
      default: throw TraceError.python("TypeError", "range expected 1 to 3 arguments, got \(ints.count)", at: loc)
      }
    case "len":
      let v = try a.require(0, "obj")
      switch v {
      case .tuple(let xs): return .int(xs.count)
      case .list(let b): return .int(b.items.count)
      case .dict(let d): return .int(d.keys.count)
      case .string(let s): return .int(s.count)
      case .tensor(let t): return .int(t.view.shape.first ?? 0)
      case .range: return .int(try iterate(v, at: loc).count)
      default: throw TraceError.python("TypeError", "object of type '\(v.typeName)' has no len()", at: loc)
      }
    case "print":
      if let hooks = interactive {
        var parts: [String] = []
        for x in p { parts.append(try str(x)) }
        var sep = " ", end = "\n"
        if case .string(let s)? = a.keywords.first(where: { $0.0 == "sep" })?.1 { sep = s }
        if case .string(let e)? = a.keywords.first(where: { $0.0 == "end" })?.1 { end = e }
        hooks.print(parts.joined(separator: sep) + end)
      }
      return Value.none
    case "int":
      guard let v = p.first else { return .int(0) }
      if case .string(let s) = v, let i = Int(s) { return .int(i) }
      if case .float(let f) = v { return .int(try pyInt(f.rounded(.towardZero), at: loc)) }
      return .int(try intValue(v, at: loc))
    case "float":
      guard let v = p.first else { return .float(0) }
      if case .string(let s) = v {
        if s == "inf" { return .float(.infinity) }
        if s == "-inf" { return .float(-.infinity) }
        if s == "nan" { return .float(.nan) }
        if let d = Double(s) { return .float(d) }
      }
      return .float(try floatValue(v, at: loc))
    case "bool": return .bool(try p.first.map { (x) throws(TraceError) in try truth(x, at: loc) } ?? false)
    case "str": return .string(try p.first.map { (x) throws(TraceError) in try str(x) } ?? "")
    case "repr": return .string(try repr(try a.require(0, "obj")))
    case "abs":
      let v = try a.require(0, "x")
      switch v {
      case .int(let i): return .int(abs(i))
      case .float(let f): return .float(abs(f))
      case .tensor(let t): return try tileUnary(.abs, t, at: loc)
      default: throw TraceError.python("TypeError", "bad operand type for abs(): '\(v.typeName)'", at: loc)
      }
    case "min", "max":
      var items = p
      if items.count == 1 { items = try iterate(items[0], at: loc) }
      guard var best = items.first else { throw TraceError.python("ValueError", "\(name)() arg is an empty sequence", at: loc) }
      for x in items.dropFirst() {
        let better = try truth(try compare(name == "min" ? .less : .greater, x, best, at: loc), at: loc)
        if better { best = x }
      }
      return best
    case "sum":
      var acc: Value = p.count > 1 ? p[1] : .int(0)
      for x in try iterate(try a.require(0, "iterable"), at: loc) { acc = try binary(.add, acc, x, at: loc) }
      return acc
    case "enumerate":
      let start = p.count > 1 ? try intValue(p[1], at: loc) : 0
      return .list(ListBox(try iterate(try a.require(0, "iterable"), at: loc).enumerated().map { .tuple([.int($0.offset + start), $0.element]) }))
    case "zip":
      let lists = try p.map { (x) throws(TraceError) in try iterate(x, at: loc) }
      let n = lists.map(\.count).min() ?? 0
      return .list(ListBox((0..<n).map { i in .tuple(lists.map { $0[i] }) }))
    case "list", "set": return .list(ListBox(try p.first.map { (x) throws(TraceError) in try iterate(x, at: loc) } ?? []))
    case "tuple": return .tuple(try p.first.map { (x) throws(TraceError) in try iterate(x, at: loc) } ?? [])
    case "sorted":
      var items = try iterate(try a.require(0, "iterable"), at: loc)
      var err: TraceError?
      items.sort { x, y in
        do throws(TraceError) { return try self.truth(try self.compare(.less, x, y, at: loc), at: loc) } catch { err = error; return false }
      }
      if let err { throw err }
      return .list(ListBox(items))
    case "reversed": return .list(ListBox(try iterate(try a.require(0, "seq"), at: loc).reversed()))
    case "any":
      for x in try iterate(try a.require(0, "iterable"), at: loc) where try truth(x, at: loc) { return .bool(true) }
      return .bool(false)
    case "all":
      for x in try iterate(try a.require(0, "iterable"), at: loc) where !(try truth(x, at: loc)) { return .bool(false) }
      return .bool(true)
    case "round":
      let x = try floatValue(try a.require(0, "number"), at: loc)
      if p.count > 1 {
        var scale = 1.0
        for _ in 0..<max(0, min(try intValue(p[1], at: loc), 15)) { scale *= 10 }
        return .float((x * scale).rounded(.toNearestOrEven) / scale)
      }
      return .int(try pyInt(x.rounded(.toNearestOrEven), at: loc))
    case "divmod":
      let x = try intValue(try a.require(0, "a"), at: loc), y = try intValue(try a.require(1, "b"), at: loc)
      if y == 0 { throw TraceError.python("ZeroDivisionError", "integer division or modulo by zero", at: loc) }
      let q = pyFloorDiv(x, y)
      return .tuple([.int(q), .int(x - q * y)])
    case "pow":
      return try binary(.power, try a.require(0, "base"), try a.require(1, "exp"), at: loc)
    case "isinstance":
      let v = try a.require(0, "obj"), t = try a.require(1, "class")
      let names: [String]
      if case .tuple(let ts) = t { names = ts.compactMap { if case .builtin(let b) = $0 { return b.name }; return nil } } else if case .builtin(let b) = t { names = [b.name] } else { names = [] }
      let tn = v.typeName
      return .bool(names.contains { $0 == tn || ($0 == "float" && tn == "int" && false) || ($0 == "list" && tn == "list") })
    case "getattr":
      let v = try a.require(0, "obj")
      guard case .string(let n) = try a.require(1, "name") else { throw TraceError.python("TypeError", "attribute name must be string", at: loc) }
      do { return try attribute(v, n, at: loc) } catch {
        if p.count > 2 { return p[2] }
        throw error
      }
    case "hasattr":
      let v = try a.require(0, "obj")
      guard case .string(let n) = try a.require(1, "name") else { return .bool(false) }
      return .bool((try? attribute(v, n, at: loc)) != nil)
    case "callable":
      switch try a.require(0, "obj") {
      case .function, .builtin: return .bool(true)
      default: return .bool(false)
      }
    case "type": return .string(try a.require(0, "obj").typeName)
    case "dict":
      let d = DictBox()
      for (k, v) in a.keywords { d.keys.append(.string(k)); d.values["s\(k)"] = v }
      return .dict(d)
    case "map":
      let f = try a.require(0, "func")
      var out: [Value] = []
      for x in try iterate(try a.require(1, "iterable"), at: loc) { out.append(try call(f, [x], [], at: loc)) }
      return .list(ListBox(out))
    case "filter":
      let f = try a.require(0, "func")
      var out: [Value] = []
      for x in try iterate(try a.require(1, "iterable"), at: loc) where try truth(try call(f, [x], [], at: loc), at: loc) { out.append(x) }
      return .list(ListBox(out))
    // str methods
    case "str.format":
      guard case .string(let fmt) = p[0] else { return .string("") }
      var out = ""
      var args = Array(p.dropFirst())
      var it = fmt.makeIterator()
      while let c = it.next() {
        if c == "{" {
          var field = ""
          while let d = it.next(), d != "}" { field.append(d) }
          if let kw = a.keywords.first(where: { $0.0 == field.split(separator: ":").first.map(String.init) }) {
            out += try str(kw.1)
          } else if !args.isEmpty { out += try str(args.removeFirst()) }
        } else { out.append(c) }
      }
      return .string(out)
    case "str.join":
      guard case .string(let sep) = p[0] else { return .string("") }
      var parts: [String] = []
      for x in try iterate(try a.require(1, "iterable"), at: loc) { parts.append(try str(x)) }
      return .string(parts.joined(separator: sep))
    case "str.upper": if case .string(let s) = p[0] { return .string(s.uppercased()) }; return Value.none
    case "str.lower": if case .string(let s) = p[0] { return .string(s.lowercased()) }; return Value.none
    case "str.startswith":
      if case .string(let s) = p[0], p.count > 1, case .string(let x) = p[1] { return .bool(s.hasPrefix(x)) }
      return .bool(false)
    case "str.endswith":
      if case .string(let s) = p[0], p.count > 1, case .string(let x) = p[1] { return .bool(s.hasSuffix(x)) }
      return .bool(false)
    case "str.split":
      if case .string(let s) = p[0] {
        if p.count > 1, case .string(let sep) = p[1] { return .list(ListBox(s.components(separatedBy: sep).map { .string($0) })) }
        return .list(ListBox(s.split(separator: " ").map { .string(String($0)) }))
      }
      return Value.none
    case "str.strip": if case .string(let s) = p[0] { return .string(s.trimmingCharacters(in: .whitespaces)) }; return Value.none
    case "str.replace":
      if case .string(let s) = p[0], p.count > 2, case .string(let x) = p[1], case .string(let y) = p[2] { return .string(s.replacingOccurrences(of: x, with: y)) }
      return Value.none
    // list methods
    case "list.append":
      if case .list(let b) = p[0] { b.items.append(try a.require(1, "object")) }
      return Value.none
    case "list.extend":
      if case .list(let b) = p[0] { b.items += try iterate(try a.require(1, "iterable"), at: loc) }
      return Value.none
    case "list.insert":
      if case .list(let b) = p[0] {
        let i = min(max(try intValue(try a.require(1, "index"), at: loc), 0), b.items.count)
        b.items.insert(try a.require(2, "object"), at: i)
      }
      return Value.none
    case "list.pop":
      if case .list(let b) = p[0] {
        guard !b.items.isEmpty else { throw TraceError.python("IndexError", "pop from empty list", at: loc) }
        if p.count > 1 {
          let i = try intValue(p[1], at: loc)
          let k = i < 0 ? i + b.items.count : i
          guard k >= 0 && k < b.items.count else { throw TraceError.python("IndexError", "pop index out of range", at: loc) }
          return b.items.remove(at: k)
        }
        return b.items.removeLast()
      }
      return Value.none
    case "list.index":
      if case .list(let b) = p[0] {
        let x = try a.require(1, "value")
        for (i, y) in b.items.enumerated() where try valuesEqual(x, y) { return .int(i) }
        throw TraceError.python("ValueError", "value is not in list", at: loc)
      }
      return Value.none
    case "list.copy":
      if case .list(let b) = p[0] { return .list(ListBox(b.items)) }
      return Value.none
    // dict methods
    case "dict.get":
      if case .dict(let d) = p[0] { return d.values[try dictKey(try a.require(1, "key"), at: loc)] ?? (p.count > 2 ? p[2] : .none) }
      return Value.none
    case "dict.keys": if case .dict(let d) = p[0] { return .list(ListBox(d.keys)) }; return Value.none
    case "dict.values":
      if case .dict(let d) = p[0] { return .list(ListBox(try d.keys.map { (k) throws(TraceError) in d.values[try dictKey(k, at: loc)] ?? .none })) }
      return Value.none
    case "dict.items":
      if case .dict(let d) = p[0] { return .list(ListBox(try d.keys.map { (k) throws(TraceError) in .tuple([k, d.values[try dictKey(k, at: loc)] ?? .none]) })) }
      return Value.none
    case "dict.setdefault":
      if case .dict(let d) = p[0] {
        let k = try a.require(1, "key")
        let ks = try dictKey(k, at: loc)
        if let v = d.values[ks] { return v }
        let v = p.count > 2 ? p[2] : .none
        d.keys.append(k)
        d.values[ks] = v
        return v
      }
      return Value.none
    case "dict.update":
      if case .dict(let d) = p[0], p.count > 1, case .dict(let o) = p[1] {
        for k in o.keys {
          let ks = try dictKey(k, at: loc)
          if d.values[ks] == nil { d.keys.append(k) }
          d.values[ks] = o.values[ks]
        }
      }
      return Value.none
    default:
      if name.hasPrefix("exception.") {
        let msg = try p.first.map { (x) throws(TraceError) in try str(x) } ?? ""
        return .string(msg)
      }
      return nil
    }
  }
}

import Foundation

/// An integral double as an Int, with Python's errors for infinities and NaN (and for values
/// beyond the 64-bit range that trace-time ints have), instead of a trapping conversion.
func pyInt(_ f: Double, at loc: SourceLocation) throws(TraceError) -> Int {
  if f.isNaN { throw TraceError.python("ValueError", "cannot convert float NaN to integer", at: loc) }
  guard let i = Int(exactly: f) else {
    throw TraceError.python("OverflowError", "cannot convert float \(f) to integer", at: loc)
  }
  return i
}
