import TesselIR
import TesselInterpreter
import Testing

/// ``ParameterSource/inPlaceFilling(_:fill:)``: a written parameter's memory is filled only where
/// the kernel leaves it unwritten when the kernel never reads it, and wholly before the run
/// otherwise; either way the memory ends up holding the parameter's final contents.
@Suite("Parameters filled only where the kernel leaves them unwritten")
struct InPlaceFillingTests {
  /// Runs `kernel` with `a` read in place and `c` (initially `initial`) given as
  /// `.inPlaceFilling` over memory that starts as `garbage`; returns `c`'s final contents and the
  /// ranges `fill` was called for.
  func run(_ kernel: Kernel, a: [Float], initial: [Float], options: RunOptions = RunOptions()) throws -> (
    c: [Float], fills: [Range<Int>]
  ) {
    var c = Array(repeating: Float(123_456), count: initial.count)
    var fills: [Range<Int>] = []
    try a.withUnsafeBufferPointer { a in
      try c.withUnsafeMutableBufferPointer { c in
        let source = ParameterSource.inPlaceFilling(c) { range, memory in
          fills.append(range)
          for i in range { memory[i] = initial[i] }
        }
        _ = try Interpreter(kernel: kernel, options: options).run(sources: [.readOnly(a), source], results: [])
      }
    }
    return (c, fills)
  }

  @Test(
    "a write-only output parameter is filled only in the rows no instance writes",
    arguments: [(128, 2), (64, 1), (192, 2), (192, 3), (448, 3)])
  func writeOnly(rows: Int, instances: Int) throws {
    let k = try spmdKernel(rows: rows, instances: instances)
    let a = (0..<(rows * 8)).map { Float($0) * 0.5 }
    let initial = (0..<(rows * 8)).map { -Float($0) - 1 }
    let (c, fills) = try run(k, a: a, initial: initial)
    // Plain loops: instance i writes rows 64i..<64i+64 with a + 1; the others keep the initial values.
    let covered = min(instances, rows / 64) * 64 * 8
    #expect(c == (0..<(rows * 8)).map { $0 < covered ? a[$0] + 1 : initial[$0] })
    #expect(fills == (covered < rows * 8 ? [covered..<(rows * 8)] : []))
  }

  @Test("a parameter the kernel reads is filled whole before the run", arguments: [(128, 2), (192, 2)])
  func readParameter(rows: Int, instances: Int) throws {
    let k = try spmdKernel(rows: rows, instances: instances, accumulating: true)
    let a = (0..<(rows * 8)).map { Float($0 % 97) }
    let initial = (0..<(rows * 8)).map { Float($0 % 13) - 6 }
    let (c, fills) = try run(k, a: a, initial: initial)
    let covered = min(instances, rows / 64) * 64 * 8
    #expect(c == (0..<(rows * 8)).map { $0 < covered ? a[$0] + 1 + initial[$0] : initial[$0] })
    #expect(fills == [0..<(rows * 8)])
  }

  @Test("tracked and serial runs fill the whole parameter first and give the same values")
  func trackedRun() throws {
    let k = try spmdKernel(rows: 192, instances: 2)
    let a = (0..<(192 * 8)).map { Float($0) }
    let initial = Array(repeating: Float(-3), count: 192 * 8)
    var tracked = RunOptions()
    tracked.trackUninitializedOrigins = true
    let (c, fills) = try run(k, a: a, initial: initial, options: tracked)
    let expected: [Float] = (0..<(192 * 8)).map { i in i < 128 * 8 ? a[i] + 1 : -3 }
    #expect(c == expected)
    #expect(fills == [0..<(192 * 8)])
    var serial = RunOptions()
    serial.parallel = false
    #expect(try run(k, a: a, initial: initial, options: serial).c == c)
  }

  @Test("a parameter written through an alias of its storage is filled whole first")
  func aliasWrite() throws {
    var b = KernelBuilder(name: "alias")
    let a = b.addParameter(name: "a", shape: [1, 1], dtype: .float32)
    let io = b.addParameter(name: "io", shape: [3, 4], dtype: .float32)
    let flat = b.declareAlias(name: "io_flat", of: io, shape: [12])
    let t = b.declareTensor(name: "t", space: .sbuf, shape: [1, 5], dtype: .float32)
    b.emit(.memset(dst: .whole(t, shape: [1, 5]), value: 7))
    b.emit(
      .dmaCopy(
        dst: View(
          tensor: flat, start: [AffineExpr(constant: 2)],
          dims: [.broadcast(rank: 1, count: 1), .along(0, of: 1, count: 5)]), src: .whole(t, shape: [1, 5])))
    _ = a
    let k = try b.finish(target: .trn2)
    let initial = (0..<12).map { Float($0) }
    let (c, fills) = try run(k, a: [0], initial: initial)
    #expect(c == [0, 1, 7, 7, 7, 7, 7, 7, 8, 9, 10, 11])
    #expect(fills == [0..<12])
  }
}
