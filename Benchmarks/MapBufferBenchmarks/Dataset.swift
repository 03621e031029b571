import Foundation
import MapBuffer

/// SplitMix64: every run of the benchmark builds the same data.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// One benchmark dataset: distinct random keys below 2^63 (the reference cannot look up larger
/// ones), values of random length made of 16 letters (so codecs have something to do), and
/// 10% of the keys in random order to look up.
struct Dataset {
  let keyCount: Int
  let valueSizes: ClosedRange<Int>
  let pairs: [(UInt64, Data)]
  let lookupKeys: [UInt64]

  init(keyCount: Int, valueSizes: ClosedRange<Int>, seed: UInt64) {
    self.keyCount = keyCount
    self.valueSizes = valueSizes
    var generator = SplitMix64(state: seed)
    var seen = Set<UInt64>(minimumCapacity: keyCount)
    var pairs: [(UInt64, Data)] = []
    pairs.reserveCapacity(keyCount)
    let alphabet = Array("abcdefghijklmnop".utf8)
    while pairs.count < keyCount {
      let key = generator.next() >> 1
      guard seen.insert(key).inserted else { continue }
      let size = Int.random(in: valueSizes, using: &generator)
      var bytes = [UInt8](repeating: 0, count: size)
      var word = generator.next()
      for index in 0..<size {
        if index % 16 == 15 { word = generator.next() }
        bytes[index] = alphabet[Int(word & 15)]
        word >>= 4
      }
      pairs.append((key, Data(bytes)))
    }
    self.pairs = pairs
    var lookups = pairs.map(\.0)
    lookups.shuffle(using: &generator)
    self.lookupKeys = Array(lookups.prefix(max(1, keyCount / 10)))
  }

  /// The pairs as a dictionary.
  var dictionary: [UInt64: Data] {
    Dictionary(uniqueKeysWithValues: pairs)
  }
}

/// Files the benchmark writes for itself and the reference, in one temporary folder.
struct Workspace {
  let directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("mapbuffer-benchmarks-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

  /// Writes `keys` as little-endian u64s, the form the reference script reads.
  func writeKeys(_ keys: [UInt64], name: String) throws -> URL {
    let url = url(name)
    try keys.map(\.littleEndian).withUnsafeBytes { try Data($0).write(to: url) }
    return url
  }

  func remove() {
    try? FileManager.default.removeItem(at: directory)
  }
}
