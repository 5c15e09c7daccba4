import TesselIR

/// Helpers every DSL operation uses to allocate result tiles and record instructions.
enum Emit {
  /// A placeholder handle for calls made outside any kernel body (they record nothing).
  static func placeholder(
    _ name: String, _ space: MemorySpace, _ shape: [Int], _ dtype: DType, _ location: SourceLocation
  ) -> TensorHandle {
    TensorHandle(
      owner: 0, id: TensorID(-1),
      decl: TensorDecl(name: name, space: space, shape: shape, dtype: dtype, location: location))
  }

  /// Declares a new on-chip tile of the current kernel.
  static func tile<S: OnChipMemory>(
    _ prefix: String, _ shape: [Int], _ dtype: DType, _ space: S.Type, _ location: SourceLocation,
    name: String? = nil
  ) -> Tile<S> {
    guard let r = Recorder.current else {
      return Tile(handle: placeholder(name ?? prefix, S.memorySpace, shape, dtype, location))
    }
    let h = r.declare(
      name: name ?? r.freshName(prefix), space: S.memorySpace, shape: shape, dtype: dtype, location: location)
    return Tile(handle: h)
  }

  /// Records `operation` if every handle belongs to the current kernel.
  static func instruction(
    _ operation: Operation, uses handles: [TensorHandle], engine: Engine? = nil, mask: Mask? = nil,
    _ location: SourceLocation
  ) {
    guard let r = Recorder.current, r.owns(handles, location) else { return }
    r.emit(operation, engine: engine, mask: mask, location: location)
  }

  /// Records `operation` under IR conditions already lowered to its iteration axes, if every
  /// handle belongs to the current kernel.
  static func instruction(
    _ operation: Operation, uses handles: [TensorHandle], conditions: [AffineCondition], _ location: SourceLocation
  ) {
    guard let r = Recorder.current, r.owns(handles, location) else { return }
    r.emit(operation, conditions: conditions, location: location)
  }

  /// Declares a new SBUF tile and records `operation` writing it (the closure receives the tile's
  /// view); `inputs` are the handles the operation reads.
  static func result(
    _ prefix: String, _ shape: [Int], _ dtype: DType, uses inputs: [TensorHandle], engine: Engine? = nil,
    mask: Mask? = nil, _ location: SourceLocation, _ operation: (View) -> Operation
  ) -> Tile<SBUF> {
    let t = tile(prefix, shape, dtype, SBUF.self, location)
    instruction(operation(t.view), uses: [t.handle] + inputs, engine: engine, mask: mask, location)
    return t
  }

  /// Records a shape error at `location` (from checks the IR cannot express after the fact).
  static func fail(_ kind: KernelError.Kind, _ operation: String, _ location: SourceLocation) {
    Recorder.current?.fail(KernelError(kind, operation: operation, at: location))
  }

  /// Records an error of a shared NKI rule at `location`.
  static func fail(_ error: KernelError, _ location: SourceLocation) {
    var e = error
    e.location = location
    Recorder.current?.fail(e)
  }
}
