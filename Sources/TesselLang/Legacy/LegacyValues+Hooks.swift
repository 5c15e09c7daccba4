import TesselIR
import TesselPython

extension Value {
  /// Whether a value can be an operand of an elementwise operation on a tile.
  var isTileOperand: Bool {
    switch self {
    case .int, .float, .bool: return true
    case .native(let o): return o is TileObject || o is IndexObject
    default: return false
    }
  }
}

// MARK: - Tiles

extension TileObject {
  func attribute(_ name: String, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    let tracer = try ev.binding(as: Tracer.self, at: loc)
    let d = tracer.decl(ref)
    switch name {
    case "shape": return .tuple(ref.view.shape.map { .int($0) })
    case "dtype": return .dtype(d.dtype)
    case "ndim": return .int(ref.view.dims.count)
    case "buffer": return .memorySpace(d.space)
    case "name": return .string(d.name)
    case "size": return .int(ref.view.elementCount)
    case "itemsize": return .int(d.dtype.byteSize)
    case "reshape", "view", "ap", "broadcast_to", "astype":
      let ref = self.ref
      return .builtin(
        BuiltinFunction("tensor.\(name)(*args, **kwargs)") { a, ev, loc throws(TraceError) in
          let args = CallArguments(bound: a, names: ["args", "kwargs"], location: loc, function: "tensor.\(name)")
          return try ev.binding(as: Tracer.self, at: loc).callTensorMethod(name, ref, args)
        })
    default:
      throw TraceError.python("AttributeError", "tile has no attribute '\(name)'", at: loc)
    }
  }

  func binary(_ op: BinaryOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    let tracer = try ev.binding(as: Tracer.self, at: loc)
    let alu = try Tracer.aluOp(op, at: loc)
    guard other.isTileOperand else { return nil }
    return reflected
      ? try tracer.tileBinary(alu, other, .native(self), at: loc, op: op)
      : try tracer.tileBinary(alu, .native(self), other, at: loc, op: op)
  }

  func compare(_ op: ComparisonOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    guard other.isTileOperand else { return nil }
    let tracer = try ev.binding(as: Tracer.self, at: loc)
    guard let alu = Tracer.aluComparison(op) else { throw TraceError.unsupported("`\(op.rawValue)` on tiles", at: loc) }
    return reflected
      ? try tracer.tileBinary(alu, other, .native(self), at: loc)
      : try tracer.tileBinary(alu, .native(self), other, at: loc)
  }

  func unary(_ op: UnaryOperator, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    let tracer = try ev.binding(as: Tracer.self, at: loc)
    switch op {
    case .negate: return try tracer.tileUnary(.negative, ref, at: loc)
    case .plus: return .native(self)
    case .invert: return try tracer.tileBinary(.bitwiseXor, .native(self), .int(-1), at: loc)
    case .not: return nil
    }
  }

  func absolute(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    try ev.binding(as: Tracer.self, at: loc).tileUnary(.abs, ref, at: loc)
  }

  func getItem(_ key: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    let tracer = try ev.binding(as: Tracer.self, at: loc)
    if let conditions = key.predicate { return try tracer.operandMasked(ref, conditions, at: loc) }
    let entries = try tracer.indexEntries(key, at: loc)
    if entries.contains(where: {
      if case .indices = $0 { return true } else { return false }
    }) {
      return .native(try tracer.indirectAccess(ref, entries, at: loc))
    }
    return .tensor(try tracer.subscriptTensor(ref, entries, at: loc))
  }

