import Foundation
import TesselIR

extension Evaluator {
  /// Registers a built-in function under its signature's name.
  func define(_ signature: String, _ body: @escaping BuiltinFunction.Body) {
    let f = BuiltinFunction(signature, body)
    builtins[f.signature.name] = .builtin(f)
  }

  /// Installs Python's built-in functions, constants and type constructors.
  func installBuiltins() {
    builtins["None"] = Value.none
    builtins["True"] = .bool(true)
    builtins["False"] = .bool(false)
    builtins["Ellipsis"] = .ellipsis
    builtins["NotImplemented"] = .native(NotImplementedObject())
    builtins["__name__"] = .string("tessel")
    installConstructors()
    installMethods()
    installDunderMethods()

    define("len(obj, /)") { a, ev, loc throws(TraceError) in .int(try ev.length(a[0] ?? .none, at: loc)) }
    define("print(*args, sep=' ', end='\\n', file=None, flush=False)") { a, ev, loc throws(TraceError) in
      var parts: [String] = []
      for x in a.extraPositional { parts.append(try ev.str(x)) }
      let sep = try a[0].map { (v) throws(TraceError) in v.isNone ? " " : try ev.str(v) } ?? " "
      let end = try a[1].map { (v) throws(TraceError) in v.isNone ? "\n" : try ev.str(v) } ?? "\n"
      ev.printSink?.print(parts.joined(separator: sep) + end)
      return .none
    }
    define("repr(obj, /)") { a, ev, _ throws(TraceError) in .string(try ev.repr(a[0] ?? .none)) }
    define("ascii(obj, /)") { a, ev, _ throws(TraceError) in .string(try ev.repr(a[0] ?? .none)) }
    define("format(value, format_spec='', /)") { a, ev, loc throws(TraceError) in
      .string(try ev.format(a[0] ?? .none, try ev.str(a[1] ?? .string("")), at: loc))
    }
    define("abs(x, /)") { a, ev, loc throws(TraceError) in
      let v = a[0] ?? .none
      switch v {
      case .int(let i):
        if i == Int.min { throw Evaluator.intOverflow(at: loc) }
        return .int(Swift.abs(i))
      case .bool(let b): return .int(b ? 1 : 0)
      case .float(let f): return .float(Swift.abs(f))
      case .native(let o): if let r = try o.absolute(ev, at: loc) { return r }
      case .instance(let i): if let m = try ev.lookupSpecial(i, "__abs__") { return try ev.call(m, [], [], at: loc) }
      default: break
      }
      throw TraceError.typeError(.message("bad operand type for abs(): '\(v.typeName)'"), at: loc)
    }
    for name in ["min", "max"] {
      define("\(name)(*args, **kwargs)") { a, ev, loc throws(TraceError) in try ev.minMax(name, a, at: loc) }
    }
    define("sum(iterable, /, start=0)") { a, ev, loc throws(TraceError) in
      var acc = a[1] ?? .int(0)
      for x in try ev.iterate(a[0] ?? .none, at: loc) { acc = try ev.binary(.add, acc, x, at: loc) }
      return acc
    }
    define("any(iterable, /)") { a, ev, loc throws(TraceError) in
      for x in try ev.iterate(a[0] ?? .none, at: loc) where try ev.truth(x, at: loc) { return .bool(true) }
      return .bool(false)
    }
    define("all(iterable, /)") { a, ev, loc throws(TraceError) in
      for x in try ev.iterate(a[0] ?? .none, at: loc) where !(try ev.truth(x, at: loc)) { return .bool(false) }
      return .bool(true)
    }
    define("enumerate(iterable, start=0)") { a, ev, loc throws(TraceError) in
      let start = try ev.intValue(a[1] ?? .int(0), at: loc)
      let items = try ev.iterate(a[0] ?? .none, at: loc)
      return .list(PyList(items.enumerated().map { .tuple([.int($0.offset + start), $0.element]) }))
    }
    define("zip(*iterables, strict=False)") { a, ev, loc throws(TraceError) in
      var iterators: [ValueIterator] = []
      for x in a.extraPositional { iterators.append(try ev.makeIterator(x, at: loc)) }
      let strict = try ev.truth(a[0] ?? .bool(false), at: loc)
      var out: [Value] = []
      guard !iterators.isEmpty else { return .list(PyList([])) }
      while true {
        var row: [Value] = []
        for i in iterators.indices {
          guard let x = try iterators[i].next(ev, at: loc) else {
            if strict {
              var mismatch = i > 0
              for j in iterators.indices.dropFirst() where i == 0 {
                if try iterators[j].next(ev, at: loc) != nil { mismatch = true }
              }
              if mismatch { throw TraceError.python("ValueError", "zip() arguments have different lengths", at: loc) }
            }
            return .list(PyList(out))
          }
          row.append(x)
        }
        out.append(.tuple(row))
        try checkSequenceLength(out.count, 0, 1, at: loc)
      }
    }
    define("map(function, iterable, /, *iterables)") { a, ev, loc throws(TraceError) in
      let f = a[0] ?? .none
      let lists = try ([a[1] ?? .none] + a.extraPositional).map { (x) throws(TraceError) in try ev.iterate(x, at: loc) }
      let n = lists.map(\.count).min() ?? 0
      var out: [Value] = []
      for i in 0..<n { out.append(try ev.call(f, lists.map { $0[i] }, [], at: loc)) }
      return .list(PyList(out))
    }
    define("filter(function, iterable, /)") { a, ev, loc throws(TraceError) in
      let f = a[0] ?? .none
      var out: [Value] = []
      for x in try ev.iterate(a[1] ?? .none, at: loc) {
        let keep = f.isNone ? try ev.truth(x, at: loc) : try ev.truth(try ev.call(f, [x], [], at: loc), at: loc)
        if keep { out.append(x) }
      }
      return .list(PyList(out))
    }
    define("sorted(iterable, /, *, key=None, reverse=False)") { a, ev, loc throws(TraceError) in
      let items = try ev.iterate(a[0] ?? .none, at: loc)
      return .list(
        PyList(
          try ev.sortValues(items, key: a[1] ?? .none, reverse: try ev.truth(a[2] ?? .bool(false), at: loc), at: loc)))
    }
    define("reversed(sequence, /)") { a, ev, loc throws(TraceError) in
      .list(PyList(try ev.iterate(a[0] ?? .none, at: loc).reversed()))
    }
    define("iter(object, /)") { a, ev, loc throws(TraceError) in
      let v = a[0] ?? .none
      if case .native(let o) = v, o is any LazyIterator { return v }
      return .native(PyIterator(try ev.iterate(v, at: loc)))
    }
    define("next(iterator, default=None, /)") { a, ev, loc throws(TraceError) in
      guard case .native(let o) = a[0] ?? .none, let it = o as? any LazyIterator else {
        throw TraceError.typeError(.message("'\((a[0] ?? .none).typeName)' object is not an iterator"), at: loc)
      }
      if let v = try it.next(ev, at: loc) { return v }
      if let d = a[1] { return d }
      throw TraceError.python("StopIteration", "", at: loc)
    }
    define("round(number, ndigits=None)") { a, ev, loc throws(TraceError) in
      let v = a[0] ?? .none
      let digits = a[1] ?? .none
      if case .int = v { return v }
      if case .bool(let b) = v { return .int(b ? 1 : 0) }
      let x = try ev.floatValue(v, at: loc)
      if !digits.isNone {
        let n = try ev.intValue(digits, at: loc)
        if n >= 0 {
          // Correctly rounded from the binary value, as CPython's round() is.
          guard x.isFinite else { return .float(x) }
          return .float(Double(String(format: "%.\(Swift.min(n, 300))f", x)) ?? x)
        }
        var scale = 1.0
        for _ in 0..<Swift.min(-n, 300) { scale *= 10 }
        return .float((x / scale).rounded(.toNearestOrEven) * scale)
      }
      return .int(try pyInt(x.rounded(.toNearestOrEven), at: loc))
    }
    define("divmod(a, b, /)") { a, ev, loc throws(TraceError) in
      let x = a[0] ?? .none
      let y = a[1] ?? .none
      return .tuple([try ev.binary(.floorDivide, x, y, at: loc), try ev.binary(.modulo, x, y, at: loc)])
    }
    define("pow(base, exp, mod=None)") { a, ev, loc throws(TraceError) in
      let r = try ev.binary(.power, a[0] ?? .none, a[1] ?? .none, at: loc)
      guard let m = a[2], !m.isNone else { return r }
      return try ev.binary(.modulo, r, m, at: loc)
    }
    define("isinstance(obj, class_or_tuple, /)") { a, ev, loc throws(TraceError) in
      .bool(try ev.matchesClass(a[0] ?? .none, a[1] ?? .none, subclass: false, at: loc))
    }
    define("issubclass(cls, class_or_tuple, /)") { a, ev, loc throws(TraceError) in
      .bool(try ev.matchesClass(a[0] ?? .none, a[1] ?? .none, subclass: true, at: loc))
    }
    define("getattr(object, name, default=None, /)") { a, ev, loc throws(TraceError) in
      guard case .string(let n) = a[1] ?? .none else {
        throw TraceError.typeError(
          .message("attribute name must be string, not '\((a[1] ?? .none).typeName)'"), at: loc)
      }
      do throws(TraceError) {
        return try ev.attribute(a[0] ?? .none, n, at: loc)
      } catch {
        if let d = a[2],
          error.exception.map({ ev.exceptionClass($0).isSubclass(of: ev.builtinClass("AttributeError")) }) == true
        {
          return d
        }
        throw error
      }
    }
    define("setattr(obj, name, value, /)") { a, ev, loc throws(TraceError) in
      guard case .string(let n) = a[1] ?? .none else {
        throw TraceError.typeError(.message("attribute name must be string"), at: loc)
      }
      try ev.setAttribute(a[0] ?? .none, n, a[2] ?? .none, at: loc)
      return .none
    }
    define("hasattr(obj, name, /)") { a, ev, loc throws(TraceError) in
      guard case .string(let n) = a[1] ?? .none else {
        throw TraceError.typeError(.message("attribute name must be string"), at: loc)
      }
      do throws(TraceError) {
        _ = try ev.attribute(a[0] ?? .none, n, at: loc)
        return .bool(true)
      } catch {
        if error.exception.map({ ev.exceptionClass($0).isSubclass(of: ev.builtinClass("AttributeError")) }) == true {
          return .bool(false)
        }
        throw error
      }
    }
    define("callable(obj, /)") { a, ev, _ throws(TraceError) in
      switch a[0] ?? .none {
      case .function, .builtin, .method, .type: return .bool(true)
      case .instance(let i): return .bool(i.cls.lookup("__call__") != nil)
      case .native(let o): return .bool(o is UnavailableModule || o is StaticMethod)
      default: return .bool(false)
      }
    }
    define("hash(obj, /)") { a, ev, loc throws(TraceError) in .int(try ev.hashKey(a[0] ?? .none, at: loc).hashValue) }
    define("id(obj, /)") { a, ev, loc throws(TraceError) in
      switch a[0] ?? .none {
      case .list(let l): return .int(ObjectIdentifier(l).hashValue)
      case .dict(let d): return .int(ObjectIdentifier(d).hashValue)
      case .instance(let i): return .int(ObjectIdentifier(i).hashValue)
      case .native(let o): return .int(ObjectIdentifier(o).hashValue)
      default: return .int(try ev.hashKey(a[0] ?? .none, at: loc).hashValue)
      }
    }
    define("chr(i, /)") { a, ev, loc throws(TraceError) in
      let i = try ev.intValue(a[0] ?? .none, at: loc)
      guard i >= 0, let u = Unicode.Scalar(UInt32(clamping: i)) else {
        throw TraceError.python("ValueError", "chr() arg not in range(0x110000)", at: loc)
      }
      return .string(String(Character(u)))
    }
    define("ord(c, /)") { a, ev, loc throws(TraceError) in
      guard case .string(let s) = a[0] ?? .none, s.unicodeScalars.count == 1, let u = s.unicodeScalars.first else {
        throw TraceError.typeError(.message("ord() expected a character"), at: loc)
      }
      return .int(Int(u.value))
    }
    for (name, radix, prefix) in [("bin", 2, "0b"), ("oct", 8, "0o"), ("hex", 16, "0x")] {
      define("\(name)(number, /)") { a, ev, loc throws(TraceError) in
        let i = try ev.intValue(a[0] ?? .none, at: loc)
        return .string((i < 0 ? "-" : "") + prefix + String(i.magnitude, radix: radix))
      }
    }
    define("staticmethod(function, /)") { a, _, _ throws(TraceError) in .native(StaticMethod(a[0] ?? .none)) }
    define("classmethod(function, /)") { a, _, _ throws(TraceError) in .native(ClassMethod(a[0] ?? .none)) }
    define("property(fget=None, fset=None, fdel=None, doc=None)") { a, ev, _ throws(TraceError) in
      var name = "property"
      if case .function(let f)? = a[0] { name = f.name }
      return .native(
        PropertyObject(
          name: name, getter: a[0].flatMap { $0.isNone ? nil : $0 }, setter: a[1].flatMap { $0.isNone ? nil : $0 }))
    }
    define("super(type=None, object_or_type=None, /)") { a, ev, loc throws(TraceError) in
      try ev.makeSuper(a[0], a[1], at: loc)
    }
    for name in [
      "open", "input", "exec", "eval", "compile", "globals", "locals", "vars", "dir", "breakpoint", "__import__",
    ] {
      define("\(name)(*args, **kwargs)") { _, _, loc throws(TraceError) in
        throw TraceError.unsupported("\(name)() at trace time", at: loc)
      }
    }
  }

