import Foundation
import Tessel
import TesselDSL
import TesselTestSupport
import Testing

/// The current dialect's pattern, selection, shuffle, DMA-compute and MX calls in the Swift DSL
/// (`iota(into:)`, `affineSelect(into:)`, `rangeSelect`, `matchReplace8`, `streamShuffle`,
/// `dmaCompute`, `quantizeMX`), each run and compared with a plain loop written from NKI's
/// documented semantics.
@Suite("DSL pattern, selection and shuffle calls against plain loops")
struct SelectionVocabularyTests {
  @Test("iota(into:) over a two-level pattern with a channel multiplier and offset", arguments: [1, 7, 128])
  func iotaPattern(rows: Int) throws {
    let k = SwiftKernel(name: "iota2", KernelParameter("x", shape: [rows, 1])) { _ in
      let out = output("out", shape: [rows, 20], dtype: .float32)
      let t = ndarray([rows, 20], dtype: .int32)
      iota(into: t, pattern: [[3, 4], [1, 5]], offset: -2, channelMultiplier: 7)
      let f = ndarray([rows, 20], dtype: .float32)
      tensorCopy(into: f, t)
      dmaCopy(dst: out, src: f)
    }
    let r = try k.run([try HostArray(shape: [rows, 1], dtype: .float32, values: .init(repeating: 0, count: rows))])
    var expected: [Float] = []
    for p in 0..<rows {
      for i in 0..<4 {
        for j in 0..<5 { expected.append(Float(7 * p + 3 * i + j - 2)) }
      }
    }
    #expect(r.outputs[0].floatValues() == expected)
  }

  @Test(
    "affineSelect(into:) keeps a lower triangle (p - f >= 0) of part of a tile",
    arguments: [(1, 9), (7, 13), (128, 130)])
  func affineSelectTriangle(shape: (Int, Int)) throws {
    let (rows, cols) = shape
    let k = SwiftKernel(name: "tri", KernelParameter("x", shape: [rows, cols])) { x in
      let out = output("out", shape: [rows, cols], dtype: .float32)
      let t = ndarray([128, cols], dtype: .float32)
      dmaCopy(dst: t[0..<rows, 0...], src: x)
      let m = ndarray([128, cols], dtype: .float32)
      affineSelect(
        into: m[0..<rows, 0...], pattern: [[-1, cols]], channelMultiplier: 1, onTrue: t[0..<rows, 0...],
        onFalse: -5, comparison: .greaterEqual)
      dmaCopy(dst: out, src: m[0..<rows, 0...])
    }
    let x = randomArray(count: rows * cols, in: -1...1, seed: 11)
    let r = try k.run([try HostArray(shape: [rows, cols], dtype: .float32, values: x)])
    var expected = x
    for p in 0..<rows {
      for f in 0..<cols where p - f < 0 { expected[p * cols + f] = -5 }
    }
    #expect(r.outputs[0].floatValues() == expected)
  }

  @Test("rangeSelect keeps lo[p] <= rangeStart + f < hi[p] and reduces each row's maximum", arguments: [1, 7, 128])
  func rangeSelectWindow(rows: Int) throws {
    let cols = 11
    let k = SwiftKernel(
      name: "window", KernelParameter("x", shape: [rows, cols]), KernelParameter("lo", shape: [rows, 1]),
      KernelParameter("hi", shape: [rows, 1])
    ) { x, lo, hi in
      let out = output("out", shape: [rows, cols], dtype: .float32)
      let outMax = output("out_max", shape: [rows, 1], dtype: .float32)
      let t = ndarray([rows, cols], dtype: .float32)
      let b0 = ndarray([rows, 1], dtype: .float32)
      let b1 = ndarray([rows, 1], dtype: .float32)
      dmaCopy(dst: t, src: x)
      dmaCopy(dst: b0, src: lo)
      dmaCopy(dst: b1, src: hi)
      let kept = ndarray([rows, cols], dtype: .float32)
      let rowMax = ndarray([rows, 1], dtype: .float32)
      rangeSelect(
        into: kept, onTrue: t, comparison0: .greaterEqual, comparison1: .less, bound0: b0, bound1: b1,
        rangeStart: 2, reduceInto: rowMax)
      dmaCopy(dst: out, src: kept)
      dmaCopy(dst: outMax, src: rowMax)
    }
    let x = randomArray(count: rows * cols, in: -1...1, seed: 3)
    let lo = (0..<rows).map { Float($0 % 5 + 2) }
    let hi = lo.map { $0 + 4 }
    let r = try k.run([
      try HostArray(shape: [rows, cols], dtype: .float32, values: x),
      try HostArray(shape: [rows, 1], dtype: .float32, values: lo),
      try HostArray(shape: [rows, 1], dtype: .float32, values: hi),
    ])
    var expected = [Float](repeating: -Float.greatestFiniteMagnitude, count: rows * cols)
    var expectedMax = [Float](repeating: -Float.greatestFiniteMagnitude, count: rows)
    for p in 0..<rows {
      for f in 0..<cols {
        let i = Float(2 + f)
        if i >= lo[p] && i < hi[p] { expected[p * cols + f] = x[p * cols + f] }
        expectedMax[p] = max(expectedMax[p], expected[p * cols + f])
      }
    }
    #expect(r.outputs[0].floatValues() == expected)
    #expect(r.outputs[1].floatValues() == expectedMax)
  }