  func setItem(_ key: Value, _ value: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Bool {
    let tracer = try ev.binding(as: Tracer.self, at: loc)
    let dst = try tracer.subscriptTensor(ref, try tracer.indexEntries(key, at: loc), at: loc)
    try tracer.storeInto(dst, value, at: loc, accumulate: nil)
    return true
  }

  func inPlace(_ op: BinaryOperator, _ other: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError)
    -> Value?
  {
    try ev.binding(as: Tracer.self, at: loc).storeInto(ref, other, at: loc, accumulate: op)
    return .native(self)
  }

  func inPlaceItem(_ key: Value, _ op: BinaryOperator, _ value: Value, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Bool
  {
    let tracer = try ev.binding(as: Tracer.self, at: loc)
    let dst = try tracer.subscriptTensor(ref, try tracer.indexEntries(key, at: loc), at: loc)
    try tracer.storeInto(dst, value, at: loc, accumulate: op)
    return true
  }

  func truth(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Bool {
    throw TraceError.typeError(.message("dynamic control-flow depending on tensor value is not supported"), at: loc)
  }

  func length(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Int? { ref.view.shape.first ?? 0 }

  func repr(_ ev: Evaluator) throws(TraceError) -> String {
    let tracer = try ev.binding(as: Tracer.self, at: .unknown)
    let d = tracer.builder.tensor(ref.id)
    return "\(d.name)[\(ref.view.shape.map(String.init).joined(separator: ", "))] \(d.dtype) \(d.space.nkiName)"
  }

  func hashKey(_ ev: Evaluator) -> HashKey? { nil }
}

// MARK: - Indices

extension IndexObject {
  func binary(_ op: BinaryOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    switch other {
    case .int, .bool, .float: break
    case .native(let o) where o is IndexObject: break
    default: return nil
    }
    let tracer = try ev.binding(as: Tracer.self, at: loc)
    return reflected
      ? try tracer.indexArithmetic(op, other, .native(self), at: loc)
      : try tracer.indexArithmetic(op, .native(self), other, at: loc)
  }

  func compare(_ op: ComparisonOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    if other.tensor != nil { return nil }
    let tracer = try ev.binding(as: Tracer.self, at: loc)
    return reflected
      ? try tracer.indexComparison(op, other, .native(self), at: loc)
      : try tracer.indexComparison(op, .native(self), other, at: loc)
  }

  func unary(_ op: UnaryOperator, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    switch op {
    case .negate:
      return .index(IndexGrid(shape: grid.shape, coefficients: grid.coefficients.map { -$0 }, base: -grid.base))
    case .plus: return .native(self)
    default: return nil
    }
  }

  /// The refusal for a loop index or program id used where a concrete value is needed.
  static let controlFlow =
    "dynamic control-flow depending on a loop index (the body is traced once); use nl.static_range to unroll"

  func truth(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Bool {
    if grid.shape.isEmpty && grid.base.isConstant { return grid.base.constant != 0 }
    if grid.shape.isEmpty {
      throw TraceError(.symbolicValue(Tracer.refusal(ev, [grid.base], IndexObject.controlFlow)), at: loc)
    }
    throw TraceError.typeError(
      .message("Control-flow depending on `nl.arange` or `nl.mgrid` is not supported"), at: loc)
  }

  func asInteger(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Int? {
    guard grid.shape.isEmpty else { return nil }
    if grid.base.isConstant { return grid.base.constant }
    throw TraceError(
      .symbolicValue(
        Tracer.refusal(
          ev, [grid.base],
          "a loop index used as a Python integer (the body is traced once); use nl.static_range to unroll")),
      at: loc)
  }

  func getItem(_ key: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    try ev.binding(as: Tracer.self, at: loc).subscriptIndex(grid, key, at: loc)
  }

  func attribute(_ name: String, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    if name == "shape" { return .tuple(grid.shape.map { .int($0) }) }
    throw TraceError.python("AttributeError", "index has no attribute '\(name)'", at: loc)
  }

  func repr(_ ev: Evaluator) throws(TraceError) -> String {
    let tracer = try ev.binding(as: Tracer.self, at: .unknown)
    return grid.shape.isEmpty ? grid.base.formatted { tracer.indexName($0) } : "index\(grid.shape)"
  }

  func hashKey(_ ev: Evaluator) -> HashKey? { nil }
}

// MARK: - Masks

extension MaskObject {
  /// A condition that never holds (`mask & False`).
  static let never = GridCondition(
    shape: [], coefficients: [], offset: AffineExpr(constant: -1), comparison: .greaterEqual)

  func binary(_ op: BinaryOperator, _ other: Value, reflected: Bool, _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    guard op == .bitwiseAnd else { return nil }
    if let c = other.predicate { return .predicate(reflected ? c + conditions : conditions + c) }
    if case .bool(let b) = other { return b ? .native(self) : .predicate([MaskObject.never]) }
    return nil
  }

  func truth(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Bool {
    if conditions.allSatisfy({ $0.coefficients.allSatisfy { $0 == 0 } }) {
      // A comparison of loop indices or program ids alone.
      throw TraceError(.symbolicValue(Tracer.refusal(ev, conditions.map(\.offset), IndexObject.controlFlow)), at: loc)
    }
    throw TraceError.typeError(
      .message("Control-flow depending on `nl.arange` or `nl.mgrid` is not supported"), at: loc)
  }

  func hashKey(_ ev: Evaluator) -> HashKey? { nil }
}

// MARK: - Constants

extension BufferObject {
  func hashKey(_ ev: Evaluator) -> HashKey? { .native("buffer:" + space.nkiName) }
  func isEqual(to other: Value, _ ev: Evaluator) -> Bool? { other.memorySpace.map { $0 == space } ?? false }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { "<buffer>" }
}

extension ParDimObject {
  func repr(_ ev: Evaluator) throws(TraceError) -> String { "par_dim(\(size))" }
}

extension MGridObject {
  func getItem(_ key: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    try ev.binding(as: Tracer.self, at: loc).mgrid(key, at: loc)
  }
}

extension GridComponents {
  static let names = ["p", "x", "y", "z", "w"]

  func attribute(_ name: String, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    if let i = GridComponents.names.firstIndex(of: name), i < grids.count { return grids[i] }
    throw TraceError.python("AttributeError", "object has no attribute '\(name)'", at: loc)
  }

  func iterate(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> [Value]? { grids }
  func length(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Int? { grids.count }
  func getItem(_ key: Value, _ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Value? {
    try ev.getItem(.tuple(grids), key, at: loc)
  }
}

extension KernelLaunch {
  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at loc: SourceLocation)
    throws(TraceError) -> Value?
  {
    let tracer = try ev.binding(as: Tracer.self, at: loc)
    var g: [Int] = []
    for x in try ev.iterate(grid, at: loc) { g.append(try tracer.intValue(x, at: loc)) }
    guard tracer.interactive != nil else {
      throw TraceError.unsupported("Calling kernel with spmd grid \(g) inside another kernel is not supported", at: loc)
    }
    return try tracer.runKernelInteractively(function, grid: g, positional, keywords, at: loc)
  }
}

// MARK: - Loops

extension LoopRange {
  func iterate(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> [Value]? {
    let r = range
    guard r.step != 0 else { throw TraceError.python("ValueError", "range() arg 3 must not be zero", at: loc) }
    var out: [Value] = []
    var i = r.start
    while (r.step > 0 && i < r.stop) || (r.step < 0 && i > r.stop) {
      out.append(.int(i))
      let (next, overflow) = i.addingReportingOverflow(r.step)
      if overflow { break }  // past the end of the range
      i = next
      if out.count > 1_000_000 { throw TraceError.unsupported("unrolling more than 1,000,000 iterations", at: loc) }
    }
    return out
  }

  func length(_ ev: Evaluator, at loc: SourceLocation) throws(TraceError) -> Int? {
    try iterate(ev, at: loc)?.count
  }

  func driveLoop(_ loop: ForLoop, _ ev: Evaluator) throws(TraceError) -> Flow? {
    let tracer = try ev.binding(as: Tracer.self, at: loop.location)
    // `nl.static_range` unrolls; at an interactive prompt (outside any kernel) Python's `range`
    // is an ordinary loop.
    if range.kind == .staticUnrolled || (range.kind == .python && tracer.interactive != nil) { return nil }
    return try tracer.symbolicLoop(range, loop)
  }
}
