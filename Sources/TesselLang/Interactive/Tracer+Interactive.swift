import Foundation
import TesselIR
import TesselPython

extension Tracer {
  /// At a REPL prompt switched to the current dialect (`import nki.language as nl`): the
  /// session's current-dialect binding, which the `nki` modules' calls run on while this tracer
  /// stays the binding of host numpy.
  func companion<B: Binding>(as type: B.Type) -> B? { interactive?.current as? B }

  /// The values a view of a tensor addresses, row-major over the view's shape.
  func gatherValues(_ t: TensorRef) throws(TraceError) -> [Float] {
    guard let host = interactive?.host else {
      throw TraceError.unsupported("reading tensor data outside an interactive session", at: .unknown)
    }
    guard let all = host.values(of: t.id) else {
      throw TraceError(
        rule: .malformed("`\(decl(t).name)` was freed: nothing at the prompt referred to it any more"), at: .unknown)
    }
    let d = decl(t)
    if t.view.isWhole(of: d.shape) { return all }
    let strides = d.strides
    var base = 0
    for (k, e) in t.view.start.enumerated() {
      guard e.isConstant else {
        throw TraceError.unsupported("reading a view whose start depends on a loop index", at: .unknown)
      }
      base += e.constant * strides[k]
    }
    return t.view.elements(of: all, strides: strides, base: base)
  }

  /// A new HBM tensor holding host data (`np.zeros`, a kernel's output, ...).
  func hostTensor(_ shape: [Int], _ dtype: DType, _ values: [Float], name: String? = nil, at loc: SourceLocation)
    throws(TraceError) -> Value
  {
    let t = try newTensor(shape.isEmpty ? [1] : shape, dtype, .hbm, name: name, at: loc)
    try interactive?.host?.setValues(values, of: t.id)
    return .tensor(t)
  }

  // MARK: - Kernels called at the prompt

  /// Traces and runs a kernel on the session's host tensors, returning new host tensors.
  func runKernelInteractively(
    _ fn: PyFunction, grid: [Int], _ positional: [Value], _ keywords: [(String, Value)], at loc: SourceLocation
  ) throws(TraceError) -> Value {
    guard let session = interactive, let host = session.host else {
      throw TraceError.unsupported("calling a kernel inside a kernel", at: loc)
    }
    try session.flush()
    let inner = Tracer(kernelName: fn.name, file: file, target: target, grid: grid, evaluator: ev)
    var data: [[Float]] = []
    /// Where each parameter came from: a device tensor, or a numpy array (written back in place).
    var sources: [(tensor: TensorRef?, array: NDArray?)] = []
    func convert(_ v: Value, _ name: String) throws(TraceError) -> Value {
      let shape: [Int]
      let dtype: DType
      let values: [Float]
      if let array = v.native(NDArray.self) {
        (shape, dtype, values) = (array.shape, array.dtype.nkiDType, array.values.map { Float($0) })
        sources.append((nil, array))
      } else if let t = v.tensor {
        guard decl(t).space.isHBM else {
          throw TraceError.python(
            "TypeError", "kernel arguments must be host arrays or HBM tensors, not an on-chip tile (`\(decl(t).name)`)",
            at: loc)
        }
        (shape, dtype, values) = (t.view.shape, decl(t).dtype, try gatherValues(t))
        sources.append((t, nil))
      } else {
        return v
      }
      let id = inner.builder.addParameter(name: name, shape: shape, dtype: dtype, location: fn.location)
      data.append(values)
      return .tensor(TensorRef(id: id, view: .whole(id, shape: shape)))
    }
    let names = (fn.parameters.positionalOnly + fn.parameters.positional).map(\.name)
    var pos: [Value] = []
    for (i, v) in positional.enumerated() { pos.append(try convert(v, i < names.count ? names[i] : "arg\(i)")) }
    var kw: [(String, Value)] = []
    for (k, v) in keywords { kw.append((k, try convert(v, k))) }
    inner.ev.activate(inner)
    let result: Value
    do {
      defer { ev.binding = self }
      result = try ev.callFunction(fn, pos, kw, at: loc)
    }
    var outputs: [TensorID] = []
    func collect(_ v: Value) throws(TraceError) {
      if let t = v.tensor {
        guard inner.builder.tensor(t.id).space.isHBM else {
          throw TraceError.python("TypeError", "a kernel returns HBM tensors, not an on-chip tile", at: loc)
        }
        outputs.append(t.id)
        return
      }
      switch v {
      case .none: break
      case .tuple(let xs): for x in xs { try collect(x) }
      default:
        throw TraceError.python("TypeError", "a kernel returns HBM tensors (or nothing), not \(v.typeName)", at: loc)
      }
    }
    try collect(result)
    inner.builder.setOutputs(outputs)
    inner.builder.setGrid(grid)
    let kernel: Kernel
    do { kernel = try inner.builder.finish(target: target, checkDependences: true, foldCopies: true) } catch {
      throw TraceError(.kernel(error), at: error.location)
    }
    let (outs, params) = try host.runKernel(kernel, data)
    // Output-argument kernels: what the kernel wrote into a parameter goes back into the array
    // passed (numpy arrays are updated in place, as numpy arrays passed to a kernel are).
    let written = Set(kernel.instructions.flatMap { $0.operation.destinations.map(\.tensor) })
    for (i, src) in sources.enumerated() where i < params.count && written.contains(kernel.parameters[i].tensor) {
      if let array = src.array {
        array.overwrite(with: params[i].map(Double.init))
      } else if let t = src.tensor, t.view.isWhole(of: decl(t).shape) {
        try host.setValues(params[i], of: t.id)
      }
    }
    // What a kernel returns is host data: numpy arrays of the kernel's dtypes.
    var values: [Value] = []
    for (i, o) in outputs.enumerated() {
      let d = kernel[o]
      values.append(
        .native(try NDArray(shape: d.shape, dtype: .nki(d.dtype), values: outs[i].map(Double.init), at: loc)))
    }
    if values.isEmpty { return .none }
    return values.count == 1 ? values[0] : .tuple(values)
  }

