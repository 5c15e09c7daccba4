import TesselHost
import TesselIR
import TesselInterpreter

/// A kernel parameter declaration: an HBM tensor the caller passes.
///
/// ```swift
/// KernelParameter("a_input", shape: [256, 512], dtype: .float32)
/// ```
public struct KernelParameter: Sendable, Hashable {
  /// The parameter name (as in the NKI signature).
  public var name: String
  /// The tensor's shape.
  public var shape: [Int]
  /// The tensor's dtype.
  public var dtype: DType

  /// Declares a parameter.
  public init(_ name: String, shape: [Int], dtype: DType = .float32) {
    self.name = name
    self.shape = shape
    self.dtype = dtype
  }
}

/// What a typed kernel signature is made of: a parameter declaration and the value its body
/// receives for it.
///
/// ``KernelParameter`` is the one conforming type (its argument is a `Tensor<HBM>`); the
/// protocol exists so that ``SwiftKernel/init(name:_:grid:fileID:line:column:body:)`` can take
/// any number of parameters and hand the body one typed argument for each.
public protocol KernelParameterDeclaration: Sendable {
  /// What the kernel's body receives for this parameter.
  associatedtype Argument
  /// The declaration.
  var declaration: KernelParameter { get }
  /// The argument for the HBM tensor bound to the parameter.
  static func argument(_ tensor: Tensor<HBM>) -> Argument
}

extension KernelParameter: KernelParameterDeclaration {
  public var declaration: KernelParameter { self }
  public static func argument(_ tensor: Tensor<HBM>) -> Tensor<HBM> { tensor }
}

/// The HBM tensors bound to a kernel's parameters, by position: the body's argument for a kernel
/// whose number of parameters is decided at run time.
///
/// ```swift
/// let a = args[0], b = args[1]
/// ```
public struct KernelArguments: Sendable {
  let tensors: [Tensor<HBM>]
  let location: SourceLocation

  /// The parameters in signature order.
  public var all: [Tensor<HBM>] { tensors }

  /// The parameter at `position`; an invalid position records an error and returns a placeholder.
  public subscript(position: Int) -> Tensor<HBM> {
    if position >= 0 && position < tensors.count { return tensors[position] }
    return missing("#\(position)")
  }

  func missing(_ what: String) -> Tensor<HBM> {
    Recorder.current?.fail(
      KernelError(.malformed("the kernel has no parameter \(what) (parameters: \(tensors.map(\.name)))"), at: location))
    return Tensor(handle: Emit.placeholder(what, .hbm, [1], .float32, location))
  }
}

/// A kernel written with the Swift DSL: a name, parameters, an optional SPMD grid and a body.
///
/// Building records the body into a verified ``TesselIR/Kernel`` for a target; running builds
/// it and executes it on the interpreter; ``runEagerly(_:target:)`` executes every DSL call at
/// once against a simulated core instead, with no IR.
///
/// ```swift
/// let add = SwiftKernel(
///   name: "tensor_add", KernelParameter("a", shape: [256, 512]), KernelParameter("b", shape: [256, 512])
/// ) { a, b in
///   let out = output("out", shape: [256, 512], dtype: .float32)
///   affineRange(2) { t in
///     let aTile = load(a[t * 128 ..+ 128, 0 ..< 512])
///     let bTile = load(b[t * 128 ..+ 128, 0 ..< 512])
///     store(out[t * 128 ..+ 128, 0 ..< 512], value: add(aTile, bTile))
///   }
/// }
/// let kernel = try add.build(target: .trn2)
/// let result = try add.run([a, b])
/// ```
public struct SwiftKernel: Sendable {
  /// The kernel's name.
  public var name: String
  /// The HBM parameters, in signature order.
  public var parameters: [KernelParameter]
  /// The SPMD launch grid; empty for one instance.
  public var grid: [Int]
  /// Where the kernel was declared (parameters are located here).
  public var location: SourceLocation
  let body: @Sendable (KernelArguments) -> KernelBody