  @Test(
    "max8 then matchReplace8 replaces each row's 8 largest values and reports their positions", arguments: [1, 7, 128])
  func matchReplace(rows: Int) throws {
    let cols = 19
    let k = SwiftKernel(name: "top8", KernelParameter("x", shape: [rows, cols])) { x in
      let out = output("out", shape: [rows, cols], dtype: .float32)
      let outIndex = output("out_index", shape: [rows, 8], dtype: .float32)
      let t = ndarray([rows, cols], dtype: .float32)
      dmaCopy(dst: t, src: x)
      let top = ndarray([rows, 8], dtype: .float32)
      max8(into: top, t)
      let rest = ndarray([rows, cols], dtype: .float32)
      let index = ndarray([rows, 8], dtype: .uint32)
      matchReplace8(into: rest, t, values: top, imm: -100, indicesInto: index)
      let indexF = ndarray([rows, 8], dtype: .float32)
      tensorCopy(into: indexF, index)
      dmaCopy(dst: out, src: rest)
      dmaCopy(dst: outIndex, src: indexF)
    }
    // Distinct values per row, so that the 8 largest and their positions are unambiguous.
    let x = (0..<(rows * cols)).map { Float(($0 * 37) % (rows * cols)) / Float(rows * cols) - 0.5 }
    let r = try k.run([try HostArray(shape: [rows, cols], dtype: .float32, values: x)])
    var expected = x
    var expectedIndex: [Float] = []
    for p in 0..<rows {
      let row = Array(x[(p * cols)..<(p * cols + cols)])
      let order = row.indices.sorted { row[$0] > row[$1] }.prefix(8)
      for f in order { expected[p * cols + f] = -100 }
      expectedIndex += order.map { Float($0) }
    }
    #expect(r.outputs[0].floatValues() == expected)
    #expect(r.outputs[1].floatValues() == expectedIndex)
  }

  @Test(
    "streamShuffle reverses partitions within each quadrant; 255 leaves a partition as it was", arguments: [7, 32, 128])
  func shuffle(rows: Int) throws {
    let cols = 5
    let used = min(rows, 32) - 1  // quadrant entries past this stay unchanged (255)
    let mask = (0..<32).map { $0 < used ? used - 1 - $0 : 255 }
    let k = SwiftKernel(name: "shuffle", KernelParameter("x", shape: [rows, cols])) { x in
      let out = output("out", shape: [rows, cols], dtype: .float32)
      let t = ndarray([rows, cols], dtype: .float32)
      dmaCopy(dst: t, src: x)
      let s = ndarray([rows, cols], dtype: .float32)
      memset(s, 9)
      streamShuffle(into: s, t, mask: mask)
      dmaCopy(dst: out, src: s)
    }
    let x = randomArray(count: rows * cols, in: -1...1, seed: 17)
    let r = try k.run([try HostArray(shape: [rows, cols], dtype: .float32, values: x)])
    var expected = [Float](repeating: 9, count: rows * cols)
    for d in 0..<rows where mask[d % 32] != 255 {
      let s = 32 * (d / 32) + mask[d % 32]
      for f in 0..<cols { expected[d * cols + f] = x[s * cols + f] }
    }
    #expect(r.outputs[0].floatValues() == expected)
  }

