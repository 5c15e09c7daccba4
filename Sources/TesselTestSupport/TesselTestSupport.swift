// TesselTestSupport: helpers for writing kernel tests with Swift Testing.
//
// It re-exports `TesselTestSupportCore` (seeded inputs, bf16 rounding, plain-loop references,
// `compareClose`; it depends only on the standard library, so the command line's `--seed` and
// `--expect` use it too) and adds:
//
//   ExpectClose.swift          `expectClose`, the Swift Testing assertion built on `compareClose`
//   ExpectNoWarnings.swift     `expectNoWarnings` for a run's report
//   RunNKIKernel.swift         `runNKIKernel`: trace an NKI kernel file and run it in one call, and
//                              `expectClose` for `HostArray` results
//
// A typical test:
//
//   @Test func softmaxMatchesReference() throws {
//     let x = try HostArray(shape: [128, 64], dtype: .float32, values: randomArray(count: 128 * 64, in: -4...4, seed: 7))
//     let result = try runNKIKernel("kernels/softmax.py", [x])
//     expectClose(result.outputs[0], referenceSoftmax(x.floatValues(), rows: 128, cols: 64), dtype: .float32)
//   }

@_exported import TesselTestSupportCore
