import Foundation
import Testing

/// A current-dialect kernel whose trace warns: `dtype=` is not a parameter of NKI 0.6's
/// `nisa.tensor_copy` (the destination's dtype decides).
private let tracedWarningKernel = """
  import nki
  import nki.isa as nisa
  import nki.language as nl


  @nki.jit
  def k(a):
      out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
      t = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.sbuf)
      nisa.dma_copy(dst=t, src=a)
      u = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.sbuf)
      nisa.tensor_copy(dst=u, src=t, dtype=nl.float32)
      nisa.dma_copy(dst=out, src=u)
      return out

  """

/// Warnings of the trace count like warnings of the run: in the summary, under `--strict`, in
/// `--json`, for `run` and `check` alike.
@Suite("Trace warnings are counted, made errors by --strict and reported by check", .serialized)
struct TraceWarningTests {
  let scratch = ScratchFolder("tessel-tracewarn")
  static let message =
    "nisa.tensor_copy(dtype=...) is not an NKI 0.6 parameter; the destination's dtype decides the conversion"

  @Test("run: the trace warning is printed and counted; --strict fails; --json lists it")
  func run() throws {
    let k = try scratch.text("warn.py", tracedWarningKernel)
    let lenient = try runTessel(["run", k, "4x3:float32", "--seed", "1"])
    #expect(lenient.status == 0, "\(lenient.err)")
    #expect(lenient.err.contains("warning: \(Self.message)"), "\(lenient.err)")
    #expect(lenient.err.contains("warn.py:12:5"), "\(lenient.err)")
    #expect(lenient.err.contains("1 warning (--strict makes warnings errors)"), "\(lenient.err)")
    let strict = try runTessel(["run", k, "4x3:float32", "--seed", "1", "--strict"])
    #expect(strict.status == 1)
    #expect(strict.err.contains("error: \(Self.message)"), "\(strict.err)")
    #expect(strict.err.contains("error: 1 warning, treated as errors (--strict)"), "\(strict.err)")
    let json = try runTessel(["run", k, "4x3:float32", "--seed", "1", "--json"])
    #expect(json.status == 0)
    #expect(json.out.contains(Self.message), "\(json.out)")
  }

  @Test("check: the trace warning is printed and counted; --strict fails")
  func check() throws {
    let k = try scratch.text("warn.py", tracedWarningKernel)
    let lenient = try runTessel(["check", k, "4x3:float32"])
    #expect(lenient.status == 0)
    #expect(lenient.out.hasPrefix("ok: k:") && lenient.out.contains(", 1 warning"), "\(lenient.out)")
    #expect(lenient.err.contains("warning: \(Self.message)"), "\(lenient.err)")
    let strict = try runTessel(["check", k, "4x3:float32", "--strict"])
    #expect(strict.status == 1)
    #expect(strict.out.hasPrefix("failed: k:"), "\(strict.out)")
    #expect(strict.err.contains("error: \(Self.message)"), "\(strict.err)")
    let json = try runTessel(["check", k, "4x3:float32", "--json"])
    #expect(json.out.contains(Self.message), "\(json.out)")
  }
}
