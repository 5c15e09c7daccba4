import TesselIR

/// Arguments of a call, with helpers that read them by NKI's parameter names.
struct CallArguments {
  var positional: [Value]
  var keywords: [(String, Value)]
  var location: SourceLocation
  var function: String

  /// The argument for parameter `name` at position `index`, if given.
  func get(_ index: Int, _ name: String) -> Value? {
    if let kw = keywords.first(where: { $0.0 == name }) { return kw.1 }
    return index >= 0 && index < positional.count ? positional[index] : nil
  }

  /// A required argument.
  func require(_ index: Int, _ name: String) throws(TraceError) -> Value {
    guard let v = get(index, name) else {
      throw TraceError.python("TypeError", "\(function)() missing required argument: '\(name)'", at: location)
    }
    return v
  }

  /// Rejects keywords that the function does not know, naming the first.
  func allowOnly(_ names: [String]) throws(TraceError) {
    for (k, _) in keywords where !names.contains(k) {
      throw TraceError.python("TypeError", "\(function)() got an unexpected keyword argument '\(k)'", at: location)
    }
  }
}

extension Tracer {
  // MARK: - Calls

  func call(_ f: Value, _ positional: [Value], _ keywords: [(String, Value)], at loc: SourceLocation) throws(TraceError) -> Value {
    switch f {
    case .function(let fn):
      if interactive != nil && isKernel(fn) {
        return try runKernelInteractively(fn, grid: [], positional, keywords, at: loc)
      }
      return try callFunction(fn, positional, keywords, at: loc)
    case .builtin(let b) where b.name == "launch":
      guard case .tuple(let parts)? = b.receiver, parts.count == 2, case .function(let fn) = parts[0] else {
        throw TraceError.python("TypeError", "bad kernel launch", at: loc)
      }
      let grid = try iterate(parts[1], at: loc).map { (g) throws(TraceError) in try intValue(g, at: loc) }
      guard interactive != nil else {
        throw TraceError.unsupported("Calling kernel with spmd grid \(grid) inside another kernel is not supported", at: loc)
      }
      return try runKernelInteractively(fn, grid: grid, positional, keywords, at: loc)
    case .builtin(let b):
      let args = CallArguments(positional: (b.receiver.map { [$0] } ?? []) + positional, keywords: keywords, location: loc, function: b.name)
      return try callBuiltin(b.name, args)
    case .dtype(let d):
      // `np.float32(1.5)` makes a typed scalar; kernels use it to pick a dtype for constants.
      guard let x = positional.first else { return .float(0) }
      return .float(Double(d.isFloatingPoint ? Float(try floatValue(x, at: loc)) : Float(try floatValue(x, at: loc).rounded(.towardZero))))
    case .unavailableModule(let m):
      throw TraceError.unsupported("module `\(m)` is not available inside a traced kernel", at: loc)
    case .failed(let e): throw e
    default:
      throw TraceError.python("TypeError", "'\(f.typeName)' object is not callable", at: loc)
    }
  }

  /// Inlines a user function with Python's argument binding.
  func callFunction(_ fn: FunctionValue, _ positional: [Value], _ keywords: [(String, Value)], at loc: SourceLocation) throws(TraceError) -> Value {
    depth += 1
    defer { depth -= 1 }
    if depth > 200 {
      throw TraceError.python("RecursionError", "maximum recursion depth exceeded in \(fn.name)", at: loc)
    }
    let scope = Scope(parent: fn.closure)
    let p = fn.parameters
    let named = p.positionalOnly + p.positional
    var pos = positional
    for param in named {
      if !pos.isEmpty {
        let v = pos.removeFirst()
        if case .tensor(let t) = v { freshDefinitions[t.id] = nil }
        scope.names[param.name] = v
      }
    }
    if let v = p.variadic { scope.names[v.name] = .tuple(pos); pos = [] }
    if !pos.isEmpty {
      throw TraceError.python("TypeError", "\(fn.name)() takes \(named.count) positional arguments but \(positional.count) were given", at: loc)
    }
    let kwDict = DictBox()
    for (k, v) in keywords {
      if named.contains(where: { $0.name == k }) || p.keywordOnly.contains(where: { $0.name == k }) {
        if scope.names[k] != nil {
          throw TraceError.python("TypeError", "\(fn.name)() got multiple values for argument '\(k)'", at: loc)
        }
        scope.names[k] = v
      } else if p.keywordVariadic != nil {
        kwDict.keys.append(.string(k))
        kwDict.values["s\(k)"] = v
      } else {
        throw TraceError.python("TypeError", "\(fn.name)() got an unexpected keyword argument '\(k)'", at: loc)
      }
    }
    if let kv = p.keywordVariadic { scope.names[kv.name] = .dict(kwDict) }
    for param in named + p.keywordOnly where scope.names[param.name] == nil {
      guard let d = fn.defaults[param.name] else {
        throw TraceError.python("TypeError", "\(fn.name)() missing 1 required argument: '\(param.name)'", at: loc)
      }
      scope.names[param.name] = d
    }
    switch fn.body {
    case .expression(let e):
      return try eval(e, scope)
    case .statements(let body):
      if case .returned(let v) = try exec(body, scope) { return v }
      return .none
    }
  }

