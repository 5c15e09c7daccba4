import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupport
import Testing

/// Traces NKI source with fp32 or other tensor arguments.
private func traced(_ source: String, _ shapes: [[Int]], dtype: DType = .float32, grid: [Int] = []) throws -> Kernel {
  try NKIFile(source: source, file: "<test>")
    .trace(kernel: nil, arguments: shapes.map { .tensor(shape: $0, dtype: dtype) }, keywords: [:], grid: grid).kernel
}

/// Runs `interpreter` in place on copies of `parameters`, with output buffers pre-filled with
/// `sentinel` (stale memory the run must overwrite or turn into NaN).
private func runInPlace(
  _ interpreter: Interpreter, _ parameters: [[Float]], sentinel: Float = 12345
) throws -> (outputs: [[Float]], parameters: [[Float]], report: RunReport) {
  let k = interpreter.kernel
  let params = parameters.map { v in
    let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: v.count)
    _ = p.initialize(from: v)
    return p
  }
  let outs = k.outputs.map { o in
    let p = UnsafeMutableBufferPointer<Float>.allocate(capacity: k[o].elementCount)
    p.initialize(repeating: sentinel)
    return p
  }
  defer { for p in params + outs { p.deallocate() } }
  let report = try interpreter.run(parameters: params, outputs: outs)
  return (outs.map { Array($0) }, params.map { Array($0) }, report)
}

/// Bitwise equality (NaN equal to NaN).
private func bits(_ v: [Float]) -> [UInt32] { v.map(\.bitPattern) }

/// A masked, tiled add of two `[rows, cols]` tensors (any shape).
let addSource = """
  from neuronxcc import nki
  import neuronxcc.nki.language as nl

  @nki.jit
  def add(a, b):
      rows, cols = a.shape
      out = nl.ndarray((rows, cols), dtype=a.dtype, buffer=nl.shared_hbm)
      i_p = nl.arange(128)[:, None]
      i_f = nl.arange(512)[None, :]
      for r in nl.affine_range((rows + 127) // 128):
          for c in nl.affine_range((cols + 511) // 512):
              inside = (r * 128 + i_p < rows) & (c * 512 + i_f < cols)
              x = nl.load(a[r * 128 + i_p, c * 512 + i_f], mask=inside)
              y = nl.load(b[r * 128 + i_p, c * 512 + i_f], mask=inside)
              nl.store(out[r * 128 + i_p, c * 512 + i_f], value=nl.add(x, y, mask=inside), mask=inside)
      return out
  """

/// Writes only the rows below `rows // 2` (masked), so that the unwritten set is known.
private let halfSource = """
  from neuronxcc import nki
  import neuronxcc.nki.language as nl

  @nki.jit
  def half(a):
      rows, cols = a.shape
      out = nl.ndarray((rows, cols), dtype=a.dtype, buffer=nl.shared_hbm)
      i_p = nl.arange(128)[:, None]
      i_f = nl.arange(cols)[None, :]
      for r in nl.affine_range((rows + 127) // 128):
          keep = r * 128 + i_p < rows // 2
          x = nl.load(a[r * 128 + i_p, i_f], mask=keep)
          nl.store(out[r * 128 + i_p, i_f], value=nl.multiply(x, 2.0, mask=keep), mask=keep)
      return out
  """

private let writeParameterSource = """
  from neuronxcc import nki
  import neuronxcc.nki.language as nl

  @nki.jit
  def scale_into(a, c):
      i_p, i_f = nl.mgrid[0:a.shape[0], 0:a.shape[1]]
      x = nl.load(a[i_p, i_f])
      nl.store(c[i_p, i_f], value=nl.multiply(x, 3.0))
  """

