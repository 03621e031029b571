// swift-tools-version: 6.2
// The libFuzzer targets, a package of their own that depends on the library in the folder above
// by path, so that the library's manifest has no unsafe flags. `Scripts/fuzz` builds them with
// `-sanitize=fuzzer,address`; each entry point is an `@_cdecl("<module>_main")` function.
import PackageDescription

let fuzzTargets: [(name: String, products: [String])] = [
  ("FuzzMapBuffer", ["MapBuffer"]),
  ("FuzzIntMap", ["MapBuffer"]),
  ("FuzzSkeleton", ["SkeletonModel"]),
  ("FuzzTyped", ["MapBuffer", "MapBufferCodable"]),
]

let package = Package(
  name: "MapBufferFuzz",
  platforms: [.macOS(.v15)],
  products: fuzzTargets.map { .executable(name: $0.name, targets: [$0.name]) },
  dependencies: [.package(name: "MapBuffer", path: "..")],
  targets: [
    // What the targets share: the hand-off to libFuzzer's driver, a non-resident byte source.
    .target(
      name: "FuzzSupport",
      dependencies: [.product(name: "MapBuffer", package: "MapBuffer")],
      path: "FuzzSupport"
    )
  ]
    + fuzzTargets.map { target in
      .executableTarget(
        name: target.name,
        dependencies: ["FuzzSupport"] + target.products.map { .product(name: $0, package: "MapBuffer") },
        path: target.name,
        // No top-level code: the entry point is the `@_cdecl("<module>_main")` function.
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]
      )
    },
  swiftLanguageModes: [.v6]
)
