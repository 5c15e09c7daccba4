import TesselIR
import TesselPython

/// A tensor of the kernel being built, seen through a view.
struct TensorRef {
  /// The tensor.
  var id: TensorID
  /// The access pattern; its dimensions are the user's (NKI's) dimensions of this value.
  var view: View
}

/// A symbolic NKI index: `base + Σ_d coefficients[d] · grid_d` over a broadcast grid `shape`.
///
/// `nl.arange(128)[:, None]` is shape `[128, 1]` with coefficients `[1, 0]`; a loop variable is a
/// 0-d grid whose base is the variable; `i * 128 + i_p` keeps both.
struct IndexGrid {
  var shape: [Int]
  var coefficients: [Int]
  var base: AffineExpr
  /// For components of one `nl.mgrid`, the whole grid's shape (`nisa.iota` of an expression
  /// over some components still makes a tile of the whole grid, as NKI does).
  var gridShape: [Int]? = nil

  /// A scalar index.
  init(_ base: AffineExpr) {
    shape = []
    coefficients = []
    self.base = base
  }

  init(shape: [Int], coefficients: [Int], base: AffineExpr) {
    self.shape = shape
    self.coefficients = coefficients
    self.base = base
  }

  /// Extends to `rank` dimensions with trailing size-1 dimensions: NKI aligns index grids of
  /// different ranks from the partition axis (dimension 0), not from the last one as NumPy does.
  ///
  /// An index grid's axis `d` is the tile's axis `d` (`nl.arange(n)[:, None]` is the partition
  /// axis, `[None, :]` the first free axis), so a lower-rank grid keeps its axes where they are:
  /// `nl.arange(P)[:, None, None]` among 4-D grids is `[P, 1, 1, 1]`, and the 1-D
  /// `nl.arange(P) + nl.arange(1)[None, :]` is the column `[P, 1]`. Production kernels are
  /// written to this reading (`docs/legacy-nki.md`, "Index grids of different ranks").
  func padded(to rank: Int) -> IndexGrid {
    let pad = rank - shape.count
    guard pad > 0 else { return self }
    return IndexGrid(
      shape: shape + Array(repeating: 1, count: pad),
      coefficients: coefficients + Array(repeating: 0, count: pad), base: base)
  }
}

/// One affine condition over a grid: `Σ coefficients[d]·grid_d + offset ⋈ 0`.
struct GridCondition {
  var shape: [Int]
  var coefficients: [Int]
  var offset: AffineExpr
  var comparison: AffineCondition.Comparison
}

/// The loops of `nl.affine_range`, `nl.sequential_range`, `nl.static_range` and (by the legacy
/// rule) Python's `range`.
struct RangeValue {
  enum Kind { case affine, sequential, staticUnrolled, python }
  var kind: Kind
  var start: Int
  var stop: Int
  var step: Int
}

// MARK: - Values as native objects

extension Value {
  /// A tile or tensor value.
  static func tensor(_ t: TensorRef) -> Value { .native(TileObject(t)) }
  /// A symbolic index value.
  static func index(_ g: IndexGrid) -> Value { .native(IndexObject(g)) }
  /// A mask value.
  static func predicate(_ c: [GridCondition]) -> Value { .native(MaskObject(c)) }
  /// A dtype value.
  static func dtype(_ d: DType) -> Value { .native(DTypeObject(.nki(d))) }
  /// A memory space value (`nl.sbuf`).
  static func memorySpace(_ s: MemorySpace) -> Value { .native(BufferObject(s)) }

  /// The tile, when this is one.
  var tensor: TensorRef? { native(TileObject.self)?.ref }
  /// The index grid, when this is one.
  var index: IndexGrid? { native(IndexObject.self)?.grid }
  /// The mask conditions, when this is a mask.
  var predicate: [GridCondition]? { native(MaskObject.self)?.conditions }
  /// The dtype, when this is one.
  var dtype: DType? { native(DTypeObject.self)?.kind.nkiDType }
  /// The memory space, when this is one.
  var memorySpace: MemorySpace? { native(BufferObject.self)?.space }
}

/// A tile (SBUF, PSUM) or an HBM tensor.
final class TileObject: NativeObject {
  let ref: TensorRef
  init(_ ref: TensorRef) { self.ref = ref }
  var typeName: String { "tile" }
}

