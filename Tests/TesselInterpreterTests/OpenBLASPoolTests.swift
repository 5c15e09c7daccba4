import TesselIR
import TesselInterpreter
import TesselTestSupportCore
import Testing

/// OpenBLAS's thread pool after a kernel run: ended, with OpenBLAS left on one thread.
///
/// OpenBLAS starts its pool when the test process loads it (unless `OPENBLAS_NUM_THREADS=1` is in
/// the environment), and only a kernel run ends it, so without that rule the pool is still there
/// after the run below (another test's run ending it first is the same rule at work). No test
/// here turns threads back on: a multithreaded count set while another test's kernel multiplies
/// would change that kernel's rounding.
@Suite("OpenBLAS's thread pool after a kernel run")
struct OpenBLASPoolTests {
  @Test("a kernel without a matmul ends OpenBLAS's thread pool and leaves one BLAS thread")
  func runEndsPool() throws {
    var k = TileKernel()
    let x = k.input("x", [7, 33])
    let t = k.tile("t", [7, 33])
    k.load(t, x)
    let out = k.output("out", [7, 33])
    k.store(out, t)
    var rng = SeededGenerator(seed: 17)
    let values = rng.array(7 * 33)
    let result = try k.run([out], [values])
    #expect(result.outputs[0] == values)
    #expect(!HostBLAS.isPoolRunning)
    #expect(HostBLAS.threads == 1)
  }
}
