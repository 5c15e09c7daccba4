import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// SPMD program instances that write the same elements of an output the kernel creates: equal
/// values are accepted (with a warning), different values are a located dependence error.
@Suite("SPMD instances writing the same output elements")
struct SharedSPMDWriteTests {
  /// Traces `source` on `grid` and runs it on `arrays`.
  func run(_ source: String, _ arrays: [HostArray], grid: [Int]) throws -> (Kernel, HostRunResult) {
    let file = try NKIFile(source: source, file: "s.py")
    let traced = try file.trace(
      arguments: arrays.map { .tensor(shape: $0.shape, dtype: $0.dtype ?? .float32) }, grid: grid)
    return (traced.kernel, try Interpreter(kernel: traced.kernel).run(hostArrays: arrays))
  }

  /// Every instance stores `2 * x[rows from pid * read]` into rows `[pid * step, pid * step + 128)`
  /// of `out` (`[rows, f]`): with `read == step` the instances sharing a row write equal values.
  static func source(rows: Int, step: Int, read: Int) -> String {
    """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def k(x):
        out = nl.ndarray((\(rows), x.shape[1]), dtype=x.dtype, buffer=nl.shared_hbm)
        pid = nl.program_id(0)
        t = nl.load(x[pid * \(read):pid * \(read) + 128, :])
        r = nl.multiply(t, 2.0)
        nl.store(out[pid * \(step):pid * \(step) + 128, :], value=r)
        return out
    """
  }

  @Test(
    "equal writes: the whole output in every instance, or overlapping row blocks, match plain loops",
    arguments: [(3, 0), (4, 32), (2, 64)])
  func equalWrites(instances: Int, step: Int) throws {
    let rows = step * (instances - 1) + 128
    let f = 7
    let x = (0..<(rows * f)).map { Float(($0 * 29) % 97) / 4 - 9 }
    let (kernel, r) = try run(
      Self.source(rows: rows, step: step, read: step),
      [try HostArray(shape: [rows, f], dtype: .float32, values: x)], grid: [instances])
    #expect(kernel.sharedWrites.count == 1)
    let out = r.outputs[0].floatValues()
    for i in 0..<(rows * f) { #expect(out[i] == x[i] * 2, "out[\(i / f), \(i % f)]") }
    let warnings = r.report.warnings.filter { $0.message.contains("SPMD program instances write the same elements") }
    #expect(warnings.count == 1)
    #expect(warnings.first?.location?.line == 10)
  }

  @Test("different values in a shared element are a located error naming both instances and both values")
  func differentWrites() throws {
    let f = 3
    let x = (0..<(161 * f)).map { Float($0 % 11) }
    let source = Self.source(rows: 160, step: 32, read: 33)
    let error = #expect(throws: KernelError.self) {
      try run(source, [try HostArray(shape: [161, f], dtype: .float32, values: x)], grid: [2])
    }
    guard case .dependence(let d)? = error?.kind else {
      Issue.record("expected a dependence error, got \(String(describing: error))")
      return
    }
    // Row 32 is the first shared row: instance 0 writes 2·x[32], instance 1 writes 2·x[33].
    #expect(d.element == [32, 0])
    #expect(d.first.iteration == [0])
    #expect(d.second.iteration == [1])
    #expect(d.differingValues == [x[32 * f] * 2, x[33 * f] * 2])
    #expect(error?.location.line == 10)
    #expect(
      error?.message.hasPrefix(
        "Unexpected output dependencies: `out[32, 0]` is written with different values by program instances (0) and (1) of the SPMD grid [2]"
      ) == true, "\(error?.message ?? "")")
  }

  @Test("instances writing disjoint rows record no shared write and give no warning")
  func disjointWrites() throws {
    let f = 5
    let x = (0..<(256 * f)).map { Float($0 % 13) }
    let (kernel, r) = try run(
      Self.source(rows: 256, step: 128, read: 128), [try HostArray(shape: [256, f], dtype: .float32, values: x)],
      grid: [2])
    #expect(kernel.sharedWrites.isEmpty)
    #expect(!r.report.warnings.contains { $0.message.contains("SPMD program instances") })
    let out = r.outputs[0].floatValues()
    for i in 0..<(256 * f) { #expect(out[i] == x[i] * 2) }
  }

  /// ``source(rows:step:read:)`` storing through a reshaped view: `out` is `[rows / 2, 2 f]` and
  /// the instances write rows of `view = out.reshape((rows, f))`.
  static func viewSource(rows: Int, f: Int, step: Int, read: Int) -> String {
    """
    import neuronxcc.nki as nki
    import neuronxcc.nki.language as nl

    @nki.jit
    def k(x):
        out = nl.ndarray((\(rows / 2), \(2 * f)), dtype=x.dtype, buffer=nl.shared_hbm)
        view = out.reshape((\(rows), \(f)))
        pid = nl.program_id(0)
        t = nl.load(x[pid * \(read):pid * \(read) + 128, :])
        nl.store(view[pid * \(step):pid * \(step) + 128, :], value=nl.multiply(t, 2.0))
        return out
    """
  }

  @Test("writes through a view are told on the tensor that owns the storage, at its own element")
  func viewNamesTheOwner() throws {
    let f = 3
    let x = (0..<(161 * f)).map { Float($0 % 11) }
    let error = #expect(throws: KernelError.self) {
      try run(
        Self.viewSource(rows: 160, f: f, step: 32, read: 33),
        [try HostArray(shape: [161, f], dtype: .float32, values: x)], grid: [2])
    }
    guard case .dependence(let d)? = error?.kind else {
      Issue.record("expected a dependence error, got \(String(describing: error))")
      return
    }
    // Row 32 of the view, element 0, is element 32·3 = 96 of out's rows of 6: out[16, 0].
    #expect(d.tensor == "out")
    #expect(d.element == [16, 0])
    #expect(error?.message.contains("`out[16, 0]` is written with different values") == true, "\(error?.message ?? "")")

    let y = (0..<(160 * f)).map { Float($0 % 7) }
    let (kernel, r) = try run(
      Self.viewSource(rows: 160, f: f, step: 32, read: 32),
      [try HostArray(shape: [160, f], dtype: .float32, values: y)], grid: [2])
    #expect(kernel.sharedWrites.count == 1)
    let warning = try #require(r.report.warnings.first { $0.message.contains("SPMD program instances write") })
    #expect(warning.message.contains("`out[16, 0]`"), "\(warning.message)")
    #expect(!warning.message.contains("view"), "\(warning.message)")
    let out = r.outputs[0].floatValues()
    for i in 0..<(160 * f) { #expect(out[i] == y[i] * 2, "out element \(i)") }
  }

  @Test("a grid of 300 instances (2-byte writer ids) writing equal values into shared rows")
  func manyInstances() throws {
    // Instance p writes rows [p, p + 128): row r is written by up to 128 instances.
    let f = 2
    let x = (0..<(427 * f)).map { Float($0 % 13) - 6 }
    let (kernel, r) = try run(
      Self.source(rows: 427, step: 1, read: 1), [try HostArray(shape: [427, f], dtype: .float32, values: x)],
      grid: [300])
    #expect(kernel.sharedWrites.count == 1)
    let out = r.outputs[0].floatValues()
    for i in 0..<(427 * f) { #expect(out[i] == x[i] * 2, "out[\(i / f), \(i % f)]") }
  }
}
