import TesselIR
import Testing

@testable import TesselPython

/// Whole kernel files (``SyntaxKernelFixtures``) parse, with the shapes a tracer relies on.
@Suite("Syntax: kernel files")
struct SyntaxKernelTests {
  /// A short name for a statement's kind.
  static func outline(_ module: Module) -> [String] {
    module.statements.map { statement in
      switch statement.kind {
      case .expression: "expr"
      case .assign: "assign"
      case .annotatedAssign: "annassign"
      case .augmentedAssign: "augassign"
      case .if: "if"
      case .for: "for"
      case .while: "while"
      case .break: "break"
      case .continue: "continue"
      case .pass: "pass"
      case .return: "return"
      case .assert: "assert"
      case .delete: "del"
      case .global: "global"
      case .nonlocal: "nonlocal"
      case .raise: "raise"
      case .try: "try"
      case .with: "with"
      case .import: "import"
      case .importFrom: "from"
      case .functionDef(let def): "def \(def.name)"
      case .classDef(let def): "class \(def.name)"
      }
    }
  }

  /// The function named `name` in `module`.
  static func function(_ name: String, in module: Module) -> FunctionDef? {
    for statement in module.statements {
      if case .functionDef(let def) = statement.kind, def.name == name { return def }
    }
    return nil
  }

  @Test("every fixture parses", arguments: SyntaxKernelFixtures.all.map(\.name))
  func parses(_ name: String) throws {
    let source = try #require(SyntaxKernelFixtures.all.first { $0.name == name }?.source)
    let module = try parseModule(source: source, file: name)
    #expect(!module.statements.isEmpty)
    #expect(module.statements.allSatisfy { $0.location.file == name && $0.location.isKnown })
  }

