extension TimingConstants {
  /// A Markdown table of several targets' constants side by side, with each constant's unit,
  /// provenance and source (the source of the last target that documents it, else the first).
  public static func table(_ sets: [TimingConstants]) -> String {
    guard let first = sets.first else { return "" }
    func number(_ v: Double) -> String {
      v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }
    var out = "| constant | unit | " + sets.map(\.target.rawValue).joined(separator: " | ") + " | status | source |\n"
    out += "|---|---|" + sets.map { _ in "---:|" }.joined() + "---|---|\n"
    for (i, entry) in first.entries.enumerated() {
      let row = sets.map { $0.entries[i].constant }
      let statuses = Set(row.map(\.provenance.rawValue)).sorted().joined(separator: " / ")
      var sources: [String] = []
      for c in row where !sources.contains(c.source) { sources.append(c.source) }
      out += "| `\(entry.name)` | \(entry.constant.unit) | " + row.map { number($0.value) }.joined(separator: " | ")
      out += " | \(statuses) | \(sources.joined(separator: "; ")) |\n"
    }
    return out
  }
}
