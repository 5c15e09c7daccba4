import TesselIR
import TesselInterpreter
import TesselMachine
import Testing

@Suite("SBUF and PSUM allocation")
struct AllocatorTests {
  @Test(
    "tiles that do not fit in SBUF fail with what was asked, what is live and the limit", arguments: Target.allCases)
  func sbufOverflow(target: Target) throws {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "a", shape: [128, 32768], dtype: .float32)
    // 32768 fp32 = 128 KiB per partition each; two live at once exceed every target's SBUF.
    let t1 = b.declareTensor(name: "t1", space: .sbuf, shape: [128, 32768], dtype: .float32)
    let t2 = b.declareTensor(name: "t2", space: .sbuf, shape: [128, 32768], dtype: .float32)
    b.emit(.load(dst: .whole(t1, shape: [128, 32768]), src: .whole(a, shape: [128, 32768])))
    b.emit(.load(dst: .whole(t2, shape: [128, 32768]), src: .whole(a, shape: [128, 32768])))
    b.emit(
      .tensorTensor(
        dst: .whole(t1, shape: [128, 32768]), a: .whole(t1, shape: [128, 32768]), b: .whole(t2, shape: [128, 32768]),
        op: .add))
    let k = try b.finish(target: target)
    #expect {
      _ = try Interpreter(kernel: k, options: RunOptions(target: target))
    } throws: { e in
      guard let e = e as? KernelError,
        case .capacityExceeded(.sbuf, "t2", 131072, 128, let live, let limit, nil) = e.kind
      else { return false }
      return live.map(\.name) == ["t1"] && limit == target.sbufBytesPerPartition
    }
  }

  @Test("tiles with disjoint lifetimes share SBUF; a tile declared outside a loop stays live through it")
  func lifetimes() throws {
    var b = KernelBuilder(name: "k")
    let a = b.addParameter(name: "a", shape: [128, 30000], dtype: .float32)
    let acc = b.declareTensor(name: "acc", space: .sbuf, shape: [128, 16], dtype: .float32)
    b.emit(.memset(dst: .whole(acc, shape: [128, 16]), value: 0))
    let i = b.beginLoop(name: "i", kind: .sequential, stop: 3)
    _ = i
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 30000], dtype: .float32)
    b.emit(.load(dst: .whole(t, shape: [128, 30000]), src: .whole(a, shape: [128, 30000])))
    b.emit(
      .tensorReduce(
        dst: View(tensor: acc, start: [0, 0], dims: [.along(0, of: 2, count: 128)]),
        src: .whole(t, shape: [128, 30000]), op: .add, axes: [1], negate: false))
    try b.endLoop()
    let u = b.declareTensor(name: "u", space: .sbuf, shape: [128, 30000], dtype: .float32)
    b.emit(.load(dst: .whole(u, shape: [128, 30000]), src: .whole(a, shape: [128, 30000])))
    let k = try b.finish(target: .trn1)
    let plan = try Allocator(target: .trn1).plan(k)
    let pt = try #require(plan.placements[t])
    let pu = try #require(plan.placements[u])
    let pa = try #require(plan.placements[acc])
    #expect(pt.live.upperBound < pu.live.lowerBound, "t and u are never live at once")
    #expect(pu.byteOffset + pu.bytes <= plan.sbufHighWater, "u reuses space, so the high water does not grow")
    #expect(pa.live.lowerBound == 0 && pa.live.upperBound >= pt.live.upperBound)
    #expect(plan.sbufHighWater == 120_000 + 64)
  }

  @Test("PSUM holds eight 2 KiB banks; a ninth live accumulator fails")
  func psumBanks() throws {
    var b = KernelBuilder(name: "k")
    var tiles: [TensorID] = []
    for i in 0..<9 {
      let p = b.declareTensor(name: "ps\(i)", space: .psum, shape: [128, 512], dtype: .float32)
      b.emit(.memset(dst: .whole(p, shape: [128, 512]), value: 0))
      tiles.append(p)
    }
    let s = b.declareTensor(name: "s", space: .sbuf, shape: [128, 512], dtype: .float32)
    for p in tiles { b.emit(.tensorCopy(dst: .whole(s, shape: [128, 512]), src: .whole(p, shape: [128, 512]))) }
    let k = try b.finish(target: .trn2)
    #expect {
      _ = try Allocator(target: .trn2).plan(k)
    } throws: { e in
      guard let e = e as? KernelError, case .capacityExceeded(.psum, "ps8", 2048, 128, let live, 16384, nil) = e.kind
      else {
        return false
      }
      return live.count == 8
    }
  }

  @Test("small tiles start on partition 0, 32, 64 or 96 and pack side by side")
  func partitionStarts() throws {
    var b = KernelBuilder(name: "k")
    var ts: [TensorID] = []
    for i in 0..<4 {
      let t = b.declareTensor(name: "t\(i)", space: .sbuf, shape: [32, 1000], dtype: .float32)
      b.emit(.memset(dst: .whole(t, shape: [32, 1000]), value: 0))
      ts.append(t)
    }
    for t in ts { b.emit(.tensorCopy(dst: .whole(t, shape: [32, 1000]), src: .whole(t, shape: [32, 1000]))) }
    let plan = try Allocator(target: .trn2).plan(try b.finish(target: .trn2))
    let starts = Set(ts.compactMap { plan.placements[$0]?.partitionStart })
    #expect(starts == [0, 32, 64, 96])
    #expect(plan.sbufHighWater == 4000)
  }
}
