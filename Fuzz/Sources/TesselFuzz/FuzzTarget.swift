import Tessel

/// Every kernel parameter without a default gets one of these.
let fuzzArgument = KernelArgument.tensor(shape: [8, 16], dtype: .float32)

/// Small limits, so that a runaway kernel is an error, not a hang or an out-of-memory.
let fuzzRunOptions: RunOptions = {
  var o = RunOptions(maxInstructions: 100_000, maxMemoryBytes: 64 << 20)
  o.parallel = false  // one core: no worker threads
  return o
}()

/// The libFuzzer entry point: the bytes are kernel source.
///
/// Errors are expected; traps, hangs and sanitizer reports are findings.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
  let source = String(decoding: bytes, as: UTF8.self)
  guard let file = try? NKIFile(source: source, file: "fuzz.py") else { return 0 }
  for name in file.kernelNames {
    guard let def = functionDef(named: name, in: file.module) else { continue }
    let ps = def.parameters
    let positional = (ps.positionalOnly + ps.positional).filter { $0.defaultValue == nil }
    var keywords: [String: KernelArgument] = [:]
    for p in ps.keywordOnly where p.defaultValue == nil { keywords[p.name] = fuzzArgument }
    guard
      let traced = try? file.trace(
        kernel: name, arguments: Array(repeating: fuzzArgument, count: positional.count), keywords: keywords,
        grid: [], limits: TraceLimits(maxSeconds: 1))
    else { continue }
    guard let interpreter = try? Interpreter(kernel: traced.kernel, options: fuzzRunOptions) else { continue }
    let kernel = traced.kernel
    let arguments = kernel.parameters.map { p in
      let n = kernel[p.tensor].elementCount
      return (0..<n).map { Float($0 % 7) - 3 }
    }
    _ = try? interpreter.run(arguments)
  }
  return 0
}

/// The last top-level `def` with this name (the one a trace binds).
func functionDef(named name: String, in module: Module) -> FunctionDef? {
  var found: FunctionDef?
  for s in module.statements {
    if case .functionDef(let f) = s.kind, f.name == name { found = f }
  }
  return found
}
