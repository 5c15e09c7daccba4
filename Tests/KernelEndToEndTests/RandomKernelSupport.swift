import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupport
import Testing

// Shared pieces of the random kernel generators (RandomRowwiseKernel, RandomMatmulKernel,
// RandomLoopKernel): seeded choices, a reference number that carries its own error bound, and
// the runner that traces a generated source, runs it and compares every output element.
//
// The references are plain loops written from NKI's semantics (`docs/nki-rules.md`, `docs/numerics.md`):
// engines compute in fp32, every result tile is rounded to its dtype, a tile op a tile gives
// the promoted dtype, a Python float is a weak fp32 scalar, matmul accumulates fp32 in PSUM, and
// a store rounds to the HBM tensor's dtype. Nothing in them calls Tessel.

/// Seeded random choices for a kernel generator: the same seed always builds the same kernel.
struct KernelChooser {
  /// The underlying SplitMix64 stream.
  var generator: SeededGenerator

  /// Creates a chooser for one generated case; `salt` keeps the families' streams apart.
  init(seed: UInt64, salt: UInt64) {
    generator = SeededGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15 ^ salt)
  }

  /// A uniform integer in `0..<n` (`n > 0`; the modulo bias is negligible for small `n`).
  mutating func below(_ n: Int) -> Int {
    Int(generator.next() % UInt64(n))
  }

  /// One element of `choices`, uniformly.
  mutating func pick<T>(_ choices: [T]) -> T {
    choices[below(choices.count)]
  }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool {
    generator.nextUnitDouble() < p
  }

  /// `count` values uniform in `range`, already rounded to `dtype` (so HBM holds them exactly).
  mutating func values(_ count: Int, in range: ClosedRange<Float>, dtype: DType) -> [Float] {
    (0..<count).map { _ in
      let x = range.lowerBound + generator.nextUnitFloat() * (range.upperBound - range.lowerBound)
      return dtype == .bfloat16 ? roundToBFloat16(x) : x
    }
  }
}

/// The NKI spelling of a dtype the generators use (`nl.float32`, `nl.bfloat16`).
func nkiDType(_ d: DType) -> String { "nl.\(d.nkiName)" }

/// NKI's promotion for the two float dtypes the generators use: the wider one wins.
func promoted(_ a: DType, _ b: DType) -> DType { a == .float32 || b == .float32 ? .float32 : a }

/// A reference value (an fp32 number) with a bound on how far a correct kernel's value may be.
///
/// Every operation computes its value the way NKI defines it (fp32 arithmetic) and widens the
/// bound by what a correct implementation may legitimately do differently: round a sum in
/// another order, evaluate a transcendental function one ulp apart, or land on the other side
/// of a rounding tie when the result is narrowed to bf16. Bounds are first-order exact for the
/// operations used (Lipschitz constants, not estimates), so a wrong broadcast, a wrong axis, a
/// lost mask or a skipped loop iteration shows up as a difference far outside them.
struct Bounded {
  /// The reference value.
  var value: Float
  /// The largest absolute difference a correct kernel may show.
  var error: Double

  /// An exact value (an input element).
  init(_ value: Float, error: Double = 0) {
    self.value = value
    self.error = error
  }

  /// A relative slack of `ulps` fp32 ulps around `v`.
  static func slack(_ v: Float, ulps: Double = 1) -> Double { ulps * 0x1p-23 * Swift.abs(Double(v)) }

  /// This value rounded to `dtype` as a tile or HBM store of that dtype rounds it (RNE).
  func stored(as dtype: DType) -> Bounded {
    guard dtype == .bfloat16 else { return self }
    let r = roundToBFloat16(value)
    // Either side may round a slightly different fp32 value across a bf16 tie: one bf16 ulp.
    return Bounded(r, error: error + 0x1p-7 * Swift.max(Swift.abs(Double(r)), Swift.abs(Double(value))))
  }

  /// `nl.add`, `nl.subtract`, `nl.multiply`, `nl.maximum`, `nl.minimum` in fp32.
  static func binary(_ f: String, _ a: Bounded, _ b: Bounded) -> Bounded {
    let p = a.value
    let q = b.value
    switch f {
    case "add": return Bounded(p + q, error: a.error + b.error + slack(p + q))
    case "subtract": return Bounded(p - q, error: a.error + b.error + slack(p - q))
    case "multiply":
      let e = Swift.abs(Double(p)) * b.error + Swift.abs(Double(q)) * a.error + a.error * b.error
      return Bounded(p * q, error: e + slack(p * q))
    case "maximum": return Bounded(Swift.max(p, q), error: Swift.max(a.error, b.error))
    case "minimum": return Bounded(Swift.min(p, q), error: Swift.max(a.error, b.error))
    default: preconditionFailure("no reference for nl.\(f)")
    }
  }

  /// The activation functions the generators use, computed in Double and rounded to fp32.
  static func unary(_ f: String, _ a: Bounded) -> Bounded {
    let x = Double(a.value)
    let e = a.error
    switch f {
    case "negative": return Bounded(-a.value, error: e)
    case "abs": return Bounded(Swift.abs(a.value), error: e)
    case "square":
      let v = a.value * a.value
      return Bounded(v, error: 2 * Swift.abs(x) * e + e * e + slack(v))
    case "tanh":
      let v = Float(Foundation.tanh(x))
      return Bounded(v, error: e + slack(v, ulps: 4))
    case "sigmoid":
      let v = Float(1 / (1 + Foundation.exp(-x)))
      return Bounded(v, error: e / 4 + slack(v, ulps: 4))
    case "exp":
      let v = Float(Foundation.exp(x))
      return Bounded(v, error: Double(v) * Foundation.expm1(e) * 2 + slack(v, ulps: 4))
    default: preconditionFailure("no reference for nl.\(f)")
    }
  }

