extension CloseReport: CustomStringConvertible {
  /// A readable multi-line summary: the verdict and tolerances on the first line, then the counts,
  /// the worst element and the first failing elements.
  ///
  /// ```text
  /// arrays are not close (shape [128, 4], rtol 1e-05, atol 1e-06)
  ///   2 of 512 elements out of tolerance, 1 of them NaN vs. number
  ///   worst: [3, 1]: actual nan, expected 1.25
  ///   largest |actual - expected| (NaN excluded): 0.5
  ///   first failures:
  ///     [0, 2]: actual 1.5, expected 1.0, |actual - expected| 0.5, allowed 1.01e-06
  ///     [3, 1]: actual nan, expected 1.25
  /// ```
  public var description: String {
    let tolerances = "shape \(shape), rtol \(rtol), atol \(atol)"
    if isShapeMismatch {
      return """
        arrays cannot be compared (\(tolerances))
          the shape has \(shapeElementCount) elements, actual has \(actualCount), expected has \(expectedCount)
        """
    }
    var lines: [String] = []
    if passed {
      lines.append("arrays are close (\(tolerances))")
      lines.append("  all \(shapeElementCount) elements within tolerance")
    } else {
      lines.append("arrays are not close (\(tolerances))")
      var counts = "  \(failureCount) of \(shapeElementCount) elements out of tolerance"
      if nanMismatchCount > 0 {
        counts += ", \(nanMismatchCount) of them NaN vs. number"
      }
      lines.append(counts)
    }
    if let worst {
      lines.append("  worst: \(worst)")
    }
    lines.append("  largest |actual - expected| (NaN excluded): \(maxAbsoluteError)")
    if !firstFailures.isEmpty {
      let more =
        failureCount > firstFailures.count
        ? " (first \(firstFailures.count) of \(failureCount))" : ""
      lines.append("  first failures\(more):")
      for element in firstFailures {
        lines.append("    \(element)")
      }
    }
    return lines.joined(separator: "\n")
  }
}

extension CloseReport.Element: CustomStringConvertible {
  /// The element's coordinates, its two values and, unless one side is NaN, its error and
  /// allowance: `[3, 1]: actual 1.5, expected 1.25, |actual - expected|
  /// 0.25, allowed 1.35e-05`.
  public var description: String {
    var text = "\(coordinates)"
    if let t = rowTile {
      text += " (row \(coordinates[0]): tile \(t.tile), partition \(t.partition))"
    }
    text += ": actual \(actual), expected \(expected)"
    if !actual.isNaN && !expected.isNaN {
      text += ", |actual - expected| \(absoluteError), allowed \(allowedError)"
    }
    return text
  }
}
