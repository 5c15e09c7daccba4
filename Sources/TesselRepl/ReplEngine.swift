import Foundation
import Tessel
import TesselTools

/// The REPL's state and behaviour, independent of the terminal: one persistent simulated
/// NeuronCore, the session's names, and the commands.
///
/// ```swift
/// let repl = ReplEngine()
/// let reader = ScriptedLineReader(lines: ["a = np.ones((4, 8))", "t = nl.load(a)", "nl.exp(t)", ":quit"])
/// repl.run(reader: reader) { print($0, terminator: "") }
/// ```
public final class ReplEngine: InteractiveHost {
  /// The simulated generation.
  public private(set) var target: Target
  var tracer: InteractiveTracer
  /// The simulated core the prompt's tiles live on: the same eager core as the Swift DSL's
  /// eager mode.
  ///
  /// Its tensor numbers are the session kernel's.
  var core: CoreSession
  /// The tensors of the session kernel ever allocated on the core.
  var allocated = Set<TensorID>()
  /// Source text of loaded files and of REPL inputs, for diagnostics.
  var sources: [String: [Substring]] = [:]
  var inputCounter = 0
  /// Where output goes.
  var emit: (String) -> Void = { Swift.print($0, terminator: "") }
  /// Set by `:quit`.
  public private(set) var finished = false
  /// The breakpoints and watches, and the stops of a kernel run under them.
  var debugger = ReplDebugger()
  /// Where input comes from (a stopped kernel reads its debugger commands there too).
  var reader: LineReader?

  /// The primary prompt.
  public static let prompt = ">>> "
  /// The continuation prompt.
  public static let continuation = "... "

  /// Starts a session on `target`.
  public init(target: Target = .trn2) {
    self.target = target
    tracer = InteractiveTracer(target: target)
    core = CoreSession(target: target)
    wire()
  }

  func wire() {
    tracer.host = self
  }

  /// Allocates session tensors on the core the first time each is needed; one allocated
  /// already is renamed after the path that holds it now (``rename(_:)``).
  public func allocate(_ tensors: [TensorID], of kernel: Kernel, names: [TensorID: String]) throws(TraceError) {
    for id in tensors where id.index < kernel.tensors.count {
      if allocated.contains(id) {
        rename([id: names[id] ?? kernel.tensors[id.index].name])
        continue
      }
      var decl = kernel.tensors[id.index]
      decl.name = displayName(decl.name, held: names[id])
      do throws(KernelError) { try core.allocate(decl, as: id) } catch {
        throw TraceError(.kernel(error), at: error.location)
      }
      allocated.insert(id)
    }
  }

  /// A tile's name in messages: a temporary, or an element of a list bound to a name, goes by
  /// the path that holds it (`ps[3]`); a tile bound to a name by its name.
  func displayName(_ name: String, held path: String?) -> String {
    guard let path, name.hasPrefix("%") || path.hasPrefix(name + "[") || path.hasPrefix(name + ".") else {
      return name
    }
    return path
  }

  /// Renames allocated tiles after the paths that hold them now (allocated while their statement
  /// ran, before it bound them).
  public func rename(_ paths: [TensorID: String]) {
    let kernel = tracer.kernel
    for (id, path) in paths
    where allocated.contains(id) && core.tensors.indices.contains(id.index) && kernel.tensors.indices.contains(id.index)
    {
      let name = displayName(kernel.tensors[id.index].name, held: path)
      if core.tensors[id.index].name != name { core.rename(id, to: name) }
    }
  }

  /// Frees the on-chip tiles not in `live`.
  public func release(keeping live: Set<TensorID>) {
    for id in core.liveTensors where core.tensors[id.index].space.isOnChip && !live.contains(id) { core.free(id) }
  }

  /// Runs instructions `range` of the session kernel on the core.
  public func execute(_ k: Kernel, _ range: Range<Int>) throws(TraceError) {
    do throws(KernelError) {
      for w in try core.execute(k, range) { emit(render(w)) }
    } catch {
      throw TraceError(.kernel(error), at: error.location)
    }
  }

  /// The current data of a tensor (never-written elements read as NaN); nil once it was freed.
  public func values(of id: TensorID) -> [Float]? {
    guard allocated.contains(id) else {
      return Array(repeating: .nan, count: tracer.kernel.tensors[id.index].elementCount)
    }
    guard core.liveTensors.contains(id) else { return nil }
    return core.values(of: id)
  }

  /// Stores data for a (new) host tensor, rounded to its dtype.
  public func setValues(_ v: [Float], of id: TensorID) throws(TraceError) {
    try allocate([id], of: tracer.kernel, names: [:])
    do throws(KernelError) { try core.write(id, values: v) } catch {
      throw TraceError(.kernel(error), at: error.location)
    }
  }

