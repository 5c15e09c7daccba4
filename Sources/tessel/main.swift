import ArgumentParser
import Foundation
import Tessel

/// The `tessel` command.
@main
struct TesselCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tessel",
    abstract: "Run, check and explore NKI tile kernels on a simulated NeuronCore.",
    subcommands: [Demo.self, Targets.self, Inspect.self])
}

/// Options shared by commands that pick a target.
struct TargetOption: ParsableArguments {
  @Option(name: .long, help: "Trainium generation: trn1, trn2 or trn3.")
  var target: String = "trn2"

  func resolved() throws -> Target {
    guard let t = Target(rawValue: target) else {
      throw ValidationError("unknown target '\(target)'; expected trn1, trn2 or trn3")
    }
    return t
  }
}

/// Prints a diagnostic on standard error and exits with status 1 (a kernel error).
func failKernel(_ d: Diagnostic) -> Never {
  FileHandle.standardError.write(Data(DiagnosticRenderer().render(d).utf8))
  exit(1)
}

struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a tiled bf16 matmul + bias kernel on seeded inputs and check it against plain loops.")

  @OptionGroup var targetOption: TargetOption
  @Flag(help: "Print the kernel's IR first.") var ir = false
  @Flag(help: "Print the run report as JSON.") var json = false

  func run() throws {
    let target = try targetOption.resolved()
    let K = 512, M = 256, N = 1024
    let kernel: Kernel
    let interpreter: Interpreter
    do {
      kernel = try DemoKernels.tiledMatmulBias(K: K, M: M, N: N)
      interpreter = try Interpreter(kernel: kernel, options: RunOptions(target: target))
    } catch { failKernel(error.diagnostic) }
    if ir { print(kernel.printed(locations: false)) }
    var state: UInt64 = 42
    func next() -> Float {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Float(Int((state >> 40) % 2001) - 1000) / 1000
    }
    let lhsT = (0..<(K * M)).map { _ in next() }, rhs = (0..<(K * N)).map { _ in next() }
    let bias = (0..<(M * N)).map { _ in next() }
    let args: [HostArray]
    do {
      args = [try HostArray(shape: [K, M], dtype: .bfloat16, values: lhsT),
              try HostArray(shape: [K, N], dtype: .bfloat16, values: rhs),
              try HostArray(shape: [M, N], dtype: .float32, values: bias)]
    } catch { throw ValidationError("\(error)") }
    let start = Date()
    let result: HostRunResult
    do { result = try interpreter.run(hostArrays: args) } catch { failKernel(error.diagnostic) }
    let elapsed = Date().timeIntervalSince(start) * 1000
    // Reference: plain loops over the bf16-rounded inputs, accumulating in Double.
    let a = args[0].floatValues(), b = args[1].floatValues()
    let out = result.outputs[0].floatValues()
    var worst: Double = 0
    for i in 0..<M {
      for j in 0..<N {
        var acc: Double = 0
        for k in 0..<K { acc += Double(a[k * M + i]) * Double(b[k * N + j]) }
        worst = max(worst, abs(acc + Double(bias[i * N + j]) - Double(out[i * N + j])))
      }
    }
    if json {
      let enc = JSONEncoder()
      enc.outputFormatting = [.prettyPrinted, .sortedKeys]
      if let data = try? enc.encode(result.report) { print(String(decoding: data, as: UTF8.self)) }
    } else {
      print("tessel demo: out[\(M), \(N)] = lhsT[\(K), \(M)]ᵀ · rhs[\(K), \(N)] + bias   (bf16 inputs, fp32 PSUM) on \(target.rawValue)")
      print("  ran in \(String(format: "%.1f", elapsed)) ms; max |error| vs plain loops = \(String(format: "%.2e", worst))")
      for e in Engine.allCases {
        if let c = result.report.engines[e] {
          print("  \(e.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(c.instructions) instructions, \(c.elements) elements, \(c.flops) flops")
        }
      }
      print("  SBUF high water \(result.report.sbufHighWaterBytes) of \(result.report.sbufCapacityBytes) bytes/partition; PSUM \(result.report.psumHighWaterBytes) of \(result.report.psumCapacityBytes)")
      print("  first row: \(out.prefix(4).map { String(format: "%.4f", $0) }.joined(separator: " ")) ...")
    }
    if worst > 1e-2 { throw ExitCode(1) }
  }
}

struct Targets: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List the simulated targets and their constants.")
  func run() {
    for t in Target.allCases {
      print("\(t.rawValue) (\(t.generation)): SBUF \(t.sbufBytesPerPartition) B/partition, PSUM \(t.psumBanks)×\(t.psumBankBytes) B, pmax \(t.pmax), matmul stationary ≤ \(t.gemmStationaryFmax), moving ≤ \(t.gemmMovingFmax)")
    }
  }
}

struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print a .npy file's shape, dtype and values.")
  @ArgumentParser.Argument(help: "A .npy file, optionally with :DTYPE for raw bf16/fp8 data (x.npy:bfloat16).") var file: String
  func run() throws {
    var path = file
    var dtype: DType?
    if let colon = file.lastIndex(of: ":"), !file.hasSuffix(".npy") {
      let name = String(file[file.index(after: colon)...])
      guard let d = DType(nkiName: name) else { throw ValidationError("unknown dtype '\(name)' in '\(file)'") }
      dtype = d
      path = String(file[..<colon])
    }
    do {
      print(try HostArray.readNPY(from: path, as: dtype))
    } catch {
      FileHandle.standardError.write(Data("error: \(error)\n".utf8))
      throw ExitCode(1)
    }
  }
}
