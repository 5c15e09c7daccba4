/// A small decision procedure for bounded integer linear systems, used by ``DependenceAnalysis``.
///
/// A system is a box of integer variables `lower[t] ≤ z_t ≤ upper[t]` and constraints
/// `Σ c_t·z_t + constant` `== 0` or `>= 0`. ``solve(budget:)`` decides whether an integer point
/// satisfies every constraint, and returns one when it does. It combines interval propagation, the
/// GCD test, exact elimination of constraints whose variables appear nowhere else, and bisection;
/// when its node budget runs out it answers ``Outcome/unknown`` rather than guess.
struct LinearSystem: Sendable {
  /// One constraint `Σ coefficients[t]·z_t + constant` compared with zero.
  struct Constraint: Sendable {
    /// One coefficient per variable (dense).
    var coefficients: [Int]
    /// The constant term.
    var constant: Int
    /// `== 0` when true, `>= 0` when false.
    var isEquality: Bool
  }

  /// The answer of ``solve(budget:)``.
  enum Outcome: Sendable, Equatable {
    /// A point that satisfies every constraint.
    case feasible([Int])
    /// No integer point satisfies the constraints.
    case infeasible
    /// The budget ran out, or the numbers are too large to decide safely.
    case unknown
  }

  /// The largest magnitude of a coefficient, constant or bound the solver accepts; with at most
  /// ``maxVariables`` variables, no intermediate sum can overflow.
  static let magnitudeLimit = 1 << 28
  /// The largest number of variables the solver accepts.
  static let maxVariables = 48

  /// Lower bounds, one per variable.
  var lower: [Int] = []
  /// Upper bounds, one per variable.
  var upper: [Int] = []
  /// Variables to branch on first, in order (the rest follow in index order).
  var branchOrder: [Int] = []
  /// The constraints.
  var constraints: [Constraint] = []

  /// The number of variables.
  var count: Int { lower.count }

  /// Adds a variable with inclusive bounds and returns its index.
  mutating func addVariable(_ lo: Int, _ hi: Int) -> Int {
    lower.append(lo)
    upper.append(hi)
    for i in constraints.indices { constraints[i].coefficients.append(0) }
    return lower.count - 1
  }

  /// Adds a constraint from sparse terms.
  mutating func add(_ terms: [(variable: Int, coefficient: Int)], constant: Int, isEquality: Bool) {
    var c = Array(repeating: 0, count: count)
    for t in terms where t.variable >= 0 && t.variable < count {
      let (sum, overflow) = c[t.variable].addingReportingOverflow(t.coefficient)
      // An overflowing coefficient is out of the solver's range; keep it out of range.
      c[t.variable] = overflow ? Int.max : sum
    }
    constraints.append(Constraint(coefficients: c, constant: constant, isEquality: isEquality))
  }

  /// Decides the system within `budget` search nodes.
  func solve(budget: Int) -> Outcome {
    guard count <= Self.maxVariables else { return .unknown }
    let limit = Self.magnitudeLimit
    func small(_ x: Int) -> Bool { x >= -limit && x <= limit }
    for t in 0..<count where !small(lower[t]) || !small(upper[t]) || lower[t] > upper[t] {
      return lower[t] > upper[t] ? .infeasible : .unknown
    }
    for c in constraints where !small(c.constant) || !c.coefficients.allSatisfy(small) {
      return .unknown
    }
    var order: [Int] = []
    var listed = Set<Int>()
    for v in branchOrder + Array(0..<count) where v >= 0 && v < count && listed.insert(v).inserted {
      order.append(v)
    }
    var remaining = budget
    let outcome = search(lower, upper, order: order, depth: 0, budget: &remaining)
    if case .feasible(let point) = outcome {
      // Never report a point that does not check out.
      return satisfiesAll(point) ? outcome : .unknown
    }
    return outcome
  }

  /// Whether `point` satisfies every constraint and bound.
  func satisfiesAll(_ point: [Int]) -> Bool {
    guard point.count == count else { return false }
    for t in 0..<count where point[t] < lower[t] || point[t] > upper[t] { return false }
    for c in constraints {
      var s = c.constant
      for t in 0..<count where c.coefficients[t] != 0 { s += c.coefficients[t] * point[t] }
      if c.isEquality ? s != 0 : s < 0 { return false }
    }
    return true
  }

