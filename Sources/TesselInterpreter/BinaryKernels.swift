import TesselIR
import TesselNumerics

/// A binary fp32 operation specialised at compile time, so that its row loop vectorizes.
protocol BinaryKernel {
  static func apply(_ a: Float, _ b: Float) -> Float
  /// `apply` lane by lane, bit for bit.
  static func apply(_ a: Lanes, _ b: Lanes) -> Lanes
}

/// The lanes a row loop works on at once.
typealias Lanes = SIMD16<Float>

/// `1` where `m` holds, else `0`: a comparison's fp32 result.
@inline(__always)
private func ones(_ m: SIMDMask<SIMD16<Int32>>) -> Lanes { Lanes(repeating: 0).replacing(with: 1, where: m) }

/// `r` with canonical NaN wherever `a` or `b` is NaN (the scalar kernels' `.nan`).
@inline(__always)
private func nanWhereEither(_ r: Lanes, _ a: Lanes, _ b: Lanes) -> Lanes {
  r.replacing(with: .nan, where: (a .!= a) .| (b .!= b))
}

enum AddKernel: BinaryKernel {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b }
  @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { a + b }
}
enum SubtractKernel: BinaryKernel {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b }
  @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { a - b }
}
enum MultiplyKernel: BinaryKernel {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b }
  @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { a * b }
}
enum DivideKernel: BinaryKernel {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b }
  @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { a / b }
}
enum MaximumKernel: BinaryKernel {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a.isNaN || b.isNaN ? .nan : (a > b ? a : b) }
  @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes {
    nanWhereEither(b.replacing(with: a, where: a .> b), a, b)
  }
}
enum MinimumKernel: BinaryKernel {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a.isNaN || b.isNaN ? .nan : (a < b ? a : b) }
  @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes {
    nanWhereEither(b.replacing(with: a, where: a .< b), a, b)
  }
}
enum GreaterKernel: BinaryKernel {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a > b ? 1 : 0 }
  @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { ones(a .> b) }
}
enum LessKernel: BinaryKernel {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a < b ? 1 : 0 }
  @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { ones(a .< b) }
}
enum EqualKernel: BinaryKernel {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a == b ? 1 : 0 }
  @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { ones(a .== b) }
}

/// Runs `op` over one row: `d[j·sd] = op(a[j·sa], b[j·sb])` for `j` in `lo..<hi`.
@inline(__always)
func binaryRow<K: BinaryKernel>(
  _: K.Type, _ d: UnsafeMutablePointer<Float>, _ sd: Int, _ a: UnsafePointer<Float>, _ sa: Int,
  _ b: UnsafePointer<Float>, _ sb: Int, _ lo: Int, _ hi: Int
) {
  if sd == 1 && sa == 1 && sb == 1 {
    var j = lo
    if lanesMatchSerialOrder(d, a) && lanesMatchSerialOrder(d, b) {
      while j + Lanes.scalarCount <= hi {
        store(K.apply(lanes(a + j), lanes(b + j)), d + j)
        j += Lanes.scalarCount
      }
    }
    while j < hi {
      d[j] = K.apply(a[j], b[j])
      j += 1
    }
  } else if sd == 1 && sa == 1 && sb == 0 {
    binaryRowScalarRight(K.self, d, a, b[0], lo, hi)
  } else if sd == 1 && sa == 0 && sb == 1 {
    binaryRowScalarRight(Swapped<K>.self, d, b, a[0], lo, hi)
  } else {
    for j in lo..<hi { d[j &* sd] = K.apply(a[j &* sa], b[j &* sb]) }
  }
}

/// Runs `op` over one unit-stride row with one operand a single value: `d[j] = op(a[j], b)` for
/// `j` in `lo..<hi`.
@inline(__always)
func binaryRowScalarRight<K: BinaryKernel>(
  _: K.Type, _ d: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: Float, _ lo: Int, _ hi: Int
) {
  let bl = Lanes(repeating: b)
  var j = lo
  if lanesMatchSerialOrder(d, a) {
    while j + Lanes.scalarCount <= hi {
      store(K.apply(lanes(a + j), bl), d + j)
      j += Lanes.scalarCount
    }
  }
  while j < hi {
    d[j] = K.apply(a[j], b)
    j += 1
  }
}

/// `K` with its operands exchanged, `apply(a, b) = K.apply(b, a)`: a row whose left operand is the
/// single value runs as ``binaryRowScalarRight(_:_:_:_:_:_:)`` of the swapped kernel.
enum Swapped<K: BinaryKernel>: BinaryKernel {
  @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { K.apply(b, a) }
  @inline(__always) static func apply(_ a: Lanes, _ b: Lanes) -> Lanes { K.apply(b, a) }
}

/// Whether a unit-stride row loop may read and write `Lanes.scalarCount` elements at a time and
/// still give what the element-by-element loop gives: unless the destination starts less than
/// one lane group after the source, no lane group reads an element an earlier lane of the same
/// group wrote.
@inline(__always)
func lanesMatchSerialOrder(_ d: UnsafeMutablePointer<Float>, _ s: UnsafePointer<Float>) -> Bool {
  let ahead = s.distance(to: UnsafePointer(d))
  return ahead <= 0 || ahead >= Lanes.scalarCount
}

/// The lane group at `p` (no alignment needed).
@inline(__always)
func lanes(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }

/// Writes a lane group at `p` (no alignment needed).
@inline(__always)
func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
  UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
}

