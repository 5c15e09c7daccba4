import TesselIR

extension TimedProgram {
  /// The sizes, dtypes and memories the cost formulas of an operation read.
  static func costInputs(_ op: Operation, kernel: Kernel, psumLike: [Bool], free: Int) -> CostInputs {
    var c = CostInputs()
    let sources = op.sources.map(\.view)
    let destinations = op.destinations
    c.streamFree = Swift.max(free, sources.map(\.freeElementCount).max() ?? 1)
    let operands = sources + destinations
    c.all16Bit = operands.allSatisfy { kernel[$0.tensor].dtype.byteSize == 2 }
    c.allSBUF = operands.allSatisfy { kernel[$0.tensor].space == .sbuf && !psumLike[$0.tensor.index] }
    c.unitStride = operands.allSatisfy { v in
      guard let last = v.dims.last, last.count > 1 else { return true }
      return flatStrides(v, kernel: kernel).last == 1
    }
    c.float32 = sources.contains { kernel[$0.tensor].dtype == .float32 }
    // Two streamed inputs (not [P, 1] vectors, not free-axis broadcasts) from the same memory
    // share one port.
    let streamed = sources.filter { $0.freeElementCount > 1 && !($0.dims.last?.isBroadcast ?? false) }
    if streamed.count >= 2 {
      let inPSUM = streamed.map { psumLike[$0.tensor.index] }
      c.sharedPort = inPSUM.filter { $0 }.count >= 2 || inPSUM.filter { !$0 }.count >= 2
    }
    switch op.cost {
    case .matmul:
      // The moving operand's columns: `[K, N]`, or `[K, N, 4]` for packed MX values.
      if let moving = op.operands.first(where: { $0.name == "moving" })?.view {
        c.movingFree = moving.dims.count > 1 ? moving.dims[1].count : 1
        // Double-row mode streams `[K, 2, N]`: N columns, two rows per partition at once.
        if case .matmul(let m) = op, m.doubleRow { c.movingFree = moving.dims.last?.count ?? 1 }
      }
    case .transpose:
      c.transposePartitions = sources.first?.partitionCount ?? 1
    case .dma, .dmaTranspose:
      if let dst = op.destination, let src = sources.first {
        let bytes = Swift.max(kernel[dst.tensor].dtype.byteSize, kernel[src.tensor].dtype.byteSize)
        c.dmaBytesPerPartition = Double(free * bytes)
        c.dmaDescriptorsPerPartition = descriptorsPerPartition(dst, src, kernel: kernel, free: free)
      }
    default:
      break
    }
    return c
  }

  /// Element strides of each of a view's dimensions in its tensor's row-major layout.
  static func flatStrides(_ v: View, kernel: Kernel) -> [Int] {
    let ts = kernel[v.tensor].strides
    return v.dims.map { d in zip(d.steps, ts).reduce(0) { $0 + $1.0 * $1.1 } }
  }

  /// How many contiguous runs (DMA descriptors) each partition row of a transfer needs: the
  /// free elements divided by the longest innermost run that is contiguous on both sides.
  static func descriptorsPerPartition(_ a: View, _ b: View, kernel: Kernel, free: Int) -> Int {
    let sa = flatStrides(a, kernel: kernel)
    let sb = flatStrides(b, kernel: kernel)
    guard sa.count == sb.count, a.shape == b.shape, a.dims.count > 1 else {
      return a.dims.count > 1 ? free : 1
    }
    var run = 1
    for d in stride(from: a.dims.count - 1, through: 1, by: -1) where a.dims[d].count > 1 {
      guard sa[d] == run && sb[d] == run else { break }
      run *= a.dims[d].count
    }
    return Swift.max(1, free / run)
  }
}
