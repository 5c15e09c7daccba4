import TesselIR
import TesselPython

extension Tracer {
  /// The values a view of a tensor addresses, row-major over the view's shape.
  func gatherValues(_ t: TensorRef) throws(TraceError) -> [Float] {
    guard let host = interactive?.host else {
      throw TraceError.unsupported("reading tensor data outside an interactive session", at: .unknown)
    }
    guard let all = host.values(of: t.id) else {
      throw TraceError(.kernel(KernelError(.malformed("`\(decl(t).name)` was freed: nothing at the prompt referred to it any more"))), at: .unknown)
    }
    let d = decl(t)
    if t.view.isWhole(of: d.shape) { return all }
    let strides = d.strides
    var base = 0
    for (k, e) in t.view.start.enumerated() {
      guard e.isConstant else { throw TraceError.unsupported("reading a view whose start depends on a loop index", at: .unknown) }
      base += e.constant * strides[k]
    }
    let flat = t.view.dims.map { dim in zip(dim.steps, strides).reduce(0) { $0 + $1.0 * $1.1 } }
    let shape = t.view.shape
    let n = shape.reduce(1, *)
    var out = [Float](repeating: 0, count: n)
    var idx = [Int](repeating: 0, count: shape.count)
    for i in 0..<n {
      var off = base
      for d in 0..<shape.count { off += idx[d] * flat[d] }
      out[i] = off >= 0 && off < all.count ? all[off] : .nan
      var d = shape.count - 1
      while d >= 0 {
        idx[d] += 1
        if idx[d] < shape[d] { break }
        idx[d] = 0
        d -= 1
      }
    }
    return out
  }

  /// A new HBM tensor holding host data (`np.zeros`, a kernel's output, ...).
  func hostTensor(_ shape: [Int], _ dtype: DType, _ values: [Float], name: String? = nil, at loc: SourceLocation) throws(TraceError) -> Value {
    let t = try newTensor(shape.isEmpty ? [1] : shape, dtype, .hbm, name: name, at: loc)
    try interactive?.host?.setValues(values, of: t.id)
    return .tensor(t)
  }

  // MARK: - Kernels called at the prompt