  // MARK: - Search

  /// The deepest bisection the search goes to (each level halves one variable's range).
  static let maxDepth = 200

  private func search(_ lo0: [Int], _ hi0: [Int], order: [Int], depth: Int, budget: inout Int) -> Outcome {
    budget -= 1
    if budget < 0 || depth > Self.maxDepth { return .unknown }
    var lo = lo0
    var hi = hi0
    guard propagate(&lo, &hi) else { return .infeasible }

    // Constraints that still have free variables.
    var active: [Int] = []
    for (i, c) in constraints.enumerated()
    where (0..<count).contains(where: { c.coefficients[$0] != 0 && lo[$0] < hi[$0] }) {
      active.append(i)
    }
    // How many active constraints mention each free variable.
    var uses = Array(repeating: 0, count: count)
    for i in active {
      for t in 0..<count where constraints[i].coefficients[t] != 0 && lo[t] < hi[t] { uses[t] += 1 }
    }
    // Eliminate constraints whose free variables appear in no other active constraint.
    var coupled: [Int] = []
    for i in active {
      let c = constraints[i]
      let free = (0..<count).filter { c.coefficients[$0] != 0 && lo[$0] < hi[$0] }
      if free.allSatisfy({ uses[$0] == 1 }), assignDecoupled(c, free: free, order: order, &lo, &hi) {
        continue
      }
      coupled.append(i)
    }
    if coupled.isEmpty {
      return .feasible(lo)
    }
    // Branch on the first free variable (in branch order) of a coupled constraint: bisect.
    var inCoupled = Array(repeating: false, count: count)
    for i in coupled {
      for t in 0..<count where constraints[i].coefficients[t] != 0 && lo[t] < hi[t] { inCoupled[t] = true }
    }
    guard let v = order.first(where: { inCoupled[$0] }) else { return .unknown }
    let mid = lo[v] + (hi[v] - lo[v]) / 2
    var sawUnknown = false
    for half in [lo[v]...mid, (mid + 1)...hi[v]] {
      var l = lo
      var h = hi
      l[v] = half.lowerBound
      h[v] = half.upperBound
      switch search(l, h, order: order, depth: depth + 1, budget: &budget) {
      case .feasible(let p): return .feasible(p)
      case .unknown: sawUnknown = true
      case .infeasible: break
      }
      if budget < 0 { return .unknown }
    }
    return sawUnknown ? .unknown : .infeasible
  }

  /// Tightens the bounds by interval reasoning and the GCD test; false when infeasible.
  private func propagate(_ lo: inout [Int], _ hi: inout [Int]) -> Bool {
    for _ in 0..<64 {
      var changed = false
      for c in constraints {
        var minSum = c.constant
        var maxSum = c.constant
        var g = 0
        var fixedPart = c.constant
        for t in 0..<count where c.coefficients[t] != 0 {
          let k = c.coefficients[t]
          let a = k * lo[t]
          let b = k * hi[t]
          minSum += Swift.min(a, b)
          maxSum += Swift.max(a, b)
          if lo[t] == hi[t] { fixedPart += a } else { g = gcd(g, k) }
        }
        if c.isEquality {
          if minSum > 0 || maxSum < 0 { return false }
          if g == 0 ? fixedPart != 0 : fixedPart % g != 0 { return false }
        } else if maxSum < 0 {
          return false
        }
        for t in 0..<count where c.coefficients[t] != 0 && lo[t] < hi[t] {
          let k = c.coefficients[t]
          let a = k * lo[t]
          let b = k * hi[t]
          let restMin = minSum - Swift.min(a, b)
          let restMax = maxSum - Swift.max(a, b)
          var newLo = lo[t]
          var newHi = hi[t]
          if c.isEquality {
            // k·z ∈ [-restMax, -restMin]
            if k > 0 {
              newLo = Swift.max(newLo, ceilDiv(-restMax, k))
              newHi = Swift.min(newHi, floorDiv(-restMin, k))
            } else {
              newLo = Swift.max(newLo, ceilDiv(-restMin, k))
              newHi = Swift.min(newHi, floorDiv(-restMax, k))
            }
          } else {
            // k·z ≥ -restMax
            if k > 0 {
              newLo = Swift.max(newLo, ceilDiv(-restMax, k))
            } else {
              newHi = Swift.min(newHi, floorDiv(-restMax, k))
            }
          }
          if newLo > newHi { return false }
          if newLo != lo[t] || newHi != hi[t] {
            lo[t] = newLo
            hi[t] = newHi
            changed = true
          }
        }
      }
      if !changed { return true }
    }
    return true
  }