  /// Runs a kernel called at the prompt on host data.
  public func runKernel(_ kernel: Kernel, _ data: [[Float]]) throws(TraceError) -> (
    outputs: [[Float]], parameters: [[Float]]
  ) {
    do throws(KernelError) {
      let r = try Interpreter(kernel: kernel, options: runOptions()).run(data)
      for p in r.report.devicePrints { emit(p.text) }
      for w in r.report.warnings { emit(render(w)) }
      return (r.outputs, r.parameters)
    } catch {
      throw TraceError(.kernel(error), at: error.location)
    }
  }

  /// Options for a kernel run from the prompt: under the debugger while a breakpoint or watch is set.
  func runOptions() -> RunOptions {
    var options = RunOptions(target: target)
    if debugger.isArmed {
      debugger.prepareRun()
      debugger.reader = reader
      debugger.emit = emit
      debugger.sourceLine = { [weak self] file, line in self?.sourceLine(file, line) }
      options.debugger = debugger
    }
    return options
  }

  /// Line `line` of a REPL input, a loaded file or a file on disk, for the debugger's display.
  func sourceLine(_ file: String, _ line: Int) -> String? {
    if sources[file] == nil, !file.hasPrefix("<"), let text = try? String(contentsOfFile: file, encoding: .utf8) {
      sources[file] = text.split(separator: "\n", omittingEmptySubsequences: false)
    }
    guard let lines = sources[file], line >= 1, line <= lines.count else { return nil }
    return String(lines[line - 1])
  }

  /// Reads a `.npy` file for `np.load`: 64-bit data exactly, NKI dtypes by their values.
  public func loadNPY(_ path: String) throws(TraceError) -> (shape: [Int], dtype: String, values: [Double]) {
    do {
      let a = try HostArray.readNPY(from: path)
      return (a.shape, a.elementType.description, a.doubleValues())
    } catch {
      throw TraceError(.usage("\(error)"), at: .unknown)
    }
  }

  /// Writes a `.npy` file for `np.save`, in the array's dtype.
  public func saveNPY(_ path: String, shape: [Int], dtype: String, values: [Double]) throws(TraceError) {
    do {
      try HostArray(shape: shape, numpyDType: dtype, values: values).writeNPY(to: path)
    } catch {
      throw TraceError(.usage("cannot write \(path): \(error)"), at: .unknown)
    }
  }

  /// Shows `print` output.
  public func print(_ text: String) { emit(text) }

  /// Renders a diagnostic with the source line it points at.
  func render(_ d: Diagnostic) -> String {
    let src = sources
    return DiagnosticRenderer { src[$0] }.render(d)
  }

  // MARK: - The loop

  /// Reads and evaluates inputs until `:quit` or the end of input.
  public func run(reader: LineReader, output: @escaping (String) -> Void) {
    emit = output
    self.reader = reader
    var block: [String] = []
    while !finished {
      let input = reader.readLine(prompt: block.isEmpty ? ReplEngine.prompt : ReplEngine.continuation)
      switch input {
      case .end:
        if !block.isEmpty { evaluate(block.joined(separator: "\n"), reader: reader) }
        if !block.isEmpty || true { output("\n") }
        return
      case .interrupted:
        block = []
        output("KeyboardInterrupt\n")
      case .line(let line):
        if block.isEmpty {
          let trimmed = line.trimmingCharacters(in: .whitespaces)
          if trimmed.isEmpty { continue }
          if trimmed.hasPrefix(":") {
            reader.addHistory(line)
            command(trimmed)
            continue
          }
          block = [line]
          if ReplEngine.needsMore(block) { continue }
        } else {
          // A block ends with an empty line; bracketed continuations end when balanced.
          if line.trimmingCharacters(in: .whitespaces).isEmpty {
            if ReplEngine.opensBlock(block) || !ReplEngine.bracketsBalanced(block.joined(separator: "\n")) {
              if ReplEngine.bracketsBalanced(block.joined(separator: "\n")) {
                // fallthrough to evaluate
              } else {
                continue
              }
            }
          } else {
            block.append(line)
            if ReplEngine.needsMore(block) { continue }
          }
        }
        let text = block.joined(separator: "\n")
        block = []
        reader.addHistory(text)
        evaluate(text, reader: reader)
      }
    }
  }

