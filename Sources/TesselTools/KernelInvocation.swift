import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import TesselPython
import TesselTestSupportCore

/// One argument of `tessel run` / `check` / `ir` and the REPL's `:run`.
public enum InvocationArgument: Sendable, Hashable {
  /// A `.npy` file, optionally read as a raw dtype (`q.npy:bfloat16`).
  case npy(path: String, dtype: DType?)
  /// A shape and dtype with no data (`256x512:float32`): for `check` and `ir`, or seeded random
  /// values for `run --seed`.
  case shape([Int], DType)
  /// A Python literal.
  case literal(PythonLiteral)
  /// A Python expression, evaluated in the kernel module's namespace after its code has run
  /// (`128`, `[0, 1, 2]`, `FlashConfig(seq_tile_size=512)`, `NormType.RMS_NORM`).
  case expression(String)
}

/// A usage error in a command line or REPL command: exit status 2.
public struct UsageError: Error, Sendable, CustomStringConvertible {
  /// The message.
  public var message: String
  /// Creates an error.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// What to run: a kernel file, which kernel, its arguments, grid and target.
public struct KernelInvocation: Sendable {
  /// The kernel file.
  public var file: String
  /// The kernel function (nil: the file's only decorated kernel).
  public var kernel: String?
  /// Positional arguments.
  public var positional: [InvocationArgument] = []
  /// Keyword arguments.
  public var keywords: [String: InvocationArgument] = [:]
  /// The SPMD grid.
  public var grid: [Int] = []
  /// The target.
  public var target: Target = .trn2
  /// The NKI dialect to read the file as (nil: from its imports).
  public var dialect: NKIDialect?
  /// More directories to import modules from (`--path`).
  public var importPaths: [String] = []

  /// Creates an invocation.
  public init(file: String, kernel: String? = nil, target: Target = .trn2) {
    self.file = file
    self.kernel = kernel
    self.target = target
  }

  /// Parses `ARG` or `NAME=ARG` words into the invocation's arguments.
  public mutating func addArguments(_ words: [String]) throws(UsageError) {
    for w in words {
      if let eq = w.firstIndex(of: "="), KernelInvocation.isIdentifier(String(w[..<eq])) {
        let name = String(w[..<eq])
        keywords[name] = try KernelInvocation.parseArgument(String(w[w.index(after: eq)...]))
      } else {
        positional.append(try KernelInvocation.parseArgument(w))
      }
    }
  }

  static func isIdentifier(_ s: String) -> Bool {
    guard let f = s.first, f == "_" || f.isLetter else { return false }
    return s.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
  }

  /// Parses one argument word.
  public static func parseArgument(_ w: String) throws(UsageError) -> InvocationArgument {
    if w.hasSuffix(".npy") { return .npy(path: w, dtype: nil) }
    if let colon = w.lastIndex(of: ":") {
      let head = String(w[..<colon])
      let tail = String(w[w.index(after: colon)...])
      if head.hasSuffix(".npy") { return .npy(path: head, dtype: try dtype(tail, in: w)) }
      if let shape = try shape(head, in: w) { return .shape(shape, try dtype(tail, in: w)) }
    }
    if w.contains("x"), (try? shape(w, in: w)) != nil {
      throw UsageError("'\(w)' is a shape without a dtype; add one, e.g. \(w):float32")
    }
    do {
      _ = try parseExpression(source: w, file: "<argument>")
    } catch {
      throw UsageError("'\(w)' is not a .npy file, a SHAPE:DTYPE or a Python expression (\(error.diagnostic.message))")
    }
    return .expression(w)
  }

  /// `256x512` → `[256, 512]`; nil when `text` is not of that form.
  static func shape(_ text: String, in word: String) throws(UsageError) -> [Int]? {
    let dims = text.split(separator: "x", omittingEmptySubsequences: false)
    guard !dims.isEmpty, dims.allSatisfy({ Int($0) != nil }) else { return nil }
    let shape = dims.compactMap { Int($0) }
    guard shape.allSatisfy({ $0 > 0 }) else { throw UsageError("shape dimensions must be positive in '\(word)'") }
    return shape
  }

  /// A dtype name, or an error that lists the valid ones.
  static func dtype(_ name: String, in word: String) throws(UsageError) -> DType {
    guard let d = DType(nkiName: name) else {
      throw UsageError(
        "unknown dtype '\(name)' in '\(word)'; valid dtypes: \(DType.allCases.map(\.nkiName).joined(separator: ", "))")
    }
    return d
  }

  /// Parses a Python literal (number, bool, None, string, tuple) with the kernel language's parser.
  public static func parseLiteral(_ w: String) throws(UsageError) -> PythonLiteral {
    let module: Module
    do { module = try parseModule(source: "__x = (\(w))\n", file: "<argument>") } catch {
      throw UsageError("'\(w)' is not a .npy file, a SHAPE:DTYPE or a Python literal")
    }
    guard case .assign(_, let e)? = module.statements.first?.kind else {
      throw UsageError("'\(w)' is not a Python literal")
    }
    func lit(_ e: Expr) throws(UsageError) -> PythonLiteral {
      switch e.kind {
      case .int(let i): return .int(i)
      case .float(let f): return .float(f)
      case .bool(let b): return .bool(b)
      case .noneLiteral: return .none
      case .string(let s): return .string(s)
      case .name(let n): return .string(n)
      case .tuple(let xs), .list(let xs):
        var out: [PythonLiteral] = []
        for x in xs { out.append(try lit(x)) }
        return .tuple(out)
      case .unary(.negate, let x):
        switch try lit(x) {
        case .int(let i): return .int(-i)
        case .float(let f): return .float(-f)
        default: throw UsageError("'\(w)' is not a Python literal")
        }
      default: throw UsageError("'\(w)' is not a Python literal")
      }
    }
    return try lit(e)
  }

