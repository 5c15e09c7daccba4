import TesselIR
import TesselNumerics

extension ExecutionState {
  /// `bitcast` (a materialised `tile.view(dtype)`): each row of the destination gets the bytes
  /// of the same row of the source, little-endian, read in the destination's dtype.
  ///
  /// An element any of whose bytes come from a never-written source element is never-written
  /// too. Elements are kept as `Float`s, so a bit pattern whose value a `Float` cannot hold
  /// exactly (an int32 beyond 2²⁴, a bool byte other than 0 or 1) is an error rather than a
  /// rounded value. The whole of a parameter the kernel never writes is read from the caller's
  /// bytes when it gave them (``parameterBytes``), so its views see every pattern it holds.
  func executeBitcast(_ ci: CompiledInstruction, dst: View, src: View) throws(KernelError) {
    let k = interpreter.kernel
    let from = k[src.tensor].dtype
    let to = k[dst.tensor].dtype
    let image = parameterBytes[src.tensor.index]
    if let image, src.runtimeOffsets.isEmpty, src.isWhole(of: k[src.tensor].shape) {
      try decodeBitcast(ci, dst: dst, from: image, as: to)
      return
    }
    gather(src, ci.views[1], into: &operandBuffer)
    let rows = Swift.max(1, src.shape.first ?? 1)
    let srcPerRow = operandBuffer.count / rows
    let dstPerRow = dst.elementCount / rows
    let (sb, db) = (from.byteSize, to.byteSize)
    if secondOperandBuffer.count != dst.elementCount {
      secondOperandBuffer = Array(repeating: 0, count: dst.elementCount)
    }
    var bytes = [UInt8](repeating: 0, count: srcPerRow * sb)
    var unwritten = [Bool](repeating: false, count: srcPerRow * sb)
    for r in 0..<rows {
      for j in 0..<srcPerRow {
        let x = operandBuffer[r * srcPerRow + j]
        let poisoned = Poison.isPoison(x)
        let bits = poisoned ? 0 : from.encode(x)
        for b in 0..<sb {
          bytes[j * sb + b] = UInt8(truncatingIfNeeded: bits >> (8 * UInt32(b)))
          unwritten[j * sb + b] = poisoned
        }
      }
      for j in 0..<dstPerRow {
        var bits: UInt32 = 0
        var poisoned = false
        for b in 0..<db {
          bits |= UInt32(bytes[j * db + b]) << (8 * UInt32(b))
          poisoned = poisoned || unwritten[j * db + b]
        }
        if poisoned {
          secondOperandBuffer[r * dstPerRow + j] = Poison.value
          continue
        }
        secondOperandBuffer[r * dstPerRow + j] = try exactValue(bits, as: to, ci)
      }
    }
    scatter(&secondOperandBuffer, to: dst, ci.views[0], dtype: .float32)
  }

  /// A bitcast of a whole parameter from the caller's bytes (row-major, little-endian).
  private func decodeBitcast(
    _ ci: CompiledInstruction, dst: View, from image: UnsafeRawBufferPointer, as to: DType
  ) throws(KernelError) {
    let n = dst.elementCount
    let db = to.byteSize
    if secondOperandBuffer.count != n { secondOperandBuffer = Array(repeating: 0, count: n) }
    guard image.count >= n * db else {
      throw KernelError(.malformed("a view reads past the bytes of its parameter"), at: ci.instruction.location)
    }
    for j in 0..<n {
      var bits: UInt32 = 0
      for b in 0..<db { bits |= UInt32(image[j * db + b]) << (8 * UInt32(b)) }
      secondOperandBuffer[j] = try exactValue(bits, as: to, ci)
    }
    scatter(&secondOperandBuffer, to: dst, ci.views[0], dtype: .float32)
  }

  /// The value of bit pattern `bits` in `to`, or an error when a `Float` cannot keep it exactly.
  private func exactValue(_ bits: UInt32, as to: DType, _ ci: CompiledInstruction) throws(KernelError) -> Float {
    let x = to.decode(bits)
    if to.encode(x) != bits {
      throw KernelError(
        .unsupported(
          "a view as \(to.nkiName) holding the bit pattern 0x\(String(bits, radix: 16)), which Tessel cannot keep "
            + "exactly (elements are held as fp32 values: integers up to 2^24, booleans 0 or 1)"),
        operation: "view", at: ci.instruction.location)
    }
    return x
  }

  /// After a bitcast: its destination may hold never-written elements exactly when it now does
  /// (a bitcast moves never-written elements instead of reporting them).
  func settleBitcast(_ ci: CompiledInstruction, tensor d: Int) {
    guard let dst = ci.instruction.operation.destination, countPoison(dst, ci.views[0], ci).count > 0 else { return }
    poison.mayHold[d] = true
    poison.coverage[d]?.deallocate()
    poison.coverage[d] = nil
    poison.coverageCount[d] = 0
  }
}
