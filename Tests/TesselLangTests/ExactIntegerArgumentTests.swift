import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// Integer arguments that fp32 elements cannot hold exactly are refused, never rounded.
@Suite("Integer arguments beyond 2^24")
struct ExactIntegerArgumentTests {
  static let copyKernel =
    header + """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          nl.store(out, nl.load(x))
          return out
      """

  /// An int32 array of `values` built from its bytes (little-endian), not through `Float`.
  static func int32(_ values: [Int32]) throws -> HostArray {
    let bytes = values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: v) >> (8 * $0)) } }
    return try HostArray(shape: [1, values.count], elementType: .nki(.int32), bytes: bytes)
  }

  @Test("values fp32 holds exactly (2^24, -2^31, 2^30 + 2^7) run and come back unchanged")
  func exactValuesRun() throws {
    let values: [Int32] = [0, -1, 16_777_216, -16_777_216, .min, 1 << 30 + 1 << 7, 7]
    let (_, r) = try traceAndRun(Self.copyKernel, [try Self.int32(values)])
    #expect(r.outputs[0].floatValues() == values.map(Float.init))
  }

  @Test(
    "a value fp32 would round is a located argument error naming the element", arguments: [16_777_217, -33_554_435])
  func inexactValueRefused(value: Int32) throws {
    let values: [Int32] = [1, 2, value, 4]
    do {
      _ = try traceAndRun(Self.copyKernel, [try Self.int32(values)])
      Issue.record("an int32 argument of \(value) ran; fp32 elements would have rounded it")
    } catch let error as KernelError {
      let message = error.diagnostic.message
      #expect(message.contains("parameter `x`"), "\(message)")
      #expect(message.contains("element 2 (row-major) = \(value)"), "\(message)")
    }
  }

  @Test("the caller-memory path (the Python bridge's) refuses the same value from its encoded bytes")
  func encodedSourceRefused() throws {
    let file = try NKIFile(source: Self.copyKernel, file: "t.py")
    let kernel = try file.trace(arguments: [.tensor(shape: [1, 3], dtype: .int32)]).kernel
    let interpreter = try Interpreter(kernel: kernel)
    var out = [Float](repeating: 0, count: 3)
    for (values, refused) in [([1, 16_777_216, 3] as [Int32], false), ([1, 16_777_217, 3], true)] {
      let bytes = try Self.int32(values).bytes
      do {
        try bytes.withUnsafeBytes { raw in
          try out.withUnsafeMutableBufferPointer { o in
            _ = try interpreter.run(sources: [.encoded(raw)], results: [.inPlace(o)])
          }
        }
        #expect(!refused, "16777217 ran through run(sources:) with .encoded bytes")
        #expect(out == values.map(Float.init))
      } catch let error as KernelError {
        #expect(refused, "\(error.diagnostic.message)")
        #expect(error.diagnostic.message.contains("element 1 (row-major) = 16777217"), "\(error.diagnostic.message)")
      }
    }
  }

  @Test("an int64 argument converted to an int32 parameter is checked before the conversion")
  func convertedArgumentRefused() throws {
    let file = try NKIFile(source: Self.copyKernel, file: "t.py")
    let kernel = try file.trace(arguments: [.tensor(shape: [1, 2], dtype: .int32)]).kernel
    let wide = try HostArray(shape: [1, 2], numpyDType: "int64", values: [5, 33_554_433])
    #expect(throws: KernelError.self) { _ = try Interpreter(kernel: kernel).run(hostArrays: [wide]) }
    let fine = try HostArray(shape: [1, 2], numpyDType: "int64", values: [5, 33_554_432])
    #expect(try Interpreter(kernel: kernel).run(hostArrays: [fine]).outputs[0].floatValues() == [5, 33_554_432])
  }

  @Test("HostArray.firstInexactInteger scans int32, uint32 and int64 and ignores narrow types")
  func scanner() throws {
    #expect(try Self.int32([1, 16_777_218, 16_777_219]).firstInexactInteger()?.index == 2)
    #expect(try Self.int32([.max]).firstInexactInteger()?.value == "2147483647")
    let u: [UInt8] = [0, 0, 0, 0x80]  // 2^31: exact
    #expect(try HostArray(shape: [1], elementType: .nki(.uint32), bytes: u).firstInexactInteger() == nil)
    let wide = try HostArray(shape: [2], numpyDType: "int64", values: [3, 1_099_511_627_777])
    #expect(wide.firstInexactInteger()?.index == 1)
    #expect(try HostArray(shape: [1], elementType: .nki(.int16), bytes: [0xFF, 0x7F]).firstInexactInteger() == nil)
  }
}
