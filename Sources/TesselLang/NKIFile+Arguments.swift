import TesselIR
import TesselPython

extension NKIFile {
  /// Binds a kernel call's arguments to the function's parameters, for either dialect.
  ///
  /// Tensors become HBM parameters through `tensor` (given the parameter's name and location,
  /// the shape and the dtype); literals become Python values; expressions are evaluated in the
  /// kernel module's globals. Too many positional arguments, an unknown keyword or a missing
  /// argument is a usage error naming the parameters.
  static func bindArguments(
    _ fn: PyFunction, name: String, arguments: [KernelArgument], keywords: [String: KernelArgument], _ ev: Evaluator,
    tensor: (_ param: String, _ location: SourceLocation, _ shape: [Int], _ dtype: DType) -> Value
  ) throws(TraceError) -> (positional: [Value], keywords: [(String, Value)]) {
    let params = fn.parameters.positionalOnly + fn.parameters.positional + fn.parameters.keywordOnly
    func value(_ a: KernelArgument, for param: String) throws(TraceError) -> Value {
      switch a {
      case .tensor(let shape, let dtype):
        return tensor(param, params.first { $0.name == param }?.location ?? fn.location, shape, dtype)
      case .literal(let l): return Self.value(l)
      case .expression(let text): return try evaluateArgument(text, for: param, in: fn, ev)
      }
    }
    let positionalParams = fn.parameters.positionalOnly + fn.parameters.positional
    let names = params.map(\.name).joined(separator: ", ")
    if arguments.count > positionalParams.count && fn.parameters.variadic == nil {
      throw TraceError(
        .usage(
          "kernel '\(name)' takes \(positionalParams.count) positional arguments (\(positionalParams.map(\.name).joined(separator: ", "))) but \(arguments.count) were given"
        ), at: fn.location)
    }
    var positional: [Value] = []
    for (i, a) in arguments.enumerated() {
      positional.append(try value(a, for: i < positionalParams.count ? positionalParams[i].name : "arg\(i)"))
    }
    var kw: [(String, Value)] = []
    for (k, a) in keywords.sorted(by: { $0.key < $1.key }) {
      guard params.contains(where: { $0.name == k }) || fn.parameters.keywordVariadic != nil else {
        throw TraceError(.usage("kernel '\(name)' has no parameter '\(k)' (parameters: \(names))"), at: fn.location)
      }
      kw.append((k, try value(a, for: k)))
    }
    for p in positionalParams.dropFirst(arguments.count) where p.defaultValue == nil && !keywords.keys.contains(p.name)
    {
      throw TraceError(.usage("missing argument for kernel parameter '\(p.name)'"), at: fn.location)
    }
    return (positional, kw)
  }
}
