import Tessel

/// What the Python bridge asks to prepare: a kernel function of a source file and its arguments.
///
/// Sent as JSON through ``tessel_bridge_prepare``:
///
/// ```json
/// {"file": "/src/kernels.py", "function": "add", "target": "trn2", "grid": [2],
///  "positional": [], "importPaths": ["/src"],
///  "keywords": {"a": {"kind": "tensor", "shape": [128, 512], "dtype": "bfloat16"},
///               "scale": {"kind": "expression", "text": "2.0"}}}
/// ```
struct PrepareRequest: Decodable, Sendable {
  /// The kernel's source file (absolute, as Python's `inspect` reports it).
  var file: String
  /// The kernel function's name at module level of `file`.
  var function: String
  /// The Trainium generation (`trn1`, `trn2`, `trn3`).
  var target: String = "trn2"
  /// The SPMD launch grid (`kernel[g0, g1]`); empty for one instance.
  var grid: [Int] = []
  /// Positional arguments in order.
  var positional: [ArgumentSpec] = []
  /// Keyword arguments by parameter name.
  var keywords: [String: ArgumentSpec] = [:]
  /// The NKI dialect the caller's decorator or imports name (`legacy`, `current`), when known.
  var dialect: String?
  /// The Logical NeuronCore degree of a current-dialect launch (`kernel[2]`).
  var lnc: Int?
  /// Directories to import the kernel's modules from, in order (the caller's `sys.path`, without
  /// the standard library and installed packages); searched after the file's own directory and
  /// its package root.
  var importPaths: [String] = []
  /// The file's dotted module name as the caller imported it (Python's `__name__`); nil lets the
  /// front end work it out from the `__init__.py` files around the file.
  var module: String?
  /// The states of files the trace may read, taken before it (an edit during the trace counts as
  /// a change); a file the trace reads that is not listed is taken as it is after the trace.
  var fileStates: [FileState] = []
  /// Environment variables the request was worked out from, with their values (null: unset): a
  /// run after one changes is refused as stale.
  var environment: [String: String?] = [:]

  enum CodingKeys: String, CodingKey {
    case file, function, target, grid, positional, keywords, dialect, lnc, importPaths, module, fileStates
    case environment
  }

  init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    file = try c.decode(String.self, forKey: .file)
    function = try c.decode(String.self, forKey: .function)
    target = try c.decodeIfPresent(String.self, forKey: .target) ?? "trn2"
    grid = try c.decodeIfPresent([Int].self, forKey: .grid) ?? []
    positional = try c.decodeIfPresent([ArgumentSpec].self, forKey: .positional) ?? []
    keywords = try c.decodeIfPresent([String: ArgumentSpec].self, forKey: .keywords) ?? [:]
    dialect = try c.decodeIfPresent(String.self, forKey: .dialect)
    lnc = try c.decodeIfPresent(Int.self, forKey: .lnc)
    importPaths = try c.decodeIfPresent([String].self, forKey: .importPaths) ?? []
    module = try c.decodeIfPresent(String.self, forKey: .module)
    fileStates = try c.decodeIfPresent([FileState].self, forKey: .fileStates) ?? []
    environment = try c.decodeIfPresent([String: String?].self, forKey: .environment) ?? [:]
  }
}

/// One kernel argument as the bridge sends it: an array's shape and dtype, or a Python expression.
enum ArgumentSpec: Decodable, Sendable {
  /// An array: it becomes an HBM tensor whose data arrives with each run.
  case tensor(shape: [Int], dtype: String, name: String?)
  /// Any other value, spelled as a Python expression to evaluate in the kernel module's namespace.
  case expression(String, name: String?)

  /// The parameter the caller binds this argument to, for messages.
  var name: String? {
    switch self {
    case .tensor(_, _, let name), .expression(_, let name): name
    }
  }

  enum CodingKeys: String, CodingKey { case kind, shape, dtype, text, name }

  init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    let name = try c.decodeIfPresent(String.self, forKey: .name)
    switch try c.decode(String.self, forKey: .kind) {
    case "tensor":
      self = .tensor(
        shape: try c.decode([Int].self, forKey: .shape), dtype: try c.decode(String.self, forKey: .dtype), name: name)
    case "expression":
      self = .expression(try c.decode(String.self, forKey: .text), name: name)
    case let other:
      throw DecodingError.dataCorruptedError(
        forKey: .kind, in: c, debugDescription: "unknown argument kind '\(other)' (expected tensor or expression)")
    }
  }
}
