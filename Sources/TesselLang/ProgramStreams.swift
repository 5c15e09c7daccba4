import TesselIR
import TesselPython

/// One program's instructions in a kernel whose programs were traced one by one into it, and
/// the points where it meets the other programs of the launch.
///
/// Both dialects trace a launch this way when its programs must meet: the current dialect's
/// `nisa.sendrecv` and `nisa.core_barrier` on two cores, and the legacy `nl.all_reduce` across
/// SPMD programs. ``KernelBuilder/interleavePrograms(_:exchanges:)`` then puts every program's
/// instructions before a meeting ahead of every program's instructions after it, with the
/// instructions of the meeting itself (the data the programs exchange) in between, and records
/// the meetings as the kernel's ``Kernel/rendezvous``.
struct ProgramStream {
  /// A point where the program meets the others.
  struct Meeting {
    /// How many instructions the kernel had when the program reached it.
    var instruction: Int
    /// The call that meets (`nisa.sendrecv`, `nl.all_reduce`, ...).
    var location: SourceLocation
  }

  /// The program's instructions, before interleaving.
  var range: Range<Int>
  /// Its meetings, in the order it reached them.
  var meetings: [Meeting]
}

extension KernelBuilder {
  /// Checks that every program of a launch meets the others equally often and never inside a
  /// loop the hardware runs (a meeting must fall between whole loops of every program), and
  /// returns how many meetings there are.
  ///
  /// - Parameter what: the calls that meet, for the error (`"sendrecv/core_barrier"`).
  func checkMeetings(of streams: [ProgramStream], what: String) throws(TraceError) -> Int {
    let counts = streams.map(\.meetings.count)
    guard Set(counts).count <= 1 else {
      throw TraceError.unsupported(
        "programs that reach different numbers of rendezvous (\(what): "
          + "\(counts.map(String.init).joined(separator: " vs ")))",
        at: streams.first(where: { !$0.meetings.isEmpty })?.meetings.first?.location ?? .unknown)
    }
    let insts = kernel.instructions
    var depth = [Int](repeating: 0, count: insts.count + 1)
    var d = 0
    for (i, inst) in insts.enumerated() {
      depth[i] = d
      if case .loopBegin = inst.operation { d += 1 }
      if case .loopEnd = inst.operation { d -= 1 }
    }
    depth[insts.count] = d
    for s in streams {
      for m in s.meetings where m.instruction < depth.count && depth[m.instruction] != 0 {
        throw TraceError.unsupported("a \(what) inside a loop the hardware runs", at: m.location)
      }
    }
    return counts.first ?? 0
  }

  /// Interleaves the programs' instruction streams at their meetings: for each meeting, every
  /// program's instructions before it, then `exchanges[i]` (instruction indices emitted for
  /// meeting `i`, after every stream), then the rest; records the meetings as
  /// ``Kernel/rendezvous`` (each exchange sits between two rendezvous points).
  mutating func interleavePrograms(_ streams: [ProgramStream], exchanges: [[Int]]) {
    var order: [Int] = []
    var points: [Int] = []
    var cursor = streams.map(\.range.lowerBound)
    for i in 0...exchanges.count {
      for (p, s) in streams.enumerated() {
        let end = i < s.meetings.count ? s.meetings[i].instruction : s.range.upperBound
        order += Array(cursor[p]..<end)
        cursor[p] = end
      }
      if i < exchanges.count {
        points.append(order.count)
        order += exchanges[i]
        points.append(order.count)
      }
    }
    reorderInstructions(order)
    setRendezvous(points)
  }
}