  // MARK: - numpy on the host

  func nextUniform() -> Double {
    guard let session = interactive else { return 0 }
    session.rngState &+= 0x9E37_79B9_7F4A_7C15
    var z = session.rngState
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return Double(z >> 11) / Double(1 << 53)
  }

  /// The two parameters (defaults 0 and 1) and the shape of a `np.random` sampler:
  /// `uniform(low, high, size)` and `normal(loc, scale, size)` take all three; `rand(d0, d1, …)`
  /// and `randn(…)` the shape as positional sizes; `random(size)` the shape alone.
  func samplerArguments(_ name: String, _ a: CallArguments, _ parameters: (String, String)) throws(TraceError) -> (
    Double, Double, [Int]
  ) {
    let loc = a.location
    switch name {
    case "np.random.rand", "np.random.randn":
      return (0, 1, try a.positional.map { (x) throws(TraceError) in try intValue(x, at: loc) })
    case "np.random.random":
      return (0, 1, try sizeArgument(a.get(0, "size"), at: loc))
    default:
      return (
        try floatValue(a.get(0, parameters.0) ?? .float(0), at: loc),
        try floatValue(a.get(1, parameters.1) ?? .float(1), at: loc), try sizeArgument(a.get(2, "size"), at: loc)
      )
    }
  }

  func sizeArgument(_ v: Value?, at loc: SourceLocation) throws(TraceError) -> [Int] {
    guard let v else { return [] }
    if v.isNone { return [] }
    return try shapeArgument(v, at: loc)
  }

  /// A device tensor's current values as a host numpy array (`np.array(t)` at the prompt, what a
  /// kernel called at the prompt returns).
  func hostArray(_ t: TensorRef, at loc: SourceLocation) throws(TraceError) -> NDArray {
    try interactive?.flush()
    return try NDArray(
      shape: t.view.shape, dtype: .nki(decl(t).dtype), values: try gatherValues(t).map(Double.init), at: loc)
  }

  /// A host numpy array copied into a new HBM tensor for an NKI call typed at the prompt
  /// (`nl.load(a)`); numpy's `float64` and `int64` become `float32` and `int32`, as `tessel run`
  /// converts them.
  ///
  /// A numpy array is never written by an NKI call: that would change a copy.
  func deviceCopy(of array: NDArray, for name: String, of fn: String, at loc: SourceLocation) throws(TraceError)
    -> TensorRef
  {
    if name.hasPrefix("dst") {
      throw TraceError.python(
        "TypeError",
        "\(fn)() would write '\(name)', a numpy array on the host; at the prompt NKI calls write device tiles and tensors (call a kernel that returns the result, or np.array(tile) to read one)",
        at: loc)
    }
    guard let t = try hostTensor(array.shape, array.dtype.nkiDType, array.values.map { Float($0) }, at: loc).tensor
    else {
      throw TraceError.unsupported("a numpy array as a device tensor", at: loc)
    }
    return t
  }

  /// Refuses a numpy array as an operand of an `nl` elementwise function, which computes on tiles.
  func refuseNumpyArrays(_ values: [Value], of fn: String, at loc: SourceLocation) throws(TraceError) {
    guard values.contains(where: { $0.native(NDArray.self) != nil }) else { return }
    throw TraceError.python(
      "TypeError",
      "nl.\(fn)() computes on tiles, not numpy arrays: nl.load the array first (or use np.\(fn) on the host)", at: loc)
  }

  /// The values of a host numpy array or a device tensor, with its shape and numpy dtype.
  func hostOperand(_ v: Value, _ what: String, of fn: String, at loc: SourceLocation) throws(TraceError) -> NDArray {
    if let t = v.tensor { return try hostArray(t, at: loc) }
    if let array = v.native(NDArray.self) { return array }
    guard
      let array =
        (try NumpyModule.attribute(named: "asarray", ev).map { (f) throws(TraceError) in
          try ev.call(f, [v], [], at: loc)
        })?.native(NDArray.self)
    else {
      throw TraceError.python("TypeError", "\(fn)() expects an array for '\(what)', got \(v.typeName)", at: loc)
    }
    return array
  }

