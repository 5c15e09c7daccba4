import Foundation
import Tessel

/// The `(debug)` prompt: what a stop shows and the commands it takes.
extension ReplDebugger {
  /// The prompt at a stop.
  static let prompt = "(debug) "

  static let helpText = """
    The kernel is stopped. Commands:
      :step [N]           run N instructions (1), then stop; an empty line repeats it
      :continue           run to the next breakpoint or watched change
      :where              where the kernel is stopped
      :mem                the on-chip tensors live at this instruction and where they are placed
      :print TILE         a tile's current values (also: just type TILE); TILE is a name from the
                          kernel's listing (`acc`, `acc.1`, `%5`) with an optional region `acc[0:4, 0:8]`
      :break SPEC         stop at a line (`12`, `file.py:12`), an instruction (`#7`) or an operation (`nc_matmul`)
      :watch TILE         stop after an instruction changes TILE (or a region of it), showing old and new values
      :break              list breakpoints and watches;  :delete [N] removes one (all without N)
      :quit               abandon the kernel run and return to the >>> prompt

    """

  /// Shows where the run is and reads commands until one resumes it (or abandons it by throwing).
  func stop(_ run: PausedRun) throws(KernelError) {
    stops += 1
    // A step still pending when a watch stops the run is over: the user says what comes next.
    stepsRemaining = 0
    emit(listing(run))
    while true {
      guard let reader else { throw abandon(run, "no input to read debugger commands from") }
      switch reader.readLine(prompt: Self.prompt) {
      case .end:
        throw abandon(run, "end of input at the debugger")
      case .interrupted:
        emit("KeyboardInterrupt\n")
      case .line(let text):
        var line = text.trimmingCharacters(in: .whitespaces)
        if line.isEmpty {
          guard let again = repeatable else { continue }
          line = again
        } else {
          reader.addHistory(text)
        }
        if try command(line, run) { return }
      }
    }
  }

  /// The error that ends an abandoned run.
  func abandon(_ run: PausedRun, _ reason: String) -> KernelError {
    KernelError(.abandoned(reason: reason), operation: run.instruction.operation.nkiName, at: run.instruction.location)
  }

  /// Runs one command at a stop; returns whether the run resumes.
  func command(_ line: String, _ run: PausedRun) throws(KernelError) -> Bool {
    let head = String(line.prefix { $0 != " " })
    let arg = line.dropFirst(head.count).trimmingCharacters(in: .whitespaces)
    switch head {
    case ":step", ":s":
      guard let n = arg.isEmpty ? 1 : Int(arg), n > 0 else {
        emit("error: :step takes a positive number of instructions\n")
        return false
      }
      stepsRemaining = n
      repeatable = line
      return true
    case ":continue", ":c":
      return true
    case ":quit", ":q", ":exit":
      throw abandon(run, ":quit at the debugger")
    case ":where":
      emit("before \(describe(run))\n" + listing(run))
    case ":mem":
      emit(memory(run))
    case ":print", ":p":
      emit(printed(arg, run))
    case ":break", ":watch", ":delete":
      emit(manage(head, arg, run: run))
    case ":help", ":h", ":?":
      emit(Self.helpText)
    default:
      if head.hasPrefix(":") {
        emit("error: \(head) is not a debugger command (try :help)\n")
      } else if TileRegion.parse(line) != nil {
        emit(printed(line, run))
      } else {
        emit(
          "error: at a stop, type a tile (`acc`, `acc[0:4, 0:8]`) to print it or a command (:help); Python statements run again once the kernel returns (:continue, or :quit to abandon it)\n"
        )
      }
    }
    return false
  }

  /// `:break`, `:watch` and `:delete`, at the `>>>` prompt (`run` nil) or at a stop.
  func manage(_ head: String, _ arg: String, run: PausedRun?) -> String {
    switch head {
    case ":break" where arg.isEmpty, ":watch" where arg.isEmpty:
      let lines =
        breakpoints.map { "  \($0.id): break at \($0.spec)" } + watches.map { "  \($0.id): watch \($0.region)" }
      return lines.isEmpty ? "no breakpoints or watches\n" : lines.sorted().joined(separator: "\n") + "\n"
    case ":break":
      guard let spec = BreakpointSpec.parse(arg) else {
        return
          "error: :break takes a line (`12`, `file.py:12`), an instruction (`#7`) or an operation name (`nc_matmul`)\n"
      }
      let b = Breakpoint(id: nextID, spec: spec)
      nextID += 1
      breakpoints.append(b)
      if let run, started { resolve(b, in: run.kernel) }
      return "breakpoint \(b.id) at \(spec)\n"
    case ":watch":
      guard let region = TileRegion.parse(arg) else {
        return "error: :watch takes a tile name with an optional region: `acc`, `acc[0:4, 0:8]`\n"
      }
      if let run {
        do throws(DebugMessage) { watched[nextID] = try self.region(region, run) } catch {
          return "error: \(error.text)\n"
        }
      }
      watches.append(Watch(id: nextID, region: region))
      nextID += 1
      return "watch \(nextID - 1): \(region)\n"
    default:
      if arg.isEmpty {
        breakpoints = []
        watches = []
        watched = [:]
        lineTargets = [:]
        return "deleted every breakpoint and watch\n"
      }
      guard let n = Int(arg), breakpoints.contains(where: { $0.id == n }) || watches.contains(where: { $0.id == n })
      else {
        return "error: no breakpoint or watch \(arg) (:break lists them)\n"
      }
      breakpoints.removeAll { $0.id == n }
      watches.removeAll { $0.id == n }
      watched[n] = nil
      lineTargets[n] = nil
      return "deleted \(n)\n"
    }
  }