/// A symbolic index: a loop index, a program id, an `nl.arange` grid or an expression of them.
final class IndexObject: NativeObject {
  let grid: IndexGrid
  init(_ grid: IndexGrid) { self.grid = grid }
  var typeName: String { "index" }
}

/// A conjunction of affine conditions over index grids (a `mask=` value).
final class MaskObject: NativeObject {
  let conditions: [GridCondition]
  init(_ conditions: [GridCondition]) { self.conditions = conditions }
  var typeName: String { "mask" }
  var conjoinsWithAnd: Bool { true }
}

/// A memory space (`nl.sbuf`, `nl.psum`, `nl.shared_hbm`).
final class BufferObject: NativeObject {
  let space: MemorySpace
  init(_ space: MemorySpace) { self.space = space }
  var typeName: String { "buffer" }
}

/// `nl.par_dim(n)` in a shape.
final class ParDimObject: NativeObject {
  let size: Int
  init(_ size: Int) { self.size = size }
  var typeName: String { "par_dim" }
}

/// `nl.mgrid` before it is subscripted.
final class MGridObject: NativeObject {
  var typeName: String { "mgrid" }
}

/// The result of `nl.mgrid[...]`: the grids, unpackable and as `.p`, `.x`, `.y`, ...
final class GridComponents: NativeObject {
  let grids: [Value]
  init(_ grids: [Value]) { self.grids = grids }
  var typeName: String { "object" }
}

/// An object with fixed attributes (`nl.finfo(dtype)`).
final class AttributeBag: NativeObject {
  let attributes: [String: Value]
  init(_ attributes: [String: Value]) { self.attributes = attributes }
  var typeName: String { "object" }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    if let v = attributes[name] { return v }
    throw TraceError.python("AttributeError", "object has no attribute '\(name)'", at: location)
  }
}

/// The iterable of a loop range: a symbolic IR loop when iterated by `for`, or its values.
final class LoopRange: NativeObject {
  let range: RangeValue
  init(_ range: RangeValue) { self.range = range }
  var typeName: String { "range" }
}

/// `kernel[g0, g1]`: a kernel with its SPMD launch grid, to be called.
final class KernelLaunch: NativeObject {
  let function: PyFunction
  let grid: Value
  init(_ function: PyFunction, grid: Value) {
    self.function = function
    self.grid = grid
  }
  var typeName: String { "function" }
}

/// An NKI name Tessel does not implement: usable as a value (an `op=` name), an error when called.
final class UnsupportedAPI: NativeObject {
  let name: String
  /// A private API of AWS's toolchain (`nisa._tiled_offloaded_memcpy`), out of Tessel's scope.
  let isPrivate: Bool
  init(_ name: String, isPrivate: Bool = false) {
    self.name = name
    self.isPrivate = isPrivate
  }
  var typeName: String { "builtin_function_or_method" }
  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    if isPrivate {
      throw TraceError(
        .unsupported(.api("\(name), a private API of AWS's Neuron compiler that Tessel does not provide")), at: location
      )
    }
    throw TraceError(.unsupported(.api(name)), at: location)
  }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    isPrivate ? .native(UnsupportedAPI(self.name + "." + name, isPrivate: true)) : nil
  }
  func hashKey(_ ev: Evaluator) -> HashKey? { .native("api:" + name) }
  func repr(_ ev: Evaluator) throws(TraceError) -> String { "<built-in function \(name)>" }
}

/// `nki.jit`, `nki.baremetal(...)` and friends: decorators that return the function they decorate.
final class PassthroughDecorator: NativeObject {
  let name: String
  init(_ name: String) { self.name = name }
  var typeName: String { "function" }
  func call(_ positional: [Value], _ keywords: [(String, Value)], _ ev: Evaluator, at location: SourceLocation)
    throws(TraceError) -> Value?
  {
    if let f = positional.first { return f }
    return .native(self)
  }
  func attribute(_ name: String, _ ev: Evaluator, at location: SourceLocation) throws(TraceError) -> Value? {
    .native(PassthroughDecorator(self.name + "." + name))
  }
  func hashKey(_ ev: Evaluator) -> HashKey? { .native("decorator:" + name) }
}
