// TesselTestSupport: helpers for writing kernel tests with Swift Testing.
//
// The helpers that need only the standard library live in TesselTestSupportCore, which this
// module re-exports (the command line's `--seed` and `--expect` use them too). The parts:
//
//   SeededGenerator*.swift     deterministic random inputs (SplitMix64; uniform, normal, integer)
//   Reference*.swift,          plain-loop reference implementations of the tutorial kernels,
//   BFloat16Rounding.swift     over row-major `[Float]` with explicit shapes, plus bf16 rounding
//   CloseReport*.swift,        tolerance-based comparison (`compareClose`), the Swift Testing
//   CompareClose.swift,        assertion built on it (`expectClose`), and per-dtype default
//   ExpectClose.swift,         tolerances (`ToleranceDType`)
//   ToleranceDType.swift
//   Math.swift                 exp/log/cos/sin from the platform C library (internal)
//
// TesselTestSupportCore depends only on the standard library and the platform C math library;
// this module adds `Testing` (`expectClose`, `expectNoWarnings`) and Tessel (`runNKIKernel`).
// Every comparison takes `[Float]` plus explicit shapes.
//
// A typical test:
//
//   @Test func softmaxMatchesReference() throws {
//     let x = randomArray(count: 128 * 64, in: -4...4, seed: 7)
//     let actual = try runSoftmaxKernel(x)                 // however the kernel is run
//     let expected = referenceSoftmax(x, rows: 128, cols: 64)
//     expectClose(actual, expected, shape: [128, 64], dtype: .float32)
//   }

@_exported import TesselTestSupportCore
