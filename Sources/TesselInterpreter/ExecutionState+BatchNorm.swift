import TesselIR
import TesselNumerics

/// `bn_stats` and `bn_aggr`: per-partition mean and variance in Double.
extension ExecutionState {
  /// `bn_stats`: for each partition, the count, mean and sum of squared deviations of the even
  /// and of the odd elements of its row, `[P, 6]`.
  ///
  /// Each half's elements are summed in order, in Double, then the squared deviations from
  /// the mean. Under a mask (a ragged last chunk) only the kept elements count.
  func batchNormStats(_ ci: CompiledInstruction, dst d: View, src s: View) {
    let (p, f) = gatherMatrix(s, ci)
    let envp = UnsafePointer(env)
    let keepsAll = ci.mask.isEmpty || ci.maskKeepsAll(envp)
    var valid = [Bool](repeating: keepsAll, count: keepsAll ? 0 : p * f)
    if !keepsAll {
      valid.withUnsafeMutableBufferPointer { v in
        ci.rows.forEachRowUnmerged(counts: [p, f], mask: ci.mask, env: envp) { outer, lo, hi in
          for j in lo..<hi { v[outer[0] * f + j] = true }
        }
      }
    }
    var out = Array(repeating: Float(0), count: p * 6)
    operandBuffer.withUnsafeBufferPointer { x in
      valid.withUnsafeBufferPointer { v in
        out.withUnsafeMutableBufferPointer { o in
          guard let x = x.baseAddress, let o = o.baseAddress else { return }
          var i = 0
          if keepsAll {
            // Four rows at a time: eight independent sums instead of one chain of additions.
            while i + 4 <= p {
              batchNormStatsOfFourRows(x + i * f, f, o + i * 6)
              i += 4
            }
          }
          while i < p {
            for half in 0..<2 {
              let stats = batchNormStatsOfHalf(
                x + i * f, f, half, valid: keepsAll ? nil : v.baseAddress.map { $0 + i * f })
              o[i * 6 + half * 3] = stats.count
              o[i * 6 + half * 3 + 1] = stats.mean
              o[i * 6 + half * 3 + 2] = stats.squaredDeviations
            }
            i += 1
          }
        }
      }
    }
    scatter(&out, to: d, ci.views[0], dtype: interpreter.kernel[d.tensor].dtype)
  }

  /// `bn_aggr`: merges `bn_stats` triples (count, mean, squared deviations) along each row into
  /// the partition's mean and variance, `[P, 2]`.
  func batchNormAggregate(_ ci: CompiledInstruction, dst d: View, src s: View) {
    let (p, f) = gatherMatrix(s, ci)
    var out = Array(repeating: Float(0), count: p * 2)
    for i in 0..<p {
      var n: Double = 0
      var mean: Double = 0
      var m2: Double = 0
      var g = 0
      while g + 3 <= f {
        let nb = Double(operandBuffer[i * f + g])
        let mb = Double(operandBuffer[i * f + g + 1])
        let vb = Double(operandBuffer[i * f + g + 2])
        if nb > 0 {
          let total = n + nb
          let delta = mb - mean
          mean += delta * nb / total
          m2 += vb + delta * delta * n * nb / total
          n = total
        }
        g += 3
      }
      out[i * 2] = Float(mean)
      out[i * 2 + 1] = n > 0 ? Float(m2 / n) : 0
    }
    scatter(&out, to: d, ci.views[0], dtype: interpreter.kernel[d.tensor].dtype)
  }
}

/// The statistics of one half (`half` 0: even elements, 1: odd) of a row of `f` elements,
/// counting only the elements `valid` marks (every element when nil).
private func batchNormStatsOfHalf(
  _ x: UnsafePointer<Float>, _ f: Int, _ half: Int, valid: UnsafePointer<Bool>?
) -> (count: Float, mean: Float, squaredDeviations: Float) {
  var n = 0
  var sum: Double = 0
  var j = half
  while j < f {
    if valid?[j] ?? true {
      sum += Double(x[j])
      n += 1
    }
    j += 2
  }
  let mean = n > 0 ? sum / Double(n) : 0
  var m2: Double = 0
  j = half
  while j < f {
    if valid?[j] ?? true {
      let d = Double(x[j]) - mean
      m2 += d * d
    }
    j += 2
  }
  return (Float(n), Float(mean), Float(m2))
}

/// ``batchNormStatsOfHalf(_:_:_:valid:)`` of both halves of four consecutive rows (of `f`
/// elements each, unmasked), written as four `[6]` rows at `o`.
///
/// Lane `2r + h` holds row `r`, half `h`, and takes that half's elements in the same order
/// with the same Double operations as the one-row form, so the results are bit-identical.
private func batchNormStatsOfFourRows(_ x: UnsafePointer<Float>, _ f: Int, _ o: UnsafeMutablePointer<Float>) {
  typealias D8 = SIMD8<Double>
  /// Elements `j` and `j + 1` of the four rows, in lane order.
  func pairs(_ j: Int) -> D8 {
    D8(
      Double(x[j]), Double(x[j + 1]), Double(x[f + j]), Double(x[f + j + 1]),
      Double(x[2 * f + j]), Double(x[2 * f + j + 1]), Double(x[3 * f + j]), Double(x[3 * f + j + 1]))
  }
  let evenCount = Double((f + 1) / 2)
  let oddCount = Double(f / 2)
  let counts = D8(evenCount, oddCount, evenCount, oddCount, evenCount, oddCount, evenCount, oddCount)
  var sum = D8(repeating: 0)
  var j = 0
  while j + 2 <= f {
    sum += pairs(j)
    j += 2
  }
  if j < f {
    // An odd row length: the last element belongs to the even half only.
    for r in 0..<4 { sum[2 * r] += Double(x[r * f + j]) }
  }
  let mean = (sum / counts).replacing(with: 0, where: counts .== 0)
  var m2 = D8(repeating: 0)
  j = 0
  while j + 2 <= f {
    let d = pairs(j) - mean
    m2 += d * d
    j += 2
  }
  if j < f {
    for r in 0..<4 {
      let d = Double(x[r * f + j]) - mean[2 * r]
      m2[2 * r] += d * d
    }
  }
  for r in 0..<4 {
    for h in 0..<2 {
      let l = 2 * r + h
      o[r * 6 + h * 3] = Float(counts[l])
      o[r * 6 + h * 3 + 1] = Float(mean[l])
      o[r * 6 + h * 3 + 2] = Float(m2[l])
    }
  }
}
