import Foundation
import TesselIR
import TesselLang
import Testing

/// The checked-in generated DSL sources are what their generator writes today.
@Suite("Generated DSL sources")
struct GeneratedSourceTests {
  /// `Sources/TesselDSL/Generated/` of this checkout.
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Sources/TesselDSL/Generated")

  @Test("the elementwise overloads are up to date with the NKI API table (TESSEL_REGENERATE=1 rewrites them)")
  func elementwiseOverloadsUpToDate() throws {
    let files = try ElementwiseOverloadGenerator.files()
    let regenerate = ProcessInfo.processInfo.environment["TESSEL_REGENERATE"] == "1"
    for file in files {
      let url = Self.folder.appendingPathComponent(file.name)
      if regenerate { try file.text.write(to: url, atomically: true, encoding: .utf8) }
      let checkedIn = try? String(contentsOf: url, encoding: .utf8)
      let upToDate = checkedIn == file.text
      #expect(upToDate, "\(file.name) is stale: run `TESSEL_REGENERATE=1 swift test --filter GeneratedSourceTests`")
    }
    let present = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasPrefix("Ops+") }
    #expect(Set(present) == Set(files.map(\.name)), "Generated/ holds files the generator no longer writes")
  }

  @Test("the table's unary `nl` functions are activation functions, each with its DSL function")
  func unaryTableCovered() throws {
    let functions = try ElementwiseOverloadGenerator.tableFunctions()
    #expect(Set(functions).count == functions.count)
    #expect(functions.count >= 24)
    let text = try ElementwiseOverloadGenerator.files().map(\.text).joined()
    for function in functions {
      #expect(text.components(separatedBy: "public func \(function)<").count == 2, "\(function)")
    }
  }

  @Test("every reduction of the table has one DSL function: generated, or written by hand (`mean`)")
  func reductionsCovered() throws {
    let reductions = try ElementwiseOverloadGenerator.tableReductions()
    #expect(Set(reductions.map(\.name)).isSuperset(of: ElementwiseOverloadGenerator.handWrittenReductions))
    let text = try ElementwiseOverloadGenerator.files().map(\.text).joined()
    let handWritten = try String(
      contentsOf: Self.folder.deletingLastPathComponent().appendingPathComponent("Ops+Compute.swift"), encoding: .utf8)
    for r in reductions {
      let generated = text.components(separatedBy: "public func \(r.name)<").count - 1
      let byHand = handWritten.components(separatedBy: "public func \(r.name)<").count - 1
      #expect(generated + byHand == 1, "nl.\(r.name): \(generated) generated, \(byHand) by hand")
    }
  }

  @Test("every ALU operation is a binary `nl` function of the table and has its three DSL overloads")
  func tableCovered() throws {
    let ops = try ElementwiseOverloadGenerator.tableOperations()
    #expect(Set(ops) == Set(ALUOp.allCases), "every ALU operation is an `nl` function of the table")
    #expect(Set(ops).count == ops.count)
    let text = try ElementwiseOverloadGenerator.files().map(\.text).joined()
    for op in ops {
      let declarations = text.components(separatedBy: "public func \(op)<").count - 1
      #expect(declarations == 3, "\(op): \(declarations) overloads")
    }
  }
}
