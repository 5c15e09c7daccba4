import ArgumentParser
import Foundation
import Tessel

/// `tessel inspect`: a .npy file's contents.
struct Inspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect", abstract: "Print a .npy file's shape, dtype and values.")
  @ArgumentParser.Argument(help: "A .npy file, optionally with :DTYPE for raw bf16/fp8 data (x.npy:bfloat16).")
  var file: String
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
      printDiagnostic((error as? any DiagnosticConvertible)?.diagnostic ?? Diagnostic(.error, "\(error)"))
      throw ExitCode(1)
    }
  }
}
