import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import Testing

/// Python control flow on a loop index: the loop is specialised (traced once per index value)
/// instead of refused, and loops whose bodies do not branch on their index stay symbolic.
///
/// References are plain loops over the same rule, written here from the kernels' text.
@Suite("Loops specialised on index-dependent Python control flow")
struct LoopSpecializationTests {
  static let rows = 6, cols = 5

  func input() throws -> (HostArray, [Float]) {
    let x = (0..<(LoopSpecializationTests.rows * LoopSpecializationTests.cols)).map { Float($0 % 7) - 3 }
    return (
      try HostArray(shape: [LoopSpecializationTests.rows, LoopSpecializationTests.cols], dtype: .float32, values: x), x
    )
  }

  /// Loops (by kind) in a kernel's IR.
  func loopCount(_ k: Kernel) -> Int { k.indexVars.filter { $0.kind == .loop }.count }

  @Test(
    "`if` on an affine_range index: each row scaled by its own branch",
    arguments: ["nl.affine_range", "range", "nl.sequential_range"])
  func branchOnIndex(_ range: String) throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            n = x.shape[0]
            for i in \(range)(n):
                t = nl.load(x[i, :])
                if i < 2:
                    r = nl.multiply(t, 2.0)
                elif i % 2 == 0:
                    r = nl.add(t, 100.0)
                else:
                    r = nl.negative(t)
                nl.store(out[i, :], r)
            return out
        """
    let (a, x) = try input()
    let (k, r) = try traceAndRun(src, [a])
    let out = r.outputs[0].floatValues()
    for i in 0..<Self.rows {
      for j in 0..<Self.cols {
        let v = x[i * Self.cols + j]
        let want: Float = i < 2 ? v * 2 : i % 2 == 0 ? v + 100 : -v
        #expect(out[i * Self.cols + j] == want, "row \(i) col \(j)")
      }
    }
    #expect(loopCount(k) == 0, "the loop was specialised: one body per index value")
  }

  @Test(
    "a loop whose body does not branch on its index stays one symbolic loop; an inner loop branching on the outer index specialises only the outer one"
  )
  func onlyTheDependentLoopSpecialises() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            for i in nl.affine_range(x.shape[0]):
                for j in nl.affine_range(x.shape[1]):
                    t = nl.load(x[nl.ds(i, 1), nl.ds(j, 1)])
                    if i == 0:
                        t = nl.multiply(t, 10.0)
                    nl.store(out[nl.ds(i, 1), nl.ds(j, 1)], t)
            return out
        """
    let (a, x) = try input()
    let (k, r) = try traceAndRun(src, [a])
    let out = r.outputs[0].floatValues()
    for i in 0..<Self.rows {
      for j in 0..<Self.cols { #expect(out[i * Self.cols + j] == (i == 0 ? 10 : 1) * x[i * Self.cols + j]) }
    }
    // The outer loop is specialised (6 bodies), each with its inner loop still symbolic.
    #expect(loopCount(k) == Self.rows)
  }

