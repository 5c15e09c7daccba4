import TesselIR

/// A value during tracing: Python data, NKI objects, symbolic indices and tensors.
///
/// Lists and dicts are reference types (``ListBox``, ``DictBox``) so that aliasing behaves as
/// in Python. Tensors are a ``TensorRef``: a tensor of the kernel being built plus the view
/// (access pattern) through which the expression reaches it.
indirect enum Value {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case tuple([Value])
  case list(ListBox)
  case dict(DictBox)
  case slice(lower: Value, upper: Value, step: Value)
  case ellipsis
  /// A user function or lambda.
  case function(FunctionValue)
  /// A native function (`nl.exp`, `range`, `len`, ...), possibly bound to a receiver.
  case builtin(Builtin)
  /// A module or namespace object (`nl`, `nisa`, `np`, `math`, `nl.tile_size`, ...).
  case namespace(Namespace)
  /// A module that could not be provided (`torch`, `argparse`): an error when used.
  case unavailableModule(String)
  case dtype(DType)
  case memorySpace(MemorySpace)
  /// `nl.par_dim(n)` in a shape.
  case parDim(Int)
  /// A tensor (HBM) or tile (SBUF/PSUM), seen through a view.
  case tensor(TensorRef)
  /// A symbolic index: affine in loop variables and program ids, over an arange grid.
  case index(IndexGrid)
  /// A conjunction of affine conditions (a mask).
  case predicate([GridCondition])
  /// An `nl.mgrid` object before it is subscripted.
  case mgrid
  /// The iterable of `nl.affine_range` / `nl.sequential_range` / `range` / `nl.static_range`.
  case range(RangeValue)
  /// An object whose attributes are values (`nl.mgrid[...]` results with `.p`/`.x`).
  case object(ObjectBox)
  /// A value whose computation failed at module level; using it raises that error.
  case failed(TraceError)

  /// The Python type name, for error messages.
  var typeName: String {
    switch self {
    case .none: "NoneType"
    case .bool: "bool"
    case .int: "int"
    case .float: "float"
    case .string: "str"
    case .tuple: "tuple"
    case .list: "list"
    case .dict: "dict"
    case .slice: "slice"
    case .ellipsis: "ellipsis"
    case .function: "function"
    case .builtin: "builtin_function_or_method"
    case .namespace: "module"
    case .unavailableModule: "module"
    case .dtype: "dtype"
    case .memorySpace: "buffer"
    case .parDim: "par_dim"
    case .tensor: "tile"
    case .index: "index"
    case .predicate: "mask"
    case .mgrid: "mgrid"
    case .range: "range"
    case .object: "object"
    case .failed: "error"
    }
  }
}

/// A mutable Python list.
final class ListBox {
  var items: [Value]
  init(_ items: [Value]) { self.items = items }
}

/// A mutable Python dict with hashable keys rendered to strings (ints, strings, tuples of them).
final class DictBox {
  var keys: [Value] = []
  var values: [String: Value] = [:]
  init() {}
}

/// An object with attributes.
final class ObjectBox {
  var attributes: [String: Value]
  var items: [Value]
  init(attributes: [String: Value], items: [Value] = []) {
    self.attributes = attributes
    self.items = items
  }
}

/// A user function: its definition and the scope it closes over.
struct FunctionValue {
  var name: String
  var parameters: Parameters
  var body: FunctionBody
  var closure: Scope
  var defaults: [String: Value]
  var decorators: [String]
  var location: SourceLocation

  enum FunctionBody {
    case statements([Stmt])
    case expression(Expr)
  }
}

/// A native function with a name and an optional bound receiver.
struct Builtin {
  var name: String
  var receiver: Value?
  init(_ name: String, receiver: Value? = nil) {
    self.name = name
    self.receiver = receiver
  }
}

/// A namespace: `nl`, `nisa`, `nki`, `np`, `math`, `nl.tile_size`, `nisa.nc_version`, ...
struct Namespace {
  var name: String
}

/// A loop iterable.
struct RangeValue {
  enum Kind { case affine, sequential, staticUnrolled, python }
  var kind: Kind
  var start: Int
  var stop: Int
  var step: Int
}

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

  /// Right-aligns to `rank` dimensions (numpy broadcasting).
  func padded(to rank: Int) -> IndexGrid {
    let pad = rank - shape.count
    guard pad > 0 else { return self }
    return IndexGrid(shape: Array(repeating: 1, count: pad) + shape,
                     coefficients: Array(repeating: 0, count: pad) + coefficients, base: base)
  }
}

/// One affine condition over a grid: `Σ coefficients[d]·grid_d + offset ⋈ 0`.
struct GridCondition {
  var shape: [Int]
  var coefficients: [Int]
  var offset: AffineExpr
  var comparison: AffineCondition.Comparison
}

/// Variables in scope.
final class Scope {
  var names: [String: Value] = [:]
  let parent: Scope?
  /// The trace that owns this scope and its descendants, if any (see ``ScopeArena``).
  let arena: ScopeArena?

  init(parent: Scope?) {
    self.parent = parent
    arena = parent?.arena
    arena?.register(self)
  }

  /// A root scope whose descendants are all registered in `arena`.
  init(root arena: ScopeArena) {
    parent = nil
    self.arena = arena
    arena.register(self)
  }

  func lookup(_ name: String) -> Value? {
    if let v = names[name] { return v }
    return parent?.lookup(name)
  }
}

/// Every scope of one trace, so that the trace can break the reference cycles between scopes and
/// the functions defined in them (`globals.names["f"]` holds `f`, whose closure is `globals`),
/// which would otherwise leak the scopes, their values and the syntax tree after every trace.
final class ScopeArena {
  private struct WeakScope {
    weak var scope: Scope?
  }

  private var scopes: [WeakScope] = []
  private var compactAt = 1024

  func register(_ scope: Scope) {
    scopes.append(WeakScope(scope: scope))
    if scopes.count >= compactAt {
      scopes.removeAll { $0.scope == nil }
      compactAt = Swift.max(1024, 2 * scopes.count)
    }
  }

  /// Empties every scope still alive; called when the trace is over.
  func clear() {
    for w in scopes { w.scope?.names.removeAll() }
    scopes.removeAll()
  }
}

extension Value {
  /// `(shape,)` or `(d0, d1, ...)` from method arguments: a single tuple argument is unwrapped.
  var flattenedShapeArgument: Value {
    if case .tuple(let xs) = self, xs.count == 1 {
      if case .tuple = xs[0] { return xs[0] }
      if case .list = xs[0] { return xs[0] }
    }
    return self
  }
}
