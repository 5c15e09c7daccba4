import Foundation
import Testing

@testable import TesselLang

/// `docs/current-dialect.md`'s supported-API section is what its generator writes today.
@Suite("Generated current-dialect API docs")
struct CurrentDialectDocTests {
  /// `docs/current-dialect.md` of this checkout.
  static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("docs/current-dialect.md")

  @Test(
    "the supported-API tables are up to date with the current binding's API table (TESSEL_REGENERATE=1 rewrites them)")
  func upToDate() throws {
    let text = try String(contentsOf: Self.page, encoding: .utf8)
    let section = try CurrentDialectDocGenerator.section()
    let updated = CurrentDialectDocGenerator.replacing(in: text, with: section)
    #expect(updated != nil, "docs/current-dialect.md lacks the markers of the generated section")
    var checkedIn = text
    if ProcessInfo.processInfo.environment["TESSEL_REGENERATE"] == "1", let updated {
      try updated.write(to: Self.page, atomically: true, encoding: .utf8)
      checkedIn = try String(contentsOf: Self.page, encoding: .utf8)
    }
    #expect(
      checkedIn.contains(section),
      "docs/current-dialect.md is stale: run `TESSEL_REGENERATE=1 swift test --filter CurrentDialectDocTests`")
  }

  @Test("every nisa function of the binding has a row, with its signature, its IR operation and its default engine")
  func rows() throws {
    let section = try CurrentDialectDocGenerator.section()
    for (name, f) in CurrentISA.functions {
      #expect(section.contains("| `nisa.\(name)` | `\(f.signature)` |"), "\(name)")
    }
    #expect(section.contains("| `nisa.nc_matmul` | `nisa.nc_matmul(dst, stationary, moving,"))
    #expect(section.contains("| `nc_matmul` | tensor |"))
    #expect(section.contains("| `nisa.activation_reduce` |") && section.contains("| `activation` | scalar (also "))
    for name in CurrentISA.unmodelled { #expect(section.contains("`\(name)`"), "\(name)") }
    for name in CurrentNL.functions.keys { #expect(section.contains("| `nl.\(name)` |"), "\(name)") }
  }
}
