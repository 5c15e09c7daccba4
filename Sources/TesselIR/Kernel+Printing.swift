extension Kernel {
  /// The kernel as stable text, for golden tests, `tessel ir` and the REPL's `:ir`.
  ///
  /// Tensors print as `name.id`, index variables by name; every instruction shows its NKI
  /// spelling, its engine and, with `locations`, its source location.
  ///
  /// ```text
  /// kernel add(a: hbm float32[256, 512]) -> (out)
  ///   %1 a_tile: sbuf float32[128, 512]
  ///   affine_range i in 0..<2 {
  ///     load a_tile[0:128, 0:512] <- a[128*i:128*i + 128, 0:512]   [dma]
  ///   }
  /// ```
  public func printed(locations: Bool = false, canonicalNames: Bool = false) -> String {
    var names = tensors.map(\.name)
    var varNames = indexVars.map(\.name)
    // Locals that no instruction touches and no return names are left out of the listing.
    var used = Set<Int>(outputs.map(\.index))
    var firstUse: [Int] = []
    for inst in instructions {
      for v in inst.operation.destinations + inst.operation.sources.map(\.view) where !used.contains(v.tensor.index) {
        used.insert(v.tensor.index)
        firstUse.append(v.tensor.index)
      }
    }
    if canonicalNames {
      // Names by order of first use, so two front ends that build the same program print alike.
      var order: [Int: Int] = [:]
      for o in outputs where order[o.index] == nil { order[o.index] = order.count }
      for i in firstUse where order[i] == nil && tensors[i].role != .parameter { order[i] = order.count }
      names = tensors.indices.map { i in tensors[i].role == .parameter ? tensors[i].name : "t\(order[i] ?? i)" }
      var vorder: [Int: Int] = [:]
      for inst in instructions {
        if case .loopBegin(let l) = inst.operation, vorder[l.variable.index] == nil { vorder[l.variable.index] = vorder.count }
      }
      varNames = indexVars.indices.map { i in
        if case .programID(let a) = indexVars[i].kind { return "pid\(a)" }
        return "v\(vorder[i] ?? i)"
      }
    }
    func tname(_ id: TensorID) -> String { names[id.index] }
    func vname(_ v: IndexVar) -> String { v.index < varNames.count ? varNames[v.index] : "\(v)" }
    func view(_ v: View) -> String { formatView(v, name: tname(v.tensor), vname) }
    func operand(_ o: Operand) -> String {
      switch o {
      case .scalar(let x): return formatFloat(x)
      case .view(let v): return view(v)
      }
    }
    func cond(_ c: AffineCondition) -> String {
      var parts: [String] = []
      for (d, k) in c.coefficients.enumerated() where k != 0 {
        parts.append(k == 1 ? "i\(d)" : k == -1 ? "-i\(d)" : "\(k)*i\(d)")
      }
      let off = c.offset.formatted(vname)
      if off != "0" || parts.isEmpty { parts.append(off) }
      var s = parts[0]
      for p in parts.dropFirst() {
        s += p.hasPrefix("-") ? " - " + p.dropFirst() : " + " + p
      }
      return "\(s) \(c.comparison.rawValue) 0"
    }

    var out = "kernel \(name)("
    out += parameters.map { p in
      let t = self[p.tensor]
      return "\(p.name): \(t.space.nkiName) \(t.dtype)\(t.shape)"
    }.joined(separator: ", ")
    out += ")"
    if !outputs.isEmpty { out += " -> (" + outputs.map(tname).joined(separator: ", ") + ")" }
    if !grid.isEmpty { out += " grid \(grid)" }
    out += "\n"
    let listed = canonicalNames
      ? tensors.indices.filter { tensors[$0].role != .parameter && used.contains($0) }.sorted { names[$0].count != names[$1].count ? names[$0].count < names[$1].count : names[$0] < names[$1] }
      : tensors.indices.filter { tensors[$0].role != .parameter && used.contains($0) }
    for i in listed {
      let t = tensors[i]
      out += canonicalNames ? "  \(names[i]): \(t.space.nkiName) \(t.dtype)\(t.shape)\n" : "  %\(i) \(names[i]): \(t.space.nkiName) \(t.dtype)\(t.shape)\n"
    }
    var indent = "  "
    for inst in instructions {
      var line: String
      switch inst.operation {
      case .loopBegin(let l):
        line = "\(l.kind.rawValue) \(vname(l.variable)) in \(l.start)..<\(l.stop)"
        if l.step != 1 { line += " step \(l.step)" }
        line += " {"
        out += indent + line + loc(inst, locations) + "\n"
        indent += "  "
        continue
      case .loopEnd:
        indent = String(indent.dropLast(2))
        out += indent + "}\n"
        continue
      case .load(let d, let s), .store(let d, let s), .dmaCopy(let d, let s), .loadTranspose(let d, let s),
        .tensorCopy(let d, let s), .reciprocal(let d, let s), .broadcast(let d, let s),
        .bnStats(let d, let s), .bnAggr(let d, let s), .transpose(let d, let s):
        line = "\(view(d)) = \(inst.operation.nkiName)(\(view(s)))"
      case .matmul(let d, let st, let mv, let acc):
        line = "\(view(d)) = nc_matmul(\(view(st)), \(view(mv)), accumulate: \(acc.rawValue))"
      case .tensorTensor(let d, let a, let b, let alu):
        line = "\(view(d)) = tensor_tensor(\(view(a)), \(view(b)), op: \(alu.nkiName))"
      case .tensorScalar(let d, let s, let op0, let o0, let r0, let op1, let o1, let r1):
        line = "\(view(d)) = tensor_scalar(\(view(s)), \(op0.nkiName)\(r0 ? "(reversed)" : "") \(operand(o0))"
        if let op1, let o1 { line += ", \(op1.nkiName)\(r1 ? "(reversed)" : "") \(operand(o1))" }
        line += ")"
      case .activation(let d, let s, let f, let scale, let bias, let rop, let rd):
        line = "\(view(d)) = activation(\(f.nkiName), \(view(s)), scale: \(operand(scale))"
        if let bias { line += ", bias: \(view(bias))" }
        if let rop, let rd { line += ", reduce: \(rop.nkiName) -> \(view(rd))" }
        line += ")"
      case .memset(let d, let v):
        line = "\(view(d)) = memset(\(formatFloat(v)))"
      case .iota(let d, let e):
        line = "\(view(d)) = iota(\(cond(e).dropLast(5)))"
      case .affineSelect(let d, let p, let t, let f):
        line = "\(view(d)) = affine_select(\(cond(p)), \(view(t)), \(formatFloat(f)))"
      case .select(let d, let p, let t, let f):
        line = "\(view(d)) = where(\(view(p)), \(operand(t)), \(operand(f)))"
      case .tensorReduce(let d, let s, let alu, let axes, let neg):
        line = "\(view(d)) = tensor_reduce(\(alu.nkiName), \(view(s)), axis: \(axes)\(neg ? ", negate" : ""))"
      case .tensorPartitionReduce(let d, let s, let alu):
        line = "\(view(d)) = tensor_partition_reduce(\(alu.nkiName), \(view(s)))"
      case .tensorTensorScan(let d, let d0, let d1, let i, let op0, let op1):
        line = "\(view(d)) = tensor_tensor_scan(\(view(d0)), \(view(d1)), initial: \(operand(i)), \(op0.nkiName), \(op1.nkiName))"
      }
      line += "  [\(inst.engine.rawValue)]"
      if !inst.mask.isEmpty { line += " mask(" + inst.mask.map(cond).joined(separator: " && ") + ")" }
      out += indent + line + loc(inst, locations) + "\n"
    }
    return out
  }

  private func loc(_ inst: Instruction, _ on: Bool) -> String {
    on && inst.location.isKnown ? "  @ \(inst.location)" : ""
  }
}

