// TesselTestSupportCore: the dependency-free part of Tessel's test support, over row-major
// `[Float]` with explicit shapes. It imports nothing but the standard library and the platform C
// math library, so every test target, the benchmark suite and `tessel demo` can use it:
//
//   SeededGenerator*.swift     the one deterministic random generator (SplitMix64) and the
//                              uniform, normal and integer arrays drawn from it
//   BFloat16Rounding.swift     fp32 -> bf16 rounding from the format's definition (ties to even,
//                              NaN to the canonical quiet NaN of its sign)
//   Reference*.swift           plain-loop reference implementations of the tutorial kernels
//   CloseReport*.swift,        tolerance-based comparison (`compareClose`) and per-dtype default
//   CompareClose.swift,        tolerances (`ToleranceDType`)
//   ToleranceDType.swift
//   Math.swift                 exp/log/cos/sin from the platform C library (internal)
//
// `TesselTestSupport` re-exports it and adds the Swift Testing assertion (`expectClose`) and the
// helpers that run NKI kernels.
