// The fragment step of a skeletonization pipeline, end to end on data made here:
//
// 1. Grow a few neuron-like trees on a lattice, spanning a 2 × 2 × 2 grid of cells.
// 2. "Skeletonize" each cell: crop every neuron to the cell, and write the cell's fragments to
//    one brotli-compressed fragment file, a MapBuffer keyed by label (as the Python pipeline does).
// 3. Gather one label's fragments from every cell's file, merge them, and consolidate the
//    vertices duplicated on cell faces; check the result against the original neuron.
//
// Run with `swift run -c release SkeletonPipeline` (or `Scripts/demo`).
import Foundation
import MapBuffer
import MapBufferCodable
import SkeletonModel

/// SplitMix64, so every run grows the same neurons.
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

let cellSize: Float = 32
let gridCells = 2  // per axis
let worldSize = cellSize * Float(gridCells)

/// A tree grown on the integer lattice: each new vertex is one unit from a random earlier
/// vertex, at a position not used before, so every edge lies inside some closed cell.
func growNeuron(vertexCount: Int, using generator: inout SplitMix64) -> Skeleton {
  let steps: [SIMD3<Int>] = [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]]
  let start = SIMD3<Int>(
    Int.random(in: 8..<56, using: &generator), Int.random(in: 8..<56, using: &generator),
    Int.random(in: 8..<56, using: &generator))
  var positions = [start]
  var used: Set<SIMD3<Int>> = [start]
  var edges: [Skeleton.Edge] = []
  var attempts = 0
  while positions.count < vertexCount, attempts < vertexCount * 100 {
    attempts += 1
    // Prefer recent vertices, so the tree grows long branches rather than a blob.
    let parent = max(0, positions.count - 1 - Int.random(in: 0..<min(positions.count, 12), using: &generator))
    let next = positions[parent] &+ steps.randomElement(using: &generator)!
    guard (0...Int(worldSize)).contains(next.x), (0...Int(worldSize)).contains(next.y),
      (0...Int(worldSize)).contains(next.z), used.insert(next).inserted
    else { continue }
    edges.append(Skeleton.Edge(UInt32(positions.count), UInt32(parent)))
    positions.append(next)
  }
  return Skeleton(
    vertices: positions.map { Skeleton.Vertex(Float($0.x), Float($0.y), Float($0.z)) }, edges: edges,
    radii: positions.indices.map { _ in Float.random(in: 0.5..<3, using: &generator) },
    vertexTypes: positions.indices.map { $0 == 0 ? 1 : 3 })  // soma, then dendrite
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mapbuffer-pipeline-\(getpid())")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

// 1. The neurons.
var generator = SplitMix64(state: 2848)
var neurons: [UInt64: Skeleton] = [:]
for label in [101, 202, 303, 404, 505] as [UInt64] {
  neurons[label] = growNeuron(vertexCount: 3_000, using: &generator)
}
print("grew \(neurons.count) neurons of \(neurons.values.map(\.vertices.count).reduce(0, +)) vertices in all")

// 2. One fragment file per cell.
var fragmentFiles: [URL] = []
for x in 0..<gridCells {
  for y in 0..<gridCells {
    for z in 0..<gridCells {
      let low = Skeleton.Vertex(Float(x) * cellSize, Float(y) * cellSize, Float(z) * cellSize)
      let box = BoundingBox(
        minimum: low, maximum: Skeleton.Vertex(low.x + cellSize, low.y + cellSize, low.z + cellSize))
      var fragments: [UInt64: Skeleton] = [:]
      for (label, neuron) in neurons {
        let fragment = neuron.cropped(to: box)
        if !fragment.isEmpty { fragments[label] = fragment }
      }
      let url = directory.appendingPathComponent("cell-\(x)_\(y)_\(z).frags")
      try TypedMapBuffer<Skeleton>.write(fragments, to: url, writer: MapBufferWriter(compression: .brotli))
      fragmentFiles.append(url)
      let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
      print("  \(url.lastPathComponent): \(fragments.count) fragments, \(size) bytes")
    }
  }
}

// 3. Gather, merge and consolidate one label.
let label: UInt64 = 303
let clock = ContinuousClock()
var merged: Skeleton?
let elapsed = try clock.measure {
  merged = try Skeleton.gatherFragments(label: label, from: fragmentFiles)
}
guard let merged else { fatalError("label \(label) is in no fragment file") }
let consolidated = merged.consolidated()
let original = neurons[label]!
print(
  """
  label \(label): gathered from \(fragmentFiles.count) files in \(elapsed)
    merged:       \(merged.vertices.count) vertices, \(merged.edges.count) edges (cell faces duplicate some)
    consolidated: \(consolidated.vertices.count) vertices, \(consolidated.edges.count) edges, \
  \(consolidated.connectedComponentCount()) component(s)
    original:     \(original.vertices.count) vertices, \(original.edges.count) edges
    cable length: \(String(format: "%.1f", consolidated.cableLength)) (original \(String(format: "%.1f", original.cableLength)))
    tips: \(consolidated.terminalVertices.count), branch points: \(consolidated.branchVertices.count)
  """)
let sameShape =
  consolidated.vertices.count == original.vertices.count
  && consolidated.edges.count == original.edges.count
  && Set(consolidated.vertices) == Set(original.vertices)
  && abs(consolidated.cableLength - original.cableLength) < 1e-6 * original.cableLength
print(
  sameShape
    ? "the consolidated skeleton is the original neuron"
    : "MISMATCH: the consolidated skeleton differs from the original")

let swc = consolidated.swc(header: "neuron \(label), gathered from \(fragmentFiles.count) cells")
let swcURL = directory.appendingPathComponent("\(label).swc")
try swc.write(to: swcURL, atomically: true, encoding: .utf8)
print("SWC: \(swc.split(separator: "\n").count) lines; it begins")
for line in swc.split(separator: "\n").prefix(4) { print("    \(line)") }
if !sameShape { exit(1) }
