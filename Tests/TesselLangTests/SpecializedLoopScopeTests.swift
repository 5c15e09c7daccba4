import TesselHost
import TesselIR
import TesselLang
import TesselPython
import Testing

/// A specialised loop (traced once per index because Python control flow depends on the index)
/// keeps NKI's one-trace meaning: each iteration starts from the variables the loop began with,
/// a tile of the body is out of scope after the loop, and Python containers change once.
///
/// References are plain loops written from that rule.
@Suite("Specialised loops keep NKI's one-trace scoping")
struct SpecializedLoopScopeTests {
  static let ranges = ["nl.affine_range", "nl.sequential_range"]

  static func rows(_ range: String) -> String {
    header + """
      @nki.jit
      def k(x):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          n = x.shape[1]
          for i in \(range)(x.shape[0]):
              t = nl.load(x[i:i + 1, 0:n])
              if i == 0:
                  r = nl.multiply(t, 2.0)
              else:
                  r = nl.multiply(t, 3.0)
              nl.store(out[i:i + 1, 0:n], r)
              n = 1
          return out
      """
  }

  @Test("a name rebound late in the body does not leak into the next iteration", arguments: ranges)
  func rebindingDoesNotLeak(_ range: String) throws {
    for (p, f) in [(1, 4), (3, 5), (7, 3)] {
      let x = (0..<(p * f)).map { Float($0) - 5 }
      let (k, r) = try traceAndRun(Self.rows(range), [try HostArray(shape: [p, f], dtype: .float32, values: x)])
      #expect(k.indexVars.filter { $0.kind == .loop }.isEmpty, "the loop was specialised")
      let out = r.outputs[0].floatValues()
      for i in 0..<p {
        for j in 0..<f {
          #expect(out[i * f + j] == x[i * f + j] * (i == 0 ? 2 : 3), "\(range) [\(p), \(f)] out[\(i), \(j)]")
        }
      }
      #expect(r.report.warnings.isEmpty, "\(r.report.warnings)")
    }
  }

  @Test("a Python range whose body needs its index keeps Python's meaning: the next iteration sees the rebinding")
  func pythonRangeCarriesBindings() throws {
    let (p, f) = (3, 4)
    let x = (0..<(p * f)).map { Float($0) - 5 }
    let src = Self.rows("range").replacingOccurrences(
      of: "out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)",
      with: "out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)\n    nl.store(out, nl.load(x))")
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [p, f], dtype: .float32, values: x)])
    let out = r.outputs[0].floatValues()
    for i in 0..<p {
      for j in 0..<f {
        let scaled = i == 0 || j == 0
        #expect(out[i * f + j] == (scaled ? x[i * f + j] * (i == 0 ? 2 : 3) : x[i * f + j]), "out[\(i), \(j)]")
      }
    }
  }

  @Test("a tile of one specialised iteration kept in a list for the next is refused at the loop", arguments: ranges)
  func earlierIterationTileRefused(_ range: String) throws {
    let src =
      header + """
        @nki.jit
        def k(a):
            out = nl.ndarray((3, 4), dtype=a.dtype, buffer=nl.shared_hbm)
            held = [None]
            for i in \(range)(3):
                t = nl.load(a[i:i + 1, 0:4])
                if i > 0:
                    nl.store(out[i:i + 1, 0:4], value=nl.add(held[0], t))
                held[0] = t
            return out
        """
    let e = try #require(
      try traceRefusal(src, [try HostArray(shape: [3, 4], dtype: .float32, values: Array(repeating: 1, count: 12))]))
    #expect(e.message.contains("changes a Python list, dict or object in every iteration"), "\(e.message)")
    #expect(e.location.line == 8)
  }

  /// A container changed in every iteration is refused.
  ///
  /// A count bumped in every iteration would be 1 after NKI's single trace and one per index after
  /// Tessel's specialisation. The same change in every iteration is one change.
  @Test(
    "a Python container changed in every specialised iteration is refused; an idempotent change is not",
    arguments: ranges, [true, false])
  func containerChangedPerIteration(_ range: String, _ appends: Bool) throws {
    let src =
      header + """
        @nki.jit
        def k(x):
            out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
            seen = {"rows": 0}
            for i in \(range)(x.shape[0]):
                t = nl.load(x[i:i + 1, :])
                if i == 0:
                    t = nl.multiply(t, 2.0)
                seen["rows"] = \(appends ? "seen[\"rows\"] + 1" : "1")
                nl.store(out[i:i + 1, :], value=t)
            assert seen["rows"] == 1, seen
            return out
        """
    let p = 7
    let x = (0..<(p * 3)).map { Float($0) - 9 }
    do {
      let (_, r) = try traceAndRun(src, [try HostArray(shape: [p, 3], dtype: .float32, values: x)])
      #expect(!appends, "expected the refusal")
      #expect(r.outputs[0].floatValues() == x.enumerated().map { $0.offset < 3 ? 2 * $0.element : $0.element })
    } catch let e as TraceError {
      #expect(appends, "\(e.message)")
      #expect(e.message.contains("changes a Python list, dict or object in every iteration"), "\(e.message)")
      #expect(e.location.line == 8, "\(e.location)")
    }
  }
}
