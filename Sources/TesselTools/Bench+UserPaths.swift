import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang

/// The paths users take, next to the in-place run: host arrays in-process, the Python bridge per
/// call, and one whole `tessel run` process against a `python3 -c` that loads the same `.npy`
/// files and computes the same thing with numpy.
extension BenchmarkSuite {
  /// Figures of the user paths of one case (nil where a path could not be measured).
  public struct UserPaths: Sendable, Codable {
    /// Median ms of `Interpreter.run(hostArrays:)` on host arrays made once (what `tessel run
    /// --repeat` times per run, and what the test-support helpers call).
    public var hostMs: Double?
    /// Median ms per call of `tessel.simulate_kernel` through the Python bridge, trace cached.
    public var bridgeMs: Double?
    /// Median ms of the kernel's own run inside those bridge calls (as Tessel measured it).
    public var bridgeRunMs: Double?
    /// Median wall ms of one whole `tessel run FILE ARGS.npy -o OUT.npy` process.
    public var commandMs: Double?
    /// The median ms of the runs after the first of `tessel run ... --repeat N` in a process of
    /// its own: a run on the command line's path once the process is warm, without process start
    /// and trace.
    public var commandRunMs: Double?
    /// The first run of that process: what a one-shot `tessel run` waits for (fresh memory of a
    /// new process, first use of the workers).
    public var commandFirstRunMs: Double?
    /// `trace_ms` of that process: the command line's trace of the kernel file.
    public var commandTraceMs: Double?
    /// Median wall ms of `python3 -c` loading the same `.npy` files and computing the numpy reference.
    public var pythonMs: Double?
  }

