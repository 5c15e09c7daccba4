import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselTestSupportCore
import Testing

/// Traces inline NKI source on a launch grid and runs it.
private func run(_ source: String, _ arrays: [HostArray], grid: [Int]) throws -> (Kernel, HostRunResult) {
  let file = try NKIFile(source: header + source, file: "p.py")
  let traced = try file.trace(
    arguments: arrays.map { .tensor(shape: $0.shape, dtype: $0.dtype ?? .float32) }, grid: grid)
  return (traced.kernel, try Interpreter(kernel: traced.kernel).run(hostArrays: arrays))
}

/// Python control flow on `nl.program_id`: the launch is traced once per program instance, as
/// AWS's compiler specialises such kernels; results against plain loops.
@Suite("Kernels specialised per program instance (if on nl.program_id)")
struct ProgramSpecializationTests {
  /// Shards rows over a 1-D grid, the last shard taking the remainder (rmsnorm_quant's idiom),
  /// and scales each shard by a factor computed from its program id in Python.
  static let shardedRows = """
    @nki.jit
    def k(x):
        out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
        rows, cols = x.shape
        n = nl.num_programs(axes=0)
        shard = rows // n
        pid = nl.program_id(axis=0)
        if pid == n - 1:
            size = rows - shard * (n - 1)
        else:
            size = shard
        start = pid * shard
        scale = float(pid) + 2.0
        t = nl.load(x[start:start + size, :])
        nl.store(out[start:start + size, :], value=nl.multiply(t, scale))
        return out
    """

  /// ``shardedRows`` with the shard size chosen by a conditional expression on a stored
  /// program-id predicate (`size = ... if last else shard`): the same truth test as `if`.
  static let shardedRowsConditional = shardedRows.replacingOccurrences(
    of: """
          if pid == n - 1:
              size = rows - shard * (n - 1)
          else:
              size = shard
      """,
    with: """
          last = pid == n - 1
          size = rows - shard * (n - 1) if last else shard
      """)

  @Test(
    "ragged row shards: each program its own size and scale (an if statement or a conditional expression)",
    arguments: [false, true], [(7, 2), (130, 3), (255, 2), (9, 1)])
  func shards(conditional: Bool, shape: (rows: Int, programs: Int)) throws {
    let (rows, programs) = shape
    let cols = 5
    var rng = SeededGenerator(seed: UInt64(rows * 10 + programs))
    let xv = (0..<(rows * cols)).map { _ in Float.random(in: -2...2, using: &rng) }
    let source = conditional ? Self.shardedRowsConditional : Self.shardedRows
    #expect(source != Self.shardedRows || !conditional, "the conditional variant rewrote the kernel")
    let (kernel, r) = try run(
      source, [try HostArray(shape: [rows, cols], dtype: .float32, values: xv)], grid: [programs])
    let shard = rows / programs
    var expected: [Float] = []
    for row in 0..<rows {
      let p = Swift.min(row / shard, programs - 1)
      for c in 0..<cols { expected.append(xv[row * cols + c] * Float(p + 2)) }
    }
    #expect(r.outputs[0].floatValues() == expected)
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
    if programs > 1 {
      // Specialised: no grid, each program's instructions stamped with it.
      #expect(kernel.grid.isEmpty)
      #expect(Set(kernel.instructions.map(\.program)) == Set(0..<programs))
    }
  }

  @Test("a 2-D grid: program ids are row-major and each axis is a Python integer")
  func twoAxes() throws {
    let src = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          a = nl.program_id(0)
          b = nl.program_id(1)
          t = nl.load(x[a:a + 1, 4 * b:4 * b + 4])
          if b == 0:
              y = nl.multiply(t, 10.0)
          elif a == 1:
              y = nl.add(t, float(b))
          else:
              y = nl.subtract(t, 1.0)
          nl.store(out[a:a + 1, 4 * b:4 * b + 4], value=y)
          return out
      """
    let xv = (0..<24).map { Float($0) * 0.5 }
    let (_, r) = try run(src, [try HostArray(shape: [2, 12], dtype: .float32, values: xv)], grid: [2, 3])
    var expected: [Float] = []
    for a in 0..<2 {
      for j in 0..<12 {
        let b = j / 4
        let x = xv[a * 12 + j]
        expected.append(b == 0 ? x * 10 : (a == 1 ? x + Float(b) : x - 1))
      }
    }
    #expect(r.outputs[0].floatValues() == expected)
  }

  @Test("a kernel that does not branch on the program id keeps its grid")
  func symbolicWhenPossible() throws {
    let src = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          pid = nl.program_id(0)
          nl.store(out[pid, 0:4], value=nl.multiply(nl.load(x[pid, 0:4]), 3.0))
          return out
      """
    let xv = (0..<12).map(Float.init)
    let (kernel, r) = try run(src, [try HostArray(shape: [3, 4], dtype: .float32, values: xv)], grid: [3])
    #expect(kernel.grid == [3])
    #expect(r.outputs[0].floatValues() == xv.map { $0 * 3 })
  }

  @Test("two programs writing one element is the SPMD dependence error, located")
  func overlappingPrograms() throws {
    let src = """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          pid = nl.program_id(0)
          if pid == 0:
              nl.store(out[0:2, 0:4], value=nl.load(x[0:2, 0:4]))
          else:
              nl.store(out[1:3, 0:4], value=nl.load(x[1:3, 0:4]))
          return out
      """
    let file = try NKIFile(source: header + src, file: "p.py")
    do {
      _ = try file.trace(arguments: [.tensor(shape: [3, 4], dtype: .float32)], grid: [2])
      Issue.record("expected a dependence error")
    } catch {
      let text = error.description
      #expect(text.contains("SPMD"), "\(text)")
      #expect(text.contains("program instance (0)") && text.contains("program instance (1)"), "\(text)")
      #expect(error.location.line == 11, "\(error.location)")
    }
  }

  @Test("programs returning different tensors, or declaring HBM tensors differently, are located errors")
  func inconsistentPrograms() throws {
    let returnsOther = """
      @nki.jit
      def k(x):
          a = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          b = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          nl.store(a, value=nl.load(x))
          nl.store(b, value=nl.load(x))
          if nl.program_id(0) == 0:
              return a
          return b
      """
    let declaresOther = """
      @nki.jit
      def k(x):
          if nl.program_id(0) == 0:
              out = nl.ndarray((2, 4), dtype=x.dtype, buffer=nl.shared_hbm)
          else:
              out = nl.ndarray((4, 2), dtype=x.dtype, buffer=nl.shared_hbm)
          return out
      """
    for (src, phrase, line) in [
      (returnsOther, "returns other tensors", 12), (declaresOther, "declares HBM tensor 0 as [4, 2]", 9),
    ] {
      let file = try NKIFile(source: header + src, file: "p.py")
      do {
        _ = try file.trace(arguments: [.tensor(shape: [2, 4], dtype: .float32)], grid: [2])
        Issue.record("expected an error: \(phrase)")
      } catch {
        #expect(error.description.contains(phrase), "\(error.description)")
        #expect(error.location.line == line, "\(error.location)")
      }
    }
  }
}
