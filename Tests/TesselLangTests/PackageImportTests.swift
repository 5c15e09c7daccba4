import Foundation
import TesselIR
import TesselLang
import TesselPython
import Testing

/// Kernel files as modules of their packages: relative and sibling imports, import roots, and the
/// errors of modules that cannot be imported.
@Suite("Kernel files in packages")
struct PackageImportTests {
  /// A fresh directory holding `files` (relative path → text).
  static func tree(_ files: [String: String]) throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-pkg-\(UUID().uuidString)").path
    for (path, text) in files {
      let url = URL(fileURLWithPath: root + "/" + path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return root
  }

  static let kernelHeader = """
    from neuronxcc import nki
    import neuronxcc.nki.language as nl

    """

  /// Traces `path` (one float32 [128, 64] tensor argument) and returns the error message and
  /// its file and line, or nil when it traces.
  static func trace(_ path: String, importPaths: [String] = [], arguments: [KernelArgument]? = nil) throws
    -> (String, String, Int)?
  {
    let file = try NKIFile.load(path: path)
    do {
      _ = try file.trace(
        arguments: arguments ?? [.tensor(shape: [128, 64], dtype: .float32)], importPaths: importPaths)
      return nil
    } catch {
      let loc = error.diagnostic.location ?? error.location
      return (error.message, URL(fileURLWithPath: loc.file).lastPathComponent, loc.line)
    }
  }

  @Test("the caller's module name (Python's __name__) places a file without __init__.py files in its package")
  func givenModuleName() throws {
    let root = try Self.tree([
      "lib/ops/scale.py": "FACTOR = 4.0\n",
      "lib/kernels/k.py": Self.kernelHeader + """
        from ..ops.scale import FACTOR

        @nki.jit
        def k(a):
            out = nl.ndarray(a.shape, dtype=a.dtype, buffer=nl.shared_hbm)
            nl.store(out, nl.multiply(nl.load(a), FACTOR))
            return out
        """,
    ])
    let file = try NKIFile.load(path: root + "/lib/kernels/k.py")
    // Without the name, the directories are not a package: the relative import has no parent.
    #expect(throws: TraceError.self) { try file.trace(arguments: [.tensor(shape: [128, 64], dtype: .float32)]) }
    let traced = try file.trace(arguments: [.tensor(shape: [128, 64], dtype: .float32)], moduleName: "lib.kernels.k")
    #expect(traced.kernel.instructions.count > 0)
    #expect(throws: TraceError.self) {
      try file.trace(arguments: [.tensor(shape: [128, 64], dtype: .float32)], moduleName: "lib..k")
    }
  }

  @Test("relative imports, a namespace package, flat sibling imports, module code run once")
  func relativeImports() throws {
    let root = try Self.tree([
      "pkg/__init__.py": "",
      "pkg/util/helpers.py": """
      LOG = []
      LOG.append("helpers ran")
      TILE = 64

      def double(x):
          return 2 * x
      """,
      "pkg/kernels/consts.py": "SCALE = 3.0\n",
      "pkg/kernels/k.py": Self.kernelHeader + """
        from ..util.helpers import TILE, double, LOG
        from ..util import helpers
        from . import consts
        import consts as flat_consts

        @nki.jit
        def k(x):
            assert TILE == 64 and double(TILE) == 128
            assert LOG == ["helpers ran"], LOG
            assert helpers.TILE is TILE
            assert consts.SCALE == flat_consts.SCALE == 3.0
            assert __name__ == "pkg.kernels.k", __name__
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            nl.store(out, nl.multiply(nl.load(x), consts.SCALE))
            return out
        """,
    ])
    let identity = try NKIFile.load(path: root + "/pkg/kernels/k.py").moduleIdentity
    #expect(identity.name == "pkg.kernels.k")
    #expect(identity.package == "pkg.kernels")
    #expect(try Self.trace(root + "/pkg/kernels/k.py") == nil)
  }

  @Test("--path adds an import root; without it the module is not found, at the line that uses it")
  func importPaths() throws {
    let root = try Self.tree([
      "lib/shared.py": "WIDTH = 64\n",
      "src/k.py": Self.kernelHeader + """
        from shared import WIDTH

        @nki.jit
        def k(x):
            assert x.shape[1] == WIDTH
            return x
        """,
    ])
    #expect(try Self.trace(root + "/src/k.py", importPaths: [root + "/lib"]) == nil)
    let e = try #require(try Self.trace(root + "/src/k.py"))
    #expect(e.0.hasPrefix("ModuleNotFoundError: No module named 'shared'"))
    #expect(e.1 == "k.py" && e.2 == 3)
  }

