// swift-tools-version: 6.2
// The benchmarks, a package of their own that depends on the library in the folder above by path,
// so that the library's manifest has no benchmark targets. Run them through the scripts
// (`Scripts/benchmark`, `Scripts/remote-benchmark`, `Scripts/streaming-build`), in release mode,
// from the repository's root: the Python reference runs from its `.venv`.
import PackageDescription

let package = Package(
  name: "MapBufferBenchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "MapBuffer", path: "..", traits: ["HTTP"]),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    // The skeleton codec's encode and decode times.
    .executableTarget(
      name: "SkeletonCodecBenchmark",
      dependencies: [
        .product(name: "MapBuffer", package: "MapBuffer"),
        .product(name: "MapBufferCodable", package: "MapBuffer"),
        .product(name: "SkeletonModel", package: "MapBuffer"),
      ],
      path: "SkeletonCodecBenchmark"
    ),
    // The C floor the lookup benchmark compares against: a plain Eytzinger search and a CRC.
    .target(name: "CLookupFloor", path: "CLookupFloor"),
    // Every workload against the Python reference and the peers, in one run (release mode).
    .executableTarget(
      name: "MapBufferBenchmarks",
      dependencies: [
        "CLookupFloor",
        .product(name: "MapBuffer", package: "MapBuffer"),
        .product(name: "MapBufferCodable", package: "MapBuffer"),
        .product(name: "SkeletonModel", package: "MapBuffer"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "MapBufferBenchmarks"
    ),
    // Builds a large map with the streaming builder; reports peak memory and time.
    .executableTarget(
      name: "StreamingBuildCheck",
      dependencies: [.product(name: "MapBuffer", package: "MapBuffer")],
      path: "StreamingBuildCheck"
    ),
    // TestSupport links to the library's test support (fixtures, the reference's venv, nginx).
    .target(
      name: "MapBufferTestSupport",
      dependencies: [.product(name: "MapBuffer", package: "MapBuffer")],
      path: "TestSupport"
    ),
    // Remote reads against nginx on loopback, beside the reference over range requests.
    .executableTarget(
      name: "RemoteReadBenchmark",
      dependencies: [
        "MapBufferTestSupport",
        .product(name: "MapBuffer", package: "MapBuffer"),
        .product(name: "MapBufferHTTP", package: "MapBuffer"),
      ],
      path: "RemoteReadBenchmark"
    ),
  ],
  swiftLanguageModes: [.v6]
)
