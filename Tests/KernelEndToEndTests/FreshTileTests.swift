import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupport
import Testing

/// Runs NKI source on host arrays with `options`.
private func run(_ source: String, _ args: [HostArray], grid: [Int] = [], options: RunOptions) throws -> HostRunResult {
  let traced = try NKIFile(source: source, file: "fresh.py")
    .trace(
      kernel: nil, arguments: args.map { .tensor(shape: $0.shape, dtype: $0.dtype ?? .float32) }, keywords: [:],
      grid: grid)
  return try Interpreter(kernel: traced.kernel, options: options).run(hostArrays: args)
}

/// Serial, parallel and origin-tracking options.
private let modes: [(String, RunOptions)] = {
  var serial = RunOptions()
  serial.parallel = false
  var tracked = RunOptions()
  tracked.trackUninitializedOrigins = true
  return [("serial", serial), ("parallel", RunOptions()), ("tracked", tracked)]
}()

private let freshHeader = """
  from neuronxcc import nki
  import neuronxcc.nki.language as nl


  @nki.jit

  """

/// Two 128-row tiles; iteration `i` loads only the rows below `128 - 64 * i` of its tile, then
/// stores the whole tile: the second iteration's upper half was never written in that iteration.
private func staleSource(_ range: String) -> String {
  freshHeader + """
    def stale(a):
        out = nl.ndarray((256, 8), dtype=a.dtype, buffer=nl.shared_hbm)
        i_p = nl.arange(128)[:, None]
        i_f = nl.arange(8)[None, :]
        for i in \(range)(2):
            t = nl.ndarray((128, 8), dtype=a.dtype, buffer=nl.sbuf)
            t[i_p, i_f] = nl.load(a[i * 128 + i_p, i_f], mask=(i_p + 64 * i < 128))
            nl.store(out[i * 128 + i_p, i_f], value=t)
        return out
    """
}

@Suite("Tiles declared in a loop or a program instance start never-written")
struct FreshTileTests {
  @Test(
    "a partial write then a whole read in a later iteration reads never-written memory, not the last iteration's rows",
    arguments: ["nl.affine_range", "nl.sequential_range"])
  func staleAcrossIterations(range: String) throws {
    let values = randomArray(count: 256 * 8, seed: 51)
    let a = try HostArray(shape: [256, 8], dtype: .float32, values: values)
    for (mode, options) in modes {
      let r = try run(staleSource(range), [a], options: options)
      let out = r.outputs[0].floatValues()
      // Rows 0..<192 were loaded this iteration; rows 192..<256 come from never-written rows 64..<128 of `t`.
      for i in 0..<(256 * 8) {
        if i < 192 * 8 {
          #expect(out[i] == values[i], "\(mode) element \(i)")
        } else {
          #expect(out[i].isNaN, "\(mode) element \(i) must be NaN, not a stale \(out[i])")
        }
      }
      let reads = r.report.warnings.filter { $0.message.contains("never written") }
      #expect(
        reads.map(\.message) == ["'store' reads 512 of 1024 elements of `t` (operand 'src') that were never written"],
        "\(mode)")
      #expect(reads.first?.location?.line == 13, "\(mode)")
      if mode == "tracked" {
        let o = try #require(r.report.uninitializedOrigins.first)
        #expect(o.elements == Array((192 * 8)..<(256 * 8)))
        #expect(o.read.tensor == "t" && o.read.location.line == 13)
      }
    }
  }

  @Test("a tile written whole in every iteration gives no warning and the right rows")
  func wholeWritesAreQuiet() throws {
    let source = staleSource("nl.affine_range").replacingOccurrences(of: ", mask=(i_p + 64 * i < 128)", with: "")
    let values = randomArray(count: 256 * 8, seed: 52)
    let a = try HostArray(shape: [256, 8], dtype: .float32, values: values)
    for (mode, options) in modes {
      let r = try run(source, [a], options: options)
      #expect(r.outputs[0].floatValues() == values, "\(mode)")
      #expect(r.report.warnings.isEmpty, "\(mode)")
    }
  }

  @Test("a tile declared outside every loop starts never-written in each program instance")
  func freshPerInstance() throws {
    let source =
      freshHeader + """
        def per_instance(a):
            out = nl.ndarray((256, 8), dtype=a.dtype, buffer=nl.shared_hbm)
            i_p = nl.arange(128)[:, None]
            i_f = nl.arange(8)[None, :]
            pid = nl.program_id(0)
            t = nl.ndarray((128, 8), dtype=a.dtype, buffer=nl.sbuf)
            t[i_p, i_f] = nl.load(a[pid * 128 + i_p, i_f], mask=(i_p + 64 * pid < 128))
            nl.store(out[pid * 128 + i_p, i_f], value=t)
            return out
        """
    let values = randomArray(count: 256 * 8, seed: 53)
    let a = try HostArray(shape: [256, 8], dtype: .float32, values: values)
    for (mode, options) in modes {
      let r = try run(source, [a], grid: [2], options: options)
      let out = r.outputs[0].floatValues()
      #expect(Array(out[0..<(192 * 8)]) == Array(values[0..<(192 * 8)]), "\(mode)")
      let defined = out[(192 * 8)...].filter { !$0.isNaN }.count
      #expect(defined == 0, "\(mode)")
      let messages = r.report.warnings.map(\.message)
      #expect(
        messages.contains("'store' reads 512 of 1024 elements of `t` (operand 'src') that were never written"),
        "\(mode)")
    }
  }
}
