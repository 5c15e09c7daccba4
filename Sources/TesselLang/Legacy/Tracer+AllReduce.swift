import TesselIR
import TesselPython

/// `nl.all_reduce(x, op, program_axes)`: a reduction of `x` over the SPMD programs along
/// `program_axes`, whose result every one of those programs receives.
///
/// Tessel runs the programs of a launch one after another, so a reduction *across* programs is
/// not modelled: it is a located error naming the axis and its program count. Along axes where
/// the launch has one program (no grid, or extent 1) the reduction has one term and the result is
/// `x` itself, converted to `dtype` under `mask`: that case is exact and is a copy.
extension Tracer {
  /// `nl.all_reduce(x, op, program_axes, *, dtype=None, mask=None, parallel_reduce=True, asynchronous=False)`.
  func allReduce(_ a: CallArguments) throws(TraceError) -> Value {
    let loc = a.location
    let x = try tensorArgument(try a.require(0, "x"), "x", of: "nl.all_reduce", at: loc)
    // With one program along every reduced axis the reduction has one term: `op` is checked, not applied.
    _ = try aluOp(of: try a.require(1, "op"), at: loc)
    let axesValue = try a.require(2, "program_axes")
    var items = [axesValue]
    switch axesValue {
    case .tuple, .list: items = try iterate(axesValue, at: loc)
    default: break
    }
    for item in items {
      let axis = try programAxis(item, at: loc)
      let extent = axis < grid.count ? grid[axis] : 1
      if extent > 1 {
        throw TraceError.unsupported(
          "nl.all_reduce across the \(extent) programs of launch axis \(axis): a collective between SPMD programs, "
            + "which Tessel does not model (it runs the programs one after another); only program axes of extent 1, "
            + "where the reduction is a copy, are modelled", at: loc)
      }
    }
    for flag in ["parallel_reduce", "asynchronous"] {
      if let v = a.get(-1, flag) { _ = try truth(v, at: loc) }
    }
    let dtype = try dtypeArgument(a.get(-1, "dtype"), at: loc) ?? decl(x).dtype
    let dst = try newTensor(x.view.shape, dtype, .sbuf, at: loc)
    return fresh(
      dst, try emit(.tensorCopy(dst: dst.view, src: x.view), mask: try maskArgument(a, shape: x.view.shape), at: loc))
  }

  /// One entry of `program_axes`: an axis number, or the `nl.program_id(axis)` value of that axis
  /// (as kernels write `program_axes=[shard_id]`).
  private func programAxis(_ v: Value, at loc: SourceLocation) throws(TraceError) -> Int {
    if let g = v.index, g.shape.isEmpty, g.base.constant == 0, g.base.terms.count == 1,
      g.base.terms[0].coefficient == 1
    {
      let variable = g.base.terms[0].variable
      let vars = builder.kernel.indexVars
      if variable.index >= 0 && variable.index < vars.count, case .programID(let axis) = vars[variable.index].kind {
        return axis
      }
    }
    guard case .int(let axis) = v else {
      throw TraceError.python(
        "TypeError",
        "program_axes of nl.all_reduce are launch-grid axes (ints or nl.program_id values), not \(v.typeName)",
        at: loc)
    }
    guard axis >= 0 && axis < max(1, grid.count) else {
      throw TraceError.python(
        "IndexError", "nl.all_reduce program axis \(axis) outside the launch grid \(grid)", at: loc)
    }
    return axis
  }
}
