import TesselIR

/// `nl.affine_range(n)`: an IR loop whose iterations are independent, with a symbolic index.
///
/// The body runs once, while the kernel is built, with `i` standing for every iteration; slices
/// such as `x[i * 128 ..+ 128, ...]` stay affine in `i`. In eager mode the body runs once per
/// value of `i`.
///
/// ```swift
/// affineRange(rows / 128) { t in
///   let tile = load(x[t * 128 ..+ 128, 0 ..< cols])
///   store(out[t * 128 ..+ 128, 0 ..< cols], value: exp(tile))
/// }
/// ```
///
/// - Parameters:
///   - count: The number of iterations (`0 ..< count`).
///   - name: The loop variable's name in printed IR; defaults to `i<n>`.
///   - body: The loop body; it receives the loop index.
/// - Returns: The loop as one statement of the enclosing body.
@discardableResult
public func affineRange(
  _ count: Int, name: String? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column, @KernelBodyBuilder _ body: (Index) -> KernelBody
) -> KernelStatement {
  structuredLoop(.affine, 0, count, 1, name, loc(fileID, line, column), body)
}

/// `nl.affine_range(start, stop, step)`.
///
/// ```swift
/// affineRange(0 ..< 512, step: 128) { c in ... }
/// ```
@discardableResult
public func affineRange(
  _ range: Range<Int>, step: Int = 1, name: String? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column, @KernelBodyBuilder _ body: (Index) -> KernelBody
) -> KernelStatement {
  structuredLoop(.affine, range.lowerBound, range.upperBound, step, name, loc(fileID, line, column), body)
}

/// `nl.sequential_range(n)`: an IR loop whose iterations depend on each other (loop-carried
/// state such as a running sum in SBUF), with a symbolic index.
///
/// ```swift
/// sequentialRange(stateSize) { s in
///   acc[0..., 0 ..< n].assign(add(acc, contribution(s)))
/// }
/// ```
///
/// - Parameters:
///   - count: The number of iterations (`0 ..< count`).
///   - name: The loop variable's name in printed IR; defaults to `i<n>`.
///   - body: The loop body; it receives the loop index.
/// - Returns: The loop as one statement of the enclosing body.
@discardableResult
public func sequentialRange(
  _ count: Int, name: String? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column, @KernelBodyBuilder _ body: (Index) -> KernelBody
) -> KernelStatement {
  structuredLoop(.sequential, 0, count, 1, name, loc(fileID, line, column), body)
}

/// `nl.sequential_range(start, stop, step)`.
///
/// ```swift
/// sequentialRange(0 ..< 1024, step: 512) { t0 in ... }
/// ```
@discardableResult
public func sequentialRange(
  _ range: Range<Int>, step: Int = 1, name: String? = nil, fileID: String = #fileID, line: Int = #line,
  column: Int = #column, @KernelBodyBuilder _ body: (Index) -> KernelBody
) -> KernelStatement {
  structuredLoop(.sequential, range.lowerBound, range.upperBound, step, name, loc(fileID, line, column), body)
}

/// `nl.program_id(axis)`: this SPMD instance's position along a launch-grid axis.
///
/// ```swift
/// let row0 = programID(0) * 128
/// ```
public func programID(_ axis: Int) -> Index {
  Recorder.current?.programID(axis: axis) ?? Index(0)
}

func structuredLoop(
  _ kind: LoopKind, _ start: Int, _ stop: Int, _ step: Int, _ name: String?, _ location: SourceLocation,
  _ body: (Index) -> KernelBody
) -> KernelStatement {
  guard let r = Recorder.current else { return KernelStatement(kind: kind.rawValue, location: location) }
  r.loop(kind: kind, start: start, stop: stop, step: step, name: name, location: location) { i in
    _ = body(i)
  }
  return KernelStatement(kind: kind.rawValue, location: location)
}
