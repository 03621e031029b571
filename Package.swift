// swift-tools-version: 6.2
// 6.2: package traits with dependency pruning (6.1), and the standard library's `Atomic`,
// `Mutex`, `SendableMetatype` and `String(validating:)` the sources use.
import PackageDescription

/// The codec libraries, found with pkg-config. Debian: zlib1g-dev, libbrotli-dev, libzstd-dev,
/// liblzma-dev (and pkg-config). Homebrew: zlib, brotli, zstd, xz (and pkg-config).
func codecLibrary(_ name: String, pkgConfig: String, apt: String, brew: String) -> Target {
  .systemLibrary(
    name: name,
    path: "Sources/SystemLibraries/\(name)",
    pkgConfig: pkgConfig,
    providers: [.apt([apt]), .brew([brew])]
  )
}

let package = Package(
  name: "MapBuffer",
  platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
  products: [
    .library(name: "MapBuffer", targets: ["MapBuffer"]),
    .library(name: "MapBufferCodable", targets: ["MapBufferCodable"]),
    .library(name: "SkeletonModel", targets: ["SkeletonModel"]),
    // Empty unless the HTTP trait is enabled:
    // .package(url: "…", from: "…", traits: ["HTTP"]).
    .library(name: "MapBufferHTTP", targets: ["MapBufferHTTP"]),
  ],
  traits: [
    .trait(
      name: "HTTP",
      description: "Remote maps over HTTP(S) range requests (MapBufferHTTP), on AsyncHTTPClient."
    )
  ],
  dependencies: [
    // Only with the HTTP trait: SwiftPM resolves neither package for a consumer without it.
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.100.0"),
    .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
    // Used by no target: `swift package generate-documentation` here; never resolved by a consumer.
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"),
  ],
  targets: [
    // The codec libraries, each a system library found with pkg-config.
    codecLibrary("CZlib", pkgConfig: "zlib", apt: "zlib1g-dev", brew: "zlib"),
    codecLibrary("CBrotliEncoder", pkgConfig: "libbrotlienc", apt: "libbrotli-dev", brew: "brotli"),
    codecLibrary("CBrotliDecoder", pkgConfig: "libbrotlidec", apt: "libbrotli-dev", brew: "brotli"),
    codecLibrary("CZstd", pkgConfig: "libzstd", apt: "libzstd-dev", brew: "zstd"),
    codecLibrary("CLzma", pkgConfig: "liblzma", apt: "liblzma-dev", brew: "xz"),
    // C shim over the codec libraries (one job: codecs).
    .target(
      name: "CMapBufferCodecs",
      dependencies: ["CZlib", "CBrotliEncoder", "CBrotliDecoder", "CZstd", "CLzma"]
    ),
    // CRC-32C with run-time selection of the CPU's CRC instructions.
    .target(name: "CMapBufferCRC32C"),
    // A cache prefetch hint, which Swift has no intrinsic for (batch lookups).
    .target(name: "CMapBufferPrefetch"),
    // System calls Swift's Glibc module does not show (syncfs), for the platform layer.
    .target(name: "CMapBufferPlatform"),
    // The format: byte sources, reader, writer, validation, IntMap.
    .target(
      name: "MapBuffer",
      dependencies: ["CMapBufferCodecs", "CMapBufferCRC32C", "CMapBufferPrefetch", "CMapBufferPlatform"]
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
    // Every file is guarded by `#if HTTP`; without the trait the module is empty.
    .target(
      name: "MapBufferHTTP",
      dependencies: [
        "MapBuffer", "MapBufferCodable",
        .product(name: "AsyncHTTPClient", package: "async-http-client", condition: .when(traits: ["HTTP"])),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio", condition: .when(traits: ["HTTP"])),
        .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["HTTP"])),
        .product(name: "NIOHTTP1", package: "swift-nio", condition: .when(traits: ["HTTP"])),
        .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["HTTP"])),
        .product(name: "Crypto", package: "swift-crypto", condition: .when(traits: ["HTTP"])),
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
    // Fixtures, the Python reference runner, nginx and small helpers shared by the test targets
    // (and, through a link, by the tool's and the benchmarks' packages).
    .target(
      name: "MapBufferTestSupport",
      dependencies: ["MapBuffer"],
      path: "Tests/TestSupport"
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
    // Remote reads against nginx on loopback, started by the tests themselves (HTTP trait).
    .testTarget(
      name: "MapBufferHTTPTests",
      dependencies: [
        "MapBufferHTTP", "MapBuffer", "MapBufferCodable", "SkeletonModel", "MapBufferTestSupport",
        .product(name: "AsyncHTTPClient", package: "async-http-client", condition: .when(traits: ["HTTP"])),
        .product(name: "NIOCore", package: "swift-nio", condition: .when(traits: ["HTTP"])),
        .product(name: "NIOHTTP1", package: "swift-nio", condition: .when(traits: ["HTTP"])),
        .product(name: "NIOPosix", package: "swift-nio", condition: .when(traits: ["HTTP"])),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)
