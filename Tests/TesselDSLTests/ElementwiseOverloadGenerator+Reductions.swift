import TesselIR

@testable import TesselLang

/// The reductions of the legacy NKI API table (`nl.sum(x, axis)`, …) as DSL functions.
extension ElementwiseOverloadGenerator {
  /// The keywords of a reduction signature, in order.
  static let reductionKeywords = ["x", "axis", "dtype", "mask", "keepdims"]

  /// The reductions written by hand in `Ops+Compute.swift`: `nl.mean` scales the sum afterwards.
  static let handWrittenReductions: Set<String> = ["mean"]

  /// The table's reductions and their ALU operations, in table order.
  static func tableReductions() throws -> [(name: String, op: ALUOp)] {
    try LegacyNKIAPI.reductions.map { r in
      guard LegacyNKIAPI.function(named: "nl.\(r.name)")?.signature.keywords == reductionKeywords else {
        throw Failure(description: "`nl.\(r.name)` is not `(x, axis, *, dtype=None, mask=None, keepdims=False)`")
      }
      return r
    }
  }

  /// The file of reduction functions (every table reduction but the hand-written ones).
  static func reductionFile() throws -> File {
    let about =
      "The `nl` reductions along free axes, each a `tensor_reduce` of its ALU operation into a new SBUF tile "
      + "(`nl.mean`, which also scales, is written by hand)."
    var out = header(about)
    for r in try tableReductions() where !handWrittenReductions.contains(r.name) {
      let what = LegacyNKIAPI.reductionWords[r.name] ?? r.name
      let arguments =
        "data.handle, data.view, axes, false, keepDims, dtype, mask, \"\(r.name)\", loc(fileID, line, column))"
      let oneLine = "  reduceImpl(.\(r.op), \(arguments)"
      let call = oneLine.count <= 120 ? oneLine : "  reduceImpl(\n    .\(r.op), \(arguments)"
      out += """

        \(doc("`nl.\(r.name)(x, axis, keepdims=)`: the \(what) along `axes` (`tensor_reduce` with `\(r.op.nkiName)`)."))
        ///
        /// ```swift
        /// let r = \(r.name)(x, axes: [1], keepDims: true)
        /// ```
        public func \(r.name)<S: OnChipMemory>(
          _ data: Tile<S>, axes: [Int], keepDims: Bool = false, dtype: DType? = nil, mask: Mask? = nil,
          fileID: String = #fileID, line: Int = #line, column: Int = #column
        ) -> Tile<SBUF> {
        \(call)
        }

        """
    }
    return File(name: "Ops+Reduction.swift", text: out)
  }
}
