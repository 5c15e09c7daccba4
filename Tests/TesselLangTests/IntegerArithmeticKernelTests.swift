import TesselHost
import TesselIR
import TesselInterpreter
import Testing

/// Arithmetic on integer tiles in kernels.
///
/// `int32`/`uint32` tiles compute in exact integer arithmetic (division truncates), narrower
/// integer dtypes in fp32 rounded to nearest on write. References are plain loops written from
/// those rules.
@Suite("integer arithmetic in kernels")
struct IntegerArithmeticKernelTests {
  static let source = """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def k(x, y):
        dt = x.dtype
        q = nl.ndarray(x.shape, dtype=dt, buffer=nl.shared_hbm)
        qs = nl.ndarray(x.shape, dtype=dt, buffer=nl.shared_hbm)
        m = nl.ndarray(x.shape, dtype=dt, buffer=nl.shared_hbm)
        fm = nl.ndarray(x.shape, dtype=dt, buffer=nl.shared_hbm)
        a = nl.load(x)
        b = nl.load(y)
        nl.store(q, nl.divide(a, b, dtype=dt))
        nl.store(qs, nl.divide(a, 7, dtype=dt))
        nl.store(m, nl.mod(a, b, dtype=dt))
        nl.store(fm, nl.fmod(a, b, dtype=dt))
        return q, qs, m, fm
    """

  /// Dividends with both signs (for signed dtypes) and nonzero divisors, within `dtype`'s range.
  static func operands(_ dtype: DType, count n: Int) -> (a: [Float], b: [Float]) {
    let signed = [DType.int8, .int16, .int32].contains(dtype)
    let scale: Float = dtype.byteSize == 4 ? 20011 : (dtype.byteSize == 2 ? 150 : 1)
    var a: [Float] = []
    var b: [Float] = []
    for i in 0..<n {
      let raw = Float((i * 37) % 201)
      let x = signed ? (raw - 100) * scale : (raw * scale / 2).rounded(.down) + Float(i % 3)
      a.append(signed && dtype == .int8 ? Swift.max(-128, Swift.min(127, x)) : x)
      let d = Float((i * 13) % 19) - (signed ? 9 : 0)
      b.append(d == 0 ? 5 : d)
    }
    return (a, b)
  }

  @Test(
    "divide, divide by 7, mod and fmod match plain loops for every integer dtype",
    arguments: [DType.int8, .int16, .int32, .uint8, .uint16, .uint32], [1, 7, 128])
  func matchesPlainLoops(dtype: DType, partitions p: Int) throws {
    let f = 13
    let (a, b) = Self.operands(dtype, count: p * f)
    let (_, r) = try traceAndRun(
      Self.source,
      [try HostArray(shape: [p, f], dtype: dtype, values: a), try HostArray(shape: [p, f], dtype: dtype, values: b)])
    let outputs = r.outputs.map { $0.floatValues() }
    let exact = dtype == .int32 || dtype == .uint32
    /// Integer arithmetic truncates; fp32 arithmetic rounds the quotient to nearest even on write.
    func quotient(_ x: Float, _ y: Float) -> Float {
      exact ? (x / y).rounded(.towardZero) : (x / y).rounded(.toNearestOrEven)
    }
    for i in 0..<(p * f) {
      let (x, y) = (a[i], b[i])
      #expect(outputs[0][i] == quotient(x, y), "\(dtype) \(x) / \(y)")
      #expect(outputs[1][i] == quotient(x, 7), "\(dtype) \(x) / 7")
      // Both remainders are exact in fp32 for these magnitudes.
      let floored = x - (x / y).rounded(.down) * y
      #expect(outputs[2][i] == floored, "\(dtype) \(x) mod \(y)")
      #expect(outputs[3][i] == x - (x / y).rounded(.towardZero) * y, "\(dtype) \(x) fmod \(y)")
    }
  }

  @Test("resize_nearest's row index: nl.floor(int32 iota / 38) truncates (2224 / 38 is 58, not 59)")
  func iotaRowIndex() throws {
    let source = """
      import neuronxcc.nki as nki
      import neuronxcc.nki.language as nl
      import neuronxcc.nki.isa as nisa

      @nki.jit
      def k(x):
          out = nl.ndarray((128, 2), dtype=nl.int32, buffer=nl.shared_hbm)
          pos = nisa.iota(2176 + nl.arange(128)[:, None], dtype=nl.int32)
          row = nl.floor(pos / 38, dtype=nl.int32)
          col = nl.mod(pos, 38, dtype=nl.int32)
          nl.store(out[:, 0:1], row)
          nl.store(out[:, 1:2], col)
          return out
      """
    let (_, r) = try traceAndRun(source, [try HostArray(shape: [1, 1], dtype: .float32, values: [0])])
    let v = r.outputs[0].floatValues()
    for i in 0..<128 {
      let pos = 2176 + i
      #expect(v[2 * i] == Float(pos / 38), "row of \(pos)")
      #expect(v[2 * i + 1] == Float(pos % 38), "column of \(pos)")
    }
  }

  /// The kernel `op(a, b)` on two `[2, 3]` tiles of `dtype`, and the line of the op.
  static func failing(_ call: String) -> (source: String, line: Int) {
    let source = """
      import neuronxcc.nki as nki
      import neuronxcc.nki.language as nl

      @nki.jit
      def k(x, y):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          a = nl.load(x)
          b = nl.load(y)
          nl.store(out, \(call))
          return out
      """
    return (source, 9)
  }

  @Test(
    "a zero divisor, a result outside the dtype and one fp32 cannot hold are located errors",
    arguments: [
      (
        "nl.divide(a, b, dtype=nl.int32)", DType.int32, [Float(7), 8, 9, 10, 11, 12], [Float(1), 2, 3, 0, 5, 6],
        "integer division by zero, divide(10, 0) in partition 1"
      ),
      (
        "nl.subtract(a, b, dtype=nl.uint32)", .uint32, [3, 3, 3, 3, 3, 3], [1, 2, 3, 4, 5, 6],
        "subtract(3, 4) in partition 1 (integer arithmetic: uint32 tiles) is -1, outside the range of uint32"
      ),
      (
        "nl.add(a, b, dtype=nl.int32)", .int32, [16_777_216, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0],
        "gives 16777217 for add(16777216, 1) in partition 0"
      ),
    ])
  func locatedErrors(call: String, dtype: DType, a: [Float], b: [Float], message: String) throws {
    let (source, line) = Self.failing(call)
    let arrays = [
      try HostArray(shape: [2, 3], dtype: dtype, values: a), try HostArray(shape: [2, 3], dtype: dtype, values: b),
    ]
    let error = #expect(throws: KernelError.self) { try traceAndRun(source, arrays) }
    #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
    #expect(error?.location.line == line)
    #expect(error?.location.file == "t.py")
  }
}
