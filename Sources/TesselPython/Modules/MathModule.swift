import Foundation
import TesselIR

/// `math`.
enum MathModule {
  static func make() -> TableModule {
    let m = TableModule("math")
    m.table["pi"] = .float(Double.pi)
    m.table["e"] = .float(M_E)
    m.table["tau"] = .float(2 * Double.pi)
    m.table["inf"] = .float(.infinity)
    m.table["nan"] = .float(.nan)
    func unary(_ name: String, _ f: @escaping (Double) -> Double, domain: ((Double) -> Bool)? = nil) {
      m.define("\(name)(x, /)") { a, ev, loc throws(TraceError) in
        let x = try ev.floatValue(a[0] ?? .none, at: loc)
        if let domain, !domain(x) { throw TraceError.python("ValueError", "math domain error", at: loc) }
        return .float(f(x))
      }
    }
    unary("sqrt", { $0.squareRoot() }, domain: { $0 >= 0 || $0.isNaN })
    unary("exp", Foundation.exp)
    unary("expm1", Foundation.expm1)
    unary("log2", Foundation.log2, domain: { $0 > 0 || $0.isNaN })
    unary("log10", Foundation.log10, domain: { $0 > 0 || $0.isNaN })
    unary("log1p", Foundation.log1p, domain: { $0 > -1 || $0.isNaN })
    unary("sin", Foundation.sin)
    unary("cos", Foundation.cos)
    unary("tan", Foundation.tan)
    unary("asin", Foundation.asin, domain: { abs($0) <= 1 || $0.isNaN })
    unary("acos", Foundation.acos, domain: { abs($0) <= 1 || $0.isNaN })
    unary("atan", Foundation.atan)
    unary("sinh", Foundation.sinh)
    unary("cosh", Foundation.cosh)
    unary("tanh", Foundation.tanh)
    unary("asinh", Foundation.asinh)
    unary("acosh", Foundation.acosh, domain: { $0 >= 1 || $0.isNaN })
    unary("atanh", Foundation.atanh, domain: { abs($0) < 1 || $0.isNaN })
    unary("fabs", { Swift.abs($0) })
    unary("erf", Foundation.erf)
    unary("erfc", Foundation.erfc)
    unary("gamma", Foundation.tgamma)
    unary("lgamma", Foundation.lgamma)
    unary("degrees", { $0 * 180 / Double.pi })
    unary("radians", { $0 * Double.pi / 180 })
    m.define("log(x, base=None, /)") { a, ev, loc throws(TraceError) in
      let x = try ev.floatValue(a[0] ?? .none, at: loc)
      guard x > 0 || x.isNaN else { throw TraceError.python("ValueError", "math domain error", at: loc) }
      guard let b = a[1], !b.isNone else { return .float(Foundation.log(x)) }
      let base = try ev.floatValue(b, at: loc)
      guard base > 0 && base != 1 else { throw TraceError.python("ValueError", "math domain error", at: loc) }
      return .float(Foundation.log(x) / Foundation.log(base))
    }
    for (name, rule) in [("ceil", FloatingPointRoundingRule.up), ("floor", .down), ("trunc", .towardZero)] {
      m.define("\(name)(x, /)") { a, ev, loc throws(TraceError) in
        let v = a[0] ?? .none
        if case .int = v { return v }
        if case .bool(let b) = v { return .int(b ? 1 : 0) }
        return .int(try pyInt(try ev.floatValue(v, at: loc).rounded(rule), at: loc))
      }
    }
    for name in ["isfinite", "isinf", "isnan"] {
      m.define("\(name)(x, /)") { a, ev, loc throws(TraceError) in
        let x = try ev.floatValue(a[0] ?? .none, at: loc)
        return .bool(name == "isfinite" ? x.isFinite : name == "isinf" ? x.isInfinite : x.isNaN)
      }
    }
    m.define("pow(x, y, /)") { a, ev, loc throws(TraceError) in
      .float(Foundation.pow(try ev.floatValue(a[0] ?? .none, at: loc), try ev.floatValue(a[1] ?? .none, at: loc)))
    }
    m.define("atan2(y, x, /)") { a, ev, loc throws(TraceError) in
      .float(Foundation.atan2(try ev.floatValue(a[0] ?? .none, at: loc), try ev.floatValue(a[1] ?? .none, at: loc)))
    }
    m.define("hypot(*coordinates)") { a, ev, loc throws(TraceError) in
      var s = 0.0
      for c in a.extraPositional {
        let x = try ev.floatValue(c, at: loc)
        s += x * x
      }
      return .float(s.squareRoot())
    }
    m.define("fmod(x, y, /)") { a, ev, loc throws(TraceError) in
      let y = try ev.floatValue(a[1] ?? .none, at: loc)
      if y == 0 { throw TraceError.python("ValueError", "math domain error", at: loc) }
      return .float(Foundation.fmod(try ev.floatValue(a[0] ?? .none, at: loc), y))
    }
    m.define("copysign(x, y, /)") { a, ev, loc throws(TraceError) in
      .float(
        Double(
          signOf: try ev.floatValue(a[1] ?? .none, at: loc), magnitudeOf: try ev.floatValue(a[0] ?? .none, at: loc)))
    }
    m.define("modf(x, /)") { a, ev, loc throws(TraceError) in
      let x = try ev.floatValue(a[0] ?? .none, at: loc)
      let i = x.rounded(.towardZero)
      return .tuple([.float(x - i), .float(i)])
    }
    m.define("isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)") { a, ev, loc throws(TraceError) in
      let x = try ev.floatValue(a[0] ?? .none, at: loc)
      let y = try ev.floatValue(a[1] ?? .none, at: loc)
      let rel = try ev.floatValue(a[2] ?? .float(1e-9), at: loc)
      let absTol = try ev.floatValue(a[3] ?? .float(0), at: loc)
      if x == y { return .bool(true) }
      if x.isInfinite || y.isInfinite { return .bool(false) }
      let d = Swift.abs(x - y)
      return .bool(d <= Swift.max(rel * Swift.max(Swift.abs(x), Swift.abs(y)), absTol))
    }
    m.define("prod(iterable, /, *, start=1)") { a, ev, loc throws(TraceError) in
      var acc = a[1] ?? .int(1)
      for v in try ev.iterate(a[0] ?? .none, at: loc) { acc = try ev.binary(.multiply, acc, v, at: loc) }
      return acc
    }
    m.define("fsum(iterable, /)") { a, ev, loc throws(TraceError) in
      // Shewchuk's exact partial sums, rounded once at the end, as CPython's fsum.
      var partials: [Double] = []
      for v in try ev.iterate(a[0] ?? .none, at: loc) {
        var x = try ev.floatValue(v, at: loc)
        var kept: [Double] = []
        for var y in partials {
          if Swift.abs(x) < Swift.abs(y) { swap(&x, &y) }
          let hi = x + y
          let lo = y - (hi - x)
          if lo != 0 { kept.append(lo) }
          x = hi
        }
        partials = kept + [x]
      }
      guard var n = Optional(partials.count), n > 0 else { return .float(0) }
      var hi = partials[n - 1]
      n -= 1
      var lo = 0.0
      while n > 0 {
        let x = hi
        let y = partials[n - 1]
        n -= 1
        hi = x + y
        lo = y - (hi - x)
        if lo != 0 { break }
      }
      if n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0)) {
        let y = lo * 2
        let x = hi + y
        if y == x - hi { hi = x }
      }
      return .float(hi)
    }
    for name in ["gcd", "lcm"] {
      m.define("\(name)(*integers)") { a, ev, loc throws(TraceError) in
        var acc = name == "gcd" ? 0 : 1
        for v in a.extraPositional {
          let x = Swift.abs(try ev.intValue(v, at: loc))
          var p = acc
          var q = x
          while q != 0 { (p, q) = (q, p % q) }
          if name == "gcd" {
            acc = p
          } else {
            acc = acc == 0 || x == 0 ? 0 : try Evaluator.mul(acc / p, x, at: loc)
          }
        }
        return .int(acc)
      }
    }
    m.define("isqrt(n, /)") { a, ev, loc throws(TraceError) in
      let n = try ev.intValue(a[0] ?? .none, at: loc)
      guard n >= 0 else { throw TraceError.python("ValueError", "isqrt() argument must be nonnegative", at: loc) }
      var r = Int(Double(n).squareRoot())
      while r * r > n { r -= 1 }
      while (r + 1) * (r + 1) <= n { r += 1 }
      return .int(r)
    }
    m.define("factorial(n, /)") { a, ev, loc throws(TraceError) in
      let n = try ev.intValue(a[0] ?? .none, at: loc)
      guard n >= 0 else {
        throw TraceError.python("ValueError", "factorial() not defined for negative values", at: loc)
      }
      var r = 1
      for i in stride(from: 2, through: n, by: 1) { r = try Evaluator.mul(r, i, at: loc) }
      return .int(r)
    }
    m.define("comb(n, k, /)") { a, ev, loc throws(TraceError) in
      let n = try ev.intValue(a[0] ?? .none, at: loc)
      let k = try ev.intValue(a[1] ?? .none, at: loc)
      guard n >= 0, k >= 0 else {
        throw TraceError.python("ValueError", "n and k must be non-negative integers", at: loc)
      }
      if k > n { return .int(0) }
      var r = 1
      for i in 0..<Swift.min(k, n - k) { r = try Evaluator.mul(r, n - i, at: loc) / (i + 1) }
      return .int(r)
    }
    return m
  }
}
