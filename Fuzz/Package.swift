// swift-tools-version: 6.1
//
// A libFuzzer target over NKI kernel source: parse, trace, and run every decorated kernel.
// Separate from the main package so that its CI never builds it. See README.md.

import PackageDescription

let package = Package(
  name: "TesselFuzz",
  platforms: [.macOS(.v14)],
  dependencies: [
    .package(name: "Tessel", path: "..")
  ],
  targets: [
    // Declares libFuzzer's LLVMFuzzerRunDriver, which main.swift calls.
    .target(name: "CLibFuzzer"),
    .executableTarget(
      name: "TesselFuzz",
      dependencies: ["CLibFuzzer", .product(name: "Tessel", package: "Tessel")],
      swiftSettings: [.swiftLanguageMode(.v6)]),
  ]
)