  /// `isinstance` / `issubclass` against a class, a tuple of classes, or `X | Y`.
  func matchesClass(_ v: Value, _ spec: Value, subclass: Bool, at loc: SourceLocation) throws(TraceError) -> Bool {
    switch spec {
    case .type(let c):
      if subclass {
        guard case .type(let sub) = v else {
          throw TraceError.typeError(.message("issubclass() arg 1 must be a class"), at: loc)
        }
        return sub.isSubclass(of: c)
      }
      return isInstance(v, of: c)
    case .tuple(let xs):
      for x in xs where try matchesClass(v, x, subclass: subclass, at: loc) { return true }
      return false
    case .native(let o):
      if let u = o as? UnionType { return try matchesClass(v, .tuple(u.members), subclass: subclass, at: loc) }
      if o is UnavailableModule { return false }
    default: break
    }
    throw TraceError.typeError(
      .message("\(subclass ? "issubclass" : "isinstance")() arg 2 must be a type, a tuple of types, or a union"),
      at: loc)
  }

  /// `min(...)` and `max(...)`, with `key=` and `default=`.
  func minMax(_ name: String, _ a: BoundArguments, at loc: SourceLocation) throws(TraceError) -> Value {
    var key: Value = .none
    var dflt: Value?
    for (k, v) in a.extraKeywords {
      switch k {
      case "key": key = v
      case "default": dflt = v
      default: throw TraceError.typeError(.arguments(function: name, problem: .unexpectedKeyword(k)), at: loc)
      }
    }
    var items = a.extraPositional
    if items.isEmpty { throw TraceError.typeError(.message("\(name) expected at least 1 argument, got 0"), at: loc) }
    if items.count == 1 {
      items = try iterate(items[0], at: loc)
    } else if dflt != nil {
      throw TraceError.typeError(
        .message("Cannot specify a default for \(name)() with multiple positional arguments"), at: loc)
    }
    guard var best = items.first else {
      if let dflt { return dflt }
      throw TraceError.python("ValueError", "\(name)() arg is an empty sequence", at: loc)
    }
    var bestKey = key.isNone ? best : try call(key, [best], [], at: loc)
    for x in items.dropFirst() {
      let k = key.isNone ? x : try call(key, [x], [], at: loc)
      if try truth(try compare(name == "min" ? .less : .greater, k, bestKey, at: loc), at: loc) {
        best = x
        bestKey = k
      }
    }
    return best
  }

