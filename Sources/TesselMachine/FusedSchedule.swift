import TesselIR

/// The order in which the compiler may run a kernel's instruction instances: program order, except
/// that runs of adjacent `affine_range` loops with equal trip counts are fused (iteration `k` of
/// each loop in turn) when fusing keeps every dependence between them.
///
/// Fusion is legal when no iteration `j` of a later loop touches an element that an iteration
/// `i > j` of an earlier loop also touches, one of the two accesses being a write: fused, `j`
/// would then run before `i` and see (or clobber) the other value. The test compares the
/// bounding boxes of each access per iteration, so it may refuse a legal fusion of strided
/// accesses, never accept an illegal one. Loops are fused only when they follow each other with
/// no instruction between them, at any nesting depth; the bodies of a fused group are not fused
/// with each other again.
///
/// The schedule only orders instruction instances for liveness analysis; the interpreter always
/// runs program order, which a legal fusion does not change the results of.
struct FusedSchedule {
  /// A node of the loop tree: an instruction, or a loop with its body.
  indirect enum Node {
    case instruction(Int)
    case loop(LoopNode)
  }

  /// A loop and its body.
  struct LoopNode {
    /// The index of the `loopBegin` instruction.
    var begin: Int
    var loop: Loop
    var body: [Node]
  }

  /// One operand access inside a loop body, with the loops between the body and the access.
  struct Access {
    var view: View
    var isWrite: Bool
    var innerLoops: [Loop]
  }

  let kernel: Kernel
  /// The top-level nodes.
  let nodes: [Node]
  /// The accesses of each loop's body (nested loops included), by `loopBegin` index.
  private let accesses: [Int: [Access]]
  /// Box comparisons the fusion tests may still spend; when it runs out, loops are not fused.
  private var fusionBudget: Int

  /// Builds the loop tree of a verified kernel.
  init(_ kernel: Kernel, fusionBudget: Int = 8_000_000) {
    self.kernel = kernel
    self.fusionBudget = fusionBudget
    var index = 0
    self.nodes = Self.parse(kernel.instructions, &index, until: kernel.instructions.count)
    var table: [Int: [Access]] = [:]
    Self.collect(nodes, kernel, into: &table)
    self.accesses = table
  }

  private static func parse(_ insts: [Instruction], _ pc: inout Int, until end: Int) -> [Node] {
    var out: [Node] = []
    while pc < end {
      let here = pc
      switch insts[here].operation {
      case .loopBegin(let l):
        pc += 1
        let stop = Swift.min(Swift.max(l.end, pc), insts.count)
        let body = parse(insts, &pc, until: stop)
        pc = Swift.max(pc, stop + 1)
        out.append(.loop(LoopNode(begin: here, loop: l, body: body)))
      case .loopEnd:
        pc += 1
      default:
        out.append(.instruction(here))
        pc += 1
      }
    }
    return out
  }

  /// Collects every loop's accesses; returns those of `nodes` with the loops around them.
  @discardableResult
  private static func collect(_ nodes: [Node], _ kernel: Kernel, into table: inout [Int: [Access]]) -> [Access] {
    var all: [Access] = []
    for n in nodes {
      switch n {
      case .instruction(let pc):
        let op = kernel.instructions[pc].operation
        for (_, v) in op.sources { all.append(Access(view: v, isWrite: false, innerLoops: [])) }
        for v in op.destinations { all.append(Access(view: v, isWrite: true, innerLoops: [])) }
      case .loop(let l):
        let inner = collect(l.body, kernel, into: &table)
        table[l.begin] = inner
        all += inner.map { a in
          var a = a
          a.innerLoops.insert(l.loop, at: 0)
          return a
        }
      }
    }
    return all
  }

