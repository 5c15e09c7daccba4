import TesselIR

extension OriginTracker {
  /// The element-level data flow of the current dialect's long-tail ISA operations (see
  /// ``ExecutionState/executeCurrentISA(_:)`` for their lanes).
  func currentISA(_ ci: CompiledInstruction, _ envp: UnsafePointer<Int>) {
    let v = ci.views
    /// The merged origin of each partition's elements of a source view.
    func rowTaints(_ view: View, _ fv: FlatView, _ operand: Int) -> [UInt32] {
      let offs = offsets(view, fv, envp)
      let rows = view.partitionCount, cols = view.freeElementCount
      var out = [UInt32](repeating: 0, count: rows)
      for r in 0..<rows { for c in 0..<cols where r * cols + c < offs.count { out[r] = Self.merge(out[r], read(operand, offs[r * cols + c])) } }
      return out
    }
    /// Writes `taints[row]` to every element of each partition of a destination view.
    func writeRows(_ view: View, _ fv: FlatView, _ taints: [UInt32]) {
      let offs = offsets(view, fv, envp)
      let cols = view.freeElementCount
      for (i, o) in offs.enumerated() where i / cols < taints.count { write(o, taints[i / cols]) }
    }
    func merged(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] { zip(a, b).map { Self.merge($0, $1) } }

    switch ci.instruction.operation {
    case .dmaTranspose(let p):
      let src = offsets(p.src.permuted(p.axes), v[1].permuted(p.axes), envp), dst = offsets(p.dst, v[0], envp)
      for (d, s) in zip(dst, src) { write(d, read(0, s)) }

    case .registerLoad(let p as any UnaryView), .registerStore(let p as any UnaryView),
      .registerMove(let p as any UnaryView):
      let src = offsets(p.source, v[1], envp), dst = offsets(p.destination, v[0], envp)
      for (d, s) in zip(dst, src) { write(d, read(0, s)) }

    case .dmaCompute(let p):
      let dst = offsets(p.dst, v[0], envp)
      var t = [UInt32](repeating: 0, count: dst.count)
      for (i, s) in p.srcs.enumerated() {
        for (j, o) in offsets(s, v[1 + i], envp).enumerated() where j < t.count { t[j] = Self.merge(t[j], read(i, o)) }
      }
      for (j, o) in dst.enumerated() { write(o, t[j]) }

    case .max8(let p):
      writeRows(p.dst, v[0], rowTaints(p.src, v[1], 0))

    case .findIndex8(let p):
      writeRows(p.dst, v[0], merged(rowTaints(p.data, v[1], 0), rowTaints(p.vals, v[2], 1)))

    case .matchReplace8(let p):
      // Which elements are replaced depends on the whole row and on the values.
      let t = merged(rowTaints(p.data, v[1], 0), rowTaints(p.vals, v[2], 1))
      writeRows(p.dst, v[0], t)
      if let di = p.dstIdx { writeRows(di, v[3], t) }

    case .streamShuffle(let p):
      let src = offsets(p.src, v[1], envp), dst = offsets(p.dst, v[0], envp)
      let cols = p.dst.freeElementCount
      for d in 0..<p.dst.partitionCount {
        guard let s = StreamShuffle.sourceRow(of: d, mask: p.mask) else { continue }
        for c in 0..<cols where s * cols + c < src.count { write(dst[d * cols + c], read(0, src[s * cols + c])) }
      }

    case .rangeSelect(let p):
      let bounds = merged(rowTaints(p.bound0, v[2], 1), rowTaints(p.bound1, v[3], 2))
      let src = offsets(p.onTrue, v[1], envp), dst = offsets(p.dst, v[0], envp)
      let cols = p.dst.freeElementCount
      var rows = bounds
      for (i, o) in dst.enumerated() where i < src.count {
        let t = Self.merge(read(0, src[i]), bounds[i / cols])
        write(o, t)
        rows[i / cols] = Self.merge(rows[i / cols], t)
      }
      if let rd = p.reduceDst { writeRows(rd, v[4], rows) }

    default:
      // quantize_mx and nc_matmul_mx: every result depends on whole blocks; follow them coarsely.
      conservative(ci, envp)
    }
  }
}
