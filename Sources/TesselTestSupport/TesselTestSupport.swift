// TesselTestSupport: helpers for writing kernel tests with Swift Testing.
//
// The module has three parts, each in its own group of files:
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
// The module depends only on the standard library, the platform C math library and `Testing`.
// Every public API takes `[Float]` plus explicit shapes; overloads for Tessel's own host arrays
// are added by the modules that define those arrays.
//
// A typical test:
//
//   @Test func softmaxMatchesReference() throws {
//     let x = randomArray(count: 128 * 64, in: -4...4, seed: 7)
//     let actual = try runSoftmaxKernel(x)                 // however the kernel is run
//     let expected = referenceSoftmax(x, rows: 128, cols: 64)
//     expectClose(actual, expected, shape: [128, 64], dtype: .float32)
//   }