  /// Whether more lines are needed before `lines` can be evaluated.
  static func needsMore(_ lines: [String]) -> Bool {
    let text = lines.joined(separator: "\n")
    if !bracketsBalanced(text) { return true }
    if let last = lines.last, last.hasSuffix("\\") { return true }
    return opensBlock(lines)
  }

  /// Whether the input starts or contains a compound statement (ended by an empty line).
  static func opensBlock(_ lines: [String]) -> Bool {
    lines.contains { l in
      var s = l
      if let hash = s.firstIndex(of: "#") { s = String(s[..<hash]) }
      s = s.trimmingCharacters(in: .whitespaces)
      return s.hasSuffix(":") || s.hasPrefix("@")
    }
  }

  /// Whether brackets and triple-quoted strings are closed (strings and comments skipped).
  static func bracketsBalanced(_ text: String) -> Bool {
    var depth = 0
    var chars = Array(text)
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c == "#" {
        while i < chars.count && chars[i] != "\n" { i += 1 }
        continue
      }
      if c == "\"" || c == "'" {
        let triple = i + 2 < chars.count && chars[i + 1] == c && chars[i + 2] == c
        if triple {
          i += 3
          while i + 2 < chars.count && !(chars[i] == c && chars[i + 1] == c && chars[i + 2] == c) { i += 1 }
          if i + 2 >= chars.count { return false }
          i += 3
          continue
        }
        i += 1
        while i < chars.count && chars[i] != c && chars[i] != "\n" {
          if chars[i] == "\\" { i += 1 }
          i += 1
        }
        i += 1
        continue
      }
      if c == "(" || c == "[" || c == "{" { depth += 1 }
      if c == ")" || c == "]" || c == "}" { depth -= 1 }
      i += 1
    }
    chars = []
    return depth <= 0
  }

  /// Evaluates one complete input and prints its value or its error.
  public func evaluate(_ text: String, reader: LineReader? = nil) {
    inputCounter += 1
    if let reader { self.reader = reader }
    // Each input is a source of its own, so that a note about a tile made earlier shows its line.
    let file = "<repl \(inputCounter)>"
    sources[file] = text.split(separator: "\n", omittingEmptySubsequences: false)
    do throws(TraceError) {
      switch try tracer.run(text, file: file) {
      case .none: break
      case .value(let s): emit(s + "\n")
      }
    } catch {
      emit(render(error.diagnostic))
    }
  }

  // MARK: - Commands

  static let helpText = """
    Tessel REPL: NKI Python (the legacy neuronxcc.nki dialect) on a simulated NeuronCore.
    nl, nisa, nki, np and math are predefined. Tile operations at the prompt run at once;
    kernels (@nki.jit functions) defined here or loaded run on host arrays when called.

      :help               this text
      :load FILE          run a kernel file's definitions in the session
      :run KERNEL ARGS    run a session kernel on .npy files, literals or session arrays
      :ir KERNEL ARGS     print a session kernel's IR (ARGS may be shapes like 128x512:float32)
      :estimate KERNEL ARGS   estimated latency of a kernel call on the target (shapes suffice)
      :mem                SBUF/PSUM occupancy and the live tiles
      :stats NAME         min / max / mean / NaN count of a tensor
      :break SPEC         stop kernel runs at a line (`12` of the kernel's file, `file.py:12`), an
                          instruction (`#7`) or an operation (`nc_matmul`); :break alone lists
      :watch TILE         stop after an instruction changes a tile of the kernel (`acc`, `acc[0:4, 0:8]`)
      :delete [N]         remove breakpoint or watch N (every one without N)
      :target trn1|trn2|trn3   switch generation (resets the session)
      :reset              forget everything
      :quit               leave (Ctrl-D too)

    help(nl.exp) shows an NKI function's signature and what it does; help(nl) lists them.
    At a stop, :step, :continue, :print TILE, :mem, :where and :quit (abandon the run) work;
    :help there lists them. A block (def, for, if, ...) ends with an empty line. Ctrl-C cancels the current input.

    """

  /// Runs a `:command`.
  public func command(_ line: String) {
    let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    guard let head = words.first else { return }
    let args = Array(words.dropFirst())
    switch head {
    case ":help", ":h", ":?":
      emit(ReplEngine.helpText)
    case ":quit", ":q", ":exit":
      finished = true
    case ":reset":
      reset(target: target)
      emit("session reset (\(target.rawValue))\n")
    case ":target":
      guard let name = args.first, let t = Target(rawValue: name) else {
        emit("error: :target takes trn1, trn2 or trn3 (now \(target.rawValue))\n")
        return
      }
      reset(target: t)
      emit("target \(t.rawValue); session reset\n")
    case ":load":
      guard let path = args.first else {
        emit("error: :load takes a file path\n")
        return
      }
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        emit("error: cannot read '\(path)'\n")
        return
      }
      sources[path] = text.split(separator: "\n", omittingEmptySubsequences: false)
      do throws(TraceError) {
        try tracer.load(source: text, file: path)
        let kernels = (try? NKIFile(source: text, file: path).kernelNames) ?? []
        emit("loaded \(path)" + (kernels.isEmpty ? "" : ": kernels \(kernels.joined(separator: ", "))") + "\n")
      } catch {
        emit(render(error.diagnostic))
      }
    case ":stats":
      guard let name = args.first else {
        emit("error: :stats takes a name\n")
        return
      }
      do throws(TraceError) { emit(try tracer.stats(name: name) + "\n") } catch { emit(render(error.diagnostic)) }
    case ":mem":
      emit(memoryReport())
    case ":break", ":watch", ":delete":
      let rest = line.dropFirst(head.count).trimmingCharacters(in: .whitespaces)
      emit(debugger.manage(head, rest, run: nil))
    case ":step", ":continue":
      emit(
        "error: no kernel is stopped; set a breakpoint (:break LINE) or a watch (:watch TILE), then call the kernel\n")
    case ":ir", ":run", ":estimate":
      runOrIR(head == ":ir" ? .ir : head == ":run" ? .run : .estimate, args)
    default:
      emit("error: unknown command \(head) (try :help)\n")
    }
  }

  func reset(target: Target) {
    self.target = target
    tracer = InteractiveTracer(target: target)
    core = CoreSession(target: target)
    allocated = []
    debugger = ReplDebugger()
    wire()
  }

  /// What `:mem` shows: the core's SBUF and PSUM occupancy and every live tile, named by what
  /// holds it.
  func memoryReport() -> String {
    var lines: [String] = []
    for (name, d) in tracer.liveTiles() {
      lines.append(
        "  \(name): \(d.space.nkiName) \(d.dtype)\(d.shape) partitions 0..\(d.partitionCount - 1), \(core.footprint(d)) B/partition"
      )
    }
    let ps = core.psumBytesInUse
    var out =
      "SBUF \(core.sbufBytesInUse) of \(target.sbufBytesPerPartition) bytes per partition; PSUM \(ps) of \(target.psumBytesPerPartition) (\(ps / target.psumBankBytes) of \(target.psumBanks) banks)\n"
    out += lines.isEmpty ? "  no live tiles\n" : lines.joined(separator: "\n") + "\n"
    return out
  }

  /// What `:run`, `:ir` and `:estimate` do with the traced kernel.
  enum KernelCommand: String {
    case run, ir, estimate
  }

  func runOrIR(_ mode: KernelCommand, _ words: [String]) {
    guard let kernel = words.first else {
      emit("error: :\(mode.rawValue) takes a kernel name and arguments\n")
      return
    }
    var inv = KernelInvocation(file: "<repl>", kernel: kernel, target: target)
    var grid: [Int] = []
    var rest: [String] = []
    var i = 1
    while i < words.count {
      if words[i] == "--grid", i + 1 < words.count {
        do throws(UsageError) { grid = try KernelInvocation.parseGrid(words[i + 1]) } catch {
          emit("error: \(error.message)\n")
          return
        }
        i += 2
        continue
      }
      rest.append(words[i])
      i += 1
    }
    do throws(UsageError) { try inv.addArguments(rest) } catch {
      emit("error: \(error.message)\n")
      return
    }
    // Arguments: .npy data, shapes, literals, or names of session host arrays.
    var data: [String: HostArray] = [:]
    func arg(_ a: InvocationArgument, _ key: String) -> KernelArgument? {
      switch a {
      case .npy(let path, let dt):
        guard let h = try? HostArray.readNPY(from: path, as: dt) else {
          emit("error: cannot read \(path)\n")
          return nil
        }
        data[key] = h
        return .tensor(shape: h.shape, dtype: h.dtype ?? .float32)
      case .shape(let s, let d):
        return .tensor(shape: s, dtype: d)
      case .expression(let n):
        // A bare name of a session host array passes its data; anything else is a Python
        // expression evaluated in the session.
        if let d = try? tracer.sessionArray(n) {
          data[key] = try? HostArray(shape: d.shape, dtype: d.dtype, values: d.values)
          return .tensor(shape: d.shape, dtype: d.dtype)
        }
        return .expression(n)
      case .literal(let l): return .literal(l)
      }
    }
    var args: [KernelArgument] = []
    for (j, a) in inv.positional.enumerated() {
      guard let k = arg(a, "#\(j)") else { return }
      args.append(k)
    }
    var kws: [String: KernelArgument] = [:]
    for (k, a) in inv.keywords {
      guard let v = arg(a, k) else { return }
      kws[k] = v
    }
    let traced: TracedKernel
    do throws(TraceError) { traced = try tracer.traceKernel(kernel, arguments: args, keywords: kws, grid: grid) } catch
    {
      emit(render(error.diagnostic))
      return
    }
    switch mode {
    case .ir:
      emit(traced.kernel.printed())
      return
    case .estimate:
      do throws(KernelError) {
        try Verifier(target: target).verify(traced.kernel)
        emit(try TimingModel(kernel: traced.kernel, target: target).estimate().report.summary())
      } catch {
        emit(render(TraceError(.kernel(error), at: error.location).diagnostic))
      }
      return
    case .run:
      break
    }
    var positionalData: [HostArray] = []
    for (j, a) in inv.positional.enumerated() {
      if let h = data["#\(j)"] {
        positionalData.append(h)
      } else if case .shape = a {
        emit("error: :run needs data, not a shape, for argument \(j + 1)\n")
        return
      }
    }
    let given = KernelInvocation.parameterData(traced.kernel.parameters, named: data, positional: positionalData)
    var arrays: [HostArray] = []
    for (p, h) in zip(traced.kernel.parameters, given) {
      guard let h else {
        emit("error: no data for parameter '\(p.name)'\n")
        return
      }
      arrays.append(h)
    }
    do throws(KernelError) {
      let r = try Interpreter(kernel: traced.kernel, options: runOptions()).run(hostArrays: arrays)
      for p in r.report.devicePrints { emit(p.text) }
      for w in r.report.warnings { emit(render(w)) }
      for (j, o) in r.outputs.enumerated() {
        emit("\(traced.kernel[traced.kernel.outputs[j]].name): \(o)\n")
      }
      if r.outputs.isEmpty { emit("ran \(traced.name): \(r.report.instructionsExecuted) instructions\n") }
    } catch {
      emit(render(TraceError(.kernel(error), at: error.location).diagnostic))
    }
  }

  // MARK: - Completion

  /// Completions for the word that ends `prefix` (the line up to the cursor).
  public func completions(for prefix: String) -> [String] {
    let separators = CharacterSet(charactersIn: " \t()[]{},=+-*/<>:")
    var word = ""
    for ch in prefix.unicodeScalars.reversed() {
      if separators.contains(ch) { break }
      word.unicodeScalars.insert(ch, at: word.unicodeScalars.startIndex)
    }
    let trimmed = prefix.trimmingCharacters(in: .whitespaces)
    if trimmed.hasPrefix(":") && !trimmed.contains(" ") {
      return [
        ":help", ":load", ":run", ":ir", ":estimate", ":mem", ":stats", ":target", ":reset", ":quit", ":break",
        ":watch",
        ":delete", ":step", ":continue",
      ].filter {
        $0.hasPrefix(trimmed)
      }.sorted()
    }
    let lastToken = prefix.split(separator: " ", omittingEmptySubsequences: false).last.map(String.init) ?? ""
    if trimmed.hasPrefix(":load ") || trimmed.hasPrefix(":run ") || lastToken.contains("/") {
      return fileCompletions(lastToken.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")))
    }
    if let dot = word.lastIndex(of: ".") {
      let ns = String(word[..<dot])
      let rest = String(word[word.index(after: dot)...])
      let names = InteractiveTracer.apiNames[ns] ?? []
      return names.filter { $0.hasPrefix(rest) }.map { "\(ns).\($0)" }.sorted()
    }
    let keywords = [
      "for", "in", "def", "return", "if", "else", "elif", "while", "import", "from", "True", "False", "None", "print",
      "range",
    ]
    return Set(tracer.names + keywords).filter { $0.hasPrefix(word) && !word.isEmpty }.sorted()
  }

  func fileCompletions(_ word: String) -> [String] {
    let dir = word.contains("/") ? String(word[...(word.lastIndex(of: "/") ?? word.startIndex)]) : ""
    let base =
      word.contains("/") ? String(word[word.index(after: word.lastIndex(of: "/") ?? word.startIndex)...]) : word
    let listDir = dir.isEmpty ? "." : dir
    guard let items = try? FileManager.default.contentsOfDirectory(atPath: listDir) else { return [] }
    return items.filter { $0.hasPrefix(base) && !$0.hasPrefix(".") }.sorted().map { item in
      var isDir: ObjCBool = false
      let path = dir + item
      _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
      return isDir.boolValue ? path + "/" : path
    }
  }
}
