import TesselIR

extension Kernel {
  /// Whether `inst` is a `tensor_tensor` or `tensor_scalar` that NKI runs in integer arithmetic.
  ///
  /// That is on GpSimd, when every tile is `int32`/`uint32` outside PSUM and every immediate an
  /// integer (``IntegerArithmetic/applies(tiles:scalars:)``); an `engine=` choosing another
  /// engine computes in fp32.
  ///
  /// The interpreter computes such an instruction in integers and the timing model places it
  /// on GpSimd: one rule for both.
  public func computesInIntegers(_ inst: Instruction) -> Bool {
    let op = inst.operation
    if inst.engineIsChosen && inst.engine != .gpsimd { return false }
    var scalars: [Float] = []
    switch op {
    case .tensorTensor: break
    case .tensorScalar(let p):
      for s in [p.stage0] + (p.stage1.map { [$0] } ?? []) {
        if case .scalar(let x) = s.operand { scalars.append(x) }
      }
    default: return false
    }
    let views = op.destinations + op.sources.map(\.view)
    let tiles = views.map { (dtype: self[$0.tensor].dtype, space: self[$0.tensor].space) }
    return IntegerArithmetic.applies(tiles: tiles, scalars: scalars)
  }
}