@Suite("Running in place on caller memory (run(parameters:outputs:))")
struct InPlaceRunTests {
  @Test(
    "fp32 add matches a plain loop and the copying run, serial and parallel",
    arguments: [[1, 7], [7, 33], [128, 512], [300, 1030]])
  func addMatches(shape: [Int]) throws {
    let n = shape[0] * shape[1]
    let a = randomArray(count: n, seed: 11)
    let b = randomArray(count: n, seed: 12)
    var expected = [Float](repeating: 0, count: n)
    for i in 0..<n { expected[i] = a[i] + b[i] }
    let kernel = try traced(addSource, [shape, shape])
    for parallel in [false, true] {
      var options = RunOptions()
      options.parallel = parallel
      let interpreter = try Interpreter(kernel: kernel, options: options)
      let r = try runInPlace(interpreter, [a, b])
      #expect(bits(r.outputs[0]) == bits(expected), "parallel \(parallel)")
      #expect(r.parameters[0] == a && r.parameters[1] == b, "the inputs must be left as they were")
      #expect(r.report.warnings.isEmpty)
      // Twice more: the arena and the output buffers' stale contents must not leak into a run.
      let again = try runInPlace(interpreter, [a, b], sentinel: .nan)
      #expect(bits(again.outputs[0]) == bits(expected))
      let copied = try interpreter.run([a, b])
      #expect(bits(copied.outputs[0]) == bits(expected))
    }
  }

  @Test("bf16 parameters are copied and rounded, never rounded in the caller's memory")
  func bf16Copied() throws {
    let shape = [7, 33]
    let n = 7 * 33
    let a = randomArray(count: n, seed: 21)
    let b = randomArray(count: n, seed: 22)
    let kernel = try traced(addSource, [shape, shape], dtype: .bfloat16)
    let r = try runInPlace(try Interpreter(kernel: kernel), [a, b])
    #expect(r.parameters[0] == a && r.parameters[1] == b)
    for i in 0..<n {
      let want = roundToBFloat16(roundToBFloat16(a[i]) + roundToBFloat16(b[i]))
      #expect(r.outputs[0][i].bitPattern == want.bitPattern, "element \(i)")
    }
  }

  @Test(
    "never-written output elements come back as NaN with a warning, whatever the buffer held",
    arguments: [[5, 9], [130, 64], [300, 17]])
  func unwrittenElements(shape: [Int]) throws {
    let (rows, cols) = (shape[0], shape[1])
    let a = randomArray(count: rows * cols, seed: 31)
    let kernel = try traced(halfSource, [shape])
    let written = rows / 2 * cols
    for parallel in [false, true] {
      var options = RunOptions()
      options.parallel = parallel
      let interpreter = try Interpreter(kernel: kernel, options: options)
      let inPlace = try runInPlace(interpreter, [a])
      let copied = try interpreter.run([a])
      for out in [inPlace.outputs[0], copied.outputs[0]] {
        for i in 0..<(rows * cols) {
          if i < written {
            #expect(out[i] == a[i] * 2, "element \(i)")
          } else {
            #expect(out[i].isNaN, "element \(i) was never written and must be NaN")
          }
        }
      }
      for report in [inPlace.report, copied.report] {
        let message = "output `out` has \(rows * cols - written) of \(rows * cols) elements that the kernel never wrote"
        #expect(report.warnings.map(\.message) == [message], "parallel \(parallel)")
      }
    }
  }

