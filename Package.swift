// swift-tools-version: 6.0
import PackageDescription

/// The codec libraries come from Debian: zlib1g-dev, libbrotli-dev, libzstd-dev, liblzma-dev.
let codecLibraries: [LinkerSetting] = [
  .linkedLibrary("z"),
  .linkedLibrary("brotlienc"),
  .linkedLibrary("brotlidec"),
  .linkedLibrary("zstd"),
  .linkedLibrary("lzma"),
]

let package = Package(
  name: "MapBuffer",
  products: [
    .library(name: "MapBuffer", targets: ["MapBuffer"]),
    .library(name: "MapBufferCodable", targets: ["MapBufferCodable"]),
    .library(name: "SkeletonModel", targets: ["SkeletonModel"]),
    .library(name: "MapBufferHTTP", targets: ["MapBufferHTTP"]),
    .executable(name: "mapbuffer", targets: ["MapBufferTool"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // Only MapBufferHTTP (and the tool, which reads URLs through it) depends on the HTTP client.
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
  ],
  targets: [
    // C shim over the system compression libraries (one job: codecs).
    .target(
      name: "CMapBufferCodecs",
      linkerSettings: codecLibraries
    ),
    // CRC-32C with run-time selection of the CPU's CRC instructions.
    .target(
      name: "CMapBufferCRC32C"
    ),
    // A cache prefetch hint, which Swift has no intrinsic for (batch lookups).
    .target(
      name: "CMapBufferPrefetch"
    ),
    // The format: byte sources, reader, writer, validation, IntMap.
    .target(
      name: "MapBuffer",
      dependencies: ["CMapBufferCodecs", "CMapBufferCRC32C", "CMapBufferPrefetch"]
    ),
    // The typed layer: values decoded from and encoded to items.
    .target(
      name: "MapBufferCodable",
      dependencies: ["MapBuffer"]
    ),
    // Neuron skeletons and their precomputed binary encoding.
    .target(
      name: "SkeletonModel",
      dependencies: ["MapBuffer", "MapBufferCodable"]
    ),
    // Remote maps: the same reader over HTTP(S) range requests, with an on-disk index cache.
    .target(
      name: "MapBufferHTTP",
      dependencies: [
        "MapBuffer", "MapBufferCodable",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ]
    ),
    // The `mapbuffer` command-line tool.
    .executableTarget(
      name: "MapBufferTool",
      dependencies: [
        "MapBuffer", "MapBufferCodable", "SkeletonModel", "MapBufferHTTP",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(
      name: "QuickStart",
      dependencies: ["MapBuffer"],
      path: "Examples/QuickStart"
    ),
    .executableTarget(
      name: "TypedCodable",
      dependencies: ["MapBuffer", "MapBufferCodable"],
      path: "Examples/TypedCodable"
    ),
    .executableTarget(
      name: "SkeletonPipeline",
      dependencies: ["MapBuffer", "MapBufferCodable", "SkeletonModel"],
      path: "Examples/SkeletonPipeline"
    ),
    // Fixtures, the Python reference runner and small helpers shared by the test targets.
    .target(
      name: "MapBufferTestSupport",
      dependencies: ["MapBuffer"],
      path: "Tests/TestSupport"
    ),
    // Benchmarks: run in release mode, never as timed tests.
    .executableTarget(
      name: "SkeletonCodecBenchmark",
      dependencies: ["SkeletonModel"],
      path: "Benchmarks/SkeletonCodecBenchmark"
    ),
    // The C floor the lookup benchmark compares against: a plain Eytzinger search and a CRC.
    .target(
      name: "CLookupFloor",
      dependencies: ["CMapBufferCRC32C"],
      path: "Benchmarks/CLookupFloor"
    ),
    // Every workload against the Python reference and the peers, in one run (release mode).
    .executableTarget(
      name: "MapBufferBenchmarks",
      dependencies: [
        "MapBuffer", "MapBufferCodable", "SkeletonModel", "CLookupFloor",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/MapBufferBenchmarks"
    ),
    // Builds a large map with the streaming builder; reports peak memory and time.
    .executableTarget(
      name: "StreamingBuildCheck",
      dependencies: ["MapBuffer"],
      path: "Benchmarks/StreamingBuildCheck"
    ),
    // Remote reads against nginx on loopback, beside the reference over range requests.
    .executableTarget(
      name: "RemoteReadBenchmark",
      dependencies: ["MapBuffer", "MapBufferHTTP", "MapBufferTestSupport"],
      path: "Benchmarks/RemoteReadBenchmark"
    ),
    .testTarget(
      name: "MapBufferTests",
      dependencies: ["MapBuffer", "MapBufferTestSupport"]
    ),
    .testTarget(
      name: "MapBufferCodableTests",
      dependencies: ["MapBufferCodable", "MapBufferTestSupport"]
    ),
    .testTarget(
      name: "SkeletonModelTests",
      dependencies: ["SkeletonModel", "MapBufferTestSupport"]
    ),
    // Remote reads against nginx on loopback, started by the tests themselves.
    .testTarget(
      name: "MapBufferHTTPTests",
      dependencies: ["MapBufferHTTP", "MapBuffer", "MapBufferCodable", "SkeletonModel", "MapBufferTestSupport"]
    ),
    // Runs the built `mapbuffer` binary; depends on its target so that it is built first.
    .testTarget(
      name: "MapBufferToolTests",
      dependencies: ["MapBufferTool", "MapBuffer", "SkeletonModel", "MapBufferTestSupport"]
    ),
  ],
  swiftLanguageModes: [.v6]
)

// Fuzz targets (libFuzzer), declared only for `Scripts/fuzz`, which sets MAPBUFFER_FUZZ=1 and
// builds them with `-sanitize=fuzzer,address`; an ordinary build never sees them.
if Context.environment["MAPBUFFER_FUZZ"] == "1" {
  let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzMapBuffer", ["MapBuffer"]),
    ("FuzzIntMap", ["MapBuffer"]),
    ("FuzzSkeleton", ["SkeletonModel"]),
    ("FuzzTyped", ["MapBuffer", "MapBufferCodable"]),
  ]
  // What the targets share: the hand-off to libFuzzer's driver, a non-resident byte source.
  package.targets.append(.target(name: "FuzzSupport", dependencies: ["MapBuffer"], path: "Fuzz/FuzzSupport"))
  for target in fuzzTargets {
    package.targets.append(.executableTarget(
      name: target.name, dependencies: target.dependencies + ["FuzzSupport"], path: "Fuzz/\(target.name)",
      // No top-level code: the entry point is the `@_cdecl("<module>_main")` function.
      swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    package.products.append(.executable(name: target.name, targets: [target.name]))
  }
}
