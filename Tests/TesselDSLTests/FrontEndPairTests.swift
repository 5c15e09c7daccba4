import Foundation
import Tessel
import TesselDSL
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupport
import TesselTools
import Testing

/// The repository's `kernels/` folder.
private let kernelsFolder: String = {
  URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("kernels").path
}()

@Suite("Both front ends: each kernels/*.py and its Swift DSL twin lower to the same IR")
struct FrontEndPairTests {
  @Test("identical printed IR (canonical names) and identical outputs", arguments: DSLExamples.pairings.indices)
  func sameIR(index: Int) throws {
    let p = DSLExamples.pairings[index]
    let swiftKernel = try p.kernel.build(target: .trn2)
    let file = try NKIFile.load(path: "\(kernelsFolder)/\(p.file)")
    var keywords: [String: KernelArgument] = [:]
    for (k, v) in p.literals { keywords[k] = .literal(try KernelInvocation.parseLiteralForTests(v)) }
    let args = swiftKernel.parameters.map {
      KernelArgument.tensor(shape: swiftKernel[$0.tensor].shape, dtype: swiftKernel[$0.tensor].dtype)
    }
    let traced = try file.trace(
      kernel: p.entryPoint, arguments: args, keywords: keywords, grid: swiftKernel.grid, target: .trn2)
    let a = traced.kernel.printed(canonicalNames: true)
    let b = swiftKernel.printed(canonicalNames: true)
    #expect(a == b, "\(p.file) \(p.entryPoint) \(p.literals):\n--- NKI source\n\(a)\n--- Swift DSL\n\(b)")

    // And identical outputs on the same seeded inputs.
    var inputs: [HostArray] = []
    for (i, param) in swiftKernel.parameters.enumerated() {
      let t = swiftKernel[param.tensor]
      let values = randomArray(count: t.elementCount, in: -1...1, seed: UInt64(i))
      inputs.append(try HostArray(shape: t.shape, dtype: t.dtype, values: values))
    }
    let fromSource = try Interpreter(kernel: traced.kernel).run(hostArrays: inputs)
    let fromSwift = try Interpreter(kernel: swiftKernel).run(hostArrays: inputs)
    #expect(fromSource.outputs.count == fromSwift.outputs.count)
    for (x, y) in zip(fromSource.outputs, fromSwift.outputs) {
      #expect(x.bytes == y.bytes, "\(p.file): outputs differ")
    }
    for (name, x) in fromSource.parameters {
      #expect(x.bytes == fromSwift.parameters[name]?.bytes, "\(p.file): parameter \(name) differs")
    }
  }
}

extension KernelInvocation {
  /// Parses a Python literal the way `tessel run` does.
  static func parseLiteralForTests(_ s: String) throws -> PythonLiteral {
    try KernelInvocation.parseLiteral(s)
  }
}