  /// A stable sort with Python's comparisons (`sorted`, `list.sort`).
  package func sortValues(_ items: [Value], key: Value, reverse: Bool, at loc: SourceLocation) throws(TraceError)
    -> [Value]
  {
    var keys: [Value] = []
    for x in items { keys.append(key.isNone ? x : try call(key, [x], [], at: loc)) }
    var order = Array(items.indices)
    // Merge sort: stable, and every comparison may throw.
    var buffer = order
    func less(_ i: Int, _ j: Int) throws(TraceError) -> Bool {
      let (x, y) = reverse ? (keys[j], keys[i]) : (keys[i], keys[j])
      return try truth(try compare(.less, x, y, at: loc), at: loc)
    }
    var width = 1
    while width < order.count {
      var start = 0
      while start < order.count {
        let mid = Swift.min(start + width, order.count)
        let end = Swift.min(start + 2 * width, order.count)
        var i = start
        var j = mid
        var k = start
        while i < mid && j < end {
          if try less(order[j], order[i]) {
            buffer[k] = order[j]
            j += 1
          } else {
            buffer[k] = order[i]
            i += 1
          }
          k += 1
        }
        while i < mid {
          buffer[k] = order[i]
          i += 1
          k += 1
        }
        while j < end {
          buffer[k] = order[j]
          j += 1
          k += 1
        }
        start += 2 * width
      }
      swap(&order, &buffer)
      width *= 2
    }
    return order.map { items[$0] }
  }