  @Test("copies of never-written memory reach an output as plain NaN, not the poison pattern")
  func poisonCopiedToOutput() throws {
    let source = """
      from neuronxcc import nki
      import neuronxcc.nki.language as nl

      @nki.jit
      def leak(a):
          out = nl.ndarray((8, 4), dtype=a.dtype, buffer=nl.shared_hbm)
          i_p, i_f = nl.mgrid[0:8, 0:4]
          t = nl.ndarray((8, 4), dtype=a.dtype, buffer=nl.sbuf)
          t[i_p, i_f] = nl.load(a[i_p, i_f], mask=(i_p < 3))
          nl.store(out[i_p, i_f], value=t)
          return out
      """
    let a = randomArray(count: 32, seed: 51)
    let r = try runInPlace(try Interpreter(kernel: try traced(source, [[8, 4]])), [a])
    for i in 0..<32 {
      if i < 12 {
        #expect(r.outputs[0][i] == a[i])
      } else {
        #expect(
          r.outputs[0][i].bitPattern == Float.nan.bitPattern,
          "element \(i): \(String(r.outputs[0][i].bitPattern, radix: 16))")
      }
    }
    #expect(r.report.warnings.contains { $0.message.contains("never written") })
    // With origin tracking the run copies instead of lending (the shadow mirrors the arena):
    // the same values, and the elements 12..<32 traced to the read of `t` by the store.
    var options = RunOptions()
    options.trackUninitializedOrigins = true
    let tracked = try runInPlace(try Interpreter(kernel: try traced(source, [[8, 4]]), options: options), [a])
    #expect(tracked.outputs[0].map(\.bitPattern) == r.outputs[0].map(\.bitPattern))
    #expect(tracked.report.uninitializedOrigins.map(\.elements) == [Array(12..<32)])
  }

  @Test("a kernel's writes to an fp32 parameter land in the caller's buffer")
  func parameterWritten() throws {
    let shape = [7, 33]
    let n = 7 * 33
    let a = randomArray(count: n, seed: 41)
    let kernel = try traced(writeParameterSource, [shape, shape])
    let r = try runInPlace(try Interpreter(kernel: kernel), [a, Array(repeating: -1, count: n)])
    #expect(r.parameters[1] == a.map { $0 * 3 })
    #expect(r.parameters[0] == a)
  }

  @Test(
    "a returned fp32 parameter is written in its caller's buffer and copied to the output buffer",
    arguments: [DType.float32, .bfloat16])
  func returnedParameter(dtype: DType) throws {
    let source = """
      from neuronxcc import nki
      import neuronxcc.nki.language as nl
      import neuronxcc.nki.typing as nt

      @nki.jit
      def triple(a: nt.mutable_tensor):
          nl.store(a, value=nl.multiply(nl.load(a), 3.0))
          return a
      """
    let a = randomArray(count: 7 * 33, seed: 43).map { dtype == .bfloat16 ? roundToBFloat16($0) : $0 }
    let kernel = try traced(source, [[7, 33]], dtype: dtype)
    let r = try runInPlace(try Interpreter(kernel: kernel), [a])
    let expected = a.map { dtype == .bfloat16 ? roundToBFloat16($0 * 3) : $0 * 3 }
    #expect(r.parameters[0] == expected)
    #expect(r.outputs[0] == expected)
  }

  @Test("wrong buffer counts and sizes are errors, not traps")
  func mismatches() throws {
    let kernel = try traced(addSource, [[7, 33], [7, 33]])
    let interpreter = try Interpreter(kernel: kernel)
    let small = UnsafeMutableBufferPointer<Float>.allocate(capacity: 10)
    defer { small.deallocate() }
    small.initialize(repeating: 0)
    #expect(throws: KernelError.self) { try interpreter.run(parameters: [small], outputs: [small]) }
    #expect(throws: KernelError.self) { try interpreter.run(parameters: [small, small], outputs: [small]) }
    #expect(throws: KernelError.self) { try interpreter.run(parameters: [small, small], outputs: []) }
  }

  @Test(
    "a masked row reduction keeps exactly the columns its mask keeps, per row (triangular mask)",
    arguments: [(7, 5), (130, 33), (128, 1)])
  func maskedRowReduction(shape: (Int, Int)) throws {
    let (p, f) = shape
    let source = """
      from neuronxcc import nki
      import neuronxcc.nki.language as nl

      @nki.jit
      def tri(x):
          P, F = x.shape
          s_out = nl.ndarray((P, 1), dtype=x.dtype, buffer=nl.shared_hbm)
          m_out = nl.ndarray((P, 1), dtype=x.dtype, buffer=nl.shared_hbm)
          i_p = nl.arange(128)[:, None]
          i_f = nl.arange(F)[None, :]
          i_o = nl.arange(1)[None, :]
          for r in nl.affine_range((P + 127) // 128):
              rows = r * 128 + i_p
              t = nl.load(x[rows, i_f], mask=(rows < P))
              s = nl.sum(t, axis=[1], keepdims=True, mask=(rows < P) & (i_f <= rows))
              m = nl.max(t, axis=[1], keepdims=True, mask=(rows < P) & (i_f <= rows))
              nl.store(s_out[rows, i_o], value=s, mask=(rows < P))
              nl.store(m_out[rows, i_o], value=m, mask=(rows < P))
          return s_out, m_out
      """
    let x = randomArray(count: p * f, in: -1...1, seed: 61)
    let r = try Interpreter(kernel: try traced(source, [[p, f]])).run([x])
    for row in 0..<p {
      let kept = (0..<Swift.min(f, row + 1)).map { x[row * f + $0] }
      let sum = kept.reduce(0, +)
      let top = kept.max() ?? -.infinity
      #expect(abs(r.outputs[0][row] - sum) <= 1e-5 * Swift.max(1, abs(sum)), "sum of row \(row)")
      #expect(r.outputs[1][row] == top, "max of row \(row)")
    }
    #expect(r.report.warnings.isEmpty)
  }
}