/// `d[j] = s[j·ss] · scale + bias` for `j` in `lo..<hi` (a nil scale or bias: that step left
/// out, not applied as 1 or 0), lane groups at a time where that gives the same result.
@inline(__always)
func affineRow(
  _ d: UnsafeMutablePointer<Float>, _ s: UnsafePointer<Float>, _ ss: Int, scale: Float?, bias: Float?, _ lo: Int,
  _ hi: Int
) {
  var j = lo
  if ss == 1 && lanesMatchSerialOrder(d, s) {
    let sl = Lanes(repeating: scale ?? 1)
    let bl = Lanes(repeating: bias ?? 0)
    switch (scale != nil, bias != nil) {
    case (true, true):
      while j + Lanes.scalarCount <= hi {
        store(lanes(s + j) * sl + bl, d + j)
        j += Lanes.scalarCount
      }
    case (true, false):
      while j + Lanes.scalarCount <= hi {
        store(lanes(s + j) * sl, d + j)
        j += Lanes.scalarCount
      }
    case (false, true):
      while j + Lanes.scalarCount <= hi {
        store(lanes(s + j) + bl, d + j)
        j += Lanes.scalarCount
      }
    case (false, false):
      while j + Lanes.scalarCount <= hi {
        store(lanes(s + j), d + j)
        j += Lanes.scalarCount
      }
    }
  }
  while j < hi {
    var x = s[j &* ss]
    if let scale { x = x * scale }
    if let bias { x = x + bias }
    d[j] = x
    j += 1
  }
}

/// Runs an ALU op chosen at run time over one row (for the less common ops).
@inline(__always)
func dynamicRow(
  _ op: ALUOp, _ d: UnsafeMutablePointer<Float>, _ sd: Int, _ a: UnsafePointer<Float>, _ sa: Int,
  _ b: UnsafePointer<Float>, _ sb: Int, _ lo: Int, _ hi: Int
) {
  for j in lo..<hi { d[j &* sd] = op.apply(a[j &* sa], b[j &* sb]) }
}

/// One `tensor_scalar` stage over a row: `d = x op operand`, or `d = operand op x` when
/// `reversed`; the operand is a pointer and stride (stride 0 for an immediate or a `[P, 1]` column).
@inline(__always)
func stageRow(
  _ op: ALUOp, reversed: Bool, _ d: UnsafeMutablePointer<Float>, _ sd: Int, x: UnsafePointer<Float>, _ sx: Int,
  operand: (UnsafePointer<Float>, Int), _ lo: Int, _ hi: Int
) {
  if reversed {
    aluRow(op, d, sd, operand.0, operand.1, x, sx, lo, hi)
  } else {
    aluRow(op, d, sd, x, sx, operand.0, operand.1, lo, hi)
  }
}

/// Dispatches an ALU op to its specialised row loop.
@inline(__always)
func aluRow(
  _ op: ALUOp, _ d: UnsafeMutablePointer<Float>, _ sd: Int, _ a: UnsafePointer<Float>, _ sa: Int,
  _ b: UnsafePointer<Float>, _ sb: Int, _ lo: Int, _ hi: Int
) {
  switch op {
  case .add: binaryRow(AddKernel.self, d, sd, a, sa, b, sb, lo, hi)
  case .subtract: binaryRow(SubtractKernel.self, d, sd, a, sa, b, sb, lo, hi)
  case .multiply: binaryRow(MultiplyKernel.self, d, sd, a, sa, b, sb, lo, hi)
  case .divide: binaryRow(DivideKernel.self, d, sd, a, sa, b, sb, lo, hi)
  case .maximum: binaryRow(MaximumKernel.self, d, sd, a, sa, b, sb, lo, hi)
  case .minimum: binaryRow(MinimumKernel.self, d, sd, a, sa, b, sb, lo, hi)
  case .greater: binaryRow(GreaterKernel.self, d, sd, a, sa, b, sb, lo, hi)
  case .less: binaryRow(LessKernel.self, d, sd, a, sa, b, sb, lo, hi)
  case .equal: binaryRow(EqualKernel.self, d, sd, a, sa, b, sb, lo, hi)
  default: dynamicRow(op, d, sd, a, sa, b, sb, lo, hi)
  }
}

/// Rounds a written row to the destination dtype.
@inline(__always)
func quantizeRow(_ dtype: DType, _ d: UnsafeMutablePointer<Float>, _ sd: Int, _ lo: Int, _ hi: Int) {
  if dtype == .float32 || hi <= lo { return }
  if sd == 1 {
    dtype.quantize(UnsafeMutableBufferPointer(start: d + lo, count: hi - lo))
  } else {
    for j in lo..<hi { d[j &* sd] = dtype.quantize(d[j &* sd]) }
  }
}

/// Reduces a row with a reducible ALU op in fp32 (several accumulators for add and max).
@inline(__always)
func reduceRow(_ op: ALUOp, _ a: UnsafePointer<Float>, _ sa: Int, _ n: Int) -> Float {
  switch op {
  case .add where sa == 1:
    var acc = SIMD8<Float>(repeating: 0)
    var j = 0
    while j + 8 <= n {
      acc += UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self)
      j += 8
    }
    var s = acc.sum()
    while j < n {
      s += a[j]
      j += 1
    }
    return s
  case .maximum where sa == 1:
    var m = SIMD8<Float>(repeating: -.infinity)
    var j = 0
    var nan = false
    while j + 8 <= n {
      let v = UnsafeRawPointer(a + j).loadUnaligned(as: SIMD8<Float>.self)
      nan = nan || any(v .!= v)
      // Float.maximum(m, v) lane by lane (m when m > v, else v), without the generic call.
      m.replace(with: v, where: .!(m .> v))
      j += 8
    }
    var r = m.max()
    while j < n {
      let v = a[j]
      if v.isNaN { nan = true }
      r = Swift.max(r, v)
      j += 1
    }
    return nan ? .nan : r
  default:
    var r = op.reductionIdentity ?? 0
    for j in 0..<n { r = op.apply(r, a[j &* sa]) }
    return r
  }
}
