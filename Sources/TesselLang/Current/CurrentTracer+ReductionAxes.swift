import TesselIR
import TesselPython

extension CurrentTracer {
  /// The free axes `nisa.tensor_reduce(axis=...)` reduces, in NKI 0.3's numbering.
  ///
  /// From NKI 0.3 on, axes count from the partition dimension and the reduced ones must be the
  /// last free axes (`axis=2` or `axis=(1, 2)` on a `[P, A, B]` tile). Earlier releases counted
  /// free axes from the most-minor one (`axis=1` reduced `B`), and kernels written for them (such
  /// as nki-library's before April 2026) still say `axis=1` on three-dimensional tiles. Such a set
  /// — consecutive from 1 but not ending at the last axis, which 0.3 refuses — can only mean the
  /// older numbering: it is translated, with a warning. Any other set is kept for the verifier.
  func reductionAxes(_ axes: [Int], rank: Int, at location: SourceLocation) -> [Int] {
    let sorted = axes.sorted()
    guard let first = sorted.first, let last = sorted.last, first == 1, last < rank - 1,
      sorted == Array(first...last)
    else { return axes }
    let translated = Array((rank - sorted.count)..<rank)
    warnings.append(
      (
        "axis=\(axes.count == 1 ? String(axes[0]) : "(\(axes.map(String.init).joined(separator: ", ")))") "
          + "on a \(rank)-dimensional tile follows NKI's numbering before 0.3 (axis 1 is the most-minor free axis); "
          + "from 0.3 on it is axis=\(translated.count == 1 ? String(translated[0]) : "(\(translated.map(String.init).joined(separator: ", ")))")",
        location
      ))
    return translated
  }
}
