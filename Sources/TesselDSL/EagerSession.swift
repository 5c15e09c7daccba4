import TesselHost
import TesselIR
import TesselInterpreter

/// A simulated NeuronCore that executes DSL calls as they are made: an interactive eager mode.
///
/// Tensors and tiles created in one call stay usable in the next; on-chip tiles count against
/// SBUF/PSUM capacity until the session ends (or, inside `affineRange`, until their iteration
/// ends). Errors are thrown by the call that made them and leave the session usable.
///
/// ```swift
/// let session = EagerSession(target: .trn2)
/// let x = try session.tensor("x", HostArray(shape: [128, 64], dtype: .float32, values: values))
/// let t = try session.evaluate { exp(load(x)) }
/// let result = session.values(of: t)          // 128 × 64 floats
/// ```
public final class EagerSession {
  let state: EagerState
  let recorder: Recorder

  /// Creates an empty core for `target`.
  public init(target: Target = .trn2) {
    state = EagerState(target: target)
    recorder = Recorder(target: target, backend: state)
  }

  /// Counters and warnings of everything executed so far.
  public var report: RunReport { state.core.report }

  /// Places a host array in HBM as a tensor.
  ///
  /// ```swift
  /// let x = try session.tensor("x", input)
  /// ```
  public func tensor(
    _ name: String, _ array: HostArray, fileID: String = #fileID, line: Int = #line, column: Int = #column
  ) throws(KernelError) -> Tensor<HBM> {
    let l = loc(fileID, line, column)
    guard let dtype = array.dtype else {
      throw KernelError(
        .argumentMismatch(parameter: name, expected: "an NKI dtype", actual: "\(array.elementType)"), at: l)
    }
    recorder.error = nil
    let h = recorder.addParameter(name: name, shape: array.shape, dtype: dtype, location: l)
    if let e = recorder.error { throw e }
    try state.core.write(h.id, values: array.floatValues())
    return Tensor(handle: h)
  }

  /// Runs DSL calls now and returns what the closure returns (a tile, for example).
  ///
  /// ```swift
  /// let sums = try session.evaluate { sum(load(x), axes: [1], keepDims: true) }
  /// ```
  ///
  /// - Throws: The first error of any call in `body`, at its Swift location.
  public func evaluate<T>(_ body: () -> T) throws(KernelError) -> T {
    recorder.error = nil
    let value = Recorder.$current.withValue(recorder) { body() }
    if let e = recorder.error { throw e }
    return value
  }

  /// Runs a kernel-style body now (statements, `if`, `for`, loops).
  ///
  /// ```swift
  /// try session.run {
  ///   affineRange(2) { t in store(out[t * 128 ..+ 128, 0...], value: load(x[t * 128 ..+ 128, 0...])) }
  /// }
  /// ```
  public func run(@KernelBodyBuilder _ body: () -> KernelBody) throws(KernelError) {
    _ = try evaluate { body() }
  }

  /// The current values of a tile's view, row-major over its shape (NaN where never written).
  public func values<S: OnChipMemory>(of tile: Tile<S>) -> [Float] {
    gather(tile.handle, tile.view)
  }

  /// The current values of an HBM tensor's view, row-major over its shape.
  public func values<S: DeviceMemory>(of tensor: Tensor<S>) -> [Float] {
    gather(tensor.handle, tensor.view)
  }

  /// A host array of a tensor's current values.
  public func hostArray<S: DeviceMemory>(of tensor: Tensor<S>) throws(KernelError) -> HostArray {
    do {
      return try HostArray(shape: tensor.shape, dtype: tensor.dtype, values: values(of: tensor))
    } catch {
      throw KernelError(.malformed("could not read back `\(tensor.name)`: \(error)"))
    }
  }

  func gather(_ h: TensorHandle, _ view: View) -> [Float] {
    guard h.owner == recorder.serial else { return [] }
    let all = state.core.values(of: h.id)
    let strides = h.decl.strides
    var base = 0
    for (k, e) in view.start.enumerated() where k < strides.count {
      base += e.evaluate { _ in 0 } * strides[k]
    }
    return view.elements(of: all, strides: strides, base: base)
  }
}
