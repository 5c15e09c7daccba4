import TesselIR
import TesselInterpreter
import TesselNumerics

/// The outputs of running a kernel on host arrays.
public struct HostRunResult: Sendable {
  /// The returned tensors, in return order.
  public var outputs: [HostArray]
  /// Every HBM parameter's final contents, by parameter name (kernels that write an output argument).
  public var parameters: [String: HostArray]
  /// Per-engine counters, SBUF/PSUM high-water marks and warnings.
  public var report: RunReport
}

extension Interpreter {
  /// Runs the kernel on host arrays given in parameter order and returns host arrays.
  ///
  /// Each argument must have its parameter's shape. An argument whose dtype differs from the
  /// parameter's is converted (the numpy-only 64-bit types included) and a warning says so.
  ///
  /// ```swift
  /// let interpreter = try Interpreter(kernel: kernel)
  /// let result = try interpreter.run(hostArrays: [a, b])
  /// print(result.outputs[0])
  /// ```
  public func run(hostArrays arguments: [HostArray]) throws(KernelError) -> HostRunResult {
    guard arguments.count == kernel.parameters.count else {
      throw KernelError(
        .argumentMismatch(
          parameter: kernel.name,
          expected: "\(kernel.parameters.count) arguments (\(kernel.parameters.map(\.name).joined(separator: ", ")))",
          actual: "\(arguments.count)"))
    }
    var warnings: [Diagnostic] = []
    for (p, a) in zip(kernel.parameters, arguments) {
      let t = kernel[p.tensor]
      guard a.shape == t.shape else {
        throw KernelError(
          .argumentMismatch(parameter: p.name, expected: "shape \(t.shape)", actual: "shape \(a.shape)"))
      }
      if a.dtype != t.dtype {
        warnings.append(
          Diagnostic(.warning, "argument `\(p.name)` of dtype \(a.elementType) converted to the parameter's \(t.dtype)")
        )
      }
    }
    try checkExactIntegers(arguments)
    // fp32 arguments the kernel only reads are used where they are, and an fp32 argument it
    // writes is copied into its returned array, where the kernel then writes it (only the
    // elements the kernel leaves unwritten when it never reads it); every other one is decoded
    // once into simulated memory: from its bytes when its dtype is the parameter's (bitcast views
    // then see those bytes exactly), else converted.
    let inPlaceFp32 = zip(kernel.parameters, arguments).map { p, a in
      a.elementType == .nki(.float32) && kernel[p.tensor].dtype == .float32 && a.float32Memory != nil
    }
    let writtenInPlace = kernel.parameters.indices.filter {
      inPlaceFp32[$0] && writesParameter(kernel.parameters[$0].tensor)
    }
    var sources: [ParameterSource] = zip(kernel.parameters, arguments).map { p, a in
      if a.elementType == .nki(.float32) && kernel[p.tensor].dtype == .float32 && !writesParameter(p.tensor),
        let b = a.float32Memory
      {
        return .readOnly(b)
      }
      if a.elementType == .nki(kernel[p.tensor].dtype), let raw = a.encodedMemory { return .encoded(raw) }
      return .filled(rounded: a.dtype == kernel[p.tensor].dtype) { a.writeFloatValues(into: $0) }
    }
    // Parameters come back as they went in unless the kernel writes them or converted them.
    var finals: [HostArray?] = arguments
    var finalSinks: [ResultSink?] = []
    for (i, (p, a)) in zip(kernel.parameters, arguments).enumerated() {
      let t = kernel[p.tensor]
      guard (writesParameter(p.tensor) || a.dtype != t.dtype) && !writtenInPlace.contains(i) else {
        finalSinks.append(nil)
        continue
      }
      finals[i] = nil
      finalSinks.append(.read { values in finals[i] = HostArray(encoding: values, shape: t.shape, dtype: t.dtype) })
    }
    var report = RunReport()
    var failure: KernelError?
    // fp32 results are stored by the kernel straight into the returned arrays' bytes; others are
    // encoded into them once, after the run.
    let outputTensors = kernel.outputs.map { kernel[$0] }
    let writtenTensors = writtenInPlace.map { kernel[kernel.parameters[$0].tensor] }
    var allBytes = makeArrays(
      of: UInt8.self, counts: (outputTensors + writtenTensors).map { $0.elementCount * $0.dtype.byteSize }
    ) { allBuffers in
      let buffers = allBuffers.prefix(outputTensors.count)
      for (i, b) in zip(writtenInPlace, allBuffers.dropFirst(outputTensors.count)) {
        guard let memory = b.float32Memory, let argument = arguments[i].float32Memory else { continue }
        sources[i] = .inPlaceFilling(memory) { range, memory in
          guard let s = argument.baseAddress, let d = memory.baseAddress else { return }
          (d + range.lowerBound).update(from: s + range.lowerBound, count: range.count)
        }
      }
      let sinks: [ResultSink] = zip(outputTensors, buffers).map { t, b in
        if let floats = b.float32Memory, t.dtype == .float32 { return .inPlace(floats) }
        return .read { values in
          if let out = b.baseAddress { t.dtype.encode(values, into: UnsafeMutableRawPointer(out)) }
        }
      }
      do throws(KernelError) {
        // The arguments' bytes are read in place (`float32Memory`) for the whole run.
        report = try withExtendedLifetime(arguments) { () throws(KernelError) in
          try run(sources: sources, results: sinks, finalParameters: finalSinks)
        }
      } catch { failure = error }
      for b in allBuffers { b.doneWithFloat32Memory() }
    }
    if let failure { throw failure }
    let writtenBytes = allBytes.suffix(writtenTensors.count)
    allBytes.removeLast(writtenTensors.count)
    let outputBytes = allBytes
    for (i, (t, bytes)) in zip(writtenInPlace, zip(writtenTensors, writtenBytes)) {
      finals[i] = HostArray(unchecked: t.shape, elementType: .nki(.float32), bytes: bytes)
    }
    report.warnings = warnings + report.warnings
    let outputs = zip(outputTensors, outputBytes).map { t, bytes in
      HostArray(unchecked: t.shape, elementType: .nki(t.dtype), bytes: bytes)
    }
    var params: [String: HostArray] = [:]
    for (p, final) in zip(kernel.parameters, finals) {
      if let final { params[p.name] = final }
    }
    return HostRunResult(outputs: outputs, parameters: params, report: report)
  }
}

