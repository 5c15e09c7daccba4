extension Operation {
  /// Every view operand with its NKI name and role, destination first.
  ///
  /// The order is the payload's (``OperationPayload/operands``); scalar immediates are
  /// left out. Empty for loop markers.
  ///
  /// The values runtime offsets read (``View/runtimeOffsets``) follow the payload's operands, with
  /// the role ``OperandRole/runtimeOffset`` and the name `<operand>.scalar_offset`.
  public var operands: [OperandUse] {
    guard let p = payload else { return [] }
    var uses: [OperandUse] = []
    uses.reserveCapacity(4)
    p.collectOperands(into: &uses, writtenOnly: false)
    for u in uses where !u.view.runtimeOffsets.isEmpty {
      for r in u.view.runtimeOffsets {
        uses.append(OperandUse(name: u.name + ".scalar_offset", role: .runtimeOffset, view: r.source))
      }
    }
    return uses
  }

  /// The destination view (nil for loop markers).
  public var destination: View? {
    payload?.dst
  }

  /// Every view the operation writes: the destination, then any second destination
  /// (`activation`'s reduce result).
  ///
  /// Reads only the written rows of the payload's operand table (the builder asks for every
  /// instruction it adds).
  public var destinations: [View] {
    guard let p = payload else { return [] }
    var uses: [OperandUse] = []
    p.collectOperands(into: &uses, writtenOnly: true)
    return uses.map(\.view)
  }

  /// Every view the operation reads, with the NKI operand name (for diagnostics), in NKI order.
  ///
  /// A matmul's read of the PSUM tile it accumulates into is not listed (its role is
  /// ``OperandRole/accumulator``).
  public var sources: [(name: String, view: View)] {
    operands.filter { !$0.role.isWritten }.map { ($0.name, $0.view) }
  }

  /// The same operation with every view (and view operand) passed through `v` / `o`.
  public func remapped(_ v: (View) -> View, _ o: (Operand) -> Operand) -> Operation {
    withoutActuallyEscaping(v) { v in
      withoutActuallyEscaping(o) { o in mapPayload(OperandRemapper(view: v, operand: o)) }
    }
  }

  /// The same operation with its destination replaced (matmul keeps its accumulation).
  public func retargetedDestination(_ dst: View) -> Operation {
    mapPayload(DestinationReplacement(dst: dst))
  }
}

/// Replaces a payload's destination.
private struct DestinationReplacement: PayloadTransform {
  let dst: View

  func callAsFunction<Payload: OperationPayload>(_ payload: Payload) -> Payload {
    var p = payload
    p.dst = dst
    return p
  }
}

/// Rewrites the operands of a payload.
private struct OperandRemapper: OperandVisitor, PayloadTransform {
  let view: (View) -> View
  let operand: (Operand) -> Operand

  mutating func visit(_ name: String, _ role: OperandRole, _ v: inout View) {
    v = view(v)
    for i in v.runtimeOffsets.indices { v.runtimeOffsets[i].source = view(v.runtimeOffsets[i].source) }
  }

  mutating func visit(_ name: String, _ role: OperandRole, _ o: inout Operand) {
    o = operand(o)
    if case .view(var v) = o {
      for i in v.runtimeOffsets.indices { v.runtimeOffsets[i].source = view(v.runtimeOffsets[i].source) }
      o = .view(v)
    }
  }

  func callAsFunction<Payload: OperationPayload>(_ payload: Payload) -> Payload {
    var p = payload
    var visitor = self
    p.visitOperands(&visitor)
    return p
  }
}
