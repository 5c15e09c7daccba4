import TesselIR
import TesselTestSupportCore
import Testing

/// Random small kernels: one `affine_range` over `i` with an optional inner loop over `j`, loads and
/// stores of an HBM tensor through random affine views (steps may walk both tensor dimensions,
/// be negative or zero) and random masks.
///
/// The analysis must report exactly the instruction pairs
/// that enumeration finds, with a witness that enumeration confirms.
@Suite("dependence analysis against enumeration")
struct DependenceBruteForceTests {
  struct Access {
    var instruction: Int
    var isWrite: Bool
    var view: View
    var mask: [AffineCondition]
  }

  /// Every element `access` touches with the loop variables bound as `env`.
  static func elements(_ a: Access, env: [IndexVar: Int]) -> Set<[Int]> {
    var out = Set<[Int]>()
    let counts = a.view.dims.map(\.count)
    var idx = Array(repeating: 0, count: counts.count)
    func value(_ e: AffineExpr) -> Int { e.evaluate { env[$0] ?? 0 } }
    while true {
      let keep = a.mask.allSatisfy { c in
        var v = value(c.offset)
        for (d, k) in c.coefficients.enumerated() { v += k * idx[d] }
        return c.comparison.holds(v)
      }
      if keep {
        var e = a.view.start.map(value)
        for (d, dim) in a.view.dims.enumerated() {
          for k in e.indices { e[k] += dim.steps[k] * idx[d] }
        }
        out.insert(e)
      }
      if !RowMajorIndex.advance(&idx, in: counts) { break }
    }
    return out
  }

  @Test("random affine views and masks: same pairs as enumeration, confirmed witnesses", arguments: 0..<8)
  func randomKernels(batch: Int) throws {
    var rng = SeededGenerator(seed: UInt64(batch) &* 7919 &+ 1)
    func r(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    var conflictsSeen = 0
    for _ in 0..<40 {
      var b = KernelBuilder(name: "random")
      let x = b.addParameter(name: "x", shape: [64, 64], dtype: .float32)
      let tripI = r(1...4)
      let tripJ = r(1...3)
      let nested = r(0...1) == 1
      let i = b.beginLoop(name: "i", kind: .affine, start: r(0...1), stop: 0, step: 1)
      // Patch the loop bounds: start + tripI iterations.
      let j: IndexVar? = nested ? b.beginLoop(name: "j", kind: .sequential, stop: tripJ) : nil
      var accesses: [Access] = []
      for _ in 0..<r(1...3) {
        var start: [AffineExpr] = []
        for _ in 0..<2 {
          var e = AffineExpr(constant: r(0...6)) + AffineExpr(i) * r(-3...4)
          if let j { e = e + AffineExpr(j) * r(-2...3) }
          start.append(e)
        }
        let dims = (0..<r(1...2)).map { _ in View.Dim(count: r(1...4), steps: [r(-2...3), r(-2...3)]) }
        let view = View(tensor: x, start: start, dims: dims)
        var mask: [AffineCondition] = []
        if r(0...2) == 0 {
          let cmp: AffineCondition.Comparison = [.greater, .greaterEqual, .less, .lessEqual, .equal][r(0...4)]
          mask.append(
            AffineCondition(
              coefficients: dims.map { _ in r(-2...2) },
              offset: AffineExpr(constant: r(-3...3)) + AffineExpr(i) * r(-1...1), comparison: cmp))
        }
        let t = b.declareTensor(name: "t", space: .sbuf, shape: view.shape, dtype: .float32)
        let isWrite = r(0...1) == 1
        let pc = b.kernel.instructions.count
        if isWrite {
          b.emit(.store(dst: view, src: .whole(t, shape: view.shape)), mask: mask)
        } else {
          b.emit(.load(dst: .whole(t, shape: view.shape), src: view), mask: mask)
        }
        accesses.append(Access(instruction: pc, isWrite: isWrite, view: view, mask: mask))
      }
      if nested { try b.endLoop() }
      try b.endLoop()
      var kernel = b.kernel
      // Set the affine loop's stop so that it runs tripI times.
      guard case .loopBegin(var loop) = kernel.instructions[0].operation else {
        Issue.record("no loop")
        return
      }
      loop.stop = loop.start + tripI
      kernel.instructions[0].operation = .loopBegin(loop)

      // Enumerate: elements per (access, i) over every j.
      let iValues = Array(loop.start..<loop.stop)
      let jValues = nested ? Array(0..<tripJ) : [0]
      var touched: [[Set<[Int]>]] = []
      for a in accesses {
        touched.append(
          iValues.map { iv in
            var s = Set<[Int]>()
            for jv in jValues {
              var env: [IndexVar: Int] = [i: iv]
              if let j { env[j] = jv }
              s.formUnion(Self.elements(a, env: env))
            }
            return s
          })
      }
      var expected = Set<[Int]>()
      for p in accesses.indices {
        for q in p..<accesses.count where accesses[p].isWrite || accesses[q].isWrite {
          var hit = false
          for (u, su) in touched[p].enumerated() {
            for (v, sv) in touched[q].enumerated() where u != v && !su.isDisjoint(with: sv) { hit = true }
          }
          if hit { expected.insert([accesses[p].instruction, accesses[q].instruction]) }
        }
      }
      let found = DependenceAnalysis(budget: 100_000).diagnose(kernel)
      let got = Set(found.map { [$0.first.instruction, $0.second.instruction] })
      #expect(got == expected, "kernel:\n\(kernel.printed())")
      conflictsSeen += expected.count
      // Every witness: the element is touched by both accesses in the reported iterations.
      for e in found {
        guard let a = accesses.firstIndex(where: { $0.instruction == e.first.instruction }),
          let c = accesses.firstIndex(where: { $0.instruction == e.second.instruction }),
          let ia = e.first.iteration.first, let ib = e.second.iteration.first, ia != ib
        else {
          Issue.record("malformed witness \(e)")
          continue
        }
        #expect(
          touched[a][ia - loop.start].contains(e.element) && touched[c][ib - loop.start].contains(e.element), "\(e)")
      }
    }
    #expect(conflictsSeen > 0, "the generator should produce some conflicts")
  }
}