  /// `super()` inside a method, or `super(C, obj)`.
  func makeSuper(_ t: Value?, _ obj: Value?, at loc: SourceLocation) throws(TraceError) -> Value {
    if let t, case .type(let c) = t, let obj, !obj.isNone { return .native(SuperObject(start: c, object: obj)) }
    guard let frame = frames.last, let fn = frame.function, let owner = fn.owner,
      let first = fn.specs.first?.name, let object = frame.names[first]
    else {
      throw TraceError.python("RuntimeError", "super(): no arguments", at: loc)
    }
    return .native(SuperObject(start: owner, object: object))
  }
}

/// An integral double as an Int, with Python's errors for infinities and NaN (and for values
/// beyond the 64-bit range that trace-time ints have), instead of a trapping conversion.
package func pyInt(_ f: Double, at loc: SourceLocation) throws(TraceError) -> Int {
  if f.isNaN { throw TraceError.python("ValueError", "cannot convert float NaN to integer", at: loc) }
  guard let i = Int(exactly: f) else {
    if f.isInfinite { throw TraceError.python("OverflowError", "cannot convert float infinity to integer", at: loc) }
    throw TraceError.python("OverflowError", "cannot convert float \(f) to integer", at: loc)
  }
  return i
}

/// An iterator over items already computed (`iter(x)`).
package final class PyIterator: LazyIterator {
  var items: [Value]
  var position = 0
  package init(_ items: [Value]) { self.items = items }
  package var typeName: String { "iterator" }
  package func next(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    guard position < items.count else { return nil }
    position += 1
    return items[position - 1]
  }
  package func iterate(_ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> [Value]? {
    let rest = Array(items[position...])
    position = items.count
    return rest
  }
}

/// `X | Y` of classes (a `types.UnionType`), for `isinstance`.
package final class UnionType: NativeObject {
  package let members: [Value]
  package init(_ members: [Value]) { self.members = members }
  package var typeName: String { "types.UnionType" }
}

/// `super()`: attribute lookup that starts after a class in the object's MRO.
package final class SuperObject: NativeObject {
  let start: PyClass
  let object: Value
  init(start: PyClass, object: Value) {
    self.start = start
    self.object = object
  }
  package var typeName: String { "super" }

  package func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    let cls: PyClass
    if case .type(let c) = object { cls = c } else { cls = ev.classOf(object) }
    let mro = cls.mro
    guard let i = mro.firstIndex(where: { $0 === start }) else { return nil }
    for c in mro[(i + 1)...] {
      if let v = c.dict[name] { return try ev.bindAttribute(v, to: object, cls: cls, at: location) }
    }
    return nil
  }
}
