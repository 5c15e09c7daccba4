import Foundation
import TesselIR

@testable import TesselLang

/// Writes the supported-API section of `docs/current-dialect.md` from the current binding's API
/// tables (`CurrentISA.functions`, `CurrentNL.functions` and their `unmodelled` lists: the
/// signatures the binding parses and binds arguments with) and the operation table (each
/// `nki.isa` function's IR operation and engines, ``OperationInfo``).
///
/// ``CurrentDialectDocTests`` compares the section between ``begin`` and ``end`` with the
/// checked-in page and rewrites it when run with `TESSEL_REGENERATE=1`.
enum CurrentDialectDocGenerator {
  /// The markers around the generated section.
  static let begin = "<!-- BEGIN GENERATED: supported API -->"
  static let end = "<!-- END GENERATED: supported API -->"

  /// The operation table's rows (one per IR operation).
  static let operations: [OperationInfo] = [
    Operation.Activation.info, Operation.AffineSelect.info, Operation.BNAggr.info, Operation.BNStats.info,
    Operation.Broadcast.info, Operation.DMACompute.info, Operation.DMACopy.info, Operation.DMATranspose.info,
    Operation.FindIndex8.info, Operation.Iota.info, Operation.Load.info, Operation.LoadTranspose.info,
    Operation.MatchReplace8.info, Operation.Matmul.info, Operation.MatmulMX.info, Operation.Max8.info,
    Operation.Memset.info, Operation.QuantizeMX.info, Operation.RangeSelect.info, Operation.Reciprocal.info,
    Operation.RegisterLoad.info, Operation.RegisterMove.info, Operation.RegisterStore.info,
    Operation.ScalarTensorTensor.info, Operation.Select.info, Operation.Store.info, Operation.StreamShuffle.info,
    Operation.TensorCopy.info, Operation.TensorPartitionReduce.info, Operation.TensorReduce.info,
    Operation.TensorScalar.info, Operation.TensorScalarReduce.info, Operation.TensorTensor.info,
    Operation.TensorTensorScan.info, Operation.Transpose.info,
  ]

  /// `nki.isa` functions lowered to an IR operation of another name.
  static let aliases: [String: String] = ["activation_reduce": "activation"]

  /// `nki.isa` functions that record no IR operation of their own, and what they do instead.
  static let withoutOperation: [String: String] = [
    "register_alloc": "a `[1, 1]` int32 SBUF tile (`memset` when `x` is given)",
    "get_nc_version": "none: the target's `nisa.nc_version`, at trace time",
    "sendrecv": "a rendezvous of the launch's programs: `dma_copy` from the peer's `src`",
    "core_barrier": "a rendezvous of the launch's programs",
  ]

  /// Why a function cannot be documented.
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// The generated section, markers included.
  static func section() throws -> String {
    var lines = [begin, ""]
    lines.append("### `nki.isa`")
    lines.append("")
    lines.append("| Function | Signature (NKI 0.6) | IR operation | Engine (others the kernel may choose) |")
    lines.append("|---|---|---|---|")
    for name in CurrentISA.functions.keys.sorted() {
      guard let f = CurrentISA.functions[name] else { continue }
      let opName = aliases[name] ?? name
      let lowering: String
      var engines = "—"
      if let row = operations.first(where: { $0.nkiName == opName }) {
        lowering = "`\(row.nkiName)`"
        let others = row.engines.filter { $0 != row.defaultEngine }.map(\.rawValue)
        engines = row.defaultEngine.rawValue + (others.isEmpty ? "" : " (also \(others.joined(separator: ", ")))")
      } else if let note = withoutOperation[name] {
        lowering = note
      } else {
        throw Failure(
          description:
            "nisa.\(name) has no IR operation of that name: add it to CurrentDialectDocGenerator.aliases or .withoutOperation"
        )
      }
      lines.append("| `nisa.\(name)` | `\(escaped(f.signature))` | \(lowering) | \(engines) |")
    }
    lines += ["", notModelled("nisa", CurrentISA.unmodelled), "", "### `nki.language`", ""]
    lines += ["| Function | Signature |", "|---|---|"]
    for name in CurrentNL.functions.keys.sorted() {
      guard let f = CurrentNL.functions[name] else { continue }
      lines.append("| `nl.\(name)` | `\(escaped(f.signature))` |")
    }
    lines += ["", notModelled("nl", CurrentNL.unmodelled)]
    lines += [
      "", "Legacy spellings are located errors that name the current one: `nl.<name>` removed from the current dialect",
      "(an `AttributeError`) and the `nki.language` convenience functions Tessel does not model (`unsupported`):", "",
      "| Legacy | Write instead |", "|---|---|",
    ]
    for (name, use) in LegacySpelling.removed.merging(LegacySpelling.unmodelled, uniquingKeysWith: { a, _ in a })
      .sorted(by: { $0.key < $1.key })
    {
      lines.append("| `nl.\(name)` | \(escaped(use)) |")
    }
    lines.append("")
    lines.append(end)
    return lines.joined(separator: "\n")
  }

  /// The sentence listing a module's names that are located errors.
  static func notModelled(_ module: String, _ names: Set<String>) -> String {
    "Not modelled (calling one is a located error, `unsupported: \(module).<name>`): "
      + names.sorted().map { "`\($0)`" }.joined(separator: ", ") + "."
  }

  /// A signature as Markdown table text (`|` would end the cell).
  static func escaped(_ s: String) -> String {
    s.replacingOccurrences(of: "|", with: "\\|")
  }

  /// `page` with its generated section replaced by `section`; nil when the markers are missing.
  static func replacing(in page: String, with section: String) -> String? {
    guard let a = page.range(of: begin), let b = page.range(of: end), a.lowerBound < b.lowerBound else { return nil }
    return page.replacingCharacters(in: a.lowerBound..<b.upperBound, with: section)
  }
}
