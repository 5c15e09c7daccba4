import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupport
import Testing

/// Traces an NKI kernel given as text and runs it with origin tracking on `args`.
private func runTracking(_ body: String, _ args: [HostArray]) throws -> HostRunResult {
  let source = originKernelHeader + body
  let traced = try NKIFile(source: source, file: "origins.py")
    .trace(arguments: args.map { .tensor(shape: $0.shape, dtype: $0.dtype ?? .float32) }, target: .trn2)
  var options = RunOptions(target: .trn2)
  options.trackUninitializedOrigins = true
  return try Interpreter(kernel: traced.kernel, options: options).run(hostArrays: args)
}

private let originKernelHeader = """
  from neuronxcc import nki
  import neuronxcc.nki.language as nl


  @nki.jit

  """

/// The 1-based line of the kernel text (after the header) that ends with `# marker`.
private func line(_ body: String, _ marker: String) -> Int {
  let lines = (originKernelHeader + body).split(separator: "\n", omittingEmptySubsequences: false)
  return (lines.firstIndex { $0.hasSuffix("# \(marker)") } ?? -1) + 1
}

/// Origins by "output <- operation tensor.operand @line", each the set of output elements (row-major).
private func origins(_ r: HostRunResult) -> [String: Set<Int>] {
  var out: [String: Set<Int>] = [:]
  for o in r.report.uninitializedOrigins {
    let key = "\(o.output) <- \(o.read.operation) \(o.read.tensor).\(o.read.operand) @\(o.read.location.line)"
    #expect(out[key] == nil, "two origins with the key \(key)")
    out[key] = Set(o.elements)
  }
  return out
}

/// The elements `(i, j)` of a `[rows, cols]` tensor for which `keep` holds, as row-major indices.
private func region(_ rows: Int, _ cols: Int, where keep: (Int, Int) -> Bool) -> Set<Int> {
  var s = Set<Int>()
  for i in 0..<rows { for j in 0..<cols where keep(i, j) { s.insert(i * cols + j) } }
  return s
}

private func ones(_ shape: [Int], _ dtype: DType = .float32) throws -> HostArray {
  try HostArray(shape: shape, dtype: dtype, values: Array(repeating: 1, count: shape.reduce(1, *)))
}