  /// `np.*` functions an interactive session answers itself: files, seeded random arrays, and
  /// the ones that also read device tensors.
  ///
  /// Host arrays are numpy arrays (``NDArray``); the rest
  /// of numpy is numpy's own (``NumpyModule``). Returns nil for what it does not answer.
  func callHostNumpy(_ name: String, _ a: CallArguments) throws(TraceError) -> Value? {
    guard interactive != nil else { return nil }
    let loc = a.location
    switch name {
    case "np.array", "np.asarray", "np.max", "np.min", "np.sum", "np.mean":
      // A device tensor becomes a numpy array; numpy does the rest.
      guard let first = a.positional.first, let t = first.tensor else { return nil }
      let array = Value.native(try hostArray(t, at: loc))
      guard let f = NumpyModule.attribute(named: String(name.dropFirst(3)), ev) else { return array }
      return try ev.call(f, [array] + a.positional.dropFirst(), a.keywords, at: loc)
    case "np.random.seed":
      interactive?.rngState =
        UInt64(truncatingIfNeeded: try intValue(try a.require(0, "seed"), at: loc)) &* 0x2545_F491_4F6C_DD1D
      return Value.none
    case "np.random.uniform", "np.random.rand", "np.random.random":
      let (lo, hi, shape) = try samplerArguments(name, a, ("low", "high"))
      let n = try NDArray.count(of: shape, at: loc)
      var vals: [Double] = []
      for _ in 0..<n { vals.append(lo + (hi - lo) * nextUniform()) }
      return .native(try NDArray(shape: shape, dtype: .float64, values: vals, at: loc))
    case "np.random.normal", "np.random.randn":
      let (mean, std, shape) = try samplerArguments(name, a, ("loc", "scale"))
      let n = try NDArray.count(of: shape, at: loc)
      var vals: [Double] = []
      while vals.count < n {
        let u1 = max(nextUniform(), 1e-300)
        let u2 = nextUniform()
        let r = (-2 * Foundation.log(u1)).squareRoot()
        vals.append(mean + std * r * Foundation.cos(2 * Double.pi * u2))
        if vals.count < n { vals.append(mean + std * r * Foundation.sin(2 * Double.pi * u2)) }
      }
      return .native(try NDArray(shape: shape, dtype: .float64, values: vals, at: loc))
    case "np.load":
      guard case .string(let path) = try a.require(0, "file") else {
        throw TraceError.python("TypeError", "np.load takes a path", at: loc)
      }
      guard let host = interactive?.host else { return nil }
      let (shape, dtypeName, vals) = try host.loadNPY(path)
      guard let dtype = ArrayDType(named: dtypeName) else {
        throw TraceError.unsupported("np.load of \(dtypeName) data", at: loc)
      }
      return .native(try NDArray(shape: shape, dtype: dtype, values: vals, at: loc))
    case "np.save":
      guard case .string(let path) = try a.require(0, "file") else {
        throw TraceError.python("TypeError", "np.save takes a path", at: loc)
      }
      let array = try hostOperand(try a.require(1, "arr"), "arr", of: "np.save", at: loc)
      guard let host = interactive?.host else { return nil }
      try host.saveNPY(path, shape: array.shape, dtype: array.dtype.description, values: array.values)
      return Value.none
    case "np.allclose":
      let x = try hostOperand(try a.require(0, "a"), "a", of: "np.allclose", at: loc)
      let y = try hostOperand(try a.require(1, "b"), "b", of: "np.allclose", at: loc)
      let rtol = try floatValue(a.get(2, "rtol") ?? .float(1e-5), at: loc)
      let atol = try floatValue(a.get(3, "atol") ?? .float(1e-8), at: loc)
      let equalNaN = try a.get(4, "equal_nan").map { (v) throws(TraceError) in try ev.truth(v, at: loc) } ?? false
      func close(_ p: Double, _ q: Double) -> Bool {
        if p.isNaN || q.isNaN { return equalNaN && p.isNaN && q.isNaN }
        return abs(p - q) <= atol + rtol * abs(q)
      }
      if x.count == 1 || y.count == 1 {
        let (many, one) = x.count == 1 ? (y.values, x.values[0]) : (x.values, y.values[0])
        return .bool(many.allSatisfy { x.count == 1 ? close(one, $0) : close($0, one) })
      }
      guard x.shape == y.shape else {
        throw TraceError.python(
          "ValueError", "operands could not be broadcast together with shapes \(x.shape) \(y.shape)", at: loc)
      }
      return .bool(zip(x.values, y.values).allSatisfy { close($0, $1) })
    default:
      return nil
    }
  }

  /// `host.astype(dtype)` on a host array: a converted copy.
  func hostAstype(_ t: TensorRef, _ dtype: DType, at loc: SourceLocation) throws(TraceError) -> Value {
    try interactive?.flush()
    return try hostTensor(t.view.shape, dtype, try gatherValues(t), at: loc)
  }
}
