import TesselIR
import TesselNumerics

extension Interpreter {
  /// Whether some instruction reads parameter `t`'s elements as values, rather than only as the
  /// whole source of a bitcast view (which reads the caller's bytes, ``ParameterSource/encoded(_:)``).
  ///
  /// Reads through an alias of the parameter's storage count as value reads. Scans the program:
  /// call it only when the answer matters (an argument that fp32 cannot hold exactly).
  public func readsValues(of t: TensorID) -> Bool {
    let k = kernel
    for compiled in program {
      let op = compiled.instruction.operation
      for (_, view) in op.sources where k.storage(of: view.tensor) == t {
        if case .bitcast = op, view.tensor == t, view.runtimeOffsets.isEmpty, view.isWhole(of: k[t].shape) {
          continue
        }
        return true
      }
    }
    return false
  }

  /// Refuses an integer argument of parameter `p` whose element `index` (`value`) fp32 elements
  /// would round, unless the kernel reads the parameter only through bitcast views of the whole.
  ///
  /// Elements are held as `Float`s, so an `int32` above 2^24 (say 16777217) would silently become
  /// its nearest `Float`. The one read that sees such values exactly is a bitcast view of the whole
  /// parameter, which decodes the caller's bytes (``ParameterSource/encoded(_:)``).
  public func checkExactInteger(_ p: Kernel.Parameter, index: Int, value: String) throws(KernelError) {
    guard readsValues(of: p.tensor) else { return }
    throw KernelError(
      .argumentMismatch(
        parameter: p.name,
        expected: "integers fp32 holds exactly (Tessel keeps elements as fp32 values: every integer up to 2^24 "
          + "in magnitude; larger ones only through a bitcast view of the whole parameter)",
        actual: "element \(index) (row-major) = \(value), which would be rounded"))
  }

  /// ``checkExactInteger(_:index:value:)`` over an `int32`/`uint32` parameter's encoded elements
  /// (little-endian); other dtypes always convert exactly.
  func checkExactIntegers(_ p: Kernel.Parameter, encoded bytes: UnsafeRawBufferPointer) throws(KernelError) {
    let dtype = kernel[p.tensor].dtype
    guard dtype == .int32 || dtype == .uint32 else { return }
    for i in 0..<(bytes.count / 4) {
      let bits = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
      let x = dtype == .int32 ? Int64(Int32(bitPattern: bits)) : Int64(bits)
      if !IntegerArithmetic.isExactInFloat(x) { try checkExactInteger(p, index: i, value: "\(x)") }
    }
  }
}
