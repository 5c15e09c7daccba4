import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupport
import Testing

/// Traces NKI source with tensor arguments of the given shapes and dtypes.
private func traced(_ source: String, _ shapes: [[Int]], dtypes: [DType]) throws -> Kernel {
  try NKIFile(source: source, file: "<test>")
    .trace(kernel: nil, arguments: zip(shapes, dtypes).map { .tensor(shape: $0, dtype: $1) }, keywords: [:], grid: [])
    .kernel
}

/// Writes `3 * a` into its parameter `c` and also returns `a + 1`.
private let scaleIntoSource = """
  from neuronxcc import nki
  import neuronxcc.nki.language as nl

  @nki.jit
  def scale_into(a, c):
      out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
      i_p, i_f = nl.mgrid[0:a.shape[0], 0:a.shape[1]]
      x = nl.load(a[i_p, i_f])
      nl.store(c[i_p, i_f], value=nl.multiply(x, 3.0))
      nl.store(out[i_p, i_f], value=nl.add(x, 1.0))
      return out
  """

/// Writes `2 * a` into its parameter `c` and returns `c` itself.
private let returnParameterSource = """
  from neuronxcc import nki
  import neuronxcc.nki.language as nl

  @nki.jit
  def double_into(a, c):
      nl.store(c, value=nl.multiply(nl.load(a), 2.0))
      return c
  """

/// Bitwise equality (NaN equal to NaN).
private func bits(_ v: [Float]) -> [UInt32] { v.map(\.bitPattern) }

@Suite("Running on host arrays and caller buffers (run(hostArrays:), run(sources:results:))")
struct HostRunTests {
  @Test(
    "outputs equal a plain loop rounded by the scalar encoder, for every float dtype and ragged shapes",
    arguments: [DType.float32, .bfloat16, .float16, .float8e4m3])
  func addMatchesPlainLoop(dtype: DType) throws {
    for shape in [[1, 7], [7, 513], [130, 600]] {
      let n = shape[0] * shape[1]
      let a = try HostArray(shape: shape, dtype: dtype, values: randomArray(count: n, in: -4...4, seed: 41))
      let b = try HostArray(shape: shape, dtype: dtype, values: randomArray(count: n, in: -4...4, seed: 42))
      let (x, y) = (a.floatValues(), b.floatValues())
      let expected = try HostArray(shape: shape, dtype: dtype, values: (0..<n).map { x[$0] + y[$0] })
      let interpreter = try Interpreter(kernel: try traced(addSource, [shape, shape], dtypes: [dtype, dtype]))
      // Twice: the second run reuses the first one's memory.
      for run in 0..<2 {
        let r = try interpreter.run(hostArrays: [a, b])
        #expect(r.outputs[0] == expected, "\(dtype) \(shape) run \(run)")
        #expect(r.parameters["a"] == a && r.parameters["b"] == b)
        #expect(r.report.warnings.isEmpty)
      }
    }
  }

