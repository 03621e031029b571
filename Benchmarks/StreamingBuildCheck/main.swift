// Builds a large map with MapBufferStreamingBuilder and reports its peak resident memory and
// time, then checks the result. Exits 1 if the map is wrong or the peak exceeds 200 MB plus the
// index (16 bytes a key).
//
//   swift run -c release StreamingBuildCheck --items 4000000 --value-bytes 1000   # ~4 GB
//   Scripts/streaming-build                                                        # the same
//
// Values are made from their keys, so nothing but the builder holds them.
import Foundation
import MapBuffer

/// A bijective mix of 64-bit integers (SplitMix64's finalizer): distinct inputs, distinct keys.
func mix(_ value: UInt64) -> UInt64 {
  var z = value &+ 0x9E37_79B9_7F4A_7C15
  z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
  z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
  return z ^ (z >> 31)
}

/// The value stored under `key`: between half and 1.5 times `meanSize` bytes of 16 letters.
func value(forKey key: UInt64, meanSize: Int) -> Data {
  var state = mix(key ^ 0x5EED)
  let size = meanSize / 2 + Int(state % UInt64(max(1, meanSize)))
  var bytes = [UInt8](repeating: 0, count: size)
  for index in 0..<size {
    if index % 16 == 0 { state = mix(state) }
    bytes[index] = UInt8(ascii: "a") + UInt8((state >> (UInt64(index % 16) * 4)) & 15)
  }
  return Data(bytes)
}

/// A field of /proc/self/status in bytes (VmHWM: peak resident memory; VmRSS: current).
func statusBytes(_ field: String) -> Int {
  guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
    let number = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    return number * 1024
  }
  return 0
}

func option(_ name: String, default value: Int) -> Int {
  let arguments = CommandLine.arguments
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let number = Int(arguments[index + 1])
  else {
    return value
  }
  return number
}

let items = option("--items", default: 200_000)
let meanSize = option("--value-bytes", default: 1_000)
let compression =
  CommandLine.arguments.firstIndex(of: "--compress")
  .flatMap { MapBuffer.Compression(name: CommandLine.arguments[$0 + 1]) } ?? .none
let directory = URL(
  fileURLWithPath: CommandLine.arguments.firstIndex(of: "--directory")
    .map { CommandLine.arguments[$0 + 1] } ?? FileManager.default.temporaryDirectory.path
)
.appendingPathComponent("mapbuffer-streaming-\(ProcessInfo.processInfo.processIdentifier)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let url = directory.appendingPathComponent("large.mb")

let clock = ContinuousClock()
let start = clock.now
let builder = try MapBufferStreamingBuilder(writingTo: url, compression: compression)
var bytesAdded = 0
for index in 0..<UInt64(items) {
  let key = mix(index)
  let value = value(forKey: key, meanSize: meanSize)
  bytesAdded += value.count
  try builder.add(value, forKey: key)
}
let added = clock.now
try builder.finish()
let finished = clock.now
let peak = statusBytes("VmHWM")

// Check: the header, the index, and a sample of items against the values made from their keys.
let map = try MapBuffer(contentsOf: url)
try map.validate()
var problems: [String] = []
if map.count != items { problems.append("count \(map.count), expected \(items)") }
var generator = SystemRandomNumberGenerator()
for _ in 0..<min(items, 2_000) {
  let key = mix(UInt64.random(in: 0..<UInt64(items), using: &generator))
  if try map[key] != value(forKey: key, meanSize: meanSize) { problems.append("key \(key) holds the wrong value") }
}
if try map[mix(UInt64(items) + 7)] != nil { problems.append("an absent key was found") }

let indexBytes = 16 * items
let budget = 200_000_000 + indexBytes
let fileSize = map.byteCount
print(
  String(
    format: """
      streaming build: %d items, %.2f GB of values (%@), file %.2f GB
      time: %.1f s adding, %.1f s finishing, %.1f s in all (%.0f MB/s)
      peak resident memory: %.1f MB (budget: 200 MB + index %.1f MB = %.1f MB)
      """, items, Double(bytesAdded) / 1e9, compression.name, Double(fileSize) / 1e9,
    (added - start).seconds, (finished - added).seconds, (finished - start).seconds,
    Double(bytesAdded) / 1e6 / (finished - start).seconds,
    Double(peak) / 1e6, Double(indexBytes) / 1e6, Double(budget) / 1e6))
if peak > budget { problems.append("peak resident memory \(peak) bytes exceeds the budget of \(budget)") }
if problems.isEmpty {
  print("ok")
} else {
  for problem in problems.prefix(10) { print("FAIL: \(problem)") }
  exit(1)
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}
