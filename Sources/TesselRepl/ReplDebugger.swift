import Foundation
import Tessel

/// The REPL's stepping debugger: the breakpoints and watches set with `:break` and `:watch`, and
/// the `(debug)` prompt at which a kernel called from the REPL stops.
///
/// The REPL attaches it to a kernel run (``RunOptions/debugger``) while any breakpoint or watch
/// is set. Before each instruction it checks the breakpoints and a pending `:step`; after each, the
/// watches on the tensor the instruction wrote. At a stop it reads debugger commands from the
/// REPL's own line reader until one resumes the run (`:step`, `:continue`) or abandons it
/// (`:quit`, end of input).
final class ReplDebugger: KernelDebugger, @unchecked Sendable {
  // `@unchecked Sendable`: a debugged run is serial and runs on the REPL's thread, the only one
  // that touches this object.

  /// A numbered breakpoint.
  struct Breakpoint {
    var id: Int
    var spec: BreakpointSpec
  }

  /// A numbered watch.
  struct Watch {
    var id: Int
    var region: TileRegion
  }

  /// A watch resolved against the kernel being run: the elements it covers and what they held
  /// when last looked at.
  struct WatchedRegion {
    var tensor: TensorID
    var storage: TensorID
    var offsets: [Int]
    var coordinates: [[Int]]
    var shape: [Int]
    var last: [Float]
  }

  /// The breakpoints and watches, in the order they were set; they share one numbering.
  var breakpoints: [Breakpoint] = []
  var watches: [Watch] = []
  var nextID = 1

  /// Where lines are read at a stop, and where output goes (set by the REPL before each run).
  var reader: LineReader?
  var emit: (String) -> Void = { Swift.print($0, terminator: "") }
  /// A source line for a stop's display, when the REPL knows the file.
  var sourceLine: (String, Int) -> String? = { _, _ in nil }

  // MARK: Per-run state

  /// Whether the current run has reached its first instruction.
  var started = false
  /// The kernel's listing names and the tensor each name means.
  var names: [String] = []
  var tensorsByName: [String: TensorID] = [:]
  /// The file the kernel itself was defined in: where `:break LINE` looks.
  var kernelFile = ""
  /// Per line breakpoint (by id): the location it stops at in this run (a line without
  /// instructions moves to the next line that has some).
  var lineTargets: [Int: (file: String, line: Int)] = [:]
  /// Per watch (by id): its region in this run.
  var watched: [Int: WatchedRegion] = [:]
  /// The instruction that ran last, for telling a new visit of a line from the rest of it.
  var previousPC: Int?
  /// Instructions left before a `:step` stops (0: no step pending).
  var stepsRemaining = 0
  /// The `:step` command an empty line repeats.
  var repeatable: String?
  /// How many times this run stopped.
  var stops = 0

  /// Whether a run needs the debugger attached.
  var isArmed: Bool { !breakpoints.isEmpty || !watches.isEmpty }

  /// Forgets the previous run's state before a new run.
  func prepareRun() {
    started = false
    names = []
    tensorsByName = [:]
    lineTargets = [:]
    watched = [:]
    previousPC = nil
    stepsRemaining = 0
    repeatable = nil
    stops = 0
  }

  // MARK: KernelDebugger

  func willExecute(_ run: PausedRun) throws(KernelError) {
    if !started { start(run) }
    var reason: String?
    if stepsRemaining > 0 {
      stepsRemaining -= 1
      if stepsRemaining == 0 { reason = "step" }
    }
    if reason == nil, let b = breakpointHit(run) { reason = "breakpoint \(b.id) (\(b.spec))" }
    guard let reason else { return }
    emit("\(reason): before \(describe(run))\n")
    try stop(run)
  }

  func didExecute(_ run: PausedRun) throws(KernelError) {
    previousPC = run.pc
    guard !watched.isEmpty else { return }
    let written = Set(run.instruction.operation.destinations.map { run.kernel.storage(of: $0.tensor) })
    var changed = false
    for w in watches {
      guard var region = watched[w.id], written.contains(region.storage) else { continue }
      let all = run.values(of: region.tensor)
      let now = region.offsets.map { all[$0] }
      guard zip(now, region.last).contains(where: { $0.bitPattern != $1.bitPattern }) else { continue }
      emit(change(w, region, now, run))
      region.last = now
      watched[w.id] = region
      changed = true
    }
    if changed { try stop(run) }
  }

  // MARK: Starting a run

