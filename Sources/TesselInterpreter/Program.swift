import TesselIR
import TesselMachine

/// A view lowered to flat arena offsets: `base + Σ coef·env[slot]` plus per-dimension strides.
struct FlatView: Sendable {
  /// The tensor.
  var tensor: Int
  /// The arena offset of element 0 of the view when every variable is 0.
  var base: Int
  /// Variable contributions to the offset: (index variable slot, flat coefficient).
  var terms: [(slot: Int, coef: Int)]
  /// Flat element stride of each iteration dimension.
  var strides: [Int]

  @inline(__always)
  func offset(_ env: UnsafePointer<Int>) -> Int {
    var o = base
    for t in terms { o &+= t.coef &* env[t.slot] }
    return o
  }

  /// The view with its dimensions reordered as ``View/permuted(_:)`` reorders a view's.
  func permuted(_ axes: [Int]) -> FlatView {
    guard axes.count == strides.count, Set(axes) == Set(strides.indices) else { return self }
    var v = self
    v.strides = axes.map { strides[$0] }
    return v
  }
}

/// A mask condition normalized to `Σ coef[d]·i_d + (const + Σ terms) >= 0`.
struct FlatCondition: Sendable {
  var coefficients: [Int]
  /// The part that does not depend on the iteration indices.
  var offset: SlotAffine
}

/// One instruction ready to execute.
struct CompiledInstruction: Sendable {
  /// The IR instruction (operation payloads such as ALU ops are read from it).
  var instruction: Instruction
  /// The iteration counts.
  var counts: [Int]
  /// Lowered views: `views[0]` is the destination where there is one; sources follow in the
  /// order ``Operation/sources`` gives them.
  var views: [FlatView]
  /// The mask, normalized to `>= 0` conditions.
  var mask: [FlatCondition]
  /// The row walk over `views` (lanes: destination, then up to three sources, broadcast as needed).
  var rows: RowIterator
  /// For a masked instruction, the walk without the mask (rows merged where the views allow),
  /// taken by executions whose mask keeps every element (``maskKeepsAll(_:)``).
  var unmaskedRows: RowIterator?
  /// The destination view's own walk (its shape, rows merged) and, for a masked instruction, its
  /// walk over the iteration space without merging (so that the mask applies), for the write
  /// bookkeeping that runs after the instruction.
  var destinationRows: RowIterator?
  var destinationMaskedRows: RowIterator?
  /// Whether the destination view covers its whole tensor (clears the poison flag after a write).
  var coversDestination: Bool
  /// Static counters added per execution.
  var elements: Int
  var bytes: Int
  var flops: Int
  /// Hoisted facts about the operation, so the dispatch loop never rebuilds them.
  var facts = InstructionFacts()
  /// The operand of each view, with its NKI name and role (`views[i]` lowers `lanes[i].view`).
  var lanes: [OperandUse] = []
  /// A matmul's contraction mask (``Matmul/contraction``), normalized to `>= 0` conditions over
  /// the contraction row.
  var contraction: [FlatCondition] = []
}

extension CompiledInstruction {
  /// Whether the mask keeps every element of the iteration space at the current env: each
  /// condition is affine in the iteration indices, so it holds everywhere when it holds at the
  /// corner that minimises it.
  @inline(__always)
  func maskKeepsAll(_ env: UnsafePointer<Int>) -> Bool { maskHolds(atCorner: .minimum, env) }

  /// Which corner of the iteration space a mask condition is evaluated at.
  enum MaskCorner { case minimum, maximum }

  /// Whether every mask condition holds at the corner of the iteration space that minimises
  /// (or maximises) it.
  @inline(__always)
  func maskHolds(atCorner corner: MaskCorner, _ env: UnsafePointer<Int>) -> Bool {
    for c in mask {
      var v = c.offset.value(env)
      for d in 0..<Swift.min(counts.count, c.coefficients.count) {
        let k = c.coefficients[d]
        if corner == .minimum ? k < 0 : k > 0 { v &+= k &* (counts[d] - 1) }
      }
      if v < 0 { return false }
    }
    return true
  }
}

/// What the dispatch loop needs to know about an instruction, computed once at compile time.
struct InstructionFacts: Sendable {
  /// Values read from memory into env slots before the instruction runs (runtime offsets).
  var runtimeLoads: [RuntimeLoad] = []
  /// Bounds checks of the views whose position is known only at run time, made before each run.
  var runtimeProbes: [RuntimeProbe] = []
  /// The destination tensor, or -1.
  var destination = -1
  /// The `activation` reduce destination tensor, or -1.
  var reduceDestination = -1
  /// Whether the destination is a PSUM tensor.
  var destinationIsPSUM = false
  /// Whether the operation is `nc_matmul`.
  var isMatmul = false
  /// Whether the instruction is a materialised bitcast view (``Operation/Bitcast``): its reads
  /// are not checked for never-written elements (the instruction using the view checks them).
  var isBitcast = false
  /// The accumulator tensor an operation always adds into (`accumulate=True`, the legacy
  /// `psum += nisa.nc_matmul(...)`), which it therefore reads, or -1. (An accumulation group's
  /// first write overwrites, and later ones add to what a matmul wrote, so `auto` reads nothing
  /// that was never written.)
  var addsInto = -1
  /// Whether the destination view, ignoring the mask, covers its whole tensor.
  var coversIfUnmasked = false
  /// The tensors read, in ``Operation/sources`` order.
  var sourceTensors: [Int] = []
  /// Per bounds probe of a masked instruction: a conservative unmasked extent check.
  var probes: [BoundsProbe] = []
  /// Whether a `tensor_tensor`/`tensor_scalar` computes in exact integer arithmetic
  /// (``IntegerArithmetic/applies(tiles:scalars:)``) instead of fp32.
  var integerArithmetic = false
  /// The tiles it touches that are made fresh when their scope starts (``Interpreter/needsFresh``),
  /// settled before it runs.
  var freshOperands: [Int] = []
}

/// One tensor dimension of one view of a masked instruction: its index is
/// `constant + Σ coef·env[slot] + i` with `i` in `lo...hi` over the whole (unmasked) iteration space.
struct BoundsProbe: Sendable {
  var size: Int
  var constant: Int
  var terms: [(slot: Int, coef: Int)]
  var lo: Int
  var hi: Int

  /// Whether every unmasked index is inside the dimension (then the masked one is too).
  @inline(__always)
  func holds(_ env: UnsafePointer<Int>) -> Bool {
    var s = constant
    for t in terms { s &+= t.coef &* env[t.slot] }
    return s &+ lo >= 0 && s &+ hi < size
  }
}

extension FlatCondition {
  /// An affine condition as one or two `>= 0` conditions (``AffineCondition/greaterEqualForms``).
  static func normalized(_ c: AffineCondition, slots: (IndexVar) -> Int) -> [FlatCondition] {
    c.greaterEqualForms.map { f in
      FlatCondition(coefficients: f.coefficients, offset: SlotAffine(f.offset, slot: slots))
    }
  }
}
