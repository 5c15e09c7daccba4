import Foundation
import TesselIR
import TesselNumerics
import TesselTestSupportCore
import Testing

@testable import TesselInterpreter

/// The dense-row semantics of the long-tail ISA instructions against plain references written
/// from NKI's documentation.
@Suite("ISA instruction kernels")
struct ISAKernelTests {
  static let rowCounts = [1, 7, 128]
  static let columnCounts = [8, 13, 512]

  /// Small integers, so that rows have repeated values (ties and duplicates).
  static func data(_ rows: Int, _ columns: Int, seed: UInt64, range: Float = 6) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<(rows * columns)).map { _ in (rng.float(-range, range)).rounded() }
  }

  @Test("max8: the 8 largest per row, descending; NaN ranks first")
  func max8() {
    for rows in Self.rowCounts {
      for columns in Self.columnCounts {
        var src = Self.data(rows, columns, seed: UInt64(rows * 1000 + columns))
        if columns > 9 { src[3] = .nan }
        var dst = [Float](repeating: 0, count: rows * 8)
        src.withUnsafeBufferPointer { s in
          dst.withUnsafeMutableBufferPointer { TopEight.max8(s, rows: rows, columns: columns, into: $0) }
        }
        for r in 0..<rows {
          let row = Array(src[(r * columns)..<((r + 1) * columns)])
          let nans = row.filter(\.isNaN).count
          let sorted = row.filter { !$0.isNaN }.sorted(by: >)
          let expected = Array(([Float](repeating: .nan, count: nans) + sorted).prefix(8))
          let got = Array(dst[(r * 8)..<((r + 1) * 8)])
          #expect(
            zip(got, expected).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "row \(r): \(got) vs \(expected)")
        }
      }
    }
  }

  /// The position of the `n`-th (from 0) occurrence of `v` in `row`, or nil.
  static func occurrence(_ n: Int, of v: Float, in row: [Float]) -> Int? {
    let hits = row.indices.filter { row[$0] == v }
    return n < hits.count ? hits[n] : nil
  }

  @Test("nc_find_index8: first occurrences, duplicates in ascending order, all-ones when absent")
  func findIndex8() {
    for rows in Self.rowCounts {
      for columns in Self.columnCounts {
        let data = Self.data(rows, columns, seed: UInt64(rows + columns))
        // Values: some present (with duplicates), one absent.
        var values: [Float] = []
        for r in 0..<rows {
          let row = Array(data[(r * columns)..<((r + 1) * columns)])
          values += [row[columns - 1], row[0], row[0], 99, row[columns / 2], row[1], row[0], row[2]]
        }
        var dst = [Float](repeating: -1, count: rows * 8)
        data.withUnsafeBufferPointer { d in
          values.withUnsafeBufferPointer { v in
            dst.withUnsafeMutableBufferPointer {
              TopEight.findIndex8(data: d, rows: rows, columns: columns, values: v, notFound: 65535, into: $0)
            }
          }
        }
        for r in 0..<rows {
          let row = Array(data[(r * columns)..<((r + 1) * columns)])
          for i in 0..<8 {
            let v = values[r * 8 + i]
            let earlier = (0..<i).filter { values[r * 8 + $0] == v }.count
            let expected = Self.occurrence(earlier, of: v, in: row).map(Float.init) ?? 65535
            #expect(dst[r * 8 + i] == expected, "row \(r) slot \(i)")
          }
        }
      }
    }
  }

  @Test("nc_match_replace8: NKI's documented duplicate example")
  func matchReplace8Example() {
    var data: [Float] = [1, 2, 3, 4, 8, 8, 8, 8, 8, 8, 8]
    let values: [Float] = [3, 8, 8, 8, 8, 8, 8, 8]
    var idx = [Float](repeating: -1, count: 8)
    let misses = data.withUnsafeMutableBufferPointer { d in
      values.withUnsafeBufferPointer { v in
        idx.withUnsafeMutableBufferPointer {
          TopEight.matchReplace8(data: d, rows: 1, columns: 11, values: v, imm: -5, indices: $0)
        }
      }
    }
    #expect(misses.isEmpty)
    #expect(idx == [2, 10, 9, 8, 7, 6, 5, 4])
    #expect(data == [1, 2, -5, 4, -5, -5, -5, -5, -5, -5, -5])
  }

  @Test("nc_match_replace8: duplicates paired in descending slot order; misses reported")
  func matchReplace8() {
    for rows in Self.rowCounts {
      for columns in Self.columnCounts {
        let original = Self.data(rows, columns, seed: UInt64(7 * rows + columns))
        var values: [Float] = []
        for r in 0..<rows {
          let row = Array(original[(r * columns)..<((r + 1) * columns)])
          values += [row[0], row[columns - 1], row[0], row[1], row[0], row[2], row[columns / 2], row[3]]
        }
        if rows == 7 { values[5 * 8 + 3] = 1000 }  // one value absent
        var data = original
        var idx = [Float](repeating: -1, count: rows * 8)
        let misses = data.withUnsafeMutableBufferPointer { d in
          values.withUnsafeBufferPointer { v in
            idx.withUnsafeMutableBufferPointer {
              TopEight.matchReplace8(data: d, rows: rows, columns: columns, values: v, imm: 500, indices: $0)
            }
          }
        }
        var expectedMisses: [TopEight.Miss] = []
        for r in 0..<rows {
          let row = Array(original[(r * columns)..<((r + 1) * columns)])
          var replaced = Set<Int>()
          for i in (0..<8).reversed() {
            let v = values[r * 8 + i]
            let later = ((i + 1)..<8).filter { values[r * 8 + $0] == v }.count
            if let pos = Self.occurrence(later, of: v, in: row) {
              #expect(idx[r * 8 + i] == Float(pos), "row \(r) slot \(i)")
              replaced.insert(pos)
            } else {
              expectedMisses.append(TopEight.Miss(row: r, slot: i, value: v))
              #expect(idx[r * 8 + i] == -1)
            }
          }
          for c in 0..<columns {
            #expect(data[r * columns + c] == (replaced.contains(c) ? 500 : row[c]), "row \(r) column \(c)")
          }
        }
        #expect(misses == expectedMisses)
      }
    }
  }

  @Test("nc_stream_shuffle: per-quadrant source rows, 255 keeps, broadcast from one row, in place")
  func streamShuffle() {
    let columns = 5
    var mask = (0..<32).map { (31 - $0 * 3 % 32 + 32) % 32 }
    mask[4] = 255
    for rows in [32, 64, 128] {
      let src = Self.data(rows, columns, seed: UInt64(rows))
      var dst = [Float](repeating: -7, count: rows * columns)
      let missing = src.withUnsafeBufferPointer { s in
        dst.withUnsafeMutableBufferPointer {
          StreamShuffle.apply(src: s, srcRows: rows, dst: $0, dstRows: rows, columns: columns, mask: mask)
        }
      }
      #expect(missing == nil)
      for d in 0..<rows {
        for c in 0..<columns {
          let m = mask[d % 32]
          let expected = m == 255 ? -7 : src[((d / 32) * 32 + m) * columns + c]
          #expect(dst[d * columns + c] == expected)
        }
      }
      // In place: every row reads the source before any row is written.
      var inPlace = src
      _ = inPlace.withUnsafeMutableBufferPointer { buf in
        StreamShuffle.apply(
          src: UnsafeBufferPointer(buf), srcRows: rows, dst: buf, dstRows: rows, columns: columns, mask: mask)
      }
      for d in 0..<rows where mask[d % 32] != 255 {
        #expect(inPlace[d * columns] == src[((d / 32) * 32 + mask[d % 32]) * columns])
      }
    }
    // nkilib's stream_shuffle_broadcast: one source row to 7 partitions with a zero mask.
    let one: [Float] = [1, 2, 3]
    var seven = [Float](repeating: 0, count: 21)
    let missing = one.withUnsafeBufferPointer { s in
      seven.withUnsafeMutableBufferPointer {
        StreamShuffle.apply(src: s, srcRows: 1, dst: $0, dstRows: 7, columns: 3, mask: Array(repeating: 0, count: 32))
      }
    }
    #expect(missing == nil)
    #expect(seven == Array([[Float]](repeating: one, count: 7).joined()))
    // A mask naming a row the source lacks writes nothing.
    var untouched = [Float](repeating: 9, count: 6)
    let bad = one.withUnsafeBufferPointer { s in
      untouched.withUnsafeMutableBufferPointer {
        StreamShuffle.apply(
          src: s, srcRows: 1, dst: $0, dstRows: 2, columns: 3, mask: [0, 1] + Array(repeating: 0, count: 30))
      }
    }
    #expect(bad == StreamShuffle.MissingSource(destination: 1, source: 1))
    #expect(untouched == Array(repeating: 9, count: 6))
  }

  @Test(
    "range_select: the per-partition index range and its row maximum",
    arguments: [
      (ALUOp.greaterEqual, ALUOp.less), (.greater, .lessEqual), (.equal, .lessEqual),
    ])
  func rangeSelect(ops: (ALUOp, ALUOp)) {
    for rows in Self.rowCounts {
      for columns in Self.columnCounts {
        let src = Self.data(rows, columns, seed: UInt64(rows ^ columns))
        var rng = SeededGenerator(seed: UInt64(rows + 3 * columns))
        let b0 = (0..<rows).map { _ in Float(Int(rng.float(0, Float(columns)))) }
        let b1 = b0.map { $0 + Float(Int(rng.float(0, Float(columns)))) }
        let start = 3
        let fill = -Float.greatestFiniteMagnitude
        var dst = [Float](repeating: 0, count: rows * columns)
        var red = [Float](repeating: 0, count: rows)
        src.withUnsafeBufferPointer { s in
          b0.withUnsafeBufferPointer { p0 in
            b1.withUnsafeBufferPointer { p1 in
              dst.withUnsafeMutableBufferPointer { d in
                red.withUnsafeMutableBufferPointer { r in
                  RangeSelect.apply(
                    src: s, rows: rows, columns: columns, bound0: p0, bound1: p1, cmp0: ops.0, cmp1: ops.1,
                    rangeStart: start, onFalse: fill, dst: d, reduce: r)
                }
              }
            }
          }
        }
        func holds(_ op: ALUOp, _ a: Float, _ b: Float) -> Bool {
          switch op {
          case .greaterEqual: a >= b
          case .greater: a > b
          case .less: a < b
          case .lessEqual: a <= b
          case .equal: a == b
          default: false
          }
        }
        for p in 0..<rows {
          var best = -Float.infinity
          for f in 0..<columns {
            let i = Float(start + f)
            let e = holds(ops.0, i, b0[p]) && holds(ops.1, i, b1[p]) ? src[p * columns + f] : fill
            #expect(dst[p * columns + f] == e)
            best = max(best, e)
          }
          #expect(red[p] == best)
        }
      }
    }
  }

  @Test(
    "quantize_mx: scale 2^(⌊log2 amax⌋ - Emax + 1) per 8×4 block, placed in its quadrant",
    arguments: [(DType.float8e4m3fn, 8), (.float8e5m2, 15)])
  func quantizeMX(format: (DType, Int)) {
    for rows in [32, 64, 128] {
      let columns = 6
      var rng = SeededGenerator(seed: UInt64(rows + format.1))
      var src = (0..<(rows * columns * 4)).map { _ in
        roundToBFloat16(rng.float(-3, 3) * Float(pow(2.0, Double(rng.float(-6, 6)))))
      }
      for i in 0..<32 { src[(8 + i / 4) * columns * 4 + 4 + i % 4] = 0 }  // block (1, 1) all zero
      let scaleRows = rows <= 32 ? rows / 8 : rows
      var data = [Float](repeating: 0, count: rows * columns * 4)
      var scales = [Float](repeating: -1, count: scaleRows * columns)
      src.withUnsafeBufferPointer { s in
        data.withUnsafeMutableBufferPointer { d in
          scales.withUnsafeMutableBufferPointer { sc in
            MXBlocks.quantize(
              src: s, rows: rows, columns: columns, maxExponent: format.1, element: format.0.quantize, data: d,
              scales: sc)
          }
        }
      }
      for g in 0..<(rows / 8) {
        let sp = rows <= 32 ? g : (g / 4) * 32 + g % 4
        for j in 0..<columns {
          var amax = 0.0
          for p in (g * 8)..<(g * 8 + 8) {
            for q in 0..<4 { amax = max(amax, Double(abs(src[p * columns * 4 + j * 4 + q]))) }
          }
          let e = amax == 0 ? -127 : Int(floor(log2(amax))) - (format.1 - 1)
          #expect(scales[sp * columns + j] == Float(e + 127), "block \(g), \(j)")
          let x = pow(2.0, Double(e))
          for p in (g * 8)..<(g * 8 + 8) {
            for q in 0..<4 {
              let i = p * columns * 4 + j * 4 + q
              let v = data[i]
              #expect(v == format.0.quantize(Float(Double(src[i]) / x)))
              #expect(abs(Double(v)) <= pow(2.0, Double(format.1)), "rounding stays below the largest finite value")
            }
          }
        }
      }
      // Rows of the oversized scale tile that hold no scale are left alone.
      if rows > 32 { #expect(scales[4 * columns] == -1) }
    }
  }

  @Test("nc_matmul_mx product against a Double triple loop")
  func matmulMX() {
    for (K, M, N) in [(32, 2, 3), (64, 16, 40), (128, 128, 64)] {
      var rng = SeededGenerator(seed: UInt64(K * M + N))
      let st = (0..<(K * M * 4)).map { _ in DType.float8e5m2.quantize(rng.float(-100, 100)) }
      let mv = (0..<(K * N * 4)).map { _ in DType.float8e4m3fn.quantize(rng.float(-400, 400)) }
      let ss = (0..<(K / 8 * M)).map { _ in Float(Int(rng.float(110, 130))) }
      let ms = (0..<(K / 8 * N)).map { _ in Float(Int(rng.float(110, 130))) }
      func factor(_ s: Float) -> Double { pow(2.0, Double(s) - 127) }
      var c = [Float](repeating: .nan, count: M * N)
      st.withUnsafeBufferPointer { a in
        mv.withUnsafeBufferPointer { b in
          c.withUnsafeMutableBufferPointer {
            MXBlocks.product(
              stationary: a, moving: b, K: K, M: M, N: N,
              stationaryScale: { k, m in Float(factor(ss[(k / 8) * M + m])) },
              movingScale: { k, n in Float(factor(ms[(k / 8) * N + n])) }, into: $0)
          }
        }
      }
      for m in 0..<M {
        for n in 0..<N {
          var sum = 0.0
          var mag = 0.0
          for k in 0..<K {
            for q in 0..<4 {
              let t =
                Double(st[(k * M + m) * 4 + q]) * factor(ss[(k / 8) * M + m])
                * Double(mv[(k * N + n) * 4 + q]) * factor(ms[(k / 8) * N + n])
              sum += t
              mag += abs(t)
            }
          }
          #expect(abs(Double(c[m * N + n]) - sum) <= mag * 1e-6, "[\(m), \(n)]")
        }
      }
    }
  }
}
