/// Runs the linear recurrence `state = a[i] · state + b[i]` along each row and returns every state.
///
/// `a` and `b` are row-major `rows × cols`; each row is an independent recurrence over its `cols`
/// steps, starting from `initial[row]` (0 when `initial` is `nil`). `out[row][i]` is the state
/// after step `i`. This is `nisa.tensor_tensor_scan(a, b, initial, op0=multiply, op1=add)`, the
/// selective-scan core of Mamba. The state is carried in `Double`; each output is rounded to
/// `Float`.
///
/// ```swift
/// // state: 1·0 + 1 = 1, then 2·1 + 1 = 3, then 0.5·3 + 1 = 2.5
/// referenceScan(a: [1, 2, 0.5], b: [1, 1, 1], rows: 1, cols: 3)  // [1, 3, 2.5]
/// ```
///
/// - Parameters:
///   - a: The multipliers (decays), `rows × cols`.
///   - b: The inputs, `rows × cols`.
///   - rows: The number of independent recurrences (partitions in the kernel).
///   - cols: The number of steps.
///   - initial: The starting state of each row, `rows` elements; `nil` means zeros.
/// - Returns: The states after every step, `rows × cols`.
///
/// ### See Also
/// - ``referenceMamba(delta:u:a:b:c:batch:channels:seqLen:stateSize:)``
public func referenceScan(
  a: [Float], b: [Float], rows: Int, cols: Int, initial: [Float]? = nil
) -> [Float] {
  precondition(
    a.count == rows * cols, "a has \(a.count) elements, expected rows*cols = \(rows * cols)")
  precondition(
    b.count == rows * cols, "b has \(b.count) elements, expected rows*cols = \(rows * cols)")
  if let initial {
    precondition(
      initial.count == rows, "initial has \(initial.count) elements, expected rows = \(rows)")
  }
  var out = [Float](repeating: 0, count: rows * cols)
  for r in 0..<rows {
    var state = Double(initial?[r] ?? 0)
    for i in 0..<cols {
      state = Double(a[r * cols + i]) * state + Double(b[r * cols + i])
      out[r * cols + i] = Float(state)
    }
  }
  return out
}

/// Computes the Mamba selective-scan (SSM) output of the fused Mamba tutorial kernel.
///
/// For every batch `bt`, channel `ch` and state `s`, with `t` running over the sequence:
///
///     decay[t]  = exp(delta[bt, ch, t] · A[ch, s])
///     input[t]  = delta[bt, ch, t] · u[bt, ch, t] · B[bt, s, t]
///     state[t]  = decay[t] · state[t-1] + input[t]           (state[-1] = 0)
///     out[bt, ch, t] += state[t] · C[bt, s, t]
///
/// The scan is ``referenceScan(a:b:rows:cols:initial:)`` with the channels as rows. The
/// arguments `a`, `b`, `c` are Mamba's `A`, `B`, `C`.
///
/// - Parameters:
///   - delta: `batch × channels × seqLen`.
///   - u: `batch × channels × seqLen`.
///   - a: `channels × stateSize`.
///   - b: `batch × stateSize × seqLen`.
///   - c: `batch × stateSize × seqLen`.
/// - Returns: `batch × channels × seqLen`.
public func referenceMamba(
  delta: [Float], u: [Float], a: [Float], b: [Float], c: [Float],
  batch: Int, channels: Int, seqLen: Int, stateSize: Int
) -> [Float] {
  let activationCount = batch * channels * seqLen
  let stateCount = batch * stateSize * seqLen
  precondition(
    delta.count == activationCount, "delta has \(delta.count) elements, expected \(activationCount)"
  )
  precondition(u.count == activationCount, "u has \(u.count) elements, expected \(activationCount)")
  precondition(
    a.count == channels * stateSize, "a has \(a.count) elements, expected \(channels * stateSize)")
  precondition(b.count == stateCount, "b has \(b.count) elements, expected \(stateCount)")
  precondition(c.count == stateCount, "c has \(c.count) elements, expected \(stateCount)")
  var out = [Double](repeating: 0, count: activationCount)
  for bt in 0..<batch {
    for s in 0..<stateSize {
      var decay = [Float](repeating: 0, count: channels * seqLen)
      var input = [Float](repeating: 0, count: channels * seqLen)
      for ch in 0..<channels {
        for t in 0..<seqLen {
          let d = Double(delta[(bt * channels + ch) * seqLen + t])
          decay[ch * seqLen + t] = Float(Math.exponential(d * Double(a[ch * stateSize + s])))
          input[ch * seqLen + t] = Float(
            d * Double(u[(bt * channels + ch) * seqLen + t])
              * Double(b[(bt * stateSize + s) * seqLen + t]))
        }
      }
      let states = referenceScan(a: decay, b: input, rows: channels, cols: seqLen)
      for ch in 0..<channels {
        for t in 0..<seqLen {
          out[(bt * channels + ch) * seqLen + t] +=
            Double(states[ch * seqLen + t]) * Double(c[(bt * stateSize + s) * seqLen + t])
        }
      }
    }
  }
  return out.map { Float($0) }
}
