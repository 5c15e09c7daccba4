import TesselIR
import Testing

@Suite("limits")
struct DependenceLimitTests {
  /// `n` unrolled stores per instance of a [2] grid, each instance writing its own rows.
  func unrolled(_ n: Int) throws -> Kernel {
    var b = KernelBuilder(name: "unrolled")
    let out = b.addParameter(name: "out", shape: [2 * n, 8], dtype: .float32)
    let pid = b.programID(axis: 0)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [1, 8], dtype: .float32)
    b.emit(.memset(dst: .whole(t, shape: [1, 8]), value: 0))
    for r in 0..<n {
      b.emit(.store(dst: block(out, [AffineExpr(pid) * n + r, 0], [1, 8]), src: .whole(t, shape: [1, 8])))
    }
    b.setGrid([2])
    return try b.finish(target: .trn2)
  }

  /// Disjoint stores far beyond the pair limit (250,000 candidate pairs against a limit of
  /// 20,000): the analysis stops pairing at the limit and reports nothing false.
  ///
  /// No wall-clock
  /// bound: the limit itself is what keeps it short.
  @Test("hundreds of unrolled accesses past the pair limit report no false conflict")
  func manyAccesses() throws {
    let kernel = try unrolled(500)
    #expect(DependenceAnalysis().diagnose(kernel).isEmpty)
    #expect(DependenceAnalysis(budget: 20_000, pairLimit: 1_000_000).diagnose(kernel).isEmpty)
  }

  @Test("a conflict found before the pair limit is still reported")
  func limitKeepsEarlyFindings() throws {
    var b = KernelBuilder(name: "k")
    let out = b.addParameter(name: "out", shape: [128, 8], dtype: .float32)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
    b.emit(.memset(dst: .whole(t, shape: [128, 8]), value: 0))
    b.emit(.store(dst: .whole(out, shape: [128, 8]), src: .whole(t, shape: [128, 8])))
    b.setGrid([4])
    let kernel = try b.finish(target: .trn2)
    #expect(DependenceAnalysis(budget: 20_000, pairLimit: 1).diagnose(kernel).count == 1)
    #expect(DependenceAnalysis(budget: 20_000, pairLimit: 0).diagnose(kernel).isEmpty)
  }
}

@Suite("SPMD program instances")
struct SPMDDependenceTests {
  func spmd(_ b: inout KernelBuilder, colsByPid1: Bool, createdOutput: Bool = false) throws {
    let a = b.addParameter(name: "a", shape: [256, 1024], dtype: .float32)
    let out =
      createdOutput
      ? b.declareTensor(name: "c_output", space: .sharedHBM, shape: [256, 1024], dtype: .float32)
      : b.addParameter(name: "c_output", shape: [256, 1024], dtype: .float32)
    let p0 = b.programID(axis: 0)
    let p1 = b.programID(axis: 1)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 512], dtype: .float32)
    let rows = block(a, [AffineExpr(p0) * 128, AffineExpr(p1) * 512], [128, 512])
    b.emit(.load(dst: .whole(t, shape: [128, 512]), src: rows))
    let col: AffineExpr = colsByPid1 ? AffineExpr(p1) * 512 : 0
    b.emit(
      .store(dst: block(out, [AffineExpr(p0) * 128, col], [128, 512]), src: .whole(t, shape: [128, 512])),
      location: at(70))
  }

  @Test("instances writing disjoint tiles of an output parameter")
  func disjoint() throws {
    var b = KernelBuilder(name: "k")
    try spmd(&b, colsByPid1: true)
    b.setGrid([2, 2])
    #expect(DependenceAnalysis().diagnose(try b.finish(target: .trn2)).isEmpty)
  }

  @Test("instances writing the same HBM region, worded with the instances' program ids")
  func overlapping() throws {
    var b = KernelBuilder(name: "k")
    try spmd(&b, colsByPid1: false)
    b.setGrid([2, 2])
    let kernel = try b.finish(target: .trn2)
    #expect {
      try DependenceAnalysis().check(kernel)
    } throws: { e in
      guard let e = e as? DependenceError else { return false }
      return e.message
        == "Unexpected output dependencies: `c_output[0, 0]` is written by 'store' (line 70) in program instance (0, 0) and by 'store' (line 70) in program instance (0, 1) of the SPMD grid [2, 2]; make the program instances write disjoint regions of HBM"
        && e.scope == .spmd(grid: [2, 2]) && e.location == at(70)
    }
  }

  @Test("an output the kernel creates is left to the run-time check; an output parameter stays an error")
  func deferredToRunTime() throws {
    var b = KernelBuilder(name: "k")
    try spmd(&b, colsByPid1: false, createdOutput: true)
    b.setGrid([2, 2])
    let shared = try DependenceAnalysis().checkDeferringSharedWrites(try b.finish(target: .trn2))
    #expect(shared.count == 1)
    #expect(shared.first?.overlap.element == [0, 0])
    #expect(shared.first?.overlap.second.iteration == [0, 1])
    var c = KernelBuilder(name: "k")
    try spmd(&c, colsByPid1: false)
    c.setGrid([2, 2])
    let kernel = try c.finish(target: .trn2)
    #expect(throws: DependenceError.self) { try DependenceAnalysis().checkDeferringSharedWrites(kernel) }
    #expect(try c.finish(target: .trn2, checkDependences: false).sharedWrites.isEmpty)
    var d = KernelBuilder(name: "k")
    try spmd(&d, colsByPid1: false, createdOutput: true)
    d.setGrid([2, 2])
    #expect(try d.finish(target: .trn2, checkDependences: true).sharedWrites.count == 1)
  }

  @Test("a single instance, and private HBM, are never shared")
  func singleInstanceAndPrivate() throws {
    var b = KernelBuilder(name: "k")
    try spmd(&b, colsByPid1: false)
    #expect(DependenceAnalysis().diagnose(try b.finish(target: .trn2)).isEmpty)
    var c = KernelBuilder(name: "k")
    let scratch = c.declareTensor(name: "scratch", space: .privateHBM, shape: [128, 8], dtype: .float32)
    let t = c.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
    c.emit(.memset(dst: .whole(t, shape: [128, 8]), value: 0))
    c.emit(.store(dst: .whole(scratch, shape: [128, 8]), src: .whole(t, shape: [128, 8])))
    c.setGrid([4])
    #expect(DependenceAnalysis().diagnose(try c.finish(target: .trn2)).isEmpty)
  }
}

