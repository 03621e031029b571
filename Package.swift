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
    // The format: byte sources, reader, writer, validation, IntMap.
    .target(
      name: "MapBuffer",
      dependencies: ["CMapBufferCodecs", "CMapBufferCRC32C"]
    ),
    // The typed layer: values decoded from and encoded to items.
    .target(
      name: "MapBufferCodable",
      dependencies: ["MapBuffer"]
    ),
    .executableTarget(
      name: "QuickStart",
      dependencies: ["MapBuffer"],
      path: "Examples/QuickStart"
    ),
    // Fixtures, the Python reference runner and small helpers shared by the test targets.
    .target(
      name: "MapBufferTestSupport",
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
  ],
  swiftLanguageModes: [.v6]
)