  /// Declares a kernel whose body receives one HBM tensor per parameter, in order.
  ///
  /// ```swift
  /// SwiftKernel(name: "copy", KernelParameter("x", shape: [128, 512])) { x in
  ///   let out = output("out", shape: [128, 512], dtype: x.dtype)
  ///   store(out[0 ..< 128, 0 ..< 512], value: load(x[0 ..< 128, 0 ..< 512]))
  /// }
  /// ```
  ///
  /// - Parameters:
  ///   - name: The kernel's name.
  ///   - parameters: The HBM parameters, in order.
  ///   - grid: The SPMD launch grid (`kernel[g0, g1]`); empty for one instance.
  ///   - body: The body; it receives the parameters as HBM tensors, one closure argument each.
  public init<each Parameter: KernelParameterDeclaration>(
    name: String, _ parameters: repeat each Parameter, grid: [Int] = [], fileID: String = #fileID,
    line: Int = #line, column: Int = #column,
    @KernelBodyBuilder body: @escaping @Sendable (repeat (each Parameter).Argument) -> KernelBody
  ) {
    var declarations: [KernelParameter] = []
    for p in repeat each parameters { declarations.append(p.declaration) }
    let positional: @Sendable (KernelArguments) -> KernelBody = { args in
      var position = 0
      func next<P: KernelParameterDeclaration>(_: P.Type) -> P.Argument {
        defer { position += 1 }
        return P.argument(args[position])
      }
      return body(repeat next((each Parameter).self))
    }
    self.init(
      name: name, parameters: declarations, grid: grid, fileID: fileID, line: line, column: column, body: positional)
  }

  /// Declares a kernel whose parameters are a list decided at run time; the body receives them
  /// as ``KernelArguments`` (by position).
  ///
  /// - Parameters:
  ///   - name: The kernel's name.
  ///   - parameters: The HBM parameters, in order.
  ///   - grid: The SPMD launch grid (`kernel[g0, g1]`); empty for one instance.
  ///   - body: The body; it receives the parameters as HBM tensors.
  public init(
    name: String, parameters: [KernelParameter], grid: [Int] = [], fileID: String = #fileID,
    line: Int = #line, column: Int = #column,
    @KernelBodyBuilder body: @escaping @Sendable (KernelArguments) -> KernelBody
  ) {
    self.name = name
    self.parameters = parameters
    self.grid = grid
    self.location = SourceLocation(file: fileID, line: line, column: column)
    self.body = body
  }

  /// Builds the kernel's IR and verifies it for `target`.
  ///
  /// - Throws: The first error a DSL call recorded, or the verifier's, located at the Swift
  ///   call that emitted the offending instruction.
  public func build(target: Target = .trn2) throws(KernelError) -> Kernel {
    let ir = IRRecording(name: name)
    let r = Recorder(target: target, backend: ir)
    Recorder.$current.withValue(r) {
      let args = parameters.map {
        Tensor<HBM>(handle: r.addParameter(name: $0.name, shape: $0.shape, dtype: $0.dtype, location: location))
      }
      _ = body(KernelArguments(tensors: args, location: location))
    }
    if let e = r.error { throw e }
    ir.builder.setOutputs(r.outputs)
    ir.builder.setGrid(grid)
    return try ir.builder.finish(target: target, foldCopies: true)
  }

  /// The kernel's IR as text (``TesselIR/Kernel/printed(locations:canonicalNames:)``).
  ///
  /// ```swift
  /// print(try kernel.printedIR(canonicalNames: true))
  /// ```
  public func printedIR(
    target: Target = .trn2, locations: Bool = false, canonicalNames: Bool = false
  ) throws(KernelError) -> String {
    try build(target: target).printed(locations: locations, canonicalNames: canonicalNames)
  }

  /// Builds the kernel and runs it on the interpreter with host arrays in parameter order.
  ///
  /// ```swift
  /// let result = try kernel.run([x], target: .trn2)
  /// let out: [Float] = result.outputs[0].floatValues()
  /// ```
  ///
  /// - Returns: The returned tensors, every parameter's final contents and the run report.
  public func run(
    _ arguments: [HostArray], target: Target = .trn2, options: RunOptions? = nil
  ) throws(KernelError) -> HostRunResult {
    let kernel = try build(target: target)
    var o = options ?? RunOptions(target: target)
    o.target = target
    return try Interpreter(kernel: kernel, options: o).run(hostArrays: arguments)
  }
}
