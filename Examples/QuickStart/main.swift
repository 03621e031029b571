// The seed's quick start, in Swift: write a map, read it back, look up keys, and
// store gzip-compressed UTF-8 strings. Run with `Scripts/demo` or `swift run QuickStart`.
import Foundation
import MapBuffer

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mapbuffer-quickstart-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

// Write: keys are UInt64, values are bytes.
let data: [UInt64: Data] = [2848: Data("abc".utf8), 12939: Data("123".utf8)]
let url = directory.appendingPathComponent("data.mb")
try MapBuffer(encoding: data).write(to: url)
print("wrote \(url.lastPathComponent): \(try Data(contentsOf: url).count) bytes, \(data.count) keys")

// Read: opening maps the file and checks its 16-byte header; nothing else is parsed.
let map = try MapBuffer(contentsOf: url)
print("map[2848] =", String(decoding: try map[2848] ?? Data(), as: UTF8.self))  // fast: almost zero parsing
print("keys:", Array(map.keys), "| contains 7:", try map.contains(7))

// Gzip-compressed UTF-8 strings, one compressed item per key.
var words: [UInt64: Data] = [:]
for (index, word) in ["alpha", "beta", "gamma", "delta", "epsilon"].enumerated() {
  words[UInt64(index) * 1000] = Data(String(repeating: word + " ", count: 50).utf8)
}
let gzipped = try MapBuffer(encoding: words, compression: .gzip)
let text = String(decoding: try gzipped[2000] ?? Data(), as: UTF8.self)
print(
  "gzip map: \(gzipped.count) keys in \(gzipped.byteCount) bytes (\(words.values.map(\.count).reduce(0, +)) bytes of text)"
)
print("gzipped[2000] begins:", text.prefix(24) + "…")

// A larger map, to show that a lookup reads only what it needs.
var large: [UInt64: Data] = [:]
for key in 0..<UInt64(100_000) { large[key &* 2_654_435_761] = Data("value \(key)".utf8) }
let start = Date()
let largeMap = try MapBuffer(encoding: large, compression: .zstd)
let built = Date().timeIntervalSince(start)
let probe: UInt64 = 4242 &* 2_654_435_761
print(
  String(
    format: "built a zstd map of %d keys (%.1f MB) in %.0f ms; map[%llu] = %@",
    largeMap.count, Double(largeMap.byteCount) / 1e6, built * 1000, probe,
    String(decoding: try largeMap[probe] ?? Data(), as: UTF8.self)))
try largeMap.validate(.deep)
print("deep validation: ok")

// The example checks what it printed, so running it in `Scripts/test` is a test.
let checks = [
  try map[2848] == Data("abc".utf8), try map[12939] == Data("123".utf8), try map[7] == nil,
  Array(map.keys) == [2848, 12939], text.hasPrefix("gamma gamma"),
  try largeMap[probe] == Data("value 4242".utf8), largeMap.count == 100_000,
]
guard checks.allSatisfy({ $0 }) else {
  print("MISMATCH: checks \(checks)")
  exit(1)
}
