// Measures the precomputed skeleton codec against a plain copy of the same bytes, and a typed
// fragment-map lookup of one skeleton.
//
//   swift run -c release SkeletonCodecBenchmark
//
// Each row is the median of `samples` runs; each run times enough iterations to take about
// `targetSampleTime`. GB/s counts the skeleton's encoded bytes (for map lookups, the item's
// decompressed size). Every result feeds a checksum that is printed, so no work can be deleted.

import Foundation
import MapBuffer
import MapBufferCodable
import SkeletonModel

let samples = 21
let targetSampleTime: Duration = .milliseconds(8)

/// SplitMix64, so the skeletons are the same on every run.
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

/// A random tree: vertex `i > 0` joins a random earlier vertex; radii and SWC types at random.
func randomTree(vertexCount: Int, seed: UInt64) -> Skeleton {
  var generator = SplitMix64(state: seed)
  let vertices = (0..<vertexCount).map { _ in
    Skeleton.Vertex(
      Float.random(in: 0..<1000, using: &generator), Float.random(in: 0..<1000, using: &generator),
      Float.random(in: 0..<1000, using: &generator))
  }
  let edges = (1..<vertexCount).map { Skeleton.Edge(UInt32($0), UInt32.random(in: 0..<UInt32($0), using: &generator)) }
  return Skeleton(
    vertices: vertices, edges: edges,
    radii: (0..<vertexCount).map { _ in Float.random(in: 0..<10, using: &generator) },
    vertexTypes: (0..<vertexCount).map { _ in UInt8.random(in: 0..<8, using: &generator) })
}

/// Keeps a value alive as far as the optimizer can tell.
@inline(never)
func blackHole<T>(_ value: T) {
  withExtendedLifetime(value) {}
}

/// The median time per operation of `body`, and the sum of what it returned.
func measure(_ body: () -> UInt64) -> (nanoseconds: Double, checksum: UInt64) {
  let clock = ContinuousClock()
  var checksum: UInt64 = 0
  // Warm up, then size the runs.
  var iterations = 1
  while true {
    let elapsed = clock.measure {
      for _ in 0..<iterations { checksum &+= body() }
    }
    if elapsed >= targetSampleTime / 4 || iterations >= 1 << 24 {
      let perOp = Double(elapsed.nanoseconds) / Double(iterations)
      iterations = max(1, Int(Double(targetSampleTime.nanoseconds) / perOp))
      break
    }
    iterations *= 2
  }
  var times: [Double] = []
  for _ in 0..<samples {
    let elapsed = clock.measure {
      for _ in 0..<iterations { checksum &+= body() }
    }
    times.append(Double(elapsed.nanoseconds) / Double(iterations))
  }
  times.sort()
  return (times[times.count / 2], checksum)
}

extension Duration {
  var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
  }
}

/// A checksum of a skeleton that touches every array the decoder fills.
func digest(_ skeleton: Skeleton) -> UInt64 {
  let middle = skeleton.vertices.count / 2
  var sum = UInt64(skeleton.vertices.count) &+ UInt64(skeleton.edges.count) &* 31
  sum &+= UInt64(skeleton.vertices[middle].x.bitPattern)
  sum &+= UInt64(skeleton.edges[skeleton.edges.count / 2].b)
  for attribute in skeleton.attributes { sum &+= UInt64(attribute.bytes[attribute.bytes.startIndex + middle]) }
  return sum
}

struct Row {
  var name: String
  var nanoseconds: Double
  var bytes: Int
  var copyNanoseconds: Double?
}

var rows: [[Row]] = []
var checksum: UInt64 = 0

for vertexCount in [10_000, 100_000] {
  let skeleton = randomTree(vertexCount: vertexCount, seed: UInt64(vertexCount))
  let bytes = try skeleton.precomputed()
  let label: UInt64 = 0x1234_5678_9ABC
  // A fragment map as the pipeline writes it: the skeleton among a few small neighbours.
  var fragments: [UInt64: Skeleton] = [label: skeleton]
  for neighbour in 1...15 {
    fragments[label &+ UInt64(neighbour) &* 7919] = randomTree(vertexCount: 200, seed: UInt64(neighbour))
  }
  let brotliMap = try TypedMapBuffer<Skeleton>(encoding: fragments, compression: .brotli)
  let plainMap = try TypedMapBuffer<Skeleton>(encoding: fragments, compression: .none)
  let roundTrips =
    try Skeleton(precomputed: bytes) == skeleton && brotliMap[label] == skeleton && plainMap[label] == skeleton
  precondition(roundTrips, "the codec does not round-trip")

  let copy = measure {
    let copied = Array(bytes)
    blackHole(copied)
    return UInt64(copied[copied.count / 2]) &+ UInt64(copied.count)
  }
  let decode = measure {
    let decoded = try! Skeleton(precomputed: bytes)
    blackHole(decoded)
    return digest(decoded)
  }
  let encode = measure {
    let encoded = try! skeleton.precomputed()
    blackHole(encoded)
    return UInt64(encoded[encoded.count / 2]) &+ UInt64(encoded.count)
  }
  let brotliLookup = measure {
    let found = try! brotliMap[label]!
    blackHole(found)
    return digest(found)
  }
  let plainLookup = measure {
    let found = try! plainMap[label]!
    blackHole(found)
    return digest(found)
  }
  checksum &+= copy.checksum &+ decode.checksum &+ encode.checksum &+ brotliLookup.checksum &+ plainLookup.checksum

  let size = bytes.count
  rows.append([
    Row(name: "copy Array(data)", nanoseconds: copy.nanoseconds, bytes: size),
    Row(
      name: "decode Skeleton(precomputed:)", nanoseconds: decode.nanoseconds, bytes: size,
      copyNanoseconds: copy.nanoseconds),
    Row(name: "encode precomputed()", nanoseconds: encode.nanoseconds, bytes: size, copyNanoseconds: copy.nanoseconds),
    Row(
      name: "map lookup, uncompressed", nanoseconds: plainLookup.nanoseconds, bytes: size,
      copyNanoseconds: copy.nanoseconds),
    Row(
      name: "map lookup, brotli", nanoseconds: brotliLookup.nanoseconds, bytes: size, copyNanoseconds: copy.nanoseconds),
  ])
  print(
    "\(vertexCount) vertices: \(size) bytes encoded, brotli map \(brotliMap.map.byteCount) bytes, uncompressed map \(plainMap.map.byteCount) bytes"
  )
}

func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
  let padding = String(repeating: " ", count: max(0, width - text.count))
  return left ? text + padding : padding + text
}

print("")
print("median of \(samples) runs, each ~\(targetSampleTime)")
let header =
  pad("vertices", 9) + "  " + pad("operation", 30, left: true) + pad("ns/op", 14) + pad("GB/s", 9) + pad("× copy", 9)
print(header)
print(String(repeating: "-", count: header.count))
for (group, vertexCount) in zip(rows, [10_000, 100_000]) {
  for row in group {
    let ratio = row.copyNanoseconds.map { String(format: "%.2f", row.nanoseconds / $0) } ?? "1.00"
    print(
      pad(String(vertexCount), 9) + "  " + pad(row.name, 30, left: true)
        + pad(String(format: "%.0f", row.nanoseconds), 14)
        + pad(String(format: "%.2f", Double(row.bytes) / row.nanoseconds), 9)
        + pad(ratio, 9))
  }
}
print("")
print("checksum \(String(checksum, radix: 16))")