  @Test("tensor addition with nl.arange and nl.mgrid")
  func tensorAdd() throws {
    let module = try parseModule(source: SyntaxKernelFixtures.tensorAdd, file: "tensor_add.py")
    #expect(
      Self.outline(module) == [
        "expr", "import", "import", "import", "from", "def tensor_add_kernel", "def tensor_add_spmd", "def run",
      ])
    let kernel = try #require(Self.function("tensor_add_kernel", in: module))
    #expect(kernel.decorators.map { $0.dump() } == ["(. nki jit)"])
    #expect(kernel.body.map { $0.dump() }[2] == "(= i_p (sub (call (. nl arange) 128) (tuple (slice _ _ _) None)))")
    #expect(
      kernel.body[5].dump().hasPrefix(
        "(for t (call (. nl affine_range) num_tiles) (body (= rows (+ (* t 128) i_p)) "
          + "(= a_tile (call (. nl load) (sub a_input (tuple rows i_f)) (kw mask (compare rows < (sub (. a_input shape) 0)))))"
      ))
    let spmd = try #require(Self.function("tensor_add_spmd", in: module))
    #expect(spmd.decorators.map { $0.dump() } == ["(call (. nki jit) (kw mode 'simulation'))"])
    #expect(spmd.body[3].dump() == "(= (tuple ix_ iy_) (sub (. nl mgrid) (tuple (slice 0 128 _) (slice 0 512 _))))")
    #expect(
      spmd.body[5].dump()
        == "(= (sub c_output (tuple ix iy)) (+ (call (. nl load) (sub a_input (tuple ix iy))) (call (. nl load) (sub b_input (tuple ix iy)))))"
    )
    let run = try #require(Self.function("run", in: module))
    #expect(
      run.body.last?.dump()
        == "(return (call simulate_kernel (sub (call baremetal tensor_add_spmd) (tuple grid_x grid_y)) a b))")
  }

  @Test("tiled matmul accumulating into PSUM")
  func tiledMatmul() throws {
    let module = try parseModule(source: SyntaxKernelFixtures.tiledMatmul, file: "tiled_matmul.py")
    #expect(Self.outline(module) == ["import", "import", "import", "def matmul_tiled", "def matmul_transposed"])
    let tiled = try #require(Self.function("matmul_tiled", in: module))
    guard case .for(_, _, let mBody, _) = tiled.body[8].kind,
      case .for(_, _, let nBody, _) = mBody.first?.kind,
      case .for(let k, let kRange, let kBody, _) = nBody[1].kind
    else {
      Issue.record("expected three nested for loops, got \(tiled.body[8].dump())")
      return
    }
    #expect(k.dump() == "k")
    #expect(kRange.dump() == "(call (. nl affine_range) (// K TILE_K))")
    #expect(
      kBody[0].dump()
        == "(= lhsT_tile (call (. nl load) (sub lhsT (tuple (slice (* k TILE_K) (* (+ k 1) TILE_K) _) (slice (* m TILE_M) (* (+ m 1) TILE_M) _)))))"
    )
    let accumulate = kBody[2]
    #expect(accumulate.dump() == "(+= res_psum (call (. nisa nc_matmul) (sub lhsT_tile ...) rhs_tile))")
    #expect(accumulate.location == TesselIR.SourceLocation(file: "tiled_matmul.py", line: 28, column: 9))
    if case .augmentedAssign(_, let op, let value) = accumulate.kind {
      #expect(op == .add)
      #expect(value.location == TesselIR.SourceLocation(file: "tiled_matmul.py", line: 28, column: 21))
    }
    let transposed = try #require(Self.function("matmul_transposed", in: module))
    #expect(
      transposed.parameters
        == Parameters(
          positional: [
            Parameter(name: "lhs", location: .init(file: "tiled_matmul.py", line: 38, column: 23)),
            Parameter(name: "rhs", location: .init(file: "tiled_matmul.py", line: 38, column: 28)),
            Parameter(
              name: "out_dtype",
              defaultValue: Expr(.noneLiteral, at: .init(file: "tiled_matmul.py", line: 38, column: 43)),
              location: .init(file: "tiled_matmul.py", line: 38, column: 33)),
          ],
          keywordOnly: [
            Parameter(
              name: "transpose_x",
              annotation: Expr(.name("bool"), at: .init(file: "tiled_matmul.py", line: 38, column: 65)),
              defaultValue: Expr(.bool(true), at: .init(file: "tiled_matmul.py", line: 38, column: 72)),
              location: .init(file: "tiled_matmul.py", line: 38, column: 52))
          ]))
    #expect(transposed.body[4].dump() == "(= psum (call (. nl matmul) x y (kw transpose_x (not transpose_x))))")
  }

  @Test("layernorm with bn_stats and bn_aggr")
  func layerNorm() throws {
    let module = try parseModule(source: SyntaxKernelFixtures.layerNorm, file: "layernorm.py")
    #expect(Self.outline(module) == ["import", "import", "import", "import", "import", "def layernorm_kernel"])
    let kernel = try #require(Self.function("layernorm_kernel", in: module))
    #expect(
      kernel.body[1].dump()
        == "(assert (compare (sub (. input_tensor shape) 1) == (sub (. gamma_vector shape) 0) == (sub (. beta_vector shape) 0)))"
    )
    guard case .for(_, _, let body, _) = kernel.body[6].kind else {
      Issue.record("expected the row loop, got \(kernel.body[6].dump())")
      return
    }
    guard case .for(_, _, let statsLoop, _) = body[5].kind else {
      Issue.record("expected the bn_stats loop, got \(body[5].dump())")
      return
    }
    #expect(
      statsLoop[0].dump()
        == "(= (sub stats (tuple i_p_io (+ (* j 6) i_f_stats))) (call (. nisa bn_stats) (sub input_sb (tuple i_p_io (+ (* j (. (. nl tile_size) bn_stats_fmax)) i_f_bn))) (kw mask (compare (+ (* j (. (. nl tile_size) bn_stats_fmax)) i_f_bn) < (sub (. input_tensor shape) 1))) (kw dtype (. np float32))))"
    )
    #expect(
      body[6].dump()
        == "(= mean_var (call (. nisa bn_aggr) (sub stats (tuple i_p_io (sub (call (. nl arange) (* 6 num_bn_stats)) (tuple None (slice _ _ _)))))))"
    )
    // The statement continued with a backslash is one assignment.
    #expect(body[11].dump().hasPrefix("(= output_sb (+ (* normed (call (. gamma_sb broadcast_to)"))
  }

  @Test("driver code: __main__, argparse, numpy, torch and pytest")
  func driver() throws {
    let module = try parseModule(source: SyntaxKernelFixtures.driver, file: "softmax_driver.py")
    #expect(
      Self.outline(module) == [
        "expr", "from", "import", "import", "import", "from", "from", "import", "import", "try", "from", "import",
        "assign", "def softmax_kernel", "def softmax_ref", "class Config", "def check", "def test_softmax",
        "def parse_args", "def main", "if",
      ])
    #expect(
      module.statements[9].dump()
        == "(try (body (import torch) (import (as torch.nn.functional F))) (except ImportError (body (= torch None))))")
    let test = try #require(Self.function("test_softmax", in: module))
    #expect(
      test.decorators.map { $0.dump() } == [
        "(call (. (. pytest mark) parametrize) 'rows,cols' (list (tuple 128 512) (tuple 128 1024) (tuple 64 256)))",
        "(call (. (. pytest mark) parametrize) 'dtype' (call sorted DTYPES))",
      ])
    let check = try #require(Self.function("check", in: module))
    #expect(
      check.body[1].dump()
        == "(if (not ok) (body (= worst (call (. np max) (call (. np abs) (- actual expected)))) (expr (call print (fstring 'mismatch: max abs error ' (format worst (spec '.3e')) ' (atol=' (format atol !r) ')') (kw file (. sys stderr))))))"
    )
    let main = try #require(Self.function("main", in: module))
    #expect(main.parameters.variadic?.name == "args")
    #expect(main.parameters.keywordVariadic?.name == "kwargs")
    #expect(
      main.body[3].dump()
        == "(= results (dictcomp name (call fn x) (for (tuple name fn) (list (tuple 'nki' softmax_kernel) (tuple 'numpy' softmax_ref)))))"
    )
    #expect(
      main.body[4].dump()
        == "(if (compare torch is-not None) (body (with (item (call (. torch no_grad))) (body (= (sub results 'torch') (call (. (call (. F softmax) (call (. torch from_numpy) x) (kw dim (- 1))) numpy)))))))"
    )
    #expect(
      main.body[6].dump() == "(= sizes (call sorted results (kw key (lambda (params k) (tuple (call len k) k)))))")
    #expect(
      module.statements.last?.dump()
        == "(if (compare __name__ == '__main__') (body (expr (call (. sys exit) (call main (sub (. sys argv) (slice 1 _ _)))))))"
    )
  }
}
