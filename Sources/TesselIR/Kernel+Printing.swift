extension Kernel {
  /// The kernel as stable text, for golden tests, `tessel ir` and the REPL's `:ir`.
  ///
  /// The listing numbers tensors without gaps (parameters first, then the locals some
  /// instruction uses, in declaration order); instructions refer to tensors by name, an unnamed
  /// temporary by its number, and a name that several tensors share as `t`, `t.1`, `t.2`, ... in
  /// declaration order. Index variables print by name; every instruction shows its NKI spelling,
  /// its engine and, with `locations`, its source location.
  ///
  /// ```text
  /// kernel add(a: hbm float32[256, 512]) -> (out)
  ///   %1 out: shared_hbm float32[256, 512]
  ///   %2 a_tile: sbuf float32[128, 512]
  ///   %3: sbuf float32[128, 512]
  ///   affine_range i in 0..<2 {
  ///     a_tile[0:128, 0:512] = load(a[128*i:128*i + 128, 0:512])  [dma]
  ///     %3[0:128, 0:512] = tensor_scalar(a_tile[0:128, 0:512], add 1.0)  [vector]
  ///     out[128*i:128*i + 128, 0:512] = store(%3[0:128, 0:512])  [dma]
  ///   }
  /// ```
  public func printed(locations: Bool = false, canonicalNames: Bool = false) -> String {
    let listing = Listing(self, canonicalNames: canonicalNames)
    let names = listing.names
    var out = "kernel \(name)("
    out += parameters.map { p in
      let t = self[p.tensor]
      return "\(p.name): \(t.space.nkiName) \(t.dtype)\(t.shape)"
    }.joined(separator: ", ")
    out += ")"
    if !outputs.isEmpty { out += " -> (" + outputs.map { names[$0.index] }.joined(separator: ", ") + ")" }
    if !grid.isEmpty { out += " grid \(grid)" }
    out += "\n"
    let listed =
      canonicalNames
      ? tensors.indices.filter { tensors[$0].role != .parameter && listing.used.contains($0) }.sorted {
        names[$0].count != names[$1].count ? names[$0].count < names[$1].count : names[$0] < names[$1]
      }
      : tensors.indices.filter { tensors[$0].role != .parameter && listing.used.contains($0) }
    for i in listed {
      let t = tensors[i]
      let label =
        canonicalNames || Self.isUnnamed(tensors[i].name) ? names[i] : "%\(listing.number[i] ?? i) \(names[i])"
      out += "  \(label): \(t.space.nkiName) \(t.dtype)\(t.shape)\n"
    }
    var indent = "  "
    for inst in instructions {
      if case .loopEnd = inst.operation {
        indent = String(indent.dropLast(2))
        out += indent + "}\n"
        continue
      }
      guard let line = listing.line(inst) else { continue }
      out += indent + line + loc(inst, locations) + "\n"
      if case .loopBegin = inst.operation { indent += "  " }
    }
    return out
  }

  /// The name ``printed(locations:canonicalNames:)`` gives each tensor (by index): the user's
  /// name, `t.1`, `t.2` for later tensors sharing a name, `%N` for unnamed temporaries.
  ///
  /// Tensors that no instruction touches keep their declared names.
  public func listingNames() -> [String] { Listing(self, canonicalNames: false).names }

  /// Instruction `index` as one line of ``printed(locations:canonicalNames:)`` (without its
  /// indentation): `out[0:128, 0:512] = store(%3[0:128, 0:512])  [dma]`; a loop's begin prints as
  /// its header and its end as `}`.
  public func printedInstruction(_ index: Int) -> String {
    guard instructions.indices.contains(index) else { return "" }
    return Listing(self, canonicalNames: false).line(instructions[index]) ?? "}"
  }

  /// Whether a tensor name is a generated one (`%t3`, or empty) rather than the user's.
  static func isUnnamed(_ name: String) -> Bool { name.isEmpty || name.hasPrefix("%") }

  private func loc(_ inst: Instruction, _ on: Bool) -> String {
    on && inst.location.isKnown ? "  @ \(inst.location)" : ""
  }
}

/// The names and numbers of a kernel listing, and how it spells one instruction.
private struct Listing {
  /// Per tensor: the name the listing uses.
  var names: [String]
  /// Per index variable: its name in the listing.
  var varNames: [String]
  /// Per listed tensor: its `%N` number (non-canonical listings only).
  var number: [Int: Int] = [:]
  /// The tensors the listing shows: outputs and every tensor an instruction touches.
  var used: Set<Int>