  /// Parses `--dialect auto|legacy|current` (`auto` is nil: from the file's imports).
  public static func parseDialect(_ s: String) throws(UsageError) -> NKIDialect? {
    if s == "auto" { return nil }
    guard let d = NKIDialect(rawValue: s) else {
      throw UsageError("--dialect takes auto, legacy or current (got '\(s)')")
    }
    return d
  }

  /// Parses `--grid 4,2`.
  public static func parseGrid(_ s: String) throws(UsageError) -> [Int] {
    let parts = s.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
      throw UsageError("--grid takes positive integers separated by commas, like 4,2 (got '\(s)')")
    }
    return parts.compactMap { $0 }
  }
}

/// A traced kernel with its data, ready to run.
public struct PreparedRun: Sendable {
  /// The traced kernel.
  public var traced: TracedKernel
  /// The data of each HBM parameter, in ``Kernel/parameters`` order (nil when only a shape was given).
  public var data: [HostArray?]
  /// The source text, for rendering diagnostics.
  public var source: String
  /// Whether some argument was filled with seeded random values.
  public var generated: Bool = false
  /// Milliseconds spent reading the `.npy` arguments (the rest of ``KernelInvocation/prepare(requireData:seed:)``
  /// is loading, tracing and verifying the kernel).
  public var loadMilliseconds: Double = 0
}

extension KernelInvocation {
  /// Reads the arguments' data, loads and traces the kernel.
  ///
  /// With `seed`, a `SHAPE:DTYPE` argument is filled with seeded random values (see
  /// ``randomArgument(shape:dtype:seed:)``); the `k`-th such argument (positional ones in order,
  /// then keyword ones by name) uses seed `seed + k`. Without it, `requireData` refuses them.
  ///
  /// - Throws: ``UsageError`` for bad files or arguments, ``TraceError`` for kernel errors.
  public func prepare(requireData: Bool, seed: UInt64? = nil) throws -> PreparedRun {
    let file = try NKIFile.load(path: self.file)
    var loaded: [String: HostArray] = [:]
    var generated = 0
    var loadSeconds = 0.0
    func kernelArgument(_ a: InvocationArgument, key: String) throws -> KernelArgument {
      switch a {
      case .npy(let path, let dtype):
        let arr: HostArray
        let start = DispatchTime.now().uptimeNanoseconds
        do { arr = try HostArray.readNPY(from: path, as: dtype) } catch { throw UsageError("\(error)") }
        loadSeconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        loaded[key] = arr
        let dt = arr.dtype ?? (arr.elementType == .float64 ? .float32 : .int32)
        return .tensor(shape: arr.shape, dtype: dt)
      case .shape(let s, let d):
        if let seed {
          loaded[key] = try Self.randomArgument(shape: s, dtype: d, seed: seed &+ UInt64(generated))
          generated += 1
        } else if requireData {
          throw UsageError(
            "argument \(key) gives only a shape (\(s.map(String.init).joined(separator: "x")):\(d.nkiName)); give a .npy file, or add --seed N to run on seeded random values"
          )
        }
        return .tensor(shape: s, dtype: d)
      case .literal(let l): return .literal(l)
      case .expression(let text): return .expression(text)
      }
    }
    var args: [KernelArgument] = []
    for (i, a) in positional.enumerated() { args.append(try kernelArgument(a, key: "#\(i)")) }
    var kws: [String: KernelArgument] = [:]
    for (k, a) in keywords.sorted(by: { $0.key < $1.key }) { kws[k] = try kernelArgument(a, key: k) }
    let traced = try file.trace(
      kernel: kernel, arguments: args, keywords: kws, grid: grid, target: target, dialect: dialect,
      importPaths: importPaths)
    // Parameters are the positional tensor arguments in order, then keyword ones by name.
    var tensorPositional: [HostArray?] = []
    for (i, a) in positional.enumerated() {
      switch a {
      case .literal, .expression: continue
      default: tensorPositional.append(loaded["#\(i)"])
      }
    }
    let data = KernelInvocation.parameterData(traced.kernel.parameters, named: loaded, positional: tensorPositional)
    return PreparedRun(
      traced: traced, data: data, source: file.source, generated: generated > 0,
      loadMilliseconds: loadSeconds * 1000)
  }

  /// Each kernel parameter's data, in parameter order: the array given by the parameter's name,
  /// else the `j`-th positional tensor argument for the `j`-th parameter, else nil.
  public static func parameterData(
    _ parameters: [Kernel.Parameter], named: [String: HostArray], positional: [HostArray?]
  ) -> [HostArray?] {
    parameters.enumerated().map { j, p in named[p.name] ?? (j < positional.count ? positional[j] : nil) }
  }

  /// Seeded random values for a `SHAPE:DTYPE` argument: floats uniform in [-1, 1), signed
  /// integers in [-8, 8), unsigned ones in [0, 16), booleans 0 or 1, from ``SeededGenerator``.
  public static func randomArgument(shape: [Int], dtype: DType, seed: UInt64) throws(UsageError) -> HostArray {
    var g = SeededGenerator(seed: seed)
    let n = shape.reduce(1, *)
    let values: [Float] = (0..<n).map { _ in
      if dtype == .bool { return Float(g.next() & 1) }
      if dtype.isFloatingPoint { return g.nextUnitFloat() * 2 - 1 }
      let r = Float(g.next() % 16)
      return dtype.isSignedInteger ? r - 8 : r
    }
    do { return try HostArray(shape: shape, dtype: dtype, values: values) } catch { throw UsageError("\(error)") }
  }
}
