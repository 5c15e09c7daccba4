import TesselHost
import TesselIR
import TesselTestSupportCore

/// `--expect [OUT=]REF.npy`: an output of a run that must match a reference array.
///
/// `OUT` names a returned tensor by position (`0`) or by name, or a parameter the kernel writes
/// into; without it, the first returned tensor. The comparison is NumPy's `allclose` rule,
/// `|actual − expected| ≤ atol + rtol·|expected|`, elementwise (``compareClose``), except that NaN
/// matches NaN.
public struct OutputExpectation: Sendable {
  /// Which array of the run is compared.
  public enum Selection: Sendable, Hashable {
    /// The returned tensor at this position.
    case returned(Int)
    /// The final contents of the named parameter.
    case parameter(String)
  }

  /// The `OUT` part as written (nil: the first returned tensor).
  public var output: String?
  /// The reference `.npy` file.
  public var path: String

  /// Parses `OUT=REF.npy` or `REF.npy`.
  public init(_ word: String) {
    if let eq = word.firstIndex(of: "="), !word[..<eq].contains("/") {
      output = String(word[..<eq])
      path = String(word[word.index(after: eq)...])
    } else {
      output = nil
      path = word
    }
  }

  /// The array `output` names in `kernel`, with a label for messages (`` output `out` ``).
  public func select(in kernel: Kernel) throws(UsageError) -> (selection: Selection, label: String, shape: [Int]) {
    let returned = kernel.outputs.map { kernel[$0].name }
    guard let output else {
      guard let first = kernel.outputs.first else {
        throw UsageError(
          "--expect \(path): the kernel returns nothing; name the parameter to compare, e.g. --expect \(kernel.parameters.last?.name ?? "NAME")=\(path)"
        )
      }
      return (.returned(0), "output `\(kernel[first].name)`", kernel[first].shape)
    }
    if let i = Int(output), i >= 0, i < kernel.outputs.count {
      return (.returned(i), "output \(i) (`\(returned[i])`)", kernel[kernel.outputs[i]].shape)
    }
    if let i = returned.firstIndex(of: output) {
      return (.returned(i), "output `\(output)`", kernel[kernel.outputs[i]].shape)
    }
    if let p = kernel.parameters.first(where: { $0.name == output }) {
      return (.parameter(output), "parameter `\(output)`", kernel[p.tensor].shape)
    }
    let choices = returned.enumerated().map { "\($0.offset) or \($0.element)" } + kernel.parameters.map(\.name)
    throw UsageError(
      "--expect \(output)=\(path): the kernel has no output or parameter '\(output)' (choices: \(choices.joined(separator: ", ")))"
    )
  }

  /// Reads the reference and checks that its shape is the selected array's.
  public func reference(for kernel: Kernel) throws(UsageError) -> (selection: Selection, label: String, values: [Float])
  {
    let (selection, label, shape) = try select(in: kernel)
    let array: HostArray
    do { array = try HostArray.readNPY(from: path) } catch { throw UsageError("--expect \(path): \(error)") }
    guard array.shape == shape else {
      throw UsageError("--expect \(path): the reference has shape \(array.shape), but \(label) has shape \(shape)")
    }
    return (selection, label, array.floatValues())
  }

  /// Compares the selected array of `result` with `expected`.
  public static func compare(
    _ selection: Selection, in result: HostRunResult, kernel: Kernel, expected: [Float], rtol: Float, atol: Float
  ) -> CloseReport? {
    let actual: HostArray?
    switch selection {
    case .returned(let i): actual = i < result.outputs.count ? result.outputs[i] : nil
    case .parameter(let name): actual = result.parameters[name]
    }
    guard let actual else { return nil }
    return compareClose(actual: actual.floatValues(), expected: expected, shape: actual.shape, rtol: rtol, atol: atol)
  }
}