@Suite("reporting")
struct DependenceReportingTests {
  @Test("diagnose lists each conflicting pair once, outermost loop first; check throws the first")
  func listsEachPairOnce() throws {
    var b = KernelBuilder(name: "k")
    let out = b.declareTensor(name: "out", space: .sharedHBM, shape: [128, 8], dtype: .float32)
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [128, 8], dtype: .float32)
    b.emit(.memset(dst: .whole(t, shape: [128, 8]), value: 0))
    _ = b.beginLoop(name: "i", kind: .affine, stop: 2)
    _ = b.beginLoop(name: "j", kind: .affine, stop: 2)
    b.emit(.store(dst: .whole(out, shape: [128, 8]), src: .whole(t, shape: [128, 8])), location: at(5))
    b.emit(.store(dst: .whole(out, shape: [128, 8]), src: .whole(t, shape: [128, 8])), location: at(6))
    try b.endLoop()
    try b.endLoop()
    let kernel = try b.finish(target: .trn2)
    let found = DependenceAnalysis().diagnose(kernel)
    // (5, 5), (5, 6), (6, 6), each reported for loop i only.
    #expect(found.count == 3)
    #expect(found.allSatisfy { $0.scope == .loop(variable: "i", loop: 1) })
    #expect(DependenceAnalysis().diagnose(kernel, limit: 1).count == 1)
    #expect(throws: DependenceError.self) { try DependenceAnalysis().check(kernel) }
  }

  @Test("the diagnostic renders as rustc-style text with the note at the first access")
  func rendering() throws {
    let e = DependenceError(
      tensor: "out", element: [0, 0],
      first: .init(operation: "store", operand: "dst", kind: .write, instruction: 3, location: at(4), iteration: [0]),
      second: .init(operation: "store", operand: "dst", kind: .write, instruction: 5, location: at(6), iteration: [1]),
      conflict: .writeWrite, scope: .loop(variable: "i", loop: 2))
    let text = DiagnosticRenderer().render(e.diagnostic)
    #expect(
      text.hasPrefix(
        "error: Unexpected output dependencies: `out[0, 0]` is written by 'store' (line 4) in iteration i = 0 and by 'store' (line 6) in iteration i = 1"
      ))
    #expect(text.contains(" --> k.py:6:5\n"))
    #expect(text.contains("note: the other access: 'store' (line 4) in iteration i = 0\n --> k.py:4:5\n"))
  }
}

@Suite("malformed kernels")
struct DependenceRobustnessTests {
  /// Kernels the verifier would reject: the analysis must neither trap nor hang on them.
  @Test("extreme values and broken structure never trap")
  func adversarial() {
    let big = Int.max
    let small = Int.min
    let x = TensorDecl(name: "x", space: .sharedHBM, shape: [8, 8], dtype: .float32)
    func loop(_ v: Int, start: Int, stop: Int, step: Int, end: Int) -> Instruction {
      Instruction(
        .loopBegin(Loop(variable: IndexVar(v), start: start, stop: stop, step: step, kind: .affine, end: end)))
    }
    let t = TensorID(0)
    let views: [View] = [
      View(
        tensor: t, start: [AffineExpr(IndexVar(0)) * big, AffineExpr(constant: small)],
        dims: [View.Dim(count: small, steps: [big, small])]),
      View(tensor: t, start: [AffineExpr(IndexVar(0)) * small + big], dims: [View.Dim(count: big, steps: [1])]),
      View(tensor: TensorID(99), start: [0, 0], dims: [.along(0, of: 2, count: 2)]),
      View(tensor: t, start: [AffineExpr(IndexVar(7)), 0], dims: [View.Dim(count: 4, steps: [])]),
      View(
        tensor: t, start: [AffineExpr(IndexVar(1)) * 3, AffineExpr(IndexVar(0))],
        dims: [View.Dim(count: 0, steps: [1, 1])]),
    ]
    let loops: [(Int, Int, Int)] = [(small, big, 1), (0, big, small), (big, small, -1), (0, 8, 0), (small, big, big)]
    for (start, stop, step) in loops {
      for v in views {
        for w in views {
          let mask = [AffineCondition(coefficients: [big], offset: AffineExpr(IndexVar(0)) * small, comparison: .less)]
          let k = Kernel(
            name: "bad", tensors: [x],
            indexVars: [.init(name: "i", kind: .loop), .init(name: "pid", kind: .programID(axis: 3))],
            instructions: [
              loop(0, start: start, stop: stop, step: step, end: 4),
              Instruction(.store(dst: v, src: w), mask: mask),
              Instruction(.store(dst: w, src: v)),
              Instruction(.tensorTensor(dst: v, a: v, b: w, op: .add)),
              Instruction(.loopEnd(begin: 0)),
              Instruction(.loopEnd(begin: 7)),
            ],
            grid: [2, small, big])
          _ = DependenceAnalysis().diagnose(k)
          var spmd = k
          spmd.grid = [3, 2]
          _ = DependenceAnalysis().diagnose(spmd)
        }
      }
    }
  }
}