  /// A free-axis reduction (`nl.sum`, `nl.max`, `nl.min`, `nl.mean`) of one partition's elements.
  static func reduce(_ f: String, _ xs: [Bounded]) -> Bounded {
    switch f {
    case "max", "min":
      var best = xs[0]
      for x in xs.dropFirst() {
        if f == "max" ? x.value > best.value : x.value < best.value { best.value = x.value }
        best.error = Swift.max(best.error, x.error)
      }
      return best
    default:
      // Any summation order is correct: fp32 recursive summation is within n·u·Σ|x| of the sum.
      var sum = 0.0
      var abs = 0.0
      var e = 0.0
      for x in xs {
        sum += Double(x.value)
        abs += Swift.abs(Double(x.value))
        e += x.error
      }
      let n = Double(xs.count)
      e += n * 0x1p-24 * abs
      if f == "mean" { return Bounded(Float(sum / n), error: e / n + slack(Float(sum / n), ulps: 2)) }
      return Bounded(Float(sum), error: e + slack(Float(sum)))
    }
  }
}

/// One generated case: NKI source, its input arrays, and the reference of every output.
struct GeneratedKernel {
  /// The family and seed, for the failure message.
  var name: String
  /// The NKI source; its kernel is `k`.
  var source: String
  /// The kernel's positional arguments.
  var inputs: [HostArray]
  /// Per output, in return order: its shape and a bounded reference for each element.
  var expected: [(shape: [Int], values: [Bounded])]

  /// A case named after its family and seed; `inputs` are shapes and values in `dtype`.
  init(
    family: String, seed: UInt64, mutant: Bool, source: String, dtype: DType,
    inputs: [([Int], [Float])], expected: [(shape: [Int], values: [Bounded])]
  ) throws {
    name = "\(family) seed \(seed)\(mutant ? " (mutant)" : "")"
    self.source = source
    self.inputs = try inputs.map { try HostArray(shape: $0.0, dtype: dtype, values: $0.1) }
    self.expected = expected
  }
}

/// The elements of `actual` that lie outside their bounds, as readable lines (at most `limit`).
///
/// An element passes when both sides are NaN, when they are equal (same infinity included), or
/// when `|actual - expected| <= 2 * bound` (a factor of two over the derived bound, plus the
/// smallest normal float for results at zero).
func outOfBounds(_ actual: [Float], _ expected: [Bounded], shape: [Int], limit: Int = 5) -> (
  count: Int, lines: [String]
) {
  guard actual.count == expected.count else {
    return (
      Swift.max(actual.count, expected.count),
      ["\(actual.count) elements, expected \(expected.count) for shape \(shape)"]
    )
  }
  var count = 0
  var lines: [String] = []
  let cols = shape.dropFirst().reduce(1, *)
  for (i, (a, b)) in zip(actual, expected).enumerated() {
    if a == b.value || (a.isNaN && b.value.isNaN) { continue }
    let d = Double(a) - Double(b.value)
    if b.value.isFinite && Swift.abs(d) <= 2 * b.error + Double(Float.leastNormalMagnitude) { continue }
    count += 1
    if lines.count < limit {
      lines.append(
        "  [\(i / Swift.max(1, cols)), \(i % Swift.max(1, cols))]: got \(a), expected \(b.value) ± \(2 * b.error)")
    }
  }
  return (count, lines)
}

/// Traces and runs `k`, returning a description of every difference from its reference
/// (empty when the kernel matches); a trace or run error is itself a difference.
func differences(_ k: GeneratedKernel) -> [String] {
  let traced: TracedKernel
  let result: HostRunResult
  do {
    let arguments = k.inputs.map { KernelArgument.tensor(shape: $0.shape, dtype: $0.dtype ?? .float32) }
    traced = try NKIFile(source: k.source, file: "\(k.name).py").trace(arguments: arguments)
    result = try Interpreter(kernel: traced.kernel).run(hostArrays: k.inputs)
  } catch {
    return ["does not run: \(error)"]
  }
  var found: [String] = []
  if result.outputs.count != k.expected.count {
    found.append("\(result.outputs.count) outputs, expected \(k.expected.count)")
  }
  for (i, (out, ref)) in zip(result.outputs, k.expected).enumerated() {
    if out.shape != ref.shape { found.append("output \(i) has shape \(out.shape), expected \(ref.shape)") }
    let (count, lines) = outOfBounds(out.floatValues(), ref.values, shape: ref.shape)
    if count > 0 {
      found.append("output \(i): \(count) of \(ref.values.count) elements out of bounds")
      found += lines
    }
  }
  found += result.report.warnings.map { "warning: \($0.message)" }
  return found
}

/// Records an issue naming the case and printing its source when it differs from its reference.
func expectMatchesReference(_ k: GeneratedKernel, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
  let found = differences(k)
  #expect(found.isEmpty, "\(k.name):\n\(found.joined(separator: "\n"))\n\(k.source)", sourceLocation: sourceLocation)
}
