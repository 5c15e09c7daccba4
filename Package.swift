// swift-tools-version: 6.1
//
// Tessel: NKI tile kernels, runnable on any machine.
//
// Layering (each module depends only on those above it):
//   TesselIR            the tile IR: dtypes, tensors, views, instructions, verifier, printer, builder
//   TesselNKI           NKI's language rules above the IR, shared by both front ends: dtype promotion,
//                       broadcasting, elementwise lowering, reduction shapes
//   TesselNumerics      bit-exact dtype conversions and activation functions (fp32 compute, round on write);
//                       its vectorised exp is C (CTesselMath), compiled per vector width
//   TesselMachine       the simulated NeuronCore: targets, HBM, SBUF/PSUM capacities, allocator
//   TesselInterpreter   the vectorized interpreter: the executable definition of every IR operation
//   TesselTiming        the timing model: estimated hardware latency per engine, critical path, trace
//   TesselPython        Python: lexer, parser and a dialect-neutral evaluator with extension points for bindings
//   TesselLang          the NKI bindings on the evaluator (legacy `neuronxcc.nki`), lowering to TesselIR
//   TesselHost          host arrays, .npy files, and the public run API
//   Tessel              umbrella library that re-exports the public modules
//   TesselTools         what the command line and the REPL share: kernel invocations, JSON run reports,
//                       the benchmark suite
//   tessel              the command-line tool
//   TesselBridge        the C ABI shared library the Python bridge (python/) loads with ctypes

import PackageDescription

/// Settings shared by every Swift target.
let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6)
]

let package = Package(
  name: "Tessel",
  platforms: [.macOS(.v14)],
  products: [
    .library(name: "Tessel", targets: ["Tessel"]),
    .library(name: "TesselDSL", targets: ["TesselDSL"]),
    .library(name: "TesselTestSupport", targets: ["TesselTestSupport"]),
    .executable(name: "tessel", targets: ["tessel"]),
    .library(name: "TesselBridge", type: .dynamic, targets: ["TesselBridge"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // MARK: - Public API
    .target(name: "TesselIR", swiftSettings: swiftSettings),
    .target(name: "TesselNKI", dependencies: ["TesselIR"], swiftSettings: swiftSettings),
    .target(name: "TesselNumerics", dependencies: ["TesselIR", "CTesselMath"], swiftSettings: swiftSettings),
    .target(
      name: "TesselMachine", dependencies: ["TesselIR", "TesselNumerics"], swiftSettings: swiftSettings),
    .target(
      name: "TesselInterpreter",
      dependencies: ["TesselIR", "TesselNumerics", "TesselMachine", "COpenBLAS"],
      swiftSettings: swiftSettings),
    .target(
      name: "TesselTiming", dependencies: ["TesselIR", "TesselMachine", "TesselNumerics"], swiftSettings: swiftSettings),
    .target(name: "TesselPython", dependencies: ["TesselIR"], swiftSettings: swiftSettings),
    .target(name: "TesselLang", dependencies: ["TesselIR", "TesselNKI", "TesselPython"], swiftSettings: swiftSettings),
    .target(
      name: "TesselHost",
      dependencies: ["TesselIR", "TesselNumerics", "TesselMachine", "TesselInterpreter"],
      swiftSettings: swiftSettings),
    .target(
      name: "Tessel",
      dependencies: [
        "TesselIR", "TesselNumerics", "TesselMachine", "TesselInterpreter", "TesselPython", "TesselLang", "TesselHost",
        "TesselTiming",
      ],
      swiftSettings: swiftSettings),
    .target(
      name: "TesselDSL", dependencies: ["TesselIR", "TesselNKI", "TesselInterpreter", "TesselHost"],
      swiftSettings: swiftSettings),
    .target(
      name: "TesselTools",
      dependencies: [
        "TesselIR", "TesselHost", "TesselInterpreter", "TesselPython", "TesselLang", "TesselTiming",
        "TesselTestSupportCore",
      ],
      swiftSettings: swiftSettings),
    .target(name: "TesselRepl", dependencies: ["Tessel", "TesselTools"], swiftSettings: swiftSettings),
    .executableTarget(
      name: "tessel",
      dependencies: [
        "Tessel", "TesselTools", "TesselRepl", "TesselTestSupportCore", "CEditLine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: swiftSettings),
    // The test helpers that need nothing but the standard library (seeded inputs, plain-loop
    // references, tolerance comparison), used by the CLI too; TesselTestSupport re-exports them.
    .target(name: "TesselTestSupportCore", swiftSettings: swiftSettings),
    .target(
      name: "TesselTestSupport", dependencies: ["Tessel", "TesselTestSupportCore"], swiftSettings: swiftSettings),
    .target(name: "TesselBridge", dependencies: ["Tessel", "TesselTools"], swiftSettings: swiftSettings),

    // MARK: - Implementation details
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
    .target(name: "CTestPTY"),
    // Vectorised math kernels in C: one loop compiled per vector width, chosen at run time.
    .target(name: "CTesselMath"),
    .systemLibrary(
      name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"]), .brew(["libedit"])]),

    // MARK: - Tests (one target per layer, then the command line and whole kernels end to end)
    .testTarget(
      name: "TesselIRTests", dependencies: ["TesselIR", "TesselTestSupportCore"], swiftSettings: swiftSettings),
    .testTarget(name: "TesselNKITests", dependencies: ["TesselNKI", "TesselIR"], swiftSettings: swiftSettings),
    .testTarget(
      name: "TesselNumericsTests", dependencies: ["TesselNumerics", "CTesselMath", "TesselTestSupportCore"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "TesselInterpreterTests",
      dependencies: ["TesselIR", "TesselNumerics", "TesselMachine", "TesselInterpreter", "TesselTestSupportCore"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "TesselLangTests",
      dependencies: ["TesselIR", "TesselPython", "TesselLang", "TesselInterpreter", "TesselHost"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "TesselTimingTests", dependencies: ["TesselTiming", "TesselIR", "TesselMachine", "TesselLang"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "TesselHostTests", dependencies: ["TesselHost", "TesselTestSupport"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "TesselTestSupportTests", dependencies: ["TesselTestSupport", "Tessel"], swiftSettings: swiftSettings),
    .testTarget(
      name: "TesselDSLTests",
      dependencies: [
        "TesselDSL", "TesselIR", "TesselHost", "TesselTestSupport", "TesselLang", "TesselTools", "Tessel",
      ],
      swiftSettings: swiftSettings),
    .testTarget(name: "TesselReplTests", dependencies: ["TesselRepl"], swiftSettings: swiftSettings),
    // The tessel executable is a dependency so that it is built before its tests run it.
    .testTarget(
      name: "TesselCLITests", dependencies: ["TesselTools", "TesselHost", "TesselIR", "tessel", "CTestPTY"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "TesselPythonTests", dependencies: ["TesselIR", "TesselPython", "TesselTestSupportCore"],
      swiftSettings: swiftSettings),
    .testTarget(
      name: "KernelEndToEndTests",
      dependencies: ["TesselIR", "TesselPython", "TesselLang", "TesselInterpreter", "TesselHost", "TesselTestSupport"],
      swiftSettings: swiftSettings),
  ]
)