/// NKI kernels that read never-written memory: each test computes, with plain loops over the
/// kernel's semantics, which output elements derive from which read, and compares with the report.
@Suite("Origins of never-written reads in NKI kernels")
struct UninitializedOriginKernelTests {
  @Test("an SBUF tile half loaded, then added: the unloaded columns of the output, with the exact warning")
  func partialTile() throws {
    let body = """
      def partial_tile(a, b):
          c = nl.ndarray((128, 8), dtype=a.dtype, buffer=nl.shared_hbm)
          t = nl.ndarray((128, 8), dtype=nl.float32, buffer=nl.sbuf)
          t[:, 0:4] = nl.load(a[:, 0:4])
          u = nl.load(b)
          s = nl.add(t, u)  # read
          nl.store(c, value=s)
          return c
      """
    let r = try runTracking(body, [try ones([128, 8]), try ones([128, 8])])
    let at = line(body, "read")
    #expect(origins(r) == ["c <- tensor_tensor t.data1 @\(at)": region(128, 8) { _, j in j >= 4 }])
    let o = try #require(r.report.uninitializedOrigins.first)
    #expect(
      o.message
        == "output `c` elements [0:128, 4:8] (512 of 1024) derive from the read of never-written `t` by 'tensor_tensor' at line \(at)"
    )
    #expect(o.read.elementCount == 512 && o.read.firstElement == [0, 4])
    // Every element of `c` was written, so the tracked run does not call any of it unwritten.
    #expect(!r.report.warnings.contains { $0.message.contains("never wrote") })
  }

  @Test("an int32 tile never written, added and stored: every output element")
  func int32() throws {
    let body = """
      def int_add(a):
          c = nl.ndarray((128, 8), dtype=nl.int32, buffer=nl.shared_hbm)
          t = nl.ndarray((128, 8), dtype=nl.int32, buffer=nl.sbuf)
          u = nl.load(a)
          s = nl.add(t, u)  # read
          nl.store(c, value=s)
          return c
      """
    let r = try runTracking(body, [try ones([128, 8], .int32)])
    #expect(origins(r) == ["c <- tensor_tensor t.data1 @\(line(body, "read"))": Set(0..<1024)])
  }

  @Test("an fp8 (float8_e4m3) tile partly loaded, then scaled")
  func fp8() throws {
    let body = """
      def fp8_scale(a):
          c = nl.ndarray((64, 8), dtype=nl.float8_e4m3, buffer=nl.shared_hbm)
          t = nl.ndarray((64, 8), dtype=nl.float8_e4m3, buffer=nl.sbuf)
          t[:, 0:3] = nl.load(a[:, 0:3])
          s = nl.multiply(t, 2.0, dtype=nl.float8_e4m3)  # read
          nl.store(c, value=s)
          return c
      """
    let r = try runTracking(body, [try ones([64, 8], .float8e4m3)])
    #expect(origins(r) == ["c <- tensor_scalar t.data @\(line(body, "read"))": region(64, 8) { _, j in j >= 3 }])
  }

  @Test("comparisons hide the NaN but not the origin; where picks by the tainted predicate; an output parameter")
  func comparison() throws {
    let body = """
      def compare(a, b, out):
          c = nl.ndarray((32, 16), dtype=nl.float32, buffer=nl.shared_hbm)
          t = nl.ndarray((32, 16), dtype=nl.float32, buffer=nl.sbuf)
          t[0:16, :] = nl.load(a[0:16, :])
          u = nl.load(b)
          g = nl.greater(t, u)  # greater
          e = nl.equal(t, u)
          nl.store(c, value=nl.add(g, e))
          nl.store(out, value=nl.where(g, u, t))
          return c
      """
    let r = try runTracking(body, [try ones([32, 16]), try ones([32, 16]), try ones([32, 16])])
    // Rows 16... of t were never written. `greater` reads them first (the lowest origin wins
    // where `equal`'s and `where`'s reads meet it).
    let rows = region(32, 16) { i, _ in i >= 16 }
    let at = line(body, "greater")
    #expect(origins(r) == ["c <- tensor_tensor t.data1 @\(at)": rows, "out <- tensor_tensor t.data1 @\(at)": rows])
    #expect(r.outputs[0].floatValues().allSatisfy { !$0.isNaN })
    let p = try #require(r.report.uninitializedOrigins.last)
    #expect(p.isParameter)
    #expect(p.message.hasPrefix("parameter `out` elements [16:32, 0:16] (256 of 512) derive from"))
  }

  @Test(
    "matmul: a stationary column taints an output row, a moving column an output column",
    arguments: [(true, false), (false, true), (true, true)])
  func matmul(holes: (stationary: Bool, moving: Bool)) throws {
    let body = """
      def mm(lhsT, rhs):
          result = nl.ndarray((16, 24), dtype=nl.float32, buffer=nl.shared_hbm)
          s = nl.ndarray((32, 16), dtype=nl.float32, buffer=nl.sbuf)
          m = nl.ndarray((32, 24), dtype=nl.float32, buffer=nl.sbuf)
          s[:, 0:5] = nl.load(lhsT[:, 0:5])
          s[:, 6:16] = nl.load(lhsT[:, 6:16])
          \(holes.stationary ? "" : "s[:, 5:6] = nl.load(lhsT[:, 5:6])")
          m[:, 0:7] = nl.load(rhs[:, 0:7])
          m[:, 8:24] = nl.load(rhs[:, 8:24])
          \(holes.moving ? "" : "m[:, 7:8] = nl.load(rhs[:, 7:8])")
          p = nl.matmul(s, m, transpose_x=True)  # matmul
          r = nl.copy(p, dtype=nl.float32)
          nl.store(result, value=r)
          return result
      """
    let r = try runTracking(body, [try ones([32, 16]), try ones([32, 24])])
    // result[m, n] = Σ_k s[k, m]·m[k, n]; where both are tainted the stationary read (first) wins.
    let at = line(body, "matmul")
    var expected: [String: Set<Int>] = [:]
    if holes.stationary { expected["result <- nc_matmul s.stationary @\(at)"] = region(16, 24) { i, _ in i == 5 } }
    if holes.moving {
      expected["result <- nc_matmul m.moving @\(at)"] = region(16, 24) { i, j in j == 7 && !(holes.stationary && i == 5)
      }
    }
    #expect(origins(r) == expected)
  }

  @Test("a max over a row with one unwritten element taints that row's result only")
  func reduction() throws {
    let body = """
      def row_max(a):
          c = nl.ndarray((128, 1), dtype=nl.float32, buffer=nl.shared_hbm)
          t = nl.ndarray((128, 8), dtype=nl.float32, buffer=nl.sbuf)
          t[0:3, :] = nl.load(a[0:3, :])
          t[4:128, :] = nl.load(a[4:128, :])
          t[3:4, 0:5] = nl.load(a[3:4, 0:5])
          t[3:4, 6:8] = nl.load(a[3:4, 6:8])
          m = nl.max(t, axis=1, keepdims=True)  # reduce
          nl.store(c, value=m)
          return c
      """
    let r = try runTracking(body, [try ones([128, 8])])
    #expect(origins(r) == ["c <- tensor_reduce t.data @\(line(body, "reduce"))": [3]])
    let o = try #require(r.report.uninitializedOrigins.first)
    #expect(o.message.hasPrefix("output `c` element [3, 0] (1 of 128) derives from"))
  }

  @Test("masked instructions only read and write where their masks hold")
  func maskedWrites() throws {
    let body = """
      def masked(a, b):
          c = nl.ndarray((128, 8), dtype=nl.float32, buffer=nl.shared_hbm)
          i_p = nl.arange(128)[:, None]
          i_f = nl.arange(8)[None, :]
          t = nl.load(a[i_p, i_f], mask=(i_p < 100))
          u = nl.load(b)
          s = nl.add(t, u, mask=(i_p < 120))  # add
          nl.store(c, value=s)  # store
          return c
      """
    let r = try runTracking(body, [try ones([128, 8]), try ones([128, 8])])
    // t holds rows 0..<100; the add writes rows 0..<120 of s; the store reads all of s.
    #expect(
      origins(r) == [
        "c <- tensor_tensor t.data1 @\(line(body, "add"))": region(128, 8) { i, _ in i >= 100 && i < 120 },
        "c <- store s.src @\(line(body, "store"))": region(128, 8) { i, _ in i >= 120 },
      ])
  }

  @Test("a tile in a loop, partly loaded in every iteration: one origin, two regions")
  func loop() throws {
    let body = """
      def looped(a):
          c = nl.ndarray((256, 8), dtype=nl.float32, buffer=nl.shared_hbm)
          for i in nl.affine_range(2):
              t = nl.ndarray((128, 8), dtype=nl.float32, buffer=nl.sbuf)
              t[0:100, :] = nl.load(a[i * 128:i * 128 + 100, :])
              y = nl.exp(t)  # exp
              nl.store(c[i * 128:(i + 1) * 128, :], value=y)
          return c
      """
    let r = try runTracking(body, [try ones([256, 8])])
    let at = line(body, "exp")
    #expect(origins(r) == ["c <- activation t.data @\(at)": region(256, 8) { i, _ in i % 128 >= 100 }])
    let o = try #require(r.report.uninitializedOrigins.first)
    #expect(o.read.elementCount == 28 * 8)
    #expect(
      o.message
        == "output `c` elements within [100:256, 0:8] (448 of 2048, first [100, 0]) derive from the read of never-written `t` by 'activation' at line \(at)"
    )
  }

  @Test(
    "every tutorial kernel, at small shapes: no origins, no new warnings, the same values as an untracked run",
    arguments: [
      "tensor_add", "tensor_add ragged", "tensor_add_spmd", "transpose2d", "transpose_matrix", "avgpool2d",
      "matmul_basic.py",
      "matmul_tiled.py", "matmul_hoisted.py", "matmul_block_free.py", "matmul_optimized.py", "rmsnorm", "layernorm.py",
      "layernorm_bn.py", "softmax", "attention", "attention causal", "mamba", "rotary",
    ])
  func cleanKernels(name: String) throws {
    func x(_ shape: [Int], _ seed: UInt64) -> TestArgument {
      .tensor(shape, randomArray(count: shape.reduce(1, *), in: -1...1, seed: seed))
    }
    var file = name
    var kernel: String?
    var args: [TestArgument] = []
    var keywords: [String: TestArgument] = [:]
    var grid: [Int] = []
    switch name {
    case "tensor_add":
      file = "tensor_add.py"
      args = [x([7, 13], 1), x([7, 13], 2)]
    case "tensor_add ragged":
      file = "tensor_add.py"
      args = [x([130, 600], 1), x([130, 600], 2)]
    case "tensor_add_spmd":
      file = "tensor_add_spmd.py"
      args = [x([256, 1024], 1), x([256, 1024], 2), x([256, 1024], 3)]
      grid = [2, 2]
    case "transpose2d":
      file = "transpose2d.py"
      kernel = "transpose2d_kernel"
      args = [x([5, 24], 1), x([5, 24], 2), .literal(.tuple([.int(4), .int(6)]))]
    case "transpose_matrix":
      file = "transpose2d.py"
      kernel = "transpose_matrix_kernel"
      args = [x([256, 128], 1)]
    case "avgpool2d":
      file = "avgpool2d.py"
      args = [x([3, 8, 8], 1), .literal(.int(2))]
    case "matmul_basic.py": args = [x([128, 64], 1), x([128, 512], 2)]
    case "matmul_tiled.py", "matmul_hoisted.py": args = [x([256, 128], 1), x([256, 512], 2)]
    case let f where f.hasPrefix("matmul_"): args = [x([256, 256], 1), x([256, 1024], 2)]
    case "rmsnorm":
      file = "rmsnorm.py"
      args = [x([7, 300], 1), x([300], 2)]
    case let f where f.hasPrefix("layernorm"): args = [x([7, 64], 1), x([64], 2), x([64], 3)]
    case "softmax":
      file = "softmax.py"
      args = [x([7, 100], 1)]
    case "attention", "attention causal":
      file = "attention.py"
      args = [x([128, 32], 1), x([128, 32], 2), x([128, 32], 3)]
      keywords = ["use_causal_mask": .literal(.bool(name.hasSuffix("causal")))]
    case "mamba":
      file = "mamba.py"
      args = [
        .tensor([1, 128, 64], randomArray(count: 128 * 64, in: 0...0.1, seed: 1)), x([1, 128, 64], 2), x([128, 2], 3),
        x([1, 2, 64], 4), x([1, 2, 64], 5),
      ]
    case "rotary":
      file = "rotary.py"
      args = [x([7, 16], 1), x([7, 8], 2), x([7, 8], 3), x([7, 16], 4)]
    default:
      Issue.record("unknown case \(name)")
      return
    }
    let tracked = try runKernelFile(file, kernel: kernel, args, keywords: keywords, grid: grid, trackOrigins: true)
      .result
    let plain = try runKernelFile(file, kernel: kernel, args, keywords: keywords, grid: grid).result
    #expect(tracked.report.uninitializedOrigins.isEmpty)
    // Ragged tiles are loaded under a mask and then computed on whole: those reads of
    // never-written elements are warned about, but none of their values reaches an output.
    let warnings = tracked.report.warnings.filter { $0.severity == .warning }.map(\.message)
    #expect(warnings.sorted() == plain.report.warnings.map(\.message).sorted())
    #expect(!warnings.contains { $0.contains("derive") || $0.contains("never wrote") })
    #expect(
      tracked.outputs.map { $0.floatValues().map(\.bitPattern) }
        == plain.outputs.map { $0.floatValues().map(\.bitPattern) })
    for (p, v) in plain.parameters {
      #expect(tracked.parameters[p]?.floatValues().map(\.bitPattern) == v.floatValues().map(\.bitPattern), "\(p)")
    }
  }
}
