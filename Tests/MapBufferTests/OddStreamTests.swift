import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

/// Streams that are odd but readable by one decoder or another: concatenated gzip members and
/// zstd frames, trailing bytes, skippable frames, xz padding. Each is read here and by the
/// Python reference; a map must never read as two different values in the two (an error here
/// where the reference reads a value is allowed, a value here where the reference reads another
/// or fails is not, except for the one deviation named below).
@Suite("Hostile input: odd streams read as the reference reads them, or refused")
struct OddStreamTests {
  /// Writes every case's stream (hex) as JSON: name → [codec, hex].
  static let makeStreams = #"""
    import gzip, json, lzma, sys, zstandard
    def zst(data, size=True):
        return zstandard.ZstdCompressor(write_content_size=size).compress(data)
    skippable = b"\x50\x2a\x4d\x18" + (4).to_bytes(4, "little") + b"abcd"
    g1, g2 = gzip.compress(b"first"), gzip.compress(b"second")
    z1, z2 = zst(b"first"), zst(b"second")
    x1, x2 = lzma.compress(b"first"), lzma.compress(b"second")
    cases = {
      "gzip: one member": ("gzip", g1),
      "gzip: two members": ("gzip", g1 + g2),
      "gzip: trailing bytes": ("gzip", g1 + b"xyz"),
      "gzip: trailing zeros": ("gzip", g1 + b"\0\0"),
      "gzip: trailing 0x1f": ("gzip", g1 + b"\x1f"),
      "zstd: one frame": ("zstd", z1),
      "zstd: two frames": ("zstd", z1 + z2),
      "zstd: trailing bytes": ("zstd", z1 + b"xyz"),
      "zstd: skippable frame only": ("zstd", skippable),
      "zstd: skippable frame first": ("zstd", skippable + z1),
      "zstd: skippable frame after": ("zstd", z1 + skippable),
      "zstd: frame without content size": ("zstd", zst(b"first", size=False)),
      "lzma: one stream": ("lzma", x1),
      "lzma: two streams": ("lzma", x1 + x2),
      "lzma: trailing bytes": ("lzma", x1 + b"xyz"),
      "lzma: stream padding": ("lzma", x1 + b"\0\0\0\0"),
    }
    json.dump({name: [codec, data.hex()] for name, (codec, data) in cases.items()}, sys.stdout)
    """#

  /// Reads key 1 of every map file named on the command line: name → hex value, or null.
  static let readMaps = #"""
    import json, sys
    from mapbuffer import MapBuffer
    result = {}
    for path in sys.argv[1:]:
        try:
            result[path] = bytes(MapBuffer(open(path, "rb").read())[1]).hex()
        except Exception:
            result[path] = None
    json.dump(result, sys.stdout)
    """#

  /// The cases where this package reads a value the reference cannot: a zstd frame without a
  /// content size (streaming compressors write them; the reference's one-shot decoder needs the size).
  static let readableHereOnly: Set<String> = ["zstd: frame without content size"]

  @Test("Every odd stream: the same value in both implementations, or an error here")
  func oddStreams() throws {
    let json = try ReferencePython.run(Self.makeStreams)
    let cases = try #require(try JSONSerialization.jsonObject(with: json) as? [String: [String]])
    #expect(cases.count == 16)
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    var paths: [String: String] = [:]
    for (index, (name, codecAndHex)) in cases.sorted(by: { $0.key < $1.key }).enumerated() {
      let codec = try #require(MapBuffer.Compression.allCases.first { $0.name == codecAndHex[0] })
      let stream = try #require(Self.bytes(hex: codecAndHex[1]))
      let url = folder.appendingPathComponent("case-\(index).mb")
      try Self.singleItemMap(key: 1, stream: stream, codec: codec).write(to: url)
      paths[name] = url.path
    }
    let output = try ReferencePython.run(Self.readMaps, arguments: paths.values.sorted())
    let reference = try #require(try JSONSerialization.jsonObject(with: output) as? [String: Any])

    for (name, path) in paths.sorted(by: { $0.key < $1.key }) {
      let theirs = (reference[path] as? String).flatMap(Self.bytes(hex:))
      let ours = try? MapBuffer(contentsOf: URL(fileURLWithPath: path))[1]
      if Self.readableHereOnly.contains(name) {
        #expect(theirs == nil && ours == Data("first".utf8), "\(name): ours \(String(describing: ours))")
        continue
      }
      if let ours {
        #expect(
          ours == theirs, "\(name): read here as \(ours.count) bytes, by the reference as \(String(describing: theirs))"
        )
      }
      // The well-formed streams read alike in both.
      if name.hasSuffix("one member") || name.hasSuffix("one frame") || name.hasSuffix("one stream") {
        #expect(ours == Data("first".utf8) && theirs == Data("first".utf8), "\(name)")
      }
      if name == "lzma: two streams" {
        #expect(ours == Data("firstsecond".utf8) && theirs == ours, "\(name)")
      }
    }
    // The cases the attack run found, each refused here now.
    for name in ["gzip: two members", "zstd: two frames", "zstd: skippable frame only", "zstd: skippable frame first"] {
      let path = try #require(paths[name])
      #expect(throws: MapBufferError.self, "\(name)") { try MapBuffer(contentsOf: URL(fileURLWithPath: path))[1] }
    }
  }

  /// A version-1 map of one item: `stream` with its CRC-32C, under `key`.
  static func singleItemMap(key: UInt64, stream: Data, codec: MapBuffer.Compression) -> Data {
    let header = MapBufferHeader(formatVersion: .version1, compression: codec, keyCount: 1)
    var bytes = Data(header.bytes)
    withUnsafeBytes(of: key.littleEndian) { bytes.append(contentsOf: $0) }
    withUnsafeBytes(of: UInt64(header.dataStart).littleEndian) { bytes.append(contentsOf: $0) }
    bytes.append(stream)
    withUnsafeBytes(of: CRC32C.checksum(of: stream).littleEndian) { bytes.append(contentsOf: $0) }
    return bytes
  }

  static func bytes(hex: String) -> Data? {
    var data = Data()
    var iterator = hex.utf8.makeIterator()
    while let high = iterator.next() {
      guard let low = iterator.next(), let byte = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else {
        return nil
      }
      data.append(byte)
    }
    return data
  }
}
