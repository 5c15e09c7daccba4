extension KernelBuilder {
  /// What one traced iteration of a front end's loop added to the kernel: its instructions and
  /// the tensors it declared.
  public struct IterationSpan: Sendable, Hashable {
    /// The instructions the iteration emitted.
    public var instructions: Range<Int>
    /// The tensors it declared (tiles, aliases).
    public var tensors: Range<Int>

    /// Creates a span.
    public init(instructions: Range<Int>, tensors: Range<Int>) {
      self.instructions = instructions
      self.tensors = tensors
    }
  }

  /// Rolls the instructions of consecutive traced iterations into one sequential loop, when they
  /// differ only in the tensors each iteration declared and in view offsets that advance by a
  /// constant step per iteration.
  ///
  /// A front end that runs a loop's Python once per iteration gets the same instructions, in the
  /// same order, as when it traces the body once with a symbolic index — as a loop the
  /// interpreter, the verifier and the allocator handle once instead of per iteration. `spans`
  /// are the iterations in order, adjacent, ending with the last instruction and the last
  /// tensor, with no loop left open inside them. When only the iterations after the first match,
  /// the first stays as traced (it may declare something the others reuse, such as an alias).
  /// The rolled body keeps the tensors of the last iteration, to which the front end may still
  /// refer; the earlier iterations' tensors stay declared and unused. Instructions with masks
  /// are never rolled.
  ///
  /// The loop is sequential, or with `affine` (the front end's loop was an `affine_range`) an
  /// `affine_range` loop, which the interpreter may run in parallel: a front end that rolls with
  /// `affine` calls ``sequentializeDependentAffineLoops()`` when its trace is complete.
  ///
  /// - Returns: whether the iterations were rolled.
  public mutating func rollIterations(
    _ spans: [IterationSpan], name: String, affine: Bool = false, location: SourceLocation
  ) -> Bool {
    rollExtensibly(spans, name: name, affine: affine, location: location) != nil
  }

  /// A loop ``rollIterations(_:name:location:)`` made, which later iterations can join
  /// (``extendRolledLoop(_:with:)``).
  public struct RolledLoop: Sendable {
    /// The index of the loop's `loopBegin`.
    var begin: Int
    /// The canonical form of the rolled iterations (starts of the first one).
    fileprivate var template: CanonicalIteration
    /// Each start's step per iteration.
    var step: [Int]
    /// The iterations the loop runs.
    var trips: Int
    /// The tensors of the body (those of the latest iteration).
    public internal(set) var tensors: Range<Int>
  }

  /// ``rollIterations(_:name:location:)``, returning the loop so that the following iterations
  /// can join it as they are traced; nil when the iterations were not rolled.
  public mutating func rollExtensibly(
    _ spans: [IterationSpan], name: String, affine: Bool = false, location: SourceLocation
  ) -> RolledLoop? {
    guard spans.count >= 2, let last = spans.last, last.instructions.upperBound == kernel.instructions.count,
      last.tensors.upperBound == kernel.tensors.count,
      openLoops.allSatisfy({ $0 < spans[0].instructions.lowerBound })
    else { return nil }
    for (a, b) in zip(spans, spans.dropFirst())
    where a.instructions.upperBound != b.instructions.lowerBound || a.tensors.upperBound != b.tensors.lowerBound {
      return nil
    }
    let forms = spans.map { canonicalForm(of: $0) }
    for first in [0, 1] where spans.count - first >= 2 && (first == 0 || spans.count >= 3) {
      guard let template = forms[first], let starts = rollableStarts(forms[first...]) else { continue }
      roll(spans, from: first, starts: starts, name: name, affine: affine, location: location)
      return RolledLoop(
        begin: spans[first].instructions.lowerBound, template: template, step: starts.step,
        trips: spans.count - first, tensors: last.tensors)
    }
    return nil
  }

  /// Folds the iteration traced right after a rolled loop into it, when it is one more trip.
  ///
  /// The iteration joins when it is the loop's body with its starts advanced by one more step:
  /// its instructions go, the body names its tensors, the loop runs one more trip, and the
  /// body's previous tensors stay declared and unused. The front end must hold no reference to
  /// those previous tensors.
  ///
  /// - Returns: whether the iteration joined the loop (otherwise nothing changed).
  public mutating func extendRolledLoop(_ loop: inout RolledLoop, with span: IterationSpan) -> Bool {
    guard case .loopBegin(var head) = kernel.instructions[loop.begin].operation,
      span.instructions.lowerBound == head.end + 1, span.instructions.upperBound == kernel.instructions.count,
      span.tensors.upperBound == kernel.tensors.count, span.tensors.lowerBound >= loop.tensors.upperBound,
      span.tensors.count == loop.tensors.count, openLoops.allSatisfy({ $0 < loop.begin }),
      let form = canonicalForm(of: span), form.instructions == loop.template.instructions,
      form.tensors == loop.template.tensors, form.starts.count == loop.template.starts.count
    else { return false }
    for i in form.starts.indices where form.starts[i] != loop.template.starts[i] + loop.step[i] * loop.trips {
      return false
    }
    note(.instructions(kernel.instructions))
    note(.tensors(kernel.tensors))
    for inst in kernel.instructions[span.instructions] { countWrites(of: inst, -1) }
    kernel.instructions.removeSubrange(span.instructions)
    let delta = span.tensors.lowerBound - loop.tensors.lowerBound
    func tensor(_ t: TensorID) -> TensorID { loop.tensors.contains(t.index) ? TensorID(t.index + delta) : t }
    func view(_ v: View) -> View {
      var w = v
      w.tensor = tensor(v.tensor)
      w.runtimeOffsets = v.runtimeOffsets.map { RuntimeOffset(source: view($0.source), steps: $0.steps) }
      return w
    }
    for pc in (loop.begin + 1)..<head.end {
      let inst = kernel.instructions[pc]
      switch inst.operation {
      case .loopBegin, .loopEnd: continue
      default: break
      }
      countWrites(of: inst, -1)
      kernel.instructions[pc].operation = inst.operation.remapped(view) { o in
        if case .view(let v) = o { return .view(view(v)) }
        return o
      }
      countWrites(of: kernel.instructions[pc], 1)
    }
    for (old, new) in zip(loop.tensors, span.tensors) {
      kernel.tensors[new].enclosingLoop = kernel.tensors[old].enclosingLoop
      kernel.tensors[old].enclosingLoop = nil
    }
    loop.trips += 1
    head.stop = head.start + loop.trips * head.step
    kernel.instructions[loop.begin].operation = .loopBegin(head)
    loop.tensors = span.tensors
    return true
  }

  /// An iteration with its tensors and inner loop variables renumbered from zero, its loop
  /// markers relative to its first instruction and its view starts taken out (in visiting order).
  fileprivate struct CanonicalIteration: Equatable, Sendable {
    var instructions: [Instruction]
    var tensors: [TensorDecl]
    var starts: [AffineExpr]
  }

  /// The canonical form of an iteration; nil when it holds a masked instruction.
  private func canonicalForm(of span: IterationSpan) -> CanonicalIteration? {
    let base = span.instructions.lowerBound
    let firstTensor = span.tensors.lowerBound
    var innerVars: [IndexVar: IndexVar] = [:]
    for inst in kernel.instructions[span.instructions] {
      if case .loopBegin(let l) = inst.operation { innerVars[l.variable] = IndexVar(-1 - innerVars.count) }
    }
    func tensor(_ t: TensorID) -> TensorID {
      span.tensors.contains(t.index) ? TensorID(-1 - (t.index - firstTensor)) : t
    }
    func expr(_ e: AffineExpr) -> AffineExpr {
      AffineExpr(
        constant: e.constant,
        terms: e.terms.map { AffineExpr.Term(innerVars[$0.variable] ?? $0.variable, $0.coefficient) })
    }
    var starts: [AffineExpr] = []
    func view(_ v: View) -> View {
      starts += v.start.map(expr)
      let runtime = v.runtimeOffsets.map { RuntimeOffset(source: view($0.source), steps: $0.steps) }
      return View(
        tensor: tensor(v.tensor), start: v.start.map { _ in AffineExpr() }, dims: v.dims, runtimeOffsets: runtime)
    }
    var instructions: [Instruction] = []
    for var inst in kernel.instructions[span.instructions] {
      guard inst.mask.isEmpty, inst.operation.contractionMask.isEmpty else { return nil }
      switch inst.operation {
      case .loopBegin(var l):
        l.variable = innerVars[l.variable] ?? l.variable
        l.end -= base
        inst.operation = .loopBegin(l)
      case .loopEnd(let b):
        inst.operation = .loopEnd(begin: b - base)
      default:
        inst.operation = inst.operation.remapped(view) { o in
          if case .view(let v) = o { return .view(view(v)) }
          return o
        }
      }
      instructions.append(inst)
    }
    let tensors = kernel.tensors[span.tensors].map { d -> TensorDecl in
      var c = d
      c.name = ""
      if var a = c.alias {
        a.base = tensor(a.base)
        c.alias = a
      }
      if var v = c.bitcast {
        v.base = tensor(v.base)
        c.bitcast = v
      }
      c.enclosingLoop = d.enclosingLoop.flatMap { span.instructions.contains($0) ? $0 - base : nil }
      return c
    }
    return CanonicalIteration(instructions: instructions, tensors: tensors, starts: starts)
  }

  /// The view starts of the first iteration and their step per iteration, when every iteration
  /// of `forms` is the first one with its starts advanced by whole steps.
  private func rollableStarts(_ forms: ArraySlice<CanonicalIteration?>) -> (first: [AffineExpr], step: [Int])? {
    guard forms.count >= 2, let a = forms[forms.startIndex], let b = forms[forms.startIndex + 1],
      a.instructions == b.instructions, a.tensors == b.tensors, a.starts.count == b.starts.count
    else { return nil }
    var step: [Int] = []
    for (x, y) in zip(a.starts, b.starts) {
      let d = y - x
      guard d.isConstant else { return nil }
      step.append(d.constant)
    }
    for (k, f) in forms.enumerated().dropFirst(2) {
      guard let f, f.instructions == a.instructions, f.tensors == a.tensors, f.starts.count == a.starts.count
      else { return nil }
      for i in a.starts.indices where f.starts[i] != a.starts[i] + step[i] * k { return nil }
    }
    return (a.starts, step)
  }

  /// Replaces `spans[from...]` by a loop over the last span's instructions whose view starts are
  /// `starts.first + starts.step · v`; an `affine_range` loop when `affine`, else a sequential
  /// one.
  private mutating func roll(
    _ spans: [IterationSpan], from first: Int, starts: (first: [AffineExpr], step: [Int]), name: String,
    affine: Bool, location: SourceLocation
  ) {
    guard let last = spans.last else { return }
    let trips = spans.count - first
    kernel.indexVars.append(Kernel.IndexVarDecl(name: name, kind: .loop))
    let v = IndexVar(kernel.indexVars.count - 1)
    let begin = spans[first].instructions.lowerBound
    let oldBase = last.instructions.lowerBound
    func moved(_ i: Int) -> Int { begin + 1 + (i - oldBase) }
    // The canonical starts name inner loop variables by placeholders (-1, -2, ... in order of
    // their loops); the body keeps the last iteration's inner loops and their variables.
    var inner: [IndexVar] = []
    for inst in kernel.instructions[last.instructions] {
      if case .loopBegin(let l) = inst.operation { inner.append(l.variable) }
    }
    func named(_ e: AffineExpr) -> AffineExpr {
      AffineExpr(
        constant: e.constant,
        terms: e.terms.map { t in
          let k = -1 - t.variable.index
          return AffineExpr.Term(k >= 0 && k < inner.count ? inner[k] : t.variable, t.coefficient)
        })
    }
    var next = 0
    func view(_ w: View) -> View {
      var out = w
      for d in w.start.indices {
        out.start[d] = named(starts.first[next]) + AffineExpr(v) * starts.step[next]
        next += 1
      }
      out.runtimeOffsets = w.runtimeOffsets.map { RuntimeOffset(source: view($0.source), steps: $0.steps) }
      return out
    }
    var body: [Instruction] = []
    for var inst in kernel.instructions[last.instructions] {
      switch inst.operation {
      case .loopBegin(var l):
        l.end = moved(l.end)
        inst.operation = .loopBegin(l)
      case .loopEnd(let b):
        inst.operation = .loopEnd(begin: moved(b))
      default:
        inst.operation = inst.operation.remapped(view) { o in
          if case .view(let w) = o { return .view(view(w)) }
          return o
        }
      }
      body.append(inst)
    }
    var head = Instruction(
      .loopBegin(
        Loop(
          variable: v, start: 0, stop: trips, step: 1, kind: affine ? .affine : .sequential,
          end: begin + 1 + body.count)),
      location: location)
    head.program = program
    var tail = Instruction(.loopEnd(begin: begin), location: location)
    tail.program = program
    note(.instructions(kernel.instructions))
    note(.tensors(kernel.tensors))
    for inst in kernel.instructions[begin...] { countWrites(of: inst, -1) }
    kernel.instructions.removeSubrange(begin...)
    kernel.instructions.append(head)
    kernel.instructions.append(contentsOf: body)
    kernel.instructions.append(tail)
    for inst in kernel.instructions[begin...] { countWrites(of: inst, 1) }
    for span in spans[first...] {
      for t in span.tensors {
        if span == last {
          let e = kernel.tensors[t].enclosingLoop
          kernel.tensors[t].enclosingLoop = e.flatMap { last.instructions.contains($0) ? moved($0) : nil } ?? begin
        } else {
          kernel.tensors[t].enclosingLoop = nil
        }
      }
    }
  }
}
