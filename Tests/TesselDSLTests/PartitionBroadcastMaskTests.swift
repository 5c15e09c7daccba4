import TesselDSL
import TesselHost
import TesselIR
import TesselTestSupport
import Testing

/// The copy of a one-partition operand to every partition before an `nl` operator carries the
/// call's mask conditions that `ElementwiseBinary.broadcastMask` keeps, as in the legacy binding.
@Suite("DSL partition broadcast under a mask")
struct PartitionBroadcastMaskTests {
  /// `out[i] = x * rows[i]` and `one[i] = x + rows[i][0]` for the blocks `i < 2` of a loop of 3,
  /// where block 2 of `rows` does not exist (the slice is out of bounds when the mask fails).
  static func kernel(p: Int, f: Int) -> SwiftKernel {
    SwiftKernel(
      name: "masked_row", KernelParameter("x", shape: [p, f]), KernelParameter("r", shape: [1, 2 * f])
    ) { x, r in
      let out = output("out", shape: [3 * p, f], dtype: .float32)
      let one = output("one", shape: [3 * p, f], dtype: .float32)
      let rows = load(r[0..<1, 0...])
      affineRange(3, name: "i") { i in
        let t = load(x[0..., 0...])
        let live = GridIndex(i) < 2
        store(out[i * p ..+ p, 0...], value: multiply(t, rows[0..<1, i * f ..+ f], mask: live), mask: live)
        store(one[i * p ..+ p, 0...], value: add(t, rows[0..<1, i * f ..+ 1], mask: live), mask: live)
      }
    }
  }

  @Test(
    "a loop-index mask also masks the broadcast: a row that exists only where it holds is not read",
    arguments: [(1, 5), (7, 13), (128, 33)])
  func maskedBroadcast(partitions p: Int, free f: Int) throws {
    let x = uniform(p * f, seed: UInt64(p))
    let r = uniform(2 * f, seed: UInt64(f))
    let inputs = [try host(x, [p, f]), try host(r, [1, 2 * f])]
    let kernel = Self.kernel(p: p, f: f)
    let recorded = try kernel.run(inputs, target: .trn2).outputs
    let eager = try kernel.runEagerly(inputs, target: .trn2).outputs
    // Plain loops over the blocks the mask keeps (block 2 is never written).
    var products: [Float] = []
    var sums: [Float] = []
    for b in 0..<2 {
      for e in 0..<(p * f) {
        products.append(x[e] * r[b * f + e % f])
        sums.append(x[e] + r[b * f])
      }
    }
    for outputs in [recorded, eager] {
      #expect(Array(outputs[0].floatValues().prefix(2 * p * f)) == products)
      #expect(Array(outputs[1].floatValues().prefix(2 * p * f)) == sums)
    }
  }

  @Test(
    "the broadcast of one element carries the loop-index and partition conditions, not the one on the free axis it repeats"
  )
  func carriedConditions() throws {
    let kernel = SwiftKernel(
      name: "carried", KernelParameter("x", shape: [8, 4]), KernelParameter("r", shape: [1, 1])
    ) { x, r in
      let out = output("out", shape: [16, 4], dtype: .float32)
      affineRange(2, name: "i") { i in
        let live = (GridIndex(i) < 1) && (GridIndex.partition < 6) && (GridIndex.free < 3)
        store(out[i * 8 ..+ 8, 0...], value: add(load(x[0..., 0...]), load(r[0..<1, 0..<1]), mask: live))
      }
    }
    let ops = try kernel.build(target: .trn2).instructions
    let broadcast = try #require(ops.first { if case .broadcast = $0.operation { true } else { false } })
    let sum = try #require(ops.first { if case .tensorScalar = $0.operation { true } else { false } })
    // The copy is an [8, 1] column (the add a tensor_scalar): it has the result's partitions and
    // is repeated along the free axis, so the free-axis condition stays on the operation alone.
    #expect(sum.mask.count == 3)
    #expect(broadcast.mask.count == 2)
    #expect(broadcast.mask.map(\.coefficients) == [[0, 0], [1, 0]])
  }
}