  /// Traces and runs a kernel on the session's host tensors, returning new host tensors.
  func runKernelInteractively(_ fn: PyFunction, grid: [Int], _ positional: [Value], _ keywords: [(String, Value)], at loc: SourceLocation) throws(TraceError) -> Value {
    guard let session = interactive, let host = session.host else {
      throw TraceError.unsupported("calling a kernel inside a kernel", at: loc)
    }
    try session.flush()
    let inner = Tracer(kernelName: fn.name, file: file, target: target, grid: grid, evaluator: ev)
    var data: [[Float]] = []
    var sources: [TensorRef] = []
    func convert(_ v: Value, _ name: String) throws(TraceError) -> Value {
      guard let t = v.tensor else { return v }
      guard decl(t).space.isHBM else {
        throw TraceError.python("TypeError", "kernel arguments must be host arrays (HBM tensors), not an on-chip tile (`\(decl(t).name)`)", at: loc)
      }
      let values = try gatherValues(t)
      let id = inner.builder.addParameter(name: name, shape: t.view.shape, dtype: decl(t).dtype, location: fn.location)
      data.append(values)
      sources.append(t)
      return .tensor(TensorRef(id: id, view: .whole(id, shape: t.view.shape)))
    }
    let names = (fn.parameters.positionalOnly + fn.parameters.positional).map(\.name)
    var pos: [Value] = []
    for (i, v) in positional.enumerated() { pos.append(try convert(v, i < names.count ? names[i] : "arg\(i)")) }
    var kw: [(String, Value)] = []
    for (k, v) in keywords { kw.append((k, try convert(v, k))) }
    inner.activate()
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
      default: throw TraceError.python("TypeError", "a kernel returns HBM tensors (or nothing), not \(v.typeName)", at: loc)
      }
    }
    try collect(result)
    inner.builder.setOutputs(outputs)
    inner.builder.setGrid(grid)
    let kernel: Kernel
    do { kernel = try inner.builder.finish(target: target, checkDependences: true, foldCopies: true) } catch { throw TraceError(.kernel(error), at: error.location) }
    let (outs, params) = try host.runKernel(kernel, data)
    // Output-argument kernels: copy final parameter contents back into whole host arrays.
    for (i, src) in sources.enumerated() where i < params.count && src.view.isWhole(of: decl(src).shape) {
      try host.setValues(params[i], of: src.id)
    }
    var values: [Value] = []
    for (i, o) in outputs.enumerated() {
      let d = kernel[o]
      values.append(try hostTensor(d.shape, d.dtype, outs[i], at: loc))
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

  func sizeArgument(_ v: Value?, at loc: SourceLocation) throws(TraceError) -> [Int] {
    guard let v else { return [] }
    if v.isNone { return [] }
    return try shapeArgument(v, at: loc)
  }

  /// `np.*` functions that make and inspect host arrays in an interactive session.
  func callHostNumpy(_ name: String, _ a: CallArguments) throws(TraceError) -> Value? {
    guard interactive != nil else { return nil }
    let loc = a.location
    let dtypeArg = try dtypeArgument(a.get(-1, "dtype"), at: loc)
    switch name {
    case "np.zeros", "np.ones", "np.empty":
      let shape = try shapeArgument(try a.require(0, "shape"), at: loc)
      let positionalDType = try dtypeArgument(a.get(1, "dtype"), at: loc)
      let dt = dtypeArg ?? positionalDType ?? .float32
      return try hostTensor(shape, dt, Array(repeating: name == "np.ones" ? 1 : 0, count: shape.reduce(1, *)), at: loc)
    case "np.full":
      let shape = try shapeArgument(try a.require(0, "shape"), at: loc)
      let v = Float(try floatValue(try a.require(1, "fill_value"), at: loc))
      return try hostTensor(shape, dtypeArg ?? .float32, Array(repeating: v, count: shape.reduce(1, *)), at: loc)
    case "np.arange":
      let p = try a.positional.map { (x) throws(TraceError) in try floatValue(x, at: loc) }
      let (start, stop) = p.count >= 2 ? (p[0], p[1]) : (0, p.first ?? 0)
      let step = p.count >= 3 ? p[2] : 1
      guard step != 0 else { throw TraceError.python("ValueError", "np.arange step must not be zero", at: loc) }
      var vals: [Float] = []
      var x = start
      while (step > 0 && x < stop) || (step < 0 && x > stop) {
        vals.append(Float(x))
        x += step
        if vals.count > 1 << 26 { throw TraceError.python("ValueError", "np.arange too large", at: loc) }
      }
      let isInt = a.positional.allSatisfy { if case .int = $0 { return true }; return false }
      return try hostTensor([vals.count], dtypeArg ?? (isInt ? .int32 : .float32), vals, at: loc)
    case "np.array", "np.asarray":
      let v = try a.require(0, "object")
      var shape: [Int] = []
      var flat: [Float] = []
      func walk(_ x: Value, _ depth: Int) throws(TraceError) {
        switch x {
        case .list, .tuple:
          let items = try iterate(x, at: loc)
          if shape.count <= depth { shape.append(items.count) } else if shape[depth] != items.count {
            throw TraceError.python("ValueError", "setting an array element with a sequence: inhomogeneous shape", at: loc)
          }
          for i in items { try walk(i, depth + 1) }
        default:
          if let t = x.tensor { flat += try gatherValues(t) } else { flat.append(Float(try floatValue(x, at: loc))) }
        }
      }
      try walk(v, 0)
      return try hostTensor(shape, dtypeArg ?? .float32, flat, at: loc)
    case "np.random.seed":
      interactive?.rngState = UInt64(truncatingIfNeeded: try intValue(try a.require(0, "seed"), at: loc)) &* 0x2545_F491_4F6C_DD1D
      return Value.none
    case "np.random.uniform", "np.random.rand", "np.random.random":
      let shape: [Int]
      var lo = 0.0, hi = 1.0
      if name == "np.random.rand" {
        shape = try a.positional.map { (x) throws(TraceError) in try intValue(x, at: loc) }
      } else if name == "np.random.random" {
        shape = try sizeArgument(a.get(0, "size"), at: loc)
      } else {
        lo = try floatValue(a.get(0, "low") ?? .float(0), at: loc)
        hi = try floatValue(a.get(1, "high") ?? .float(1), at: loc)
        shape = try sizeArgument(a.get(2, "size"), at: loc)
      }
      let n = shape.reduce(1, *)
      var vals: [Float] = []
      for _ in 0..<n { vals.append(Float(lo + (hi - lo) * nextUniform())) }
      return try hostTensor(shape, .float32, vals, at: loc)
    case "np.random.normal", "np.random.randn":
      let shape: [Int]
      var mean = 0.0, std = 1.0
      if name == "np.random.randn" {
        shape = try a.positional.map { (x) throws(TraceError) in try intValue(x, at: loc) }
      } else {
        mean = try floatValue(a.get(0, "loc") ?? .float(0), at: loc)
        std = try floatValue(a.get(1, "scale") ?? .float(1), at: loc)
        shape = try sizeArgument(a.get(2, "size"), at: loc)
      }
      let n = shape.reduce(1, *)
      var vals: [Float] = []
      while vals.count < n {
        let u1 = max(nextUniform(), 1e-300), u2 = nextUniform()
        let r = (-2 * Foundation.log(u1)).squareRoot()
        vals.append(Float(mean + std * r * Foundation.cos(2 * Double.pi * u2)))
        if vals.count < n { vals.append(Float(mean + std * r * Foundation.sin(2 * Double.pi * u2))) }
      }
      return try hostTensor(shape, .float32, vals, at: loc)
    case "np.load":
      guard case .string(let path) = try a.require(0, "file") else { throw TraceError.python("TypeError", "np.load takes a path", at: loc) }
      guard let host = interactive?.host else { return nil }
      let (shape, dt, vals) = try host.loadNPY(path)
      return try hostTensor(shape, dt, vals, at: loc)
    case "np.save":
      guard case .string(let path) = try a.require(0, "file") else { throw TraceError.python("TypeError", "np.save takes a path", at: loc) }
      let t = try tensorArgument(try a.require(1, "arr"), "arr", of: "np.save", at: loc)
      guard let session = interactive, let host = session.host else { return nil }
      try session.flush()
      try host.saveNPY(path, shape: t.view.shape, dtype: decl(t).dtype, values: try gatherValues(t))
      return Value.none
    case "np.allclose":
      let x = try tensorArgument(try a.require(0, "a"), "a", of: "np.allclose", at: loc)
      let y = try tensorArgument(try a.require(1, "b"), "b", of: "np.allclose", at: loc)
      let rtol = try floatValue(a.get(2, "rtol") ?? .float(1e-5), at: loc), atol = try floatValue(a.get(3, "atol") ?? .float(1e-8), at: loc)
      try interactive?.flush()
      let xv = try gatherValues(x), yv = try gatherValues(y)
      guard xv.count == yv.count else { return .bool(false) }
      return .bool(zip(xv, yv).allSatisfy { abs(Double($0) - Double($1)) <= atol + rtol * abs(Double($1)) })
    case "np.max", "np.min", "np.sum", "np.mean":
      guard let t = try a.require(0, "a").tensor else { return nil }
      try interactive?.flush()
      let v = try gatherValues(t).map(Double.init)
      guard !v.isEmpty else { return .float(0) }
      switch name {
      case "np.max": return .float(v.max() ?? 0)
      case "np.min": return .float(v.min() ?? 0)
      case "np.sum": return .float(v.reduce(0, +))
      default: return .float(v.reduce(0, +) / Double(v.count))
      }
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

import Foundation