  /// Fixes the free variables of a constraint that no other constraint mentions, when a value is
  /// sure to exist; returns false (changing nothing) when the constraint needs a search.
  private func assignDecoupled(
    _ c: Constraint, free: [Int], order: [Int], _ lo: inout [Int], _ hi: inout [Int]
  ) -> Bool {
    var target = -c.constant
    for t in 0..<count where c.coefficients[t] != 0 && lo[t] == hi[t] { target -= c.coefficients[t] * lo[t] }
    // Now Σ_free k·z must equal `target` (equality) or be ≥ `target` (inequality).
    if !c.isEquality {
      // Propagation guarantees the maximum reaches `target`; take the smallest values that do,
      // in branch order, so that witnesses read `i = 0, i' = 1`.
      let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
      var rest = free.sorted { (rank[$0] ?? $0) < (rank[$1] ?? $1) }
      var need = target
      while let t = rest.first {
        rest.removeFirst()
        let k = c.coefficients[t]
        let restMax = rest.reduce(0) { $0 + Swift.max(c.coefficients[$1] * lo[$1], c.coefficients[$1] * hi[$1]) }
        var z = lo[t]
        if k > 0 { z = Swift.min(hi[t], Swift.max(lo[t], ceilDiv(need - restMax, k))) }
        lo[t] = z
        hi[t] = z
        need -= k * z
      }
      return true
    }
    // Equality: exact when the terms, by increasing |k|, form a gap-free progression.
    let sorted = free.sorted { abs(c.coefficients[$0]) < abs(c.coefficients[$1]) }
    guard let first = sorted.first else { return target == 0 }
    let step = abs(c.coefficients[first])
    var span = step * (hi[first] - lo[first])
    for t in sorted.dropFirst() {
      let k = abs(c.coefficients[t])
      guard k % step == 0, k <= span + step else { return false }
      span += k * (hi[t] - lo[t])
    }
    // Assign from the largest coefficient down, keeping the rest able to reach the target.
    var l = lo
    var h = hi
    var need = target
    var rest = Array(sorted.reversed())
    while let t = rest.first {
      rest.removeFirst()
      let k = c.coefficients[t]
      var restMin = 0
      var restMax = 0
      for u in rest {
        let a = c.coefficients[u] * l[u]
        let b = c.coefficients[u] * h[u]
        restMin += Swift.min(a, b)
        restMax += Swift.max(a, b)
      }
      // k·z ∈ [need - restMax, need - restMin]
      let zLo: Int
      let zHi: Int
      if k > 0 {
        zLo = Swift.max(l[t], ceilDiv(need - restMax, k))
        zHi = Swift.min(h[t], floorDiv(need - restMin, k))
      } else {
        zLo = Swift.max(l[t], ceilDiv(need - restMin, k))
        zHi = Swift.min(h[t], floorDiv(need - restMax, k))
      }
      guard zLo <= zHi else { return false }
      l[t] = zLo
      h[t] = zLo
      need -= k * zLo
    }
    guard need == 0 else { return false }
    lo = l
    hi = h
    return true
  }
}

/// The greatest common divisor of `|a|` and `|b|` (0 when both are 0).
private func gcd(_ a: Int, _ b: Int) -> Int {
  var x = abs(a)
  var y = abs(b)
  while y != 0 { (x, y) = (y, x % y) }
  return x
}

/// `⌊a / b⌋` for `b ≠ 0`.
private func floorDiv(_ a: Int, _ b: Int) -> Int {
  let q = a / b
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q
}

/// `⌈a / b⌉` for `b ≠ 0`.
private func ceilDiv(_ a: Int, _ b: Int) -> Int {
  let q = a / b
  return (a % b != 0 && ((a < 0) == (b < 0))) ? q + 1 : q
}
