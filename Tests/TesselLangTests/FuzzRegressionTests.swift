import Foundation
import TesselIR
import TesselInterpreter
import TesselPython
import Testing

@testable import TesselLang

/// Inputs found by the libFuzzer target in `Fuzz/` (see Fuzz/README.md).
///
/// Each runs as the fuzz
/// target does: parse, trace every decorated kernel with `[8, 16]` float32 tensors, and run what
/// traces under small limits. Errors are fine; a trap, a hang or a leak is not.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
  /// What the fuzz target did with an input.
  enum Outcome: Equatable {
    /// The source does not parse.
    case syntaxError
    /// Every kernel traced and ran.
    case ran
    /// A kernel failed to trace (the error's message) or to run.
    case traceError(String)
    case runError(String)
  }

  /// Runs `source` as the fuzz target does and says how far it got.
  static func fuzz(_ source: String) -> [Outcome] {
    let file: NKIFile
    do {
      file = try NKIFile(source: source, file: "fuzz.py")
    } catch {
      return [.syntaxError]
    }
    let argument = KernelArgument.tensor(shape: [8, 16], dtype: .float32)
    var options = RunOptions(maxInstructions: 100_000, maxMemoryBytes: 64 << 20, maxSeconds: 1)
    options.parallel = false
    var outcomes: [Outcome] = []
    for name in file.kernelNames {
      var def: FunctionDef?
      for s in file.module.statements {
        if case .functionDef(let f) = s.kind, f.name == name { def = f }
      }
      guard let ps = def?.parameters else { continue }
      let positional = (ps.positionalOnly + ps.positional).filter { $0.defaultValue == nil }
      var keywords: [String: KernelArgument] = [:]
      for p in ps.keywordOnly where p.defaultValue == nil { keywords[p.name] = argument }
      do {
        let traced = try file.trace(
          kernel: name, arguments: Array(repeating: argument, count: positional.count), keywords: keywords,
          limits: TraceLimits(maxSeconds: 1))
        let kernel = traced.kernel
        let arguments = kernel.parameters.map { p in
          (0..<kernel[p.tensor].elementCount).map { Float($0 % 7) - 3 }
        }
        do {
          _ = try Interpreter(kernel: kernel, options: options).run(arguments)
          outcomes.append(.ran)
        } catch {
          outcomes.append(.runError(error.message))
        }
      } catch {
        outcomes.append(.traceError(error.description))
      }
    }
    return outcomes
  }

  static let header = """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    """

  // MARK: - Leaks

  /// LeakSanitizer, on the first run over the seed corpus (every kernel file): a module-level
  /// `def` binds the function in the globals scope and the function's closure is that scope, a
  /// reference cycle that leaked the scope, every value in it and the syntax tree after every
  /// trace.
  ///
  /// Fixed: the trace owns its scopes (`ScopeArena`) and empties them when it ends.
  @Test("a trace frees its scopes (module functions and nested closures)")
  func traceFreesItsScopes() throws {
    let source =
      Self.header + """
        def helper(t):
            def inner(u):
                return nl.multiply(u, 2.0)
            return inner(t)

        @nki.jit
        def k(a):
            out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
            nl.store(out, helper(nl.load(a)))
            return out
        """
    #expect(Self.fuzz(source) == [.ran])

    // The same cycle by hand: the arena breaks it.
    let file = try NKIFile(source: source, file: "fuzz.py")
    weak var weakGlobals: Scope?
    weak var weakInner: Scope?
    do {
      let arena = ScopeArena()
      let globals = Scope(root: arena)
      let ev = Evaluator(file: "fuzz.py")
      let tracer = Tracer(kernelName: "<module>", file: "fuzz.py", target: .trn2, grid: [], evaluator: ev)
      tracer.ev.activate(tracer)
      let inner = Scope(parent: globals)
      for s in file.module.statements {
        _ = try ev.exec(s, globals)  // globals → helper → globals
        _ = try ev.exec(s, inner)  // inner → helper → inner
      }
      weakGlobals = globals
      weakInner = inner
      arena.clear()
    }
    #expect(weakGlobals == nil)
    #expect(weakInner == nil)
  }

  // MARK: - Traps in the tracer (fixed in Sources/TesselLang)

  /// Expects every kernel of `source` to fail tracing with an error mentioning `text`.
  static func expectTraceError(
    _ source: String, _ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    let outcomes = fuzz(source)
    #expect(!outcomes.isEmpty, sourceLocation: sourceLocation)
    for o in outcomes {
      guard case .traceError(let message) = o else {
        Issue.record("expected a trace error, got \(o)", sourceLocation: sourceLocation)
        continue
      }
      #expect(message.contains(text), "\(message)", sourceLocation: sourceLocation)
    }
  }

  /// libFuzzer (minimized with -minimize_crash=1): a float slice bound beyond the Int range
  /// trapped converting it (`Tracer.affine`: `f == f.rounded()` holds for 1e85 and for inf).
  @Test("a float index beyond the Int range is a TypeError, not a trap")
  func hugeFloatSliceBound() {
    Self.expectTraceError(
      "from neuronxcc.nki import jit\n@jit\ndef p(a):(a[:1e85])\n", "slice indices must be integers")
    Self.expectTraceError(
      Self.header + "@nki.jit\ndef k(a):\n    t = nl.load(a[0:8, 0:float('inf')])\n", "slice indices must be integers")
  }

  /// Found with the fuzz target on hand-written inputs: the same conversion in `int()`,
  /// `round()`, `math.floor` and `math.ceil`.
  @Test("int(inf), round(nan), math.floor(1e300) raise Python's errors")
  func floatToIntConversions() {
    Self.expectTraceError(
      "from neuronxcc.nki import jit\n@jit\ndef p(a):\n    x = int(float('inf'))\n", "OverflowError")
    Self.expectTraceError("from neuronxcc.nki import jit\n@jit\ndef p(a):\n    x = round(float('nan'))\n", "ValueError")
    Self.expectTraceError(
      "import math\nfrom neuronxcc.nki import jit\n@jit\ndef p(a):\n    x = math.floor(1e300)\n", "OverflowError")
    Self.expectTraceError(
      "import math\nfrom neuronxcc.nki import jit\n@jit\ndef p(a):\n    x = math.ceil(-1e300)\n", "OverflowError")
  }

  /// Hand-written input: `Int.min // -1` and `Int.min % -1` trapped in `pyFloorDiv`.
  ///
  /// Trace-time
  /// ints are 64-bit: a result that does not fit is Python's `OverflowError`, never a trap or a
  /// silently wrapped value.
  @Test("Int.min // -1 is an OverflowError and Int.min % -1 is 0, without trapping")
  func floorDivideOverflow() {
    let source =
      Self.header + """
        @nki.jit
        def k(a):
            m = -9223372036854775807 - 1
            assert m % -1 == 0
            assert 7 // -1 == -7 and -7 % -1 == 0
        """
    #expect(Self.fuzz(source) == [.ran])
    Self.expectTraceError(
      Self.header + """
        @nki.jit
        def k(a):
            m = -9223372036854775807 - 1
            x = m // -1
        """, "OverflowError")
    Self.expectTraceError(
      Self.header + """
        @nki.jit
        def k(a):
            x = 9223372036854775807 + 1
        """, "OverflowError")
  }

  /// Hand-written input: the shape check of a new tensor multiplied with wrapping (2^40 · 2^40
  /// wraps to 0, under the limit), then `TensorDecl.elementCount` trapped.
  @Test("a tensor whose element count overflows Int is a resource-limit error")
  func tensorElementCountOverflow() {
    Self.expectTraceError(
      Self.header + """
        @nki.jit
        def k(a):
            out = nl.ndarray((1 << 40, 1 << 40), dtype=a.dtype, buffer=nl.shared_hbm)
            return out
        """, "tensor of shape")
    Self.expectTraceError(
      Self.header + """
        @nki.jit
        def k(a):
            out = nl.ndarray((4611686018427387904, 4), dtype=a.dtype, buffer=nl.shared_hbm)
            return out
        """, "tensor of shape")
  }

  /// Hand-written input: `nl.arange(2**63 - 1)` overflowed computing its length.
  @Test("nl.arange with a range too large for Int is an OverflowError")
  func arangeOverflow() {
    Self.expectTraceError(
      Self.header + """
        @nki.jit
        def k(a):
            i = nl.arange(-9223372036854775807, 9223372036854775807)[:, None]
            t = nl.load(a[i, 0])
        """, "OverflowError")
    // The largest arange still traces far enough to fail on bounds, not on arithmetic.
    #expect(
      !Self.fuzz(
        Self.header + """
          @nki.jit
          def k(a):
              i = nl.arange(9223372036854775807)[:, None]
              t = nl.load(a[i, 0])
          """
      ).contains(.ran))
  }

  /// Hand-written input: `nl.affine_range(2**63 - 1)` made `Loop.tripCount` overflow
  /// (`stop - start + step - 1`), and a step of Int.min overflowed negating it.
  @Test("loops whose trip count overflows Int are an OverflowError")
  func loopTripCountOverflow() {
    for range in [
      "9223372036854775807", "0, -9223372036854775807 - 1, -9223372036854775807 - 1", "-2, 9223372036854775807, 2",
    ] {
      Self.expectTraceError(
        Self.header + """
          @nki.jit
          def k(a):
              out = nl.ndarray((8, 16), dtype=a.dtype, buffer=nl.shared_hbm)
              for i in nl.affine_range(\(range)):
                  nl.store(out, nl.load(a))
              return out
          """, "OverflowError")
    }
    // Empty ranges with extreme bounds stay legal (no iterations).
    #expect(
      Self.fuzz(
        Self.header + """
          @nki.jit
          def k(a):
              for i in nl.affine_range(9223372036854775807, -9223372036854775807):
                  pass
          """) == [.ran])
  }

  /// Hand-written input: an unrolled range stepping past Int.max trapped in `Tracer.iterate`.
  @Test("an unrolled range that steps past Int.max ends")
  func unrolledRangeOverflow() {
    #expect(
      Self.fuzz(
        Self.header + """
          @nki.jit
          def k(a):
              n = 0
              for i in nl.static_range(9223372036854775806, 9223372036854775807, 2):
                  n += 1
              assert n == 1
          """) == [.ran])
  }

  /// Hand-written input: `"ab" * (2**63 - 1)` ran out of memory, and `s = s + s` in an unrolled
  /// loop doubled without bound.
  @Test("sequences built by + and * are bounded (MemoryError)")
  func sequenceRepetitionBound() {
    for expression in ["'ab' * 9223372036854775807", "[1] * 4611686018427387904", "(1, 2) * 9223372036854775807"] {
      Self.expectTraceError("from neuronxcc.nki import jit\n@jit\ndef p(a):\n    x = \(expression)\n", "MemoryError")
    }
    Self.expectTraceError(
      Self.header + """
        @nki.jit
        def k(a):
            s = "ab"
            for i in nl.static_range(70):
                s = s + s
        """, "MemoryError")
    #expect(
      Self.fuzz(
        "from neuronxcc.nki import jit\n@jit\ndef p(a):\n    assert len('ab' * 1000) == 2000 and len([0] * 3 + [1]) == 4\n"
      ) == [.ran])
  }

  // MARK: - Fixed outside Sources/TesselLang

  /// Hand-written input: the verifier's static bounds check (`AffineExpr.bounds` in
  /// Sources/TesselIR/AffineExpr.swift) multiplied a coefficient by a loop bound with trapping
  /// arithmetic: `i * 4611686018427387903` over `affine_range(4611686018427387903)` trapped in
  /// `Verifier.verifyView`; it now saturates and reports out-of-bounds.
  ///
  /// Runs in a child process.
  @Test("an index whose range overflows Int is an error, not a trap")
  func affineBoundsOverflow() async {
    do {
      await #expect(processExitsWith: .success) {
        let source = """
          import neuronxcc.nki as nki
          import neuronxcc.nki.language as nl
          @nki.jit
          def k(a):
              out = nl.ndarray((8, 16), dtype=a.dtype, buffer=nl.shared_hbm)
              for i in nl.affine_range(4611686018427387903):
                  nl.store(out[0:1, 0:16], nl.load(a[i * 4611686018427387903, 0:16]))
              return out
          """
        _ = FuzzRegressionTests.fuzz(source)
      }
    }
  }

  /// Hand-written input, minimized by libFuzzer to `for i in nl.affine_range(47387903): nl`
  /// (19.7 s under ASan): `ExecutionState.runRange` counted neither loop begins nor back-edges as
  /// executed instructions, so a loop whose body emits no instruction ran its whole trip count
  /// despite `maxInstructions` and `maxSeconds`.
  ///
  /// Back-edges now count toward both limits.
  @Test("an empty loop body still counts against maxInstructions")
  func emptyLoopIsBounded() {
    let outcomes = Self.fuzz(
      Self.header + """
        @nki.jit
        def k(a):
            for i in nl.affine_range(1000000):
                pass
        """)
    do {
      guard case .runError(let message)? = outcomes.first else {
        Issue.record("a 1,000,000-iteration loop ran under maxInstructions 100,000: \(outcomes)")
        return
      }
      #expect(message.contains("executed instructions"))
    }
  }

  /// Hand-written inputs whose trace-time Python work is huge: two nested `nl.static_range(2000)`
  /// loops (4,000,000 statements, within the step limit) and an exponentially recursive helper.
  ///
  /// Under ASan they traced for 7.9 s and 52 s before `TraceLimits.maxSeconds` existed; with the
  /// harness's one-second limit each stops with the wall-time error.
  @Test("trace-time work stops at the trace wall-time limit")
  func traceWorkIsBoundedInTime() {
    let sources = [
      "import neuronxcc.nki.language as nl\nfrom neuronxcc.nki import jit\n@jit\ndef p(a):\n    for i in nl.static_range(2000):\n        for j in nl.static_range(2000):\n            x = i\n",
      "def f(n):\n    if n == 0:\n        return 0\n    return f(n - 1) + f(n - 1)\nfrom neuronxcc.nki import jit\n@jit\ndef p(a):\n    f(40)\n",
    ]
    for source in sources {
      let clock = ContinuousClock()
      var outcomes: [Outcome] = []
      let elapsed = clock.measure { outcomes = Self.fuzz(source) }
      #expect(elapsed < .seconds(5), "the one-second trace limit took \(elapsed)")
      guard case .traceError(let message)? = outcomes.first else {
        Issue.record("expected a trace error, got \(outcomes)")
        continue
      }
      #expect(message.contains("trace wall time of 1.0 seconds"), "\(message)")
    }
  }

  @Test("NaN time limits stop a trace or a run at once with the wall-time error, never a trap")
  func nonFiniteTimeLimits() throws {
    let source = """
      import neuronxcc.nki.language as nl
      from neuronxcc import nki

      @nki.jit
      def k(x):
          out = nl.ndarray((1, 8), dtype=x.dtype, buffer=nl.shared_hbm)
          for i in nl.static_range(3000):
              y = i
          for t in nl.sequential_range(2000):
              nl.store(out[0:1, 0:8], value=nl.load(x[0:1, 0:8]))
          return out
      """
    let file = try NKIFile(source: source, file: "limits.py")
    let argument = KernelArgument.tensor(shape: [1, 8], dtype: .float32)
    #expect {
      _ = try file.trace(arguments: [argument], limits: TraceLimits(maxSeconds: .nan))
    } throws: { ($0 as? TraceError)?.description.contains("trace wall time of nan seconds (limit 0)") == true }
    let traced = try file.trace(arguments: [argument], limits: TraceLimits(maxSeconds: .infinity))
    var options = RunOptions(maxSeconds: .nan)
    options.parallel = false
    #expect {
      _ = try Interpreter(kernel: traced.kernel, options: options).run([Array(repeating: 1, count: 8)])
    } throws: { ($0 as? KernelError)?.message.contains("wall time of nan seconds (limit 0)") == true }
  }
}