  /// Runs `visit(pc, env)` for every instance of an instruction that `relevant` selects, in
  /// schedule order; `env[v]` is the value of index variable `v` (program ids are 0).
  ///
  /// Loops with
  /// no selected instruction are skipped. Stops early, returning false, when `visit` does.
  mutating func forEachInstance(where relevant: (Int) -> Bool, _ visit: (Int, [Int]) -> Bool) -> Bool {
    var live = Set<Int>()
    func mark(_ nodes: [Node]) -> Bool {
      var any = false
      for n in nodes {
        switch n {
        case .instruction(let pc): if relevant(pc) { any = true }
        case .loop(let l):
          if mark(l.body) {
            live.insert(l.begin)
            any = true
          }
        }
      }
      return any
    }
    _ = mark(nodes)
    var env = Array(repeating: 0, count: kernel.indexVars.count)
    return walk(nodes, &env, { relevant($0) }, live, visit)
  }

  private mutating func walk(
    _ nodes: [Node], _ env: inout [Int], _ relevant: (Int) -> Bool, _ live: Set<Int>,
    _ visit: (Int, [Int]) -> Bool
  ) -> Bool {
    var i = 0
    while i < nodes.count {
      switch nodes[i] {
      case .instruction(let pc):
        if relevant(pc) && !visit(pc, env) { return false }
        i += 1
      case .loop(let first):
        var group = [first]
        var j = i + 1
        while j < nodes.count, case .loop(let next) = nodes[j], canFuse(group, next, env) {
          group.append(next)
          j += 1
        }
        i = j
        guard group.contains(where: { live.contains($0.begin) }) else { continue }
        for k in 0..<first.loop.tripCount {
          for l in group where live.contains(l.begin) {
            if l.loop.variable.index < env.count { env[l.loop.variable.index] = l.loop.start + k * l.loop.step }
            if !walk(l.body, &env, relevant, live, visit) { return false }
          }
        }
      }
    }
    return true
  }

  /// Whether `next` may join the fused `group`, given the values of the enclosing loops.
  private mutating func canFuse(_ group: [LoopNode], _ next: LoopNode, _ env: [Int]) -> Bool {
    let trips = next.loop.tripCount
    guard next.loop.kind == .affine, trips >= 2,
      group.allSatisfy({ $0.loop.kind == .affine && $0.loop.tripCount == trips })
    else { return false }
    let later = accesses[next.begin] ?? []
    for earlier in group {
      for a in accesses[earlier.begin] ?? [] {
        for b in later where a.view.tensor == b.view.tensor && (a.isWrite || b.isWrite) {
          fusionBudget -= trips * trips
          if fusionBudget < 0 { return false }
          let boxesA = (0..<trips).map { box(a, loop: earlier.loop, ordinal: $0, env) }
          let boxesB = (0..<trips).map { box(b, loop: next.loop, ordinal: $0, env) }
          for i in 1..<trips {
            for j in 0..<i where Self.overlaps(boxesA[i], boxesB[j]) { return false }
          }
        }
      }
    }
    return true
  }

  /// The bounding box of an access in iteration `ordinal` of `loop`, one range per tensor dimension.
  private func box(_ a: Access, loop: Loop, ordinal: Int, _ env: [Int]) -> [ClosedRange<Int>] {
    let value = loop.start + ordinal * loop.step
    let range: (IndexVar) -> ClosedRange<Int> = { v in
      if v == loop.variable { return value...value }
      if let l = a.innerLoops.first(where: { $0.variable == v }) { return l.valueRange ?? 0...0 }
      let x = v.index < env.count ? env[v.index] : 0
      return x...x
    }
    return a.view.start.enumerated().map { k, e in
      let r = e.bounds(range)
      var lo = r.lowerBound
      var hi = r.upperBound
      for d in a.view.dims where k < d.steps.count && d.count > 1 {
        let span = d.steps[k].multipliedReportingOverflow(by: d.count - 1).partialValue
        lo = lo.addingReportingOverflow(Swift.min(0, span)).partialValue
        hi = hi.addingReportingOverflow(Swift.max(0, span)).partialValue
      }
      return Swift.min(lo, hi)...Swift.max(lo, hi)
    }
  }

  private static func overlaps(_ a: [ClosedRange<Int>], _ b: [ClosedRange<Int>]) -> Bool {
    zip(a, b).allSatisfy { $0.overlaps($1) }
  }
}
