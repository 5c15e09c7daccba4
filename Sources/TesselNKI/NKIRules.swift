import TesselIR

/// NKI's language rules that sit above the IR: what dtype a result gets, how operands broadcast,
/// which instruction an elementwise call becomes, and what shape a reduction leaves.
///
/// Both front ends call these rules (the NKI tracer and the Swift DSL's recorder), so that a
/// kernel written either way lowers to the same instructions; `docs/nki-rules.md` states them.
///
/// ```swift
/// NKIRules.promote(.float16, .bfloat16)                   // .float32
/// NKIRules.resultDType(of: .less, .float32, .int32)      // .bool
/// NKIRules.broadcastShape([128, 1], [128, 512])          // [128, 512]
/// ```
public enum NKIRules {}