  @Test(
    "a parameter the kernel writes comes back changed, the argument does not; one it only reads comes back as given")
  func writtenAndReadParameters() throws {
    let shape = [5, 9]
    let n = 45
    var values = randomArray(count: n, seed: 43)
    values[3] = Float(bitPattern: 0x7FC1_2345)  // a NaN with a payload, kept bit for bit
    let a = try HostArray(shape: shape, dtype: .float32, values: values)
    let c = try HostArray(shape: shape, dtype: .float32, values: [Float](repeating: 0, count: n))
    let interpreter = try Interpreter(
      kernel: try traced(scaleIntoSource, [shape, shape], dtypes: [.float32, .float32]))
    let r = try interpreter.run(hostArrays: [a, c])
    #expect(r.parameters["a"] == a)
    #expect(bits(r.parameters["c"]?.floatValues() ?? []) == bits(values.map { $0 * 3 }))
    #expect(bits(r.outputs[0].floatValues()) == bits(values.map { $0 + 1 }))
    #expect(
      c.floatValues() == [Float](repeating: 0, count: n), "the caller's array is a value: the kernel must not write it")
  }

  @Test("an argument of another dtype is converted, with a warning, and comes back converted")
  func convertedArgument() throws {
    let shape = [3, 4]
    let n = 12
    let values = randomArray(count: n, in: -3...3, seed: 44)
    let wide = try HostArray(shape: shape, dtype: .float32, values: values)
    let interpreter = try Interpreter(kernel: try traced(addSource, [shape, shape], dtypes: [.bfloat16, .bfloat16]))
    let r = try interpreter.run(hostArrays: [wide, wide])
    let rounded = values.map(roundToBFloat16)
    #expect(r.parameters["a"] == (try HostArray(shape: shape, dtype: .bfloat16, values: rounded)))
    #expect(bits(r.outputs[0].floatValues()) == bits(rounded.map { roundToBFloat16($0 + $0) }))
    #expect(r.report.warnings.count == 2)
  }

  @Test("sources and sinks: read-only memory is never written, read sinks see the final values")
  func sourcesAndSinks() throws {
    let shape = [7, 33]
    let n = 7 * 33
    let a = randomArray(count: n, seed: 45)
    let interpreter = try Interpreter(
      kernel: try traced(scaleIntoSource, [shape, shape], dtypes: [.float32, .float32]))
    let c = [Float](repeating: -1, count: n)
    var finalC: [Float] = []
    var out: [Float] = []
    let report = try a.withUnsafeBufferPointer { a in
      try c.withUnsafeBufferPointer { c in
        // `c` is written by the kernel: read-only memory is copied, and the result goes to the sink.
        try interpreter.run(
          sources: [.readOnly(a), .readOnly(c)], results: [.read { out = Array($0) }],
          finalParameters: [nil, .read { finalC = Array($0) }])
      }
    }
    #expect(report.warnings.isEmpty)
    #expect(c == [Float](repeating: -1, count: n))
    #expect(bits(finalC) == bits(a.map { $0 * 3 }))
    #expect(bits(out) == bits(a.map { $0 + 1 }))
    // A filled source, already rounded, for a bf16 kernel.
    let b16 = try Interpreter(kernel: try traced(addSource, [shape, shape], dtypes: [.bfloat16, .bfloat16]))
    let r = a.map(roundToBFloat16)
    var sum = [Float](repeating: 0, count: n)
    _ = try sum.withUnsafeMutableBufferPointer { s in
      try b16.run(
        sources: [
          .filled(rounded: true) { _ = $0.initialize(from: r) }, .filled(rounded: false) { _ = $0.initialize(from: a) },
        ],
        results: [.inPlace(s)])
    }
    #expect(bits(sum) == bits(r.map { roundToBFloat16($0 + $0) }))
    // Counts are checked.
    #expect(throws: KernelError.self) {
      try a.withUnsafeBufferPointer { a in try interpreter.run(sources: [.readOnly(a)], results: [.read { _ in }]) }
    }
    #expect(throws: KernelError.self) {
      try a.withUnsafeBufferPointer { a in
        try interpreter.run(
          sources: [.readOnly(a), .readOnly(UnsafeBufferPointer(rebasing: a[0..<3]))], results: [.read { _ in }])
      }
    }
  }

  @Test("a kernel that returns its own parameter: the output is a copy of the parameter's final contents")
  func returnedParameter() throws {
    let shape = [6, 10]
    let n = 60
    let a = randomArray(count: n, seed: 48)
    let interpreter = try Interpreter(
      kernel: try traced(returnParameterSource, [shape, shape], dtypes: [.float32, .float32]))
    var pa = a
    var pc = [Float](repeating: 7, count: n)
    var out = [Float](repeating: .nan, count: n)
    _ = try pa.withUnsafeMutableBufferPointer { pa in
      try pc.withUnsafeMutableBufferPointer { pc in
        try out.withUnsafeMutableBufferPointer { o in try interpreter.run(parameters: [pa, pc], outputs: [o]) }
      }
    }
    #expect(bits(pc) == bits(a.map { $0 * 2 }))
    #expect(bits(out) == bits(a.map { $0 * 2 }))
    let host = try interpreter.run(hostArrays: [
      try HostArray(shape: shape, dtype: .float32, values: a), try HostArray(shape: shape, dtype: .float32, values: pc),
    ])
    #expect(bits(host.outputs[0].floatValues()) == bits(a.map { $0 * 2 }))
    #expect(bits(host.parameters["c"]?.floatValues() ?? []) == bits(a.map { $0 * 2 }))
  }

  @Test("interpreters of different sizes, run in turn, each get their own results")
  func interleavedInterpreters() throws {
    let small = [3, 5]
    let large = [260, 700]
    let i1 = try Interpreter(kernel: try traced(addSource, [small, small], dtypes: [.float32, .float32]))
    let i2 = try Interpreter(kernel: try traced(addSource, [large, large], dtypes: [.float32, .float32]))
    let a1 = randomArray(count: 15, seed: 46)
    let a2 = randomArray(count: 260 * 700, seed: 47)
    for _ in 0..<3 {
      #expect(bits(try i1.run([a1, a1]).outputs[0]) == bits(a1.map { $0 + $0 }))
      #expect(bits(try i2.run([a2, a2]).outputs[0]) == bits(a2.map { $0 + $0 }))
    }
    Interpreter.releaseCachedMemory()
    #expect(bits(try i1.run([a1, a1]).outputs[0]) == bits(a1.map { $0 + $0 }))
  }
}