/// Formats a float immediate so that it prints the same on every platform.
func formatFloat(_ x: Float) -> String {
  if x.isNaN { return "nan" }
  if x.isInfinite { return x < 0 ? "-inf" : "inf" }
  if x == x.rounded() && Swift.abs(x) < 1e9 { return String(Int(x)) + ".0" }
  return "\(x)"
}

/// Formats a view as `name[a:b, c]` where possible and as an explicit pattern otherwise.
func formatView(_ v: View, name: String, _ vname: (IndexVar) -> String) -> String {
  let rank = v.start.count
  // Simple when each iteration dimension walks its own tensor dimension in order (or broadcasts).
  var owner = Array(repeating: -1, count: rank)
  var simple = true
  for (d, dim) in v.dims.enumerated() {
    let nz = dim.steps.indices.filter { dim.steps[$0] != 0 }
    if nz.count > 1 { simple = false; break }
    if let k = nz.first {
      if owner[k] != -1 { simple = false; break }
      owner[k] = d
    }
  }
  if simple && v.dims.count == rank && owner.enumerated().allSatisfy({ $0.element == -1 || $0.element == $0.offset }) {
    var parts: [String] = []
    for k in 0..<rank {
      let s = v.start[k].formatted(vname)
      if owner[k] == -1 {
        let c = v.dims[k].count
        parts.append(c == 1 ? s : "\(s) bcast \(c)")
      } else {
        let dim = v.dims[owner[k]]
        let step = dim.steps[k]
        let endExpr = v.start[k] + dim.count * step
        var p = "\(s):\(endExpr.formatted(vname))"
        if step != 1 { p += ":\(step)" }
        parts.append(p)
      }
    }
    return "\(name)[\(parts.joined(separator: ", "))]"
  }
  let starts = v.start.map { $0.formatted(vname) }.joined(separator: ", ")
  let dims = v.dims.map { "\($0.count)x\($0.steps)" }.joined(separator: ", ")
  return "\(name){start [\(starts)], dims [\(dims)]}"
}
