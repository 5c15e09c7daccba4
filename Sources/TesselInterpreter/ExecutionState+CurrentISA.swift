import TesselIR
import TesselNumerics

extension ExecutionState {
  /// Executes the current dialect's long-tail ISA operations: each gathers its operands into dense
  /// rows, applies its definition (`ISA/`), and scatters the results, rounding to the
  /// destinations' dtypes.
  ///
  /// `ci.views` follow the interpreter's lane order: the destination, the operands read in NKI
  /// order, then a second destination.
  func executeCurrentISA(_ ci: CompiledInstruction) throws(KernelError) {
    let k = interpreter.kernel
    let v = ci.views
    func fail(_ kind: KernelError.Kind) -> KernelError {
      KernelError(kind, operation: ci.instruction.operation.nkiName, at: ci.instruction.location)
    }
    switch ci.instruction.operation {
    case .dmaTranspose(let p):
      // Element i of the destination is element i of the permuted source.
      var values = gathered(p.src.permuted(p.axes), v[1].permuted(p.axes))
      scatter(&values, to: p.dst, v[0], dtype: k[p.dst.tensor].dtype)

    case .registerLoad(let p as any UnaryView), .registerStore(let p as any UnaryView),
      .registerMove(let p as any UnaryView):
      var value = gathered(p.source, v[1])
      scatter(&value, to: p.destination, v[0], dtype: k[p.destination.tensor].dtype)

    case .dmaCompute(let p):
      var sum: [Float] = []
      var next: [Float] = []
      for (i, s) in p.srcs.enumerated() {
        if i == 0 {
          gather(s, v[1], into: &sum)
        } else {
          gather(s, v[1 + i], into: &next)
          for j in sum.indices { sum[j] += next[j] }
        }
      }
      scatter(&sum, to: p.dst, v[0], dtype: k[p.dst.tensor].dtype)

    case .max8(let p):
      let src = gathered(p.src, v[1])
      let rows = p.src.partitionCount
      var out = [Float](repeating: 0, count: rows * TopEight.width)
      src.withUnsafeBufferPointer { s in
        out.withUnsafeMutableBufferPointer { TopEight.max8(s, rows: rows, columns: p.src.freeElementCount, into: $0) }
      }
      scatter(&out, to: p.dst, v[0], dtype: k[p.dst.tensor].dtype)

    case .findIndex8(let p):
      let data = gathered(p.data, v[1])
      let vals = gathered(p.vals, v[2])
      let rows = p.data.partitionCount
      let dtype = k[p.dst.tensor].dtype
      let notFound = Float(dtype == .uint16 ? UInt32(UInt16.max) : UInt32.max)
      var out = [Float](repeating: 0, count: rows * TopEight.width)
      data.withUnsafeBufferPointer { d in
        vals.withUnsafeBufferPointer { vs in
          out.withUnsafeMutableBufferPointer {
            TopEight.findIndex8(
              data: d, rows: rows, columns: p.data.freeElementCount, values: vs, notFound: notFound, into: $0)
          }
        }
      }
      scatter(&out, to: p.dst, v[0], dtype: dtype)

    case .matchReplace8(let p):
      var data = gathered(p.data, v[1])
      let vals = gathered(p.vals, v[2])
      var idx: [Float] = []
      if let di = p.dstIdx { gather(di, v[3], into: &idx) }
      let rows = p.data.partitionCount
      let misses = data.withUnsafeMutableBufferPointer { d in
        vals.withUnsafeBufferPointer { vs in
          idx.withUnsafeMutableBufferPointer { ix in
            TopEight.matchReplace8(
              data: d, rows: rows, columns: p.data.freeElementCount, values: vs, imm: p.imm,
              indices: p.dstIdx == nil ? nil : ix)
          }
        }
      }
      if p.dstIdx != nil, let m = misses.first {
        throw fail(.valueNotFound(operand: "vals", partition: m.row, slot: m.slot, value: m.value))
      }
      scatter(&data, to: p.dst, v[0], dtype: k[p.dst.tensor].dtype)
      if let di = p.dstIdx { scatter(&idx, to: di, v[3], dtype: k[di.tensor].dtype) }

    case .streamShuffle(let p):
      let src = gathered(p.src, v[1])
      var dst = gathered(p.dst, v[0])
      let missing = src.withUnsafeBufferPointer { s in
        dst.withUnsafeMutableBufferPointer {
          StreamShuffle.apply(
            src: s, srcRows: p.src.partitionCount, dst: $0, dstRows: p.dst.partitionCount,
            columns: p.dst.freeElementCount, mask: p.mask)
        }
      }
      if let m = missing {
        throw fail(
          .missingPartition(
            operand: "src", partition: m.source, partitions: p.src.partitionCount,
            reason: "shuffle_mask for dst partition \(m.destination)"))
      }
      scatter(&dst, to: p.dst, v[0], dtype: k[p.dst.tensor].dtype)

    case .rangeSelect(let p):
      let src = gathered(p.onTrue, v[1])
      let b0 = gathered(p.bound0, v[2])
      let b1 = gathered(p.bound1, v[3])
      let rows = p.onTrue.partitionCount
      var out = [Float](repeating: 0, count: src.count)
      var red = [Float](repeating: 0, count: rows)
      src.withUnsafeBufferPointer { s in
        b0.withUnsafeBufferPointer { p0 in
          b1.withUnsafeBufferPointer { p1 in
            out.withUnsafeMutableBufferPointer { o in
              red.withUnsafeMutableBufferPointer { r in
                RangeSelect.apply(
                  src: s, rows: rows, columns: p.onTrue.freeElementCount, bound0: p0, bound1: p1, cmp0: p.cmp0,
                  cmp1: p.cmp1, rangeStart: p.rangeStart, onFalse: p.onFalse, dst: o, reduce: r)
              }
            }
          }
        }
      }
      scatter(&out, to: p.dst, v[0], dtype: k[p.dst.tensor].dtype)
      if let rd = p.reduceDst { scatter(&red, to: rd, v[4], dtype: k[rd.tensor].dtype) }

    case .quantizeMX(let p):
      let src = gathered(p.src, v[1])
      var scales = gathered(p.dstScale, v[2])
      let dtype = k[p.dst.tensor].dtype
      let rows = p.src.partitionCount
      var data = [Float](repeating: 0, count: src.count)
      src.withUnsafeBufferPointer { s in
        data.withUnsafeMutableBufferPointer { d in
          scales.withUnsafeMutableBufferPointer { sc in
            MXBlocks.quantize(
              src: s, rows: rows, columns: p.src.freeElementCount / MXBlocks.lanes,
              maxExponent: dtype == .float8e5m2 ? 15 : 8, element: dtype.quantize, data: d, scales: sc)
          }
        }
      }
      scatter(&data, to: p.dst, v[0], dtype: dtype)
      scatter(&scales, to: p.dstScale, v[2], dtype: k[p.dstScale.tensor].dtype)

    case .matmulMX(let p):
      let st = gathered(p.stationary, v[1])
      let mv = gathered(p.moving, v[2])
      let ss = gathered(p.stationaryScale, v[3])
      let ms = gathered(p.movingScale, v[4])
      let K = p.stationary.partitionCount
      let M = p.stationary.freeElementCount / MXBlocks.lanes
      let N = p.moving.freeElementCount / MXBlocks.lanes
      var product = [Float](repeating: 0, count: M * N)
      func factor(_ scale: [Float], _ k: Int, _ j: Int, _ width: Int) -> Float {
        MXScale.decode(UInt32(scale[MXBlocks.scalePartition(of: k, partitions: K) * width + j]))
      }
      st.withUnsafeBufferPointer { a in
        mv.withUnsafeBufferPointer { b in
          product.withUnsafeMutableBufferPointer {
            MXBlocks.product(
              stationary: a, moving: b, K: K, M: M, N: N, stationaryScale: { factor(ss, $0, $1, M) },
              movingScale: { factor(ms, $0, $1, N) }, into: $0)
          }
        }
      }
      let base = tensorBase(p.dst.tensor.index)
      let flagOffset: (Int, Int) -> Int = { m, n in self.scatterOffset(p.dst, v[0], m * N + n) - base }
      let mode = accumulationMode(p.dst, requested: p.accumulation, flagOffset: flagOffset)
      combineProduct(product, into: p.dst, v[0], mode: mode, flagOffset: flagOffset)
      markAccumulated(ci, dst: p.dst, flagOffset: flagOffset)

    default:
      // `execute` forwarded an operation this switch has no arm for: a missing definition,
      // never a silent no-op.
      throw fail(
        .unsupported("executing '\(ci.instruction.operation.nkiName)' (the interpreter has no definition for it)"))
    }
  }
}

/// The two views of a one-destination, one-source payload, whatever its kind.
protocol UnaryView {
  var destination: View { get }
  var source: View { get }
}

extension Operation.Unary: UnaryView {
  var destination: View { dst }
  var source: View { src }
}