  @Test("an unused import of an unknown module is harmless; a used one fails at the import")
  func unknownModules() throws {
    let root = try Self.tree([
      "k.py": Self.kernelHeader + """
        import torch
        from some_host_helper import plot

        @nki.jit
        def ok(x):
            return x

        @nki.jit
        def uses(x):
            plot(x)
            return x
        """
    ])
    let file = try NKIFile.load(path: root + "/k.py")
    _ = try file.trace(kernel: "ok", arguments: [.tensor(shape: [4, 4], dtype: .float32)])
    #expect {
      _ = try file.trace(kernel: "uses", arguments: [.tensor(shape: [4, 4], dtype: .float32)])
    } throws: { e in
      guard let t = e as? TraceError else { return false }
      return t.message.hasPrefix("ModuleNotFoundError: No module named 'some_host_helper'") && t.location.line == 4
    }
  }

  @Test("AWS-private modules and APIs are refused as out of scope")
  func privateModules() throws {
    let root = try Self.tree([
      "k.py": Self.kernelHeader + """
        import neuronxcc.nki.isa as nisa

        @nki.jit
        def k(x):
            from neuronxcc.nki._private.private_api import qkv_kernel
            return x

        @nki.jit
        def k2(x):
            nisa._tiled_offloaded_memcpy(dst=x, src=x)
            return x
        """
    ])
    let file = try NKIFile.load(path: root + "/k.py")
    for (kernel, text, line) in [
      (
        "k",
        "unsupported: module `neuronxcc.nki._private.private_api` is a private module of AWS's Neuron compiler, which Tessel does not provide",
        7
      ),
      (
        "k2",
        "unsupported: nisa._tiled_offloaded_memcpy, a private API of AWS's Neuron compiler that Tessel does not provide",
        12
      ),
    ] {
      #expect {
        _ = try file.trace(kernel: kernel, arguments: [.tensor(shape: [4, 4], dtype: .float32)])
      } throws: { e in
        guard let t = e as? TraceError else { return false }
        return t.message == text && t.location.line == line
      }
    }
  }

  @Test("a module of the package that does not parse is a SyntaxError located in that module")
  func syntaxErrorInModule() throws {
    let root = try Self.tree([
      "pkg/__init__.py": "",
      "pkg/broken.py": "def f(:\n    pass\n",
      "pkg/bad_indent.py": "def f():\nreturn 1\n",
      "pkg/k.py": Self.kernelHeader + """
        from . import broken
        from .bad_indent import f

        @nki.jit
        def k(x):
            broken.f()
            return x

        @nki.jit
        def k2(x):
            f()
            return x
        """,
    ])
    let file = try NKIFile.load(path: root + "/pkg/k.py")
    #expect {
      _ = try file.trace(kernel: "k", arguments: [.tensor(shape: [4, 4], dtype: .float32)])
    } throws: { e in
      guard let t = e as? TraceError, case .syntax = t.kind else { return false }
      return t.location.file.hasSuffix("pkg/broken.py") && t.location.line == 1
    }
    #expect {
      _ = try file.trace(kernel: "k2", arguments: [.tensor(shape: [4, 4], dtype: .float32)])
    } throws: { e in
      guard let t = e as? TraceError, case .syntax = t.kind else { return false }
      return t.location.file.hasSuffix("pkg/bad_indent.py") && t.location.line == 2
        && t.message.contains("IndentationError")
    }
  }

  @Test("circular imports see the partly initialised module; relative imports stop at the top package")
  func circularAndTooFar() throws {
    let root = try Self.tree([
      "pkg/__init__.py": "",
      "pkg/a.py": "from . import b\nA = 1\ndef get_b():\n    return b.B\n",
      "pkg/b.py": "from . import a\nB = 2\ndef get_a():\n    return a.A\n",
      "pkg/k.py": Self.kernelHeader + """
        from . import a, b

        @nki.jit
        def k(x):
            assert a.get_b() == 2 and b.get_a() == 1
            return x

        @nki.jit
        def far(x):
            from ... import nothing
            return x
        """,
    ])
    let file = try NKIFile.load(path: root + "/pkg/k.py")
    _ = try file.trace(kernel: "k", arguments: [.tensor(shape: [4, 4], dtype: .float32)])
    #expect {
      _ = try file.trace(kernel: "far", arguments: [.tensor(shape: [4, 4], dtype: .float32)])
    } throws: { e in
      (e as? TraceError)?.message == "ImportError: attempted relative import beyond top-level package"
    }
  }

  @Test("arguments as Python expressions in the kernel module's namespace")
  func expressionArguments() throws {
    let root = try Self.tree([
      "k.py": Self.kernelHeader + """
        from dataclasses import dataclass
        from enum import IntEnum

        class Norm(IntEnum):
            NONE = 0
            RMS = 1

        @dataclass(frozen=True)
        class Config:
            tile: int = 128
            training: bool = False

        @nki.jit
        def k(x, perm, norm, config=Config()):
            assert perm == [0, 2, 1] and isinstance(perm, list), perm
            assert norm is Norm.RMS and norm == 1
            assert config == Config(tile=512, training=True), config
            return x
        """
    ])
    let arguments: [KernelArgument] = [
      .tensor(shape: [4, 4], dtype: .float32), .expression("[0, 2, 1]"), .expression("Norm.RMS"),
    ]
    let file = try NKIFile.load(path: root + "/k.py")
    _ = try file.trace(arguments: arguments, keywords: ["config": .expression("Config(tile=512, training=True)")])
    #expect {
      _ = try file.trace(arguments: arguments, keywords: ["config": .expression("Config(tile=512, trainng=True)")])
    } throws: { e in
      (e as? TraceError)?.message == "TypeError: Config.__init__() got an unexpected keyword argument 'trainng'"
    }
  }
}
