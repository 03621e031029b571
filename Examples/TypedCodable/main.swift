// A typed map of Codable values: synapses stored as zstd-compressed JSON, read back as structs,
// and the same file read a second way, as raw JSON text. Run with `swift run TypedCodable`.
import Foundation
import MapBuffer
import MapBufferCodable

/// One synapse: the two segments it joins and where it is. Opting in to JSON storage is one line.
struct Synapse: JSONMapBufferValue, Equatable {
  var presynapticSegment: UInt64
  var postsynapticSegment: UInt64
  var position: [Float]
  var confidence: Double
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mapbuffer-typed-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

// Write: a [UInt64: Synapse] dictionary, encoded to JSON item by item, compressed with zstd.
var synapses: [UInt64: Synapse] = [:]
for id in UInt64(1)...1_000 {
  synapses[id * 7919] = Synapse(
    presynapticSegment: 648_518_346_341_351_424 + id, postsynapticSegment: 648_518_346_341_351_424 + id * 3,
    position: [Float(id), Float(id) / 2, 40], confidence: 1 / Double(id))
}
let url = directory.appendingPathComponent("synapses.mb")
try TypedMapBuffer<Synapse>.write(synapses, to: url, writer: MapBufferWriter(compression: .zstd))
print("wrote \(synapses.count) synapses as zstd JSON: \(try Data(contentsOf: url).count) bytes")

// Read: opening maps the file; a lookup decodes only the one item it finds.
let map = try TypedMapBuffer<Synapse>(contentsOf: url)
let key: UInt64 = 42 * 7919
guard let synapse = try map[key] else { fatalError("key \(key) is missing") }
print("synapse \(key): \(synapse.presynapticSegment) -> \(synapse.postsynapticSegment) at \(synapse.position)")
print("round trip exact:", synapse == synapses[key]!, "| absent key gives nil:", try map[1] == nil)

// Iterate: one item decoded at a time, keys ascending.
var strongest = (key: UInt64(0), confidence: 0.0)
var entries = map.entries()
while let (key, synapse) = try entries.next() {
  if synapse.confidence > strongest.confidence { strongest = (key, synapse.confidence) }
}
print("most confident synapse: \(strongest.key) (\(strongest.confidence))")

// The same file, typed another way without a conformance: the JSON text of each item.
let text = try TypedMapBuffer<String>(contentsOf: url)
print("as stored:", try text[key] ?? "")

// A type you cannot change, wrapped: Foundation's DateComponents in a binary property list.
let dates = try TypedMapBuffer<PropertyListValue<DateComponents>>(
  encoding: [1: PropertyListValue(DateComponents(year: 2026, month: 11, day: 25))])
print("wrapped value:", try dates[1]?.value.year ?? 0)

// The example checks what it printed, so running it in `Scripts/test` is a test.
let checks = [
  synapse == synapses[key], try map[1] == nil, strongest.key == 7919, map.count == 1_000,
  try JSONDecoder().decode(Synapse.self, from: Data((try text[key] ?? "").utf8)) == synapse,
  try dates[1]?.value.year == 2026,
]
guard checks.allSatisfy({ $0 }) else {
  print("MISMATCH: checks \(checks)")
  exit(1)
}