  @Test("break, continue and else of a specialised loop follow Python")
  func breakAndContinue() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            done = []
            for i in nl.affine_range(x.shape[0]):
                if i == 1:
                    continue
                if i == 4:
                    break
                nl.store(out[i, :], nl.load(x[i, :]))
            else:
                done.append('no break')
            assert done == []
            for i in nl.affine_range(x.shape[0]):
                if i >= 4:
                    nl.store(out[i, :], nl.multiply(nl.load(x[i, :]), 3.0))
            return out
        """
    let (a, x) = try input()
    let (_, r) = try traceAndRun(src, [a])
    let out = r.outputs[0].floatValues()
    for i in [0, 2, 3, 4, 5] {
      for j in 0..<Self.cols { #expect(out[i * Self.cols + j] == (i >= 4 ? 3 : 1) * x[i * Self.cols + j], "row \(i)") }
    }
  }

  @Test("Python values indexed by the loop index (a numpy array, a list) specialise the loop")
  func pythonValuesIndexedByIndex() throws {
    let src =
      header + """
        import numpy as np
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            scales = [1.0, -1.0, 0.5, 2.0, 4.0, 0.25]
            offsets = np.arange(6) * 10
            for i in nl.affine_range(x.shape[0]):
                t = nl.multiply(nl.load(x[i, :]), scales[i])
                nl.store(out[i, :], nl.add(t, float(offsets[i])))
            return out
        """
    let (a, x) = try input()
    let (_, r) = try traceAndRun(src, [a])
    let out = r.outputs[0].floatValues()
    let scales: [Float] = [1, -1, 0.5, 2, 4, 0.25]
    for i in 0..<Self.rows {
      for j in 0..<Self.cols { #expect(out[i * Self.cols + j] == x[i * Self.cols + j] * scales[i] + Float(i * 10)) }
    }
  }

  /// NKI traces an affine loop's body once, so the counter advances once; an unrestored abandoned
  /// attempt would make it 2, Python's per-index meaning 6.
  @Test(
    "locals rebound by the abandoned symbolic attempt are restored; each specialised iteration starts from the loop-entry bindings"
  )
  func localsRestored() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            count = 0
            for i in nl.affine_range(x.shape[0]):
                count = count + 1
                if i > 100:
                    count = -1000
            assert count == 1, count
            nl.store(out, nl.load(x))
            return out
        """
    let (a, _) = try input()
    _ = try traceAndRun(src, [a])
  }

  @Test("a list changed before the index-dependent branch cannot be undone: a located refusal")
  func containerMutationRefused() throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            seen = []
            for i in nl.affine_range(x.shape[0]):
                seen.append(1)
                if i == 0:
                    nl.store(out[i, :], nl.load(x[i, :]))
            return out
        """
    let (a, _) = try input()
    do {
      _ = try traceAndRun(src, [a])
      Issue.record("expected a refusal")
    } catch let e as TraceError {
      #expect(e.message.contains("specialising this loop on its index"), "\(e.message)")
      #expect(e.location.line == 8, "\(e.location)")
    }
  }
}

/// NKI's loop scope rule for tiles: a tile declared in a symbolic loop's body is out of scope after
/// the loop; accumulating in place into a tile declared before the loop is the correct idiom.
@Suite("Tiles declared in a loop are out of scope after it")
struct LoopScopeTests {
  @Test("accumulating in place into a tile declared before the loop gives the maximum over every iteration")
  func inPlaceAccumulation() throws {
    let src =
      header + """
        @nki.jit
        def k(a):
            out = nl.ndarray((3, 4), dtype=a.dtype, buffer=nl.shared_hbm)
            acc = nl.full((3, 4), -1e30, dtype=nl.float32)
            for i in nl.sequential_range(5):
                t = nl.load(a[i * 3:(i + 1) * 3, 0:4])
                acc[...] = nl.maximum(acc, t)
            nl.store(out, value=acc)
            return out
        """
    let x = (0..<(15 * 4)).map { Float(($0 * 37) % 23) - 11 }
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [15, 4], dtype: .float32, values: x)])
    let out = r.outputs[0].floatValues()
    for p in 0..<3 {
      for f in 0..<4 {
        let want = (0..<5).map { x[($0 * 3 + p) * 4 + f] }.max() ?? 0
        #expect(out[p * 4 + f] == want, "[\(p), \(f)]")
      }
    }
  }

  @Test(
    "a loop-body tile used after the loop, directly or through a list, is the scope error at the use",
    arguments: ["t", "kept[0]"])
  func useAfterLoop(_ use: String) throws {
    let src =
      header + """
        @nki.jit
        def k(a):
            out = nl.ndarray((3, 4), dtype=a.dtype, buffer=nl.shared_hbm)
            kept = []
            for i in nl.affine_range(5):
                t = nl.load(a[i * 3:(i + 1) * 3, 0:4])
                kept.append(t)
            nl.store(out, value=\(use))
            return out
        """
    do {
      _ = try traceAndRun(
        src, [try HostArray(shape: [15, 4], dtype: .float32, values: Array(repeating: 1, count: 60))])
      Issue.record("expected the scope error")
    } catch let e as TraceError {
      #expect(e.message == "Local variable 't' is referenced outside of its parent scope", "\(e.message)")
      #expect(e.location.line == 11)
    }
  }
}

/// Python control flow on a loop index reached through `and`, `in` and arithmetic that is not
/// affine (`i % d`, `i * j`): the loop specialises and the Python values are CPython's.
@Suite("Loop specialisation through and, in and non-affine arithmetic")
struct LoopSpecializationPythonTests {
  @Test("a mask joined by `and` with a Python value, `in` on a loop index, `i % d` in a condition")
  func controlFlowThroughPythonOperators() throws {
    let src =
      header + """
        def replication_factor(rep_from, rep_to, dilation=1):
            max_rep = 0
            for i in range(rep_from, 0, -1):
                if i * rep_to <= 128 and i % dilation == 0:
                    max_rep = i
                    break
            return max(max_rep, 1)

        @nki.jit
        def k(a):
            out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
            seen = []
            for i in range(4):
                if i in (0, 2):
                    seen.append(i)
                if i % 2 in [1]:
                    seen.append(-i)
                for j in range(3):
                    if i * j == 2:
                        seen.append((i, j))
            print(replication_factor(3, 64), replication_factor(5, 30, 2), replication_factor(4, 200), seen)
            nl.store(out, nl.load(a))
            return out
        """
    let file = try NKIFile(source: src, file: "t.py")
    let traced = try file.trace(arguments: [.tensor(shape: [4, 8], dtype: .float32)])
    // CPython 3.11 with range() for the loops: 2 4 1 [0, -1, (1, 2), 2, (2, 1), -3]
    #expect(traced.output == "2 4 1 [0, -1, (1, 2), 2, (2, 1), -3]\n")
  }
}

/// `print` runs at trace time, as NKI's tracer runs it, and its text is part of the trace's result.
@Suite("print at trace time")
struct TracePrintTests {
  @Test("module-level and kernel prints, in order, with Python's formatting; a specialised loop prints each index once")
  func printsInOrder() throws {
    let src =
      header + """
        print("module", 1, sep="-")

        @nki.jit
        def k(a):
            out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
            print(f"shape={a.shape} dtype={a.dtype}")
            for i in nl.affine_range(2):
                print("at", i)
                if i == 1:
                    print("index", i, end="!\\n")
            nl.store(out, nl.load(a))
            return out
        """
    let file = try NKIFile(source: src, file: "t.py")
    let traced = try file.trace(arguments: [.tensor(shape: [4, 8], dtype: .float32)])
    #expect(traced.output == "module-1\nshape=(4, 8) dtype=float32\nat 0\nat 1\nindex 1!\n")
  }

  @Test(
    "what a kernel printed before its trace fails is kept on the error: a Python exception, an NKI rule",
    arguments: [
      ("    raise ValueError('bad tile size')", "ValueError", 7),
      ("    t = nl.ndarray((200, 8), dtype=nl.float32, buffer=nl.sbuf)", "exceeds architecture limitation of 128", 7),
    ])
  func printBeforeAnError(_ failing: String, _ expected: String, _ line: Int) throws {
    let src =
      header + """
        print("module")

        @nki.jit
        def k(a):
            out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
            print("before", a.shape)
        \(failing)
            print("never")
            return out
        """
    let error = try #require(traceError(src, file: "t.py"))
    #expect(error.output == "module\nbefore (4, 8)\n")
    #expect(error.message.contains(expected), "\(error.message)")
    #expect(error.location.line == line + header.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
  }

  @Test("a current-dialect kernel's prints before a failing trace are kept on the error")
  func currentDialectPrintBeforeAnError() throws {
    let src = """
      import nki
      import nki.language as nl

      @nki.jit
      def k(a):
          print("current", a.shape)
          assert a.shape[0] == 3, "three rows"
          return a
      """
    let error = try #require(traceError(src, file: "c.py"))
    #expect(error.output == "current (4, 8)\n")
    #expect(error.message == "AssertionError: three rows", "\(error.message)")
  }

  /// The error tracing `src` on a `float32[4, 8]` argument throws; nil when it traces.
  private func traceError(_ src: String, file: String) -> TraceError? {
    do throws(TraceError) {
      _ = try NKIFile(source: src, file: file).trace(arguments: [.tensor(shape: [4, 8], dtype: .float32)])
    } catch {
      return error
    }
    return nil
  }
}
