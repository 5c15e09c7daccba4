import Tessel
import Testing

/// Traces an NKI kernel file for the given host arrays and runs it: one call for a kernel test.
///
/// Tensor arguments are bound to the kernel's parameters in order (`arguments`), then by name
/// (`keywordArrays`); `literals` binds compile-time parameters (`eps`, block sizes, flags).
///
/// ```swift
/// let x = HostArray(shape: [300, 64], dtype: .float32, values: randomArray(count: 300 * 64, seed: 1))
/// let result = try runNKIKernel("kernels/softmax.py", [x])
/// expectClose(result.outputs[0], referenceSoftmax(x.floatValues(), rows: 300, cols: 64), dtype: .float32)
/// ```
///
/// The run is strict by default: a trace or run that warns (a read of never-written memory,
/// output elements never written, a converted argument, an argument the dialect ignores) throws
/// ``KernelWarnings``, so that a test cannot
/// pass on values that happen not to be compared. Pass `allowWarnings: true` to get the result
/// anyway and inspect `result.report.warnings` (or check them with ``expectNoWarnings(_:sourceLocation:)``).
///
/// - Throws: `TraceError` for a kernel that does not trace or verify, `KernelError` for a fault
///   while running, ``KernelWarnings`` for a run that warned (unless `allowWarnings`).
public func runNKIKernel(
  _ path: String, kernel: String? = nil, _ arguments: [HostArray], keywordArrays: [String: HostArray] = [:],
  literals: [String: PythonLiteral] = [:], grid: [Int] = [], target: Target = .trn2, allowWarnings: Bool = false
) throws -> HostRunResult {
  let file = try NKIFile.load(path: path)
  func tensor(_ a: HostArray) -> KernelArgument { .tensor(shape: a.shape, dtype: a.dtype ?? .float32) }
  var keywords: [String: KernelArgument] = literals.mapValues { .literal($0) }
  for (k, a) in keywordArrays { keywords[k] = tensor(a) }
  let traced = try file.trace(
    kernel: kernel, arguments: arguments.map(tensor), keywords: keywords, grid: grid, target: target)
  // Parameters are positional tensors in order, then keyword tensors by sorted name.
  let data = arguments + keywordArrays.sorted { $0.key < $1.key }.map(\.value)
  let result = try Interpreter(kernel: traced.kernel, options: RunOptions(target: target)).run(hostArrays: data)
  let warnings = (traced.warnings + result.report.warnings).filter { $0.severity == .warning }
  if !allowWarnings && !warnings.isEmpty { throw KernelWarnings(warnings: warnings, source: file.source, file: path) }
  return result
}

/// Compares a host array with expected values (the shape comes from the array), recording an
/// issue at the caller on failure.
///
/// Tolerances default to the array's dtype.
@discardableResult
public func expectClose(
  _ actual: HostArray, _ expected: [Float], dtype: ToleranceDType? = nil,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> CloseReport {
  let tol: ToleranceDType
  if let dtype {
    tol = dtype
  } else {
    switch actual.dtype {
    case .bfloat16?: tol = .bfloat16
    case .float16?: tol = .float16
    case .float8e4m3?, .float8e5m2?, .float8e4m3fn?: tol = .float8
    default: tol = .float32
    }
  }
  return expectClose(actual.floatValues(), expected, shape: actual.shape, dtype: tol, sourceLocation: sourceLocation)
}
