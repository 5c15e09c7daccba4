import TesselIR
import TesselTestSupportCore
import Testing

@testable import TesselHost

/// Random mutations of valid `.npy` files: the reader must throw an ``NPYError`` or return an
/// array consistent with its shape, and never trap.
///
/// The generator is seeded, so a failure
/// reproduces.
@Suite("NPY fuzzing")
struct NPYFuzzTests {
  /// Valid files covering every header version, byte orders, Fortran order and raw descrs.
  static func seeds() throws -> [[UInt8]] {
    var files: [[UInt8]] = []
    for dtype in DType.allCases {
      let a = try HostArray(shape: [2, 3], dtype: dtype, values: [1, 0, 1, 1, 0, 1])
      files.append(a.npyBytes())
    }
    files.append(try HostArray(shape: [], elementType: .float64, bytes: leBytes([2.5] as [Double])).npyBytes())
    files.append(try HostArray(shape: [0, 4], elementType: .int64, bytes: []).npyBytes())
    files.append(
      npyFixture(
        major: 2, header: "{'descr': '>i4', 'fortran_order': True, 'shape': (2, 2), }",
        data: [UInt8](repeating: 1, count: 16)))
    files.append(
      npyFixture(
        major: 3, header: "{'descr': [('', '<V2')], 'fortran_order': False, 'shape': (3,), }",
        data: [UInt8](repeating: 7, count: 6)))
    files.append(
      npyFixture(
        header: "{\"descr\": \"<u8\", \"shape\": (1L,), \"fortran_order\": False}",
        data: [UInt8](repeating: 2, count: 8), align: false))
    return files
  }

  static let headerAlphabet: [UInt8] = Array("{}()[]',:\" <>|=VfiubO0123456789-LTrueFalseNone\n\\x".utf8)

  static func mutate(_ file: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
    var bytes = file
    let rounds = Bool.random(using: &rng) ? 1 : Int.random(in: 2...4, using: &rng)
    for _ in 0..<rounds {
      // Most mutations target the preamble and header, where the parsing happens.
      // The focus is in the header, anywhere, or in the last 32 bytes (data, usually).
      let focus: Int
      switch Int.random(in: 0..<3, using: &rng) {
      case 0: focus = Int.random(in: 0...min(bytes.count, 140), using: &rng)
      case 1: focus = Int.random(in: 0...bytes.count, using: &rng)
      default: focus = Int.random(in: max(0, bytes.count - 32)...bytes.count, using: &rng)
      }
      switch Int.random(in: 0..<8, using: &rng) {
      case 0 where !bytes.isEmpty:  // flip bits
        bytes[min(focus, bytes.count - 1)] ^= UInt8.random(in: 1...255, using: &rng)
      case 1 where !bytes.isEmpty:  // set a header-ish character
        bytes[min(focus, bytes.count - 1)] = headerAlphabet.randomElement(using: &rng) ?? 0
      case 2:  // truncate
        bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng)))
      case 3:  // insert bytes
        let insert = (0..<Int.random(in: 1...8, using: &rng)).map { _ in
          Bool.random(using: &rng)
            ? (headerAlphabet.randomElement(using: &rng) ?? 0) : UInt8.random(in: 0...255, using: &rng)
        }
        bytes.insert(contentsOf: insert, at: min(focus, bytes.count))
      case 4 where !bytes.isEmpty:  // delete a run
        let start = min(focus, bytes.count - 1)
        bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...8, using: &rng)))
      case 5 where bytes.count > 12:  // scramble the version and header length
        bytes[Int.random(in: 6..<12, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
      case 6:  // append garbage
        bytes += (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
      default:  // duplicate a slice of the header
        if bytes.count > 20 {
          let start = Int.random(in: 10..<min(bytes.count, 100), using: &rng)
          let slice = bytes[start..<min(bytes.count, start + Int.random(in: 1...20, using: &rng))]
          bytes.insert(contentsOf: slice, at: min(focus, bytes.count))
        }
      }
    }
    return bytes
  }

  @Test func randomMutationsThrowOrSucceed() throws {
    let seeds = try Self.seeds()
    var rng = SeededGenerator(seed: 0x7E55_E1)
    var successes = 0
    var failures = 0
    let requests: [DType?] = [nil, nil, .bfloat16, .float8e4m3fn, .float32, .int8]
    for iteration in 0..<4000 {
      let seed = seeds[iteration % seeds.count]
      let file = Self.mutate(seed, using: &rng)
      let request = requests.randomElement(using: &rng) ?? nil
      do {
        let a = try HostArray.readNPY(data: file, as: request)
        #expect(a.bytes.count == a.count * a.elementType.byteSize)
        #expect(a.count == a.shape.reduce(1, *))
        _ = a.floatValues()
        _ = a.description
        successes += 1
      } catch {
        // readNPY(data:) throws only NPYError (typed throws).
        #expect(!error.description.contains("\n"))
        failures += 1
      }
    }
    // Both outcomes must actually be exercised.
    #expect(successes > 50)
    #expect(failures > 1000)
    print("NPY fuzz: \(successes) mutated files parsed, \(failures) rejected")
  }

  @Test func everyBitFlipInTheDataStillParses() throws {
    let a = try HostArray(shape: [2, 3], dtype: .bfloat16, values: [1, 2, 3, 4, 5, 6])
    let file = a.npyBytes()
    for byte in 128..<file.count {
      for bit in 0..<8 {
        var mutated = file
        mutated[byte] ^= 1 << bit
        let b = try HostArray.readNPY(data: mutated, as: .bfloat16)
        #expect(b.shape == [2, 3])
        #expect(b.bytes == Array(mutated[128...]))
      }
    }
  }

  @Test func everyTruncationOfAValidFileThrows() throws {
    for seed in try Self.seeds() {
      for length in 0..<seed.count {
        #expect(throws: NPYError.self) { try HostArray.readNPY(data: Array(seed.prefix(length)), as: .bfloat16) }
      }
    }
  }
}
