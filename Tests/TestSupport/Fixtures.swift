import Foundation
import MapBuffer

/// Paths to the test fixtures and to the repository.
public enum Fixtures {
  /// The repository's root folder (this file's real path, through the links that the tool's and
  /// the benchmarks' packages make to `Tests/TestSupport`).
  public static let packageRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  /// `Tests/Fixtures`: the reference vectors copied from `shared/vectors`.
  public static let root = packageRoot.appendingPathComponent("Tests/Fixtures")

  /// The file at `relativePath` under `Tests/Fixtures`.
  public static func url(_ relativePath: String) -> URL { root.appendingPathComponent(relativePath) }

  /// The bytes of the file at `relativePath` under `Tests/Fixtures`.
  public static func data(_ relativePath: String) throws -> Data { try Data(contentsOf: url(relativePath)) }

  /// A new empty temporary directory, removed by the caller with `cleanUp`.
  public static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("mapbuffer-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

/// The reference vectors' value generator, as `generate.py`'s `value_for(key, length)`:
/// a SHA-256 counter stream seeded by the key.
public func referenceValue(key: UInt64, length: Int) -> Data {
  var out = Data()
  var counter = 0
  while out.count < length {
    out.append(contentsOf: SHA256.hash(Data("\(key):\(counter)".utf8)))
    counter += 1
  }
  return out.prefix(length)
}

/// A small deterministic random number generator (SplitMix64), so failures reproduce.
public struct SeededGenerator: RandomNumberGenerator {
  public var state: UInt64
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

extension Data {
  /// Lowercase hexadecimal.
  public var hex: String { map { String(format: "%02x", $0) }.joined() }

  /// `count` bytes drawn from `generator`.
  public static func random(count: Int, using generator: inout some RandomNumberGenerator) -> Data {
    Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
  }
}
