import Foundation
import Tessel
import TesselTestSupport
import Testing

/// A kernel that stores only the first `rows / 2` rows of its output (the rest is never written).
private let halfStore = """
  from neuronxcc import nki
  import neuronxcc.nki.language as nl


  @nki.jit
  def half(x):
      out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
      t = nl.load(x[0:64, :])
      nl.store(out[0:64, :], value=t)
      return out

  """

private func kernelFile(_ source: String) throws -> String {
  let path = FileManager.default.temporaryDirectory.appendingPathComponent("tessel-warn-\(UUID().uuidString).py").path
  try source.write(toFile: path, atomically: true, encoding: .utf8)
  return path
}

@Suite("Strict kernel runs in tests: warnings cannot pass unnoticed")
struct ExpectNoWarningsTests {
  let x: HostArray

  init() throws {
    x = try HostArray(shape: [128, 8], dtype: .float32, values: randomArray(count: 128 * 8, seed: 5))
  }

  @Test("runNKIKernel throws the run's warnings, rendered with the source line")
  func strictByDefault() throws {
    let path = try kernelFile(halfStore)
    defer { try? FileManager.default.removeItem(atPath: path) }
    #expect {
      _ = try runNKIKernel(path, [x])
    } throws: { e in
      guard let w = e as? KernelWarnings else { return false }
      return w.warnings.count == 1 && w.description.hasPrefix("the kernel run produced 1 warning:")
        && w.description.contains("output `out` has 512 of 1024 elements that the kernel never wrote")
        && w.description.contains("out = nl.ndarray(x.shape")
    }
  }

  @Test("allowWarnings returns the result; expectNoWarnings then records one issue per warning")
  func expectNoWarningsRecords() throws {
    let path = try kernelFile(halfStore)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try runNKIKernel(path, [x], allowWarnings: true)
    #expect(result.outputs[0].floatValues()[0..<512] == x.floatValues()[0..<512])
    withKnownIssue {
      #expect(expectNoWarnings(result) == false)
    } matching: { issue in
      issue.comments.map(\.rawValue).joined().contains("kernel warning:")
    }
  }

  @Test("a clean run passes expectNoWarnings without an issue")
  func cleanRun() throws {
    let path = try kernelFile(halfStore.replacingOccurrences(of: "0:64", with: "0:128"))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let result = try runNKIKernel(path, [x])
    #expect(expectNoWarnings(result))
  }
}
