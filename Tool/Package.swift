// swift-tools-version: 6.2
// The `mapbuffer` command-line tool, a package of its own so that the library's consumers never
// resolve swift-argument-parser. It depends on the library in the folder above by path.
//
//   swift package --package-path Tool experimental-install                  # files only
//   swift package --package-path Tool experimental-install --traits HTTP    # and http(s) URLs
import PackageDescription

let package = Package(
  name: "MapBufferTool",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "mapbuffer", targets: ["MapBufferTool"])
  ],
  traits: [
    .trait(
      name: "HTTP",
      description: "Read maps at http(s) URLs with range requests (the library's HTTP trait)."
    )
  ],
  dependencies: [
    .package(
      name: "MapBuffer", path: "..",
      traits: [.trait(name: "HTTP", condition: .when(traits: ["HTTP"]))]
    ),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
  ],
  targets: [
    .executableTarget(
      name: "MapBufferTool",
      dependencies: [
        .product(name: "MapBuffer", package: "MapBuffer"),
        .product(name: "MapBufferCodable", package: "MapBuffer"),
        .product(name: "SkeletonModel", package: "MapBuffer"),
        .product(name: "MapBufferHTTP", package: "MapBuffer", condition: .when(traits: ["HTTP"])),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // Tests/TestSupport links to the library's test support (fixtures, Python, nginx).
    .target(
      name: "MapBufferTestSupport",
      dependencies: [.product(name: "MapBuffer", package: "MapBuffer")],
      path: "Tests/TestSupport"
    ),
    // Runs the built `mapbuffer` binary; depends on its target so that it is built first.
    .testTarget(
      name: "MapBufferToolTests",
      dependencies: [
        "MapBufferTool", "MapBufferTestSupport",
        .product(name: "MapBuffer", package: "MapBuffer"),
        .product(name: "SkeletonModel", package: "MapBuffer"),
      ]
    ),
  ],
  swiftLanguageModes: [.v6]
)