  // MARK: - Attributes

  func attribute(_ b: Value, _ name: String, at loc: SourceLocation) throws(TraceError) -> Value {
    switch b {
    case .namespace(let ns):
      return try namespaceAttribute(ns.name, name, at: loc)
    case .tensor(let t):
      let d = builder.tensor(t.id)
      switch name {
      case "shape": return .tuple(t.view.shape.map { .int($0) })
      case "dtype": return .dtype(d.dtype)
      case "ndim": return .int(t.view.dims.count)
      case "buffer": return .memorySpace(d.space)
      case "name": return .string(d.name)
      case "size": return .int(t.view.elementCount)
      case "reshape", "view", "ap", "broadcast_to", "astype":
        return .builtin(Builtin("tensor.\(name)", receiver: b))
      default:
        throw TraceError.python("AttributeError", "tile has no attribute '\(name)'", at: loc)
      }
    case .object(let o):
      if let v = o.attributes[name] { return v }
      throw TraceError.python("AttributeError", "object has no attribute '\(name)'", at: loc)
    case .dtype(let d):
      switch name {
      case "itemsize": return .int(d.byteSize)
      case "name": return .string(d.nkiName)
      case "min": return .float(Double(-Tracer.dtypeMax(d)))
      case "max": return .float(Double(Tracer.dtypeMax(d)))
      default: throw TraceError.python("AttributeError", "dtype has no attribute '\(name)'", at: loc)
      }
    case .string(let s):
      switch name {
      case "format", "join", "upper", "lower", "startswith", "endswith", "split", "strip", "replace":
        return .builtin(Builtin("str.\(name)", receiver: .string(s)))
      default: throw TraceError.python("AttributeError", "'str' object has no attribute '\(name)'", at: loc)
      }
    case .list:
      switch name {
      case "append", "extend", "pop", "insert", "index", "copy":
        return .builtin(Builtin("list.\(name)", receiver: b))
      default: throw TraceError.python("AttributeError", "'list' object has no attribute '\(name)'", at: loc)
      }
    case .dict:
      switch name {
      case "get", "keys", "values", "items", "setdefault", "update":
        return .builtin(Builtin("dict.\(name)", receiver: b))
      default: throw TraceError.python("AttributeError", "'dict' object has no attribute '\(name)'", at: loc)
      }
    case .index(let g):
      if name == "shape" { return .tuple(g.shape.map { .int($0) }) }
      throw TraceError.python("AttributeError", "index has no attribute '\(name)'", at: loc)
    case .unavailableModule(let m):
      return .unavailableModule("\(m).\(name)")
    case .function(let f):
      if name == "__name__" { return .string(f.name) }
      throw TraceError.python("AttributeError", "function has no attribute '\(name)'", at: loc)
    case .failed(let e): throw e
    default:
      throw TraceError.python("AttributeError", "'\(b.typeName)' object has no attribute '\(name)'", at: loc)
    }
  }

  static func dtypeMax(_ d: DType) -> Float {
    switch d {
    case .float32, .tfloat32: return Float.greatestFiniteMagnitude
    case .bfloat16: return Float(bitPattern: 0x7F7F_0000)
    case .float16: return 65504
    case .float8e4m3: return 240
    case .float8e5m2: return 57344
    case .float8e4m3fn: return 448
    case .int8: return 127
    case .int16: return 32767
    case .int32: return Float(Int32.max)
    case .uint8: return 255
    case .uint16: return 65535
    case .uint32: return Float(UInt32.max)
    case .bool: return 1
    }
  }

  /// Python's builtins visible in kernels.
  static func pythonBuiltin(_ name: String) -> Value? {
    switch name {
    case "range", "len", "print", "int", "float", "bool", "str", "min", "max", "abs", "enumerate", "zip",
      "list", "tuple", "isinstance", "getattr", "hasattr", "sum", "round", "divmod", "sorted", "reversed",
      "any", "all", "dict", "set", "type", "repr", "map", "filter", "pow", "callable":
      return .builtin(Builtin(name))
    case "__name__": return .string("tessel")
    case "True": return .bool(true)
    case "False": return .bool(false)
    case "None": return Value.none
    case "ValueError", "TypeError", "AssertionError", "NotImplementedError", "RuntimeError", "Exception", "IndexError", "KeyError":
      return .builtin(Builtin("exception.\(name)"))
    default: return nil
    }
  }
}