  init(_ k: Kernel, canonicalNames: Bool) {
    var names = k.tensors.map(\.name)
    var varNames = k.indexVars.map(\.name)
    // Locals that no instruction touches and no return names are left out of the listing.
    var used = Set<Int>(k.outputs.map(\.index))
    var firstUse: [Int] = []
    for inst in k.instructions {
      for v in inst.operation.destinations + inst.operation.sources.map(\.view) where !used.contains(v.tensor.index) {
        used.insert(v.tensor.index)
        firstUse.append(v.tensor.index)
      }
    }
    if canonicalNames {
      // Names by order of first use, so two front ends that build the same program print alike.
      var order: [Int: Int] = [:]
      for o in k.outputs where order[o.index] == nil { order[o.index] = order.count }
      for i in firstUse where order[i] == nil && k.tensors[i].role != .parameter { order[i] = order.count }
      names = k.tensors.indices.map { i in k.tensors[i].role == .parameter ? k.tensors[i].name : "t\(order[i] ?? i)" }
      var vorder: [Int: Int] = [:]
      for inst in k.instructions {
        if case .loopBegin(let l) = inst.operation, vorder[l.variable.index] == nil {
          vorder[l.variable.index] = vorder.count
        }
      }
      varNames = k.indexVars.indices.map { i in
        if case .programID(let a) = k.indexVars[i].kind { return "pid\(a)" }
        return "v\(vorder[i] ?? i)"
      }
    }
    // Listing numbers: parameters are %0..<p, then the listed locals in order, without gaps.
    // Unnamed temporaries print as their number; a name two listed tensors share gets `.1`,
    // `.2`, ... after its first holder, so that the listing never shows one name for two tensors.
    var number: [Int: Int] = [:]
    if !canonicalNames {
      for p in k.parameters where number[p.tensor.index] == nil { number[p.tensor.index] = number.count }
      // Every name as written is reserved first, so a generated `t.1` never takes a user's `t.1`.
      let listedLocals = k.tensors.indices.filter { k.tensors[$0].role != .parameter && used.contains($0) }
      var reserved = Set(k.parameters.map { names[$0.tensor.index] } + listedLocals.map { names[$0] })
      var holders = Set(k.parameters.map { names[$0.tensor.index] })
      for i in listedLocals {
        number[i] = number.count
        if Kernel.isUnnamed(names[i]) {
          names[i] = "%\(number[i] ?? i)"
          continue
        }
        let base = names[i]
        if holders.contains(base) {
          var n = 1
          while reserved.contains("\(base).\(n)") { n += 1 }
          names[i] = "\(base).\(n)"
          reserved.insert(names[i])
        }
        holders.insert(names[i])
      }
    }
    self.names = names
    self.varNames = varNames
    self.number = number
    self.used = used
  }

  func vname(_ v: IndexVar) -> String { v.index < varNames.count ? varNames[v.index] : "\(v)" }

  func view(_ v: View) -> String {
    var text = formatView(v, name: names[v.tensor.index], vname)
    for r in v.runtimeOffsets {
      text += " + \(formatView(r.source, name: names[r.source.tensor.index], vname))·\(r.steps)"
    }
    return text
  }

  func condition(_ c: AffineCondition) -> String {
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

  /// One instruction's line (a loop's header for its begin), or nil for a loop's end and an
  /// operation without a payload.
  func line(_ inst: Instruction) -> String? {
    switch inst.operation {
    case .loopBegin(let l):
      var line: String
      switch l.dynamic {
      case .stop(let v)?: line = "\(l.kind.rawValue) \(vname(l.variable)) in \(l.start)..<\(view(v))"
      case .condition(let v)?: line = "\(l.kind.rawValue) \(view(v)) != 0 (iteration \(vname(l.variable)))"
      case nil: line = "\(l.kind.rawValue) \(vname(l.variable)) in \(l.start)..<\(l.stop)"
      }
      if l.step != 1 { line += " step \(l.step)" }
      return line + " {"
    case .loopEnd:
      return nil
    default:
      guard let p = inst.operation.payload else { return nil }
      let format = IRFormat(viewText: view, conditionText: condition)
      var line = "\(view(p.dst)) = \(inst.operation.nkiName)(\(p.printedArguments(format)))"
      line += "  [\(inst.engine.rawValue)]"
      if !inst.mask.isEmpty { line += " mask(" + inst.mask.map(condition).joined(separator: " && ") + ")" }
      return line
    }
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
    if nz.count > 1 {
      simple = false
      break
    }
    if let k = nz.first {
      if owner[k] != -1 {
        simple = false
        break
      }
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