  /// The whole-process and bridge figures of a case whose inputs are `inputs` and whose kernel
  /// function is `kernelName` (the host path is timed with the in-place run, interleaved).
  func measureProcesses(_ c: Case, inputs: [[Float]], kernelName: String, runs: Int) -> UserPaths {
    var paths = UserPaths()
    guard let dir = try? temporaryDirectory() else { return paths }
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var files: [String] = []
    for (i, (shape, values)) in zip(c.inputs, inputs).enumerated() {
      let path = "\(dir)/in\(i).npy"
      guard let a = try? HostArray(shape: shape, dtype: .float32, values: values), (try? a.writeNPY(to: path)) != nil
      else {
        return paths
      }
      files.append(path)
    }
    let kernelFile = kernelPath(c)
    let keywords = c.literals.sorted { $0.key < $1.key }
    if let executable, !c.file.hasPrefix("<dispatch") {
      var argv: [String] = [executable, "run", kernelFile]
      if let k = c.kernel { argv += ["--kernel", k] }
      if !c.grid.isEmpty { argv += ["--grid", c.grid.map(String.init).joined(separator: ",")] }
      argv += files
      for (name, value) in keywords { argv.append("\(name)=\(value.pythonSource)") }
      argv += ["-o", "\(dir)/out.npy"]
      paths.commandMs = Self.medianWall(argv, runs: 3)
      // The first run of a process apart from the median of the warm ones after it.
      let repeats = Swift.max(runs, 5) + 1
      if let (_, err) = Self.outputs(argv + ["--repeat", String(repeats)]),
        let m = err.firstMatch(of: /trace_ms=([0-9.]+) .*run_ms=([0-9.,]+)/)
      {
        paths.commandTraceMs = Double(m.1)
        let times = m.2.split(separator: ",").compactMap { Double($0) }
        paths.commandFirstRunMs = times.first
        let warm = times.dropFirst().sorted()
        if !warm.isEmpty { paths.commandRunMs = warm[warm.count / 2] }
      }
    }
    if numpy, let expr = c.numpy {
      // x and y: the inputs of the first input's shape; w, b: the vectors; a0, a1, ...: all.
      var names: [String] = []
      var vectors = ["w", "b"].makeIterator()
      for shape in c.inputs {
        if shape.count == 1, let v = vectors.next() {
          names.append(v)
        } else {
          names.append(names.contains("x") ? "y" : "x")
        }
      }
      let loads = zip(names, files).enumerated().map { "\($1.0) = a\($0) = np.load('\($1.1)')" }
        .joined(separator: "; ")
      paths.pythonMs = Self.medianWall(
        ["/usr/bin/env", "python3", "-c", "import numpy as np; \(loads); r = \(expr)"], runs: 3)
    }
    if let bridge = bridgeLibrary, !c.file.hasPrefix("<dispatch") {
      var launch = keywords.map { "\($0.key)=\($0.value.pythonSource)" }
      if !c.grid.isEmpty { launch.append("grid=(\(c.grid.map(String.init).joined(separator: ", ")),)") }
      let kwargs = launch.joined(separator: ", ")
      let script = """
        import importlib.util, os, statistics, sys, time
        sys.path.insert(0, \(pythonStringRepr(pythonPackageDirectory)))
        os.environ['TESSEL_BIN'] = \(pythonStringRepr(bridge))
        import numpy as np, tessel
        from tessel._simulate import last_timings
        spec = importlib.util.spec_from_file_location('k', \(pythonStringRepr(kernelFile)))
        m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
        kernel = getattr(m, \(pythonStringRepr(kernelName)))
        args = [np.load(f) for f in [\(files.map(pythonStringRepr).joined(separator: ", "))]]
        call = lambda: tessel.simulate_kernel(kernel, *args\(kwargs.isEmpty ? "" : ", " + kwargs))
        for _ in range(3):
            call()
        walls, runs = [], []
        start = time.perf_counter()
        # At least \(runs) calls, and more (up to 2000) for half a second: a small call's overhead
        # is a few microseconds, and the first calls of a process are slower.
        while len(walls) < \(runs) or (len(walls) < 2000 and time.perf_counter() - start < 0.5):
            t = time.perf_counter(); call()
            walls.append((time.perf_counter() - t) * 1e3); runs.append(last_timings()['run'] * 1e3)
        print(statistics.median(walls), statistics.median(runs))
        """
      let report = { (why: String) in
        FileHandle.standardError.write(Data("bench: \(c.name): bridge not measured: \(why)\n".utf8))
      }
      if let out = Self.output(["/usr/bin/env", "python3", "-c", script], failure: report) {
        let figures = out.split(separator: " ").compactMap {
          Double($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if figures.count == 2 {
          paths.bridgeMs = figures[0]
          paths.bridgeRunMs = figures[1]
        }
      }
    }
    return paths
  }

  /// The Python bridge's library beside the `tessel` executable, when it was built.
  var bridgeLibrary: String? {
    guard let executable else { return nil }
    let dir = URL(fileURLWithPath: executable).deletingLastPathComponent()
    for name in ["libTesselBridge.so", "libTesselBridge.dylib"] {
      let path = dir.appendingPathComponent(name).path
      if FileManager.default.fileExists(atPath: path) { return path }
    }
    return nil
  }

  /// The `python/` directory of the checkout the kernels come from.
  var pythonPackageDirectory: String {
    URL(fileURLWithPath: kernelsDirectory).deletingLastPathComponent().appendingPathComponent("python").path
  }

  /// The median wall time in ms of running `argv` to completion, or nil when it fails.
  static func medianWall(_ argv: [String], runs: Int) -> Double? {
    var times: [Double] = []
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      guard output(argv) != nil else { return nil }
      times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times.sorted()[times.count / 2]
  }

  /// The standard output of `argv`, or nil when it cannot start or exits non-zero (then the last
  /// line of its standard error goes to `failure`).
  static func output(_ argv: [String], failure: ((String) -> Void)? = nil) -> String? {
    outputs(argv, failure: failure)?.out
  }

  /// The standard output and standard error of `argv`, or nil when it cannot start or exits
  /// non-zero (then the last line of its standard error goes to `failure`).
  static func outputs(_ argv: [String], failure: ((String) -> Void)? = nil) -> (out: String, err: String)? {
    guard let first = argv.first else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: first)
    p.arguments = Array(argv.dropFirst())
    let out = Pipe()
    // Standard error goes to a file, so that neither stream can fill up and block the child.
    let errPath = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-bench-\(UUID().uuidString).err")
      .path
    guard FileManager.default.createFile(atPath: errPath, contents: nil),
      let err = FileHandle(forWritingAtPath: errPath)
    else {
      return nil
    }
    defer {
      try? err.close()
      try? FileManager.default.removeItem(atPath: errPath)
    }
    p.standardOutput = out
    p.standardError = err
    do { try p.run() } catch { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let errText = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
    if p.terminationStatus != 0 {
      failure?(errText.split(separator: "\n").last.map(String.init) ?? "exit status \(p.terminationStatus)")
      return nil
    }
    return (String(decoding: data, as: UTF8.self), errText)
  }

  /// A fresh directory for a case's `.npy` files.
  func temporaryDirectory() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
  }

  /// The user-path table: each path's time and its ratio to the in-place run.
  public static func userPathTable(_ results: [Result]) -> String {
    func f(_ x: Double?, _ d: Int = 2) -> String { TextTable.number(x, d) }
    let header = [
      "case", "run", "host", "host/run", "cli run", "cli/run", "cli 1st", "trace", "cli trace", "bridge",
      "bridge/run", "bridge-run", "tessel run", "python3 -c",
    ]
    var rows = [header]
    for r in results {
      let p = r.userPaths
      rows.append([
        r.name, f(r.runMs), f(p.hostMs), f(p.hostMs.map { $0 / r.runMs }), f(p.commandRunMs),
        f(p.commandRunMs.map { $0 / r.runMs }), f(p.commandFirstRunMs), f(r.traceMs, 1), f(p.commandTraceMs, 1),
        f(p.bridgeMs),
        f(p.bridgeMs.map { $0 / r.runMs }), f(zip2(p.bridgeMs, p.bridgeRunMs).map { $0 - $1 }), f(p.commandMs, 1),
        f(p.pythonMs, 1),
      ])
    }
    let title =
      "user paths (ms): host = run(hostArrays:), cli run = `tessel run --repeat` per warm run (cli 1st: its first"
      + " run; cli trace: its trace),"
      + " bridge = simulate_kernel per call (bridge-run: its overhead), tessel run / python3 -c = one whole process"
    return title + "\n" + TextTable.render(rows)
  }
}

/// Both values, when both are present.
private func zip2(_ a: Double?, _ b: Double?) -> (Double, Double)? {
  guard let a, let b else { return nil }
  return (a, b)
}

extension PythonLiteral {
  /// The literal as Python source (for a command line or a script).
  var pythonSource: String {
    switch self {
    case .int(let i): return String(i)
    case .float(let f): return "\(f)"
    case .bool(let b): return b ? "True" : "False"
    case .none: return "None"
    case .string(let s): return pythonStringRepr(s)
    case .tuple(let xs): return "(" + xs.map(\.pythonSource).joined(separator: ", ") + (xs.count == 1 ? ",)" : ")")
    }
  }
}