  // MARK: Display

  /// `#4 activation at <repl 2>:6 (i = 1, program 3)`.
  func describe(_ run: PausedRun) -> String {
    let inst = run.instruction
    var s = "#\(run.pc) \(inst.operation.nkiName)"
    if inst.location.isKnown { s += " at \(inst.location)" }
    var context = run.indices.map { "\(run.kernel.indexVars[$0.variable.index].name) = \($0.value)" }
    if run.kernel.instanceCount > 1 && run.kernel.grid.isEmpty == false { context.append("instance \(run.instance)") }
    if !context.isEmpty { s += " (" + context.joined(separator: ", ") + ")" }
    return s
  }

  /// The source line and the instruction as the IR listing prints it.
  func listing(_ run: PausedRun) -> String {
    var out = ""
    let loc = run.instruction.location
    if loc.isKnown, let text = sourceLine(loc.file, loc.line) {
      out += String(repeating: " ", count: Swift.max(0, 5 - String(loc.line).count)) + "\(loc.line) | \(text)\n"
    }
    out += "   #\(run.pc) \(run.kernel.printedInstruction(run.pc))\n"
    return out
  }

  /// A region's values as numpy prints them, with a note on never-written elements.
  func printed(_ text: String, _ run: PausedRun) -> String {
    guard let r = TileRegion.parse(text) else { return "error: :print takes a tile: `acc`, `acc[0:4, 0:8]`\n" }
    do throws(DebugMessage) {
      let region = try self.region(r, run)
      return "\(r) = " + values(region.last, shape: region.shape, dtype: run.kernel[region.tensor].dtype) + "\n"
    } catch {
      return "error: \(error.text)\n"
    }
  }

  /// Values formatted as numpy prints them (never-written elements as nan, counted in a note).
  func values(_ v: [Float], shape: [Int], dtype: DType) -> String {
    let unwritten = v.filter(Poison.isPoison).count
    var s = formatArray(v.map { Poison.isPoison($0) ? .nan : $0 }, shape: shape, dtype: dtype)
    if unwritten > 0 { s += "\n(\(unwritten) of \(v.count) elements never written, shown as nan)" }
    return s
  }

  /// What a watch shows when an instruction changed its region.
  func change(_ w: Watch, _ region: WatchedRegion, _ now: [Float], _ run: PausedRun) -> String {
    let changed = region.offsets.indices.filter { now[$0].bitPattern != region.last[$0].bitPattern }
    let dtype = run.kernel[region.tensor].dtype
    func value(_ x: Float) -> String { Poison.isPoison(x) ? "never written" : formatNumber(x) }
    var out = "watch \(w.id): \(w.region) changed by \(describe(run)): \(changed.count) of \(now.count) elements\n"
    for i in changed.prefix(8) {
      let at = region.coordinates[i].map(String.init).joined(separator: ", ")
      out += "  \(w.region.name)[\(at)]: \(value(region.last[i])) -> \(value(now[i]))\n"
    }
    if changed.count > 8 { out += "  ... and \(changed.count - 8) more\n" }
    if now.count <= 64 {
      out += "old: " + values(region.last, shape: region.shape, dtype: dtype) + "\n"
      out += "new: " + values(now, shape: region.shape, dtype: dtype) + "\n"
    }
    return out
  }

  /// The on-chip tensors live at the stop, where the allocator placed them, and the occupancy.
  func memory(_ run: PausedRun) -> String {
    let plan = run.interpreter.allocation
    let target = run.interpreter.options.target
    var sbuf = Array(repeating: 0, count: 128)
    var psum = Array(repeating: 0, count: 128)
    var lines: [String] = []
    for (id, p) in plan.placements.sorted(by: { $0.key < $1.key }) where p.live.contains(run.pc) {
      let t = run.kernel[id]
      for q in p.partitionStart..<Swift.min(128, p.partitionStart + p.partitions) {
        if p.space == .psum { psum[q] += p.bytes } else { sbuf[q] += p.bytes }
      }
      lines.append(
        "  \(names[id.index]): \(t.space.nkiName) \(t.dtype)\(t.shape), partitions \(p.partitionStart)..\(p.partitionStart + p.partitions - 1), bytes \(p.byteOffset)..<\(p.byteOffset + p.bytes)"
      )
    }
    let ps = psum.max() ?? 0
    var out =
      "live before #\(run.pc): SBUF \(sbuf.max() ?? 0) of \(target.sbufBytesPerPartition) bytes per partition; PSUM \(ps) of \(target.psumBytesPerPartition) (\(ps / target.psumBankBytes) of \(target.psumBanks) banks)\n"
    out += lines.isEmpty ? "  no on-chip tensor is live\n" : lines.joined(separator: "\n") + "\n"
    return out
  }
}