  @Test("dmaCompute sums three tensors of other shapes into a bf16 output in fp32", arguments: [1, 7, 128])
  func dmaComputeSum(rows: Int) throws {
    let cols = 6
    let k = SwiftKernel(
      name: "sum3", KernelParameter("a", shape: [rows, cols]), KernelParameter("b", shape: [rows * cols]),
      KernelParameter("c", shape: [rows, cols])
    ) { a, b, c in
      let out = output("out", shape: [rows, cols], dtype: .bfloat16)
      let t = ndarray([rows, cols], dtype: .float32)
      dmaCopy(dst: t, src: c)
      dmaCompute(dst: out, srcs: [a, b, t])
    }
    let a = randomArray(count: rows * cols, in: -1...1, seed: 21)
    let b = randomArray(count: rows * cols, in: -1...1, seed: 22)
    let c = randomArray(count: rows * cols, in: -1...1, seed: 23)
    let r = try k.run([
      try HostArray(shape: [rows, cols], dtype: .float32, values: a),
      try HostArray(shape: [rows * cols], dtype: .float32, values: b),
      try HostArray(shape: [rows, cols], dtype: .float32, values: c),
    ])
    let expected = (0..<(rows * cols)).map { DType.bfloat16.quantize(a[$0] + b[$0] + c[$0]) }
    #expect(r.outputs[0].floatValues() == expected)
  }

  @Test("quantizeMX: per 8-partition × 4-value block scale exponents and fp8 values (trn3)", arguments: [32, 64, 128])
  func quantize(rows: Int) throws {
    let groups = 3
    let scaleRows = rows <= 32 ? rows / 8 : rows
    let k = SwiftKernel(name: "qmx", KernelParameter("x", shape: [rows, 4 * groups], dtype: .bfloat16)) { x in
      let outQ = output("out_q", shape: [rows, groups, 4], dtype: .float32)
      let outScale = output("out_scale", shape: [scaleRows, groups], dtype: .float32)
      let t = ndarray([rows, 4 * groups], dtype: .bfloat16)
      dmaCopy(dst: t, src: x)
      let q = ndarray([rows, groups, 4], dtype: .float8e4m3fn)
      let scale = ndarray([scaleRows, groups], dtype: .uint8)
      memset(scale, 0)
      quantizeMX(into: q, t, scaleInto: scale)
      let qf = ndarray([rows, groups, 4], dtype: .float32)
      tensorCopy(into: qf, q)
      let sf = ndarray([scaleRows, groups], dtype: .float32)
      tensorCopy(into: sf, scale)
      dmaCopy(dst: outQ, src: qf)
      dmaCopy(dst: outScale, src: sf)
    }
    let x = randomArray(count: rows * 4 * groups, in: -3...3, seed: 29).map { DType.bfloat16.quantize($0) }
    let r = try k.run([try HostArray(shape: [rows, 4 * groups], dtype: .bfloat16, values: x)], target: .trn3)
    var expectedQ = [Float](repeating: 0, count: x.count)
    var expectedScale = [Float](repeating: 0, count: scaleRows * groups)
    for block in 0..<(rows / 8) {
      for g in 0..<groups {
        let members = (block * 8..<block * 8 + 8).flatMap { p in (0..<4).map { p * groups * 4 + g * 4 + $0 } }
        let amax = members.map { abs(Double(x[$0])) }.max() ?? 0
        let exponent = amax == 0 ? -127 : Int(floor(log2(amax))) - 7  // E_max of float8_e4m3fn is 8
        for i in members {
          expectedQ[i] = DType.float8e4m3fn.quantize(Float(Double(x[i]) / pow(2.0, Double(exponent))))
        }
        let scaleRow = rows <= 32 ? block : 32 * (block / 4) + block % 4
        expectedScale[scaleRow * groups + g] = Float(exponent + 127)
      }
    }
    #expect(r.outputs[0].floatValues() == expectedQ)
    #expect(r.outputs[1].floatValues() == expectedScale)
  }

  @Test("iota(into:) with pattern counts that do not cover the destination is a located shape error")
  func iotaPatternMismatch() {
    let line = #line + 3
    let k = SwiftKernel(name: "bad", KernelParameter("x", shape: [4, 1])) { _ in
      let t = ndarray([4, 10], dtype: .int32)
      iota(into: t, pattern: [[1, 3], [3, 3]])
    }
    do {
      _ = try k.build(target: .trn2)
      Issue.record("expected an error")
    } catch {
      #expect(error.location.line == line)
      #expect(error.operation == "iota")
      #expect(error.message.contains("[4, 10]") && error.message.contains("[4, 3, 3]"), "\(error.message)")
    }
  }
}