extension HostArray {
  /// An array of `dtype` holding `values` (of that dtype already), encoded in one pass.
  init(encoding values: UnsafeBufferPointer<Float>, shape: [Int], dtype: DType) {
    let byteCount = values.count * dtype.byteSize
    let bytes = [UInt8](unsafeUninitializedCapacity: byteCount) { raw, count in
      HugePages.advise(raw.baseAddress, byteCount: byteCount)
      if let out = raw.baseAddress { dtype.encode(values, into: UnsafeMutableRawPointer(out)) }
      count = byteCount
    }
    self.init(unchecked: shape, elementType: .nki(dtype), bytes: bytes)
  }

  /// The elements as fp32 values in place, when the element type is float32 and the bytes are
  /// aligned for it (they are for every array Swift allocates).
  var float32Memory: UnsafeBufferPointer<Float>? {
    guard elementType == .nki(.float32) else { return nil }
    return bytes.withUnsafeBytes { raw in
      guard let base = raw.baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0 else { return nil }
      // The bytes are immutable and natively stored, so this memory stays valid while the array
      // lives; callers keep it alive for as long as they use the pointer.
      return UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: raw.count / 4)
    }
  }
}

extension HostArray {
  /// The encoded elements in place (the bytes stay valid while the array lives; callers keep it
  /// alive for as long as they use the pointer).
  var encodedMemory: UnsafeRawBufferPointer? {
    bytes.withUnsafeBytes { raw in raw.baseAddress == nil ? nil : UnsafeRawBufferPointer(raw) }
  }
}

extension UnsafeMutableBufferPointer<UInt8> {
  /// The bytes bound to `Float` for a run to store fp32 results in (when aligned and a whole
  /// number of elements); ``doneWithFloat32Memory()`` binds them back.
  var float32Memory: UnsafeMutableBufferPointer<Float>? {
    guard let base = baseAddress, Int(bitPattern: base) % MemoryLayout<Float>.alignment == 0, count % 4 == 0 else {
      return nil
    }
    return UnsafeMutableBufferPointer<Float>(
      start: UnsafeMutableRawPointer(base).bindMemory(to: Float.self, capacity: count / 4), count: count / 4)
  }

  /// Binds the bytes back to `UInt8` after a run stored fp32 results in them.
  func doneWithFloat32Memory() {
    if let base = baseAddress { _ = UnsafeMutableRawPointer(base).bindMemory(to: UInt8.self, capacity: count) }
  }
}

extension HostArray {
  /// Builds a host array from values the interpreter produced (their count always matches).
  static func checked(shape: [Int], dtype: DType, values: [Float]) throws(KernelError) -> HostArray {
    do {
      return try HostArray(shape: shape, dtype: dtype, values: values)
    } catch {
      throw KernelError(.malformed("internal: could not build a host array of shape \(shape): \(error)"))
    }
  }
}