  /// Resolves names, line breakpoints and watches against the kernel at its first instruction.
  func start(_ run: PausedRun) {
    started = true
    let k = run.kernel
    names = k.listingNames()
    var used = Set<Int>(k.outputs.map(\.index) + k.parameters.map(\.tensor.index))
    for inst in k.instructions {
      for v in inst.operation.destinations + inst.operation.sources.map(\.view) { used.insert(v.tensor.index) }
    }
    for i in k.tensors.indices.sorted(by: { (used.contains($0) ? 0 : 1, $0) < (used.contains($1) ? 0 : 1, $1) })
    where tensorsByName[names[i]] == nil {
      tensorsByName[names[i]] = TensorID(i)
    }
    kernelFile =
      k.parameters.first.map { k[$0.tensor].location.file }
      ?? k.instructions.first { $0.location.isKnown }?.location.file ?? ""
    for b in breakpoints { resolve(b, in: k) }
    for w in watches {
      do throws(DebugMessage) { watched[w.id] = try region(w.region, run) } catch {
        emit("watch \(w.id): \(error.text); not watched in this run\n")
      }
    }
  }

  /// Where line breakpoint `b` stops in kernel `k`, with a note when it moved or matches nothing.
  func resolve(_ b: Breakpoint, in k: Kernel) {
    switch b.spec {
    case .line(let file, let line):
      let f = file ?? kernelFile
      let lines = Set(
        k.instructions.filter { !Self.isLoopControl($0) && Self.sameFile($0.location.file, f) }.map(\.location.line))
      if lines.contains(line) {
        lineTargets[b.id] = (f, line)
      } else if let next = lines.filter({ $0 > line }).min() {
        lineTargets[b.id] = (f, next)
        emit("breakpoint \(b.id): line \(line) of \(f) has no instruction of `\(k.name)`; it stops at line \(next)\n")
      } else {
        emit("breakpoint \(b.id): no instruction of `\(k.name)` is at or after line \(line) of \(f)\n")
      }
    case .instruction(let n):
      if !k.instructions.indices.contains(n) || Self.isLoopControl(k.instructions[n]) {
        emit(
          "breakpoint \(b.id): `\(k.name)` has no instruction #\(n) (instructions #0 to #\(k.instructions.count - 1), loops aside)\n"
        )
      }
    case .operation(let name):
      if !k.instructions.contains(where: { $0.operation.nkiName == name }) {
        emit("breakpoint \(b.id): `\(k.name)` has no \(name) instruction\n")
      }
    }
  }

  /// Whether an instruction is a loop's begin or end rather than one that computes.
  static func isLoopControl(_ inst: Instruction) -> Bool {
    switch inst.operation {
    case .loopBegin, .loopEnd: true
    default: false
    }
  }

  /// Whether a location's file is `file` (as given, or as its last path components).
  static func sameFile(_ location: String, _ file: String) -> Bool {
    location == file || location.hasSuffix("/" + file)
  }

  /// The breakpoint that stops the run before instruction `run.pc`, if any.
  func breakpointHit(_ run: PausedRun) -> Breakpoint? {
    let inst = run.instruction
    for b in breakpoints {
      switch b.spec {
      case .instruction(let n): if n == run.pc { return b }
      case .operation(let name): if inst.operation.nkiName == name { return b }
      case .line:
        guard let target = lineTargets[b.id], inst.location.line == target.line,
          Self.sameFile(inst.location.file, target.file)
        else { continue }
        // Once per visit of the line: not again for its later instructions in the same pass.
        if let p = previousPC, p < run.pc, run.kernel.instructions[p].location.line == target.line,
          run.kernel.instructions[p].location.file == inst.location.file
        {
          continue
        }
        return b
      }
    }
    return nil
  }

  /// Resolves a region against the run: the tensor it names and its current elements.
  func region(_ r: TileRegion, _ run: PausedRun) throws(DebugMessage) -> WatchedRegion {
    guard let t = tensorsByName[r.name] else {
      let known = tensorsByName.keys.filter { !$0.hasPrefix("%") }.sorted().joined(separator: ", ")
      throw DebugMessage("`\(run.kernel.name)` has no tensor `\(r.name)` (its tensors: \(known))")
    }
    let (offsets, coordinates, shape) = try r.elements(in: run.kernel[t].shape)
    let all = run.values(of: t)
    return WatchedRegion(
      tensor: t, storage: run.kernel.storage(of: t), offsets: offsets, coordinates: coordinates, shape: shape,
      last: offsets.map { all[$0] })
  }
}
