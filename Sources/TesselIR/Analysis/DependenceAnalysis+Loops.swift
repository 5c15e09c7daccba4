extension DependenceAnalysis {
  /// `Loop.tripCount` without overflow: nil when the bounds are too far apart to count.
  static func safeTripCount(_ l: Loop) -> Int? {
    guard l.step != 0 else { return 0 }
    let (span, o1) = (l.step > 0 ? l.stop : l.start).subtractingReportingOverflow(l.step > 0 ? l.start : l.stop)
    guard !o1 else { return nil }
    if span <= 0 { return 0 }
    let magnitude = l.step == Int.min ? nil : Swift.abs(l.step)
    guard let m = magnitude else { return 1 }
    return span / m + (span % m == 0 ? 0 : 1)
  }
}

extension DependenceAnalysis {
  /// The loops of a kernel, found by walking its `loopBegin`/`loopEnd` markers.
  struct LoopStructure {
    /// A loop and the index of its end marker.
    struct Info {
      var loop: Loop
      var end: Int
    }

    /// Loops by the index of their begin marker (only loops with a matching end).
    var loops: [Int: Info] = [:]
    /// Begin indices in program order.
    var order: [Int] = []
    /// For every instruction, the begin indices of the loops open at it, outermost first.
    var enclosing: [[Int]] = []
    /// The loop of each loop variable.
    var loopOf: [IndexVar: Loop] = [:]

    init(_ kernel: Kernel) {
      var stack: [Int] = []
      for (pc, inst) in kernel.instructions.enumerated() {
        switch inst.operation {
        case .loopBegin(let l):
          enclosing.append(stack)
          stack.append(pc)
          loopOf[l.variable] = l
        case .loopEnd(let begin):
          if let last = stack.last, last == begin {
            stack.removeLast()
            if case .loopBegin(let l) = kernel.instructions[begin].operation {
              loops[begin] = Info(loop: l, end: pc)
              order.append(begin)
            }
          }
          enclosing.append(stack)
        default:
          enclosing.append(stack)
        }
      }
      order.sort()
    }
  }
}
