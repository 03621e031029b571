import Foundation
import MapBufferTestSupport
import SkeletonModel
import Testing

/// Hostile input for the precomputed decoder and encoder: every failure is a ``SkeletonError``
/// thrown before anything is allocated from an unchecked count, never a trap.
@Suite("Precomputed decoding of hostile input")
struct PrecomputedHostileTests {
  /// Real encodings: osteoid's files and a Swift skeleton with extra attributes, with the
  /// descriptors that read them.
  static func samples() throws -> [(name: String, bytes: Data, descriptors: [AttributeDescriptor]?)] {
    var generator = SeededGenerator(seed: 0xBAD_5EED)
    var extras = hostileTree(vertexCount: 37, using: &generator)
    extras.attributes.append(
      VertexAttribute(
        name: "normal", dataType: .int16, valuesPerVertex: 3,
        bytes: Data.random(count: 37 * 3 * 2, using: &generator)))
    extras.attributes.append(
      VertexAttribute(
        name: "weight", dataType: .float64, bytes: Data.random(count: 37 * 8, using: &generator)))
    return [
      ("tree-50", try Fixtures.data("skeleton/tree-50.skel"), nil),
      ("path-3", try Fixtures.data("skeleton/path-3.skel"), nil),
      (
        "extra-attribute", try Fixtures.data("skeleton/extra-attribute.skel"),
        AttributeDescriptor.defaults + [AttributeDescriptor(name: "confidence", dataType: .float32)]
      ),
      ("swift-extras", try extras.precomputed(), extras.attributes.map(\.descriptor)),
    ]
  }

  @Test("Every truncation of a real encoding is a SkeletonError, except the attribute-free length")
  func truncations() throws {
    for sample in try Self.samples() {
      let vertexCount = Int(sample.bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
      let edgeCount = Int(sample.bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) })
      let edgesEnd = 8 + 12 * vertexCount + 8 * edgeCount
      #expect(edgesEnd < sample.bytes.count, "\(sample.name) has attributes")
      let full = try Skeleton(precomputed: sample.bytes, attributes: sample.descriptors)

      for length in 0..<sample.bytes.count {
        let truncated = Data(sample.bytes.prefix(length))
        do {
          let skeleton = try Skeleton(precomputed: truncated, attributes: sample.descriptors)
          // Exactly the counts, vertices and edges: a valid skeleton without attributes.
          #expect(length == edgesEnd, "\(sample.name): \(length) of \(sample.bytes.count) bytes decoded")
          #expect(skeleton.vertices == full.vertices && skeleton.edges == full.edges && skeleton.attributes.isEmpty)
        } catch let error as SkeletonError {
          switch error.reason {
          case .truncated(let byteCount, let required, _, _):
            #expect(length < edgesEnd && byteCount == length, "\(sample.name) at \(length): \(error)")
            #expect(required == (length < 8 ? 8 : edgesEnd), "\(sample.name) at \(length): \(error)")
          case .attributeOutOfBounds(_, let end, let byteCount):
            #expect(length > edgesEnd && byteCount == length && end > length, "\(sample.name) at \(length): \(error)")
          default:
            Issue.record("\(sample.name) at \(length): unexpected \(error)")
          }
        } catch {
          Issue.record("\(sample.name) at \(length): not a SkeletonError: \(error)")
        }
      }
    }
  }

  @Test("Counts of 2^32 - 1 in a 20-byte buffer are .truncated, at once and without allocating")
  func hugeCounts() throws {
    let cases: [(vertices: UInt32, edges: UInt32)] = [(.max, 0), (0, .max), (.max, .max), (1, .max), (.max, 1)]
    for (vertexCount, edgeCount) in cases {
      var bytes = Data()
      withUnsafeBytes(of: vertexCount.littleEndian) { bytes.append(contentsOf: $0) }
      withUnsafeBytes(of: edgeCount.littleEndian) { bytes.append(contentsOf: $0) }
      bytes.append(Data(repeating: 0, count: 12))
      #expect(bytes.count == 20)
      let required = 8 + 12 * Int(vertexCount) + 8 * Int(edgeCount)
      #expect(
        throws: SkeletonError.truncated(
          byteCount: 20, required: required, vertexCount: vertexCount, edgeCount: edgeCount)
      ) {
        try Skeleton(precomputed: bytes)
      }
      // Allocating even the vertices (48 GiB) would fail or take far longer than this.
      let clock = ContinuousClock()
      let elapsed = clock.measure {
        for _ in 0..<1_000 { _ = try? Skeleton(precomputed: bytes) }
      }
      #expect(elapsed < .seconds(1), "1,000 rejections took \(elapsed)")
    }
  }

  @Test("An edge naming a missing vertex is .edgeOutOfRange with the edge's index")
  func edgeOutOfRange() throws {
    let vertices = [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(1, 1, 0)]
    let bad = Skeleton(vertices: vertices, edges: [Edge(0, 1), Edge(1, 2), Edge(3, 1), Edge(2, 9)], radii: [1, 2, 3])
    #expect(throws: SkeletonError.edgeOutOfRange(edge: 2, vertex: 3, vertexCount: 3)) {
      try Skeleton(precomputed: bad.precomputed())
    }
    let far = Skeleton(vertices: vertices, edges: [Edge(0, 1), Edge(UInt32.max, 0)])
    #expect(throws: SkeletonError.edgeOutOfRange(edge: 1, vertex: .max, vertexCount: 3)) {
      try Skeleton(precomputed: far.precomputed())
    }
    let noVertices = Skeleton(vertices: [], edges: [Edge(0, 0)])
    #expect(throws: SkeletonError.edgeOutOfRange(edge: 0, vertex: 0, vertexCount: 0)) {
      try Skeleton(precomputed: noVertices.precomputed())
    }
  }

  @Test("Attribute data that does not fit is .attributeOutOfBounds")
  func attributeOutOfBounds() throws {
    let skeleton = Skeleton(
      vertices: [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(1, 1, 0)], edges: [Edge(0, 1), Edge(1, 2)],
      radii: [1, 2, 3], vertexTypes: [1, 2, 3])
    let bytes = try skeleton.precomputed()
    #expect(bytes.count == 8 + 36 + 16 + 12 + 3)
    // One byte short of the vertex types.
    #expect(
      throws: SkeletonError.attributeOutOfBounds(name: "vertex_types", end: bytes.count, byteCount: bytes.count - 1)
    ) {
      try Skeleton(precomputed: bytes.dropLast())
    }
    // The radii only half there.
    #expect(
      throws: SkeletonError.attributeOutOfBounds(name: "radius", end: 8 + 36 + 16 + 12, byteCount: 8 + 36 + 16 + 6)
    ) {
      try Skeleton(precomputed: bytes.prefix(8 + 36 + 16 + 6))
    }
    // Descriptors asking for more than is there.
    let wanted =
      AttributeDescriptor.defaults + [AttributeDescriptor(name: "normal", dataType: .float64, valuesPerVertex: 3)]
    #expect(
      throws: SkeletonError.attributeOutOfBounds(name: "normal", end: bytes.count + 3 * 3 * 8, byteCount: bytes.count)
    ) {
      try Skeleton(precomputed: bytes, attributes: wanted)
    }
    // A wider type than was written.
    #expect(throws: SkeletonError.attributeOutOfBounds(name: "radius", end: 8 + 36 + 16 + 24, byteCount: bytes.count)) {
      try Skeleton(precomputed: bytes, attributes: [AttributeDescriptor(name: "radius", dataType: .float64)])
    }
  }

  @Test("A descriptor of fewer than one component is .invalidComponentCount")
  func invalidComponentCount() throws {
    let bytes = try Fixtures.data("skeleton/tree-50.skel")
    for componentCount in [0, -1, Int.min] {
      let descriptors = [
        AttributeDescriptor(name: "radius", dataType: .float32),
        AttributeDescriptor(name: "broken", dataType: .uint8, valuesPerVertex: componentCount),
      ]
      #expect(throws: SkeletonError.invalidComponentCount(name: "broken", componentCount: componentCount)) {
        try Skeleton(precomputed: bytes, attributes: descriptors)
      }
    }
  }

  @Test("A one-byte descriptor whose size overflows Int is .attributeOutOfBounds")
  func overflowingByteDescriptor() throws {
    let bytes = try Fixtures.data("skeleton/tree-50.skel")
    let descriptor = AttributeDescriptor(name: "huge", dataType: .uint8, valuesPerVertex: .max)
    #expect(throws: SkeletonError.attributeOutOfBounds(name: "huge", end: .max, byteCount: bytes.count)) {
      try Skeleton(precomputed: bytes, attributes: [descriptor])
    }
  }

  /// Run in a child process, since a trap would end the whole test run.
  @Test("A descriptor of any type whose size overflows Int is a SkeletonError, not a trap")
  func overflowingDescriptors() async {
    await #expect(processExitsWith: .success, "decoding with a huge componentCount trapped or decoded") {
      let bytes = try Skeleton(vertices: [Vertex(0, 0, 0), Vertex(1, 1, 1)], edges: [Edge(0, 1)], radii: [1, 2])
        .precomputed()
      for dataType in DataType.allCases {
        for componentCount in [Int.max, Int.max / 2 + 1, Int.max / 4 + 1, Int.max / 8 + 1, Int.max / 16] {
          let descriptor = AttributeDescriptor(name: "huge", dataType: dataType, valuesPerVertex: componentCount)
          do {
            _ = try Skeleton(precomputed: bytes, attributes: AttributeDescriptor.defaults + [descriptor])
            exit(2)
          } catch is SkeletonError {
            continue
          } catch {
            exit(3)
          }
        }
      }
    }
  }

  /// Run in a child process, since a trap would end the whole test run.
  @Test("Encoding an attribute whose size overflows Int is a SkeletonError, not a trap")
  func overflowingEncoding() async {
    await #expect(processExitsWith: .success, "encoding with a huge componentCount trapped or succeeded") {
      for dataType in DataType.allCases {
        for componentCount in [Int.max, Int.max / 2 + 1, Int.max / 4 + 1] {
          var skeleton = Skeleton(vertices: [Vertex(0, 0, 0), Vertex(1, 1, 1)], edges: [Edge(0, 1)])
          skeleton.attributes = [
            VertexAttribute(name: "huge", dataType: dataType, valuesPerVertex: componentCount, bytes: Data())
          ]
          do {
            _ = try skeleton.precomputed()
            exit(2)
          } catch is SkeletonError {
            continue
          } catch {
            exit(3)
          }
        }
      }
    }
  }

  @Test("2000 randomly damaged encodings never crash; every failure is a SkeletonError")
  func randomDamage() throws {
    var generator = SeededGenerator(seed: 0xDA_3A6E)
    let samples = try Self.samples()
    var decoded = 0
    var failures: [String: Int] = [:]
    for iteration in 0..<2000 {
      let sample = samples[iteration % samples.count]
      var bytes = [UInt8](sample.bytes)
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        switch Int.random(in: 0..<6, using: &generator) {
        case 0:  // flip bits of a byte
          let index = Int.random(in: 0..<bytes.count, using: &generator)
          bytes[index] ^= UInt8.random(in: 1...255, using: &generator)
        case 1:  // damage a count
          let index = Int.random(in: 0..<min(8, bytes.count), using: &generator)
          bytes[index] = UInt8.random(in: 0...255, using: &generator)
        case 2:  // a count off by a little
          guard bytes.count >= 8 else { continue }
          let offset = Bool.random(using: &generator) ? 0 : 4
          let count = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self) }
          let damaged = count &+ UInt32(bitPattern: Int32.random(in: -3...3, using: &generator))
          withUnsafeBytes(of: damaged.littleEndian) { bytes.replaceSubrange(offset..<offset + 4, with: $0) }
        case 3:  // truncate
          bytes.removeLast(Int.random(in: 0...bytes.count, using: &generator))
        case 4:  // append junk
          bytes += (0..<Int.random(in: 1...64, using: &generator)).map { _ in
            UInt8.random(in: 0...255, using: &generator)
          }
        default:  // four bytes past the counts overwritten, as an edge naming any vertex
          guard bytes.count >= 12 else { continue }
          let index = Int.random(in: 8...(bytes.count - 4), using: &generator)
          withUnsafeBytes(of: UInt32.random(in: 0...UInt32.max, using: &generator)) {
            bytes.replaceSubrange(index..<index + 4, with: $0)
          }
        }
        if bytes.isEmpty { break }
      }
      // Sometimes read with other descriptors than the writer's.
      let descriptors: [AttributeDescriptor]? =
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: nil
        case 1:
          [
            AttributeDescriptor(
              name: "wide", dataType: .uint64, valuesPerVertex: Int.random(in: 1...5, using: &generator))
          ]
        default: sample.descriptors
        }
      let input = Data(bytes)
      do {
        let skeleton = try Skeleton(precomputed: input, attributes: descriptors)
        decoded += 1
        // What decoded re-encodes to exactly the bytes it was read from (any tail is ignored).
        let encoded = try skeleton.precomputed()
        #expect(encoded == input.prefix(encoded.count), "iteration \(iteration)")
      } catch let error as SkeletonError {
        failures[String(describing: error).components(separatedBy: " ").prefix(2).joined(separator: " "), default: 0] +=
          1
      } catch {
        Issue.record("iteration \(iteration): not a SkeletonError: \(error)")
      }
    }
    // Both outcomes happen, so the damage is neither too mild nor too severe to test anything.
    #expect(decoded > 50)
    #expect(failures.values.reduce(0, +) > 500)
  }

  @Test("Encoding an attribute whose byte count does not match the vertices is .attributeSizeMismatch")
  func attributeSizeMismatch() throws {
    var skeleton = Skeleton(vertices: [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(1, 1, 0)], edges: [Edge(0, 1)])
    skeleton.radii = [1, 2]
    #expect(throws: SkeletonError.attributeSizeMismatch(name: "radius", byteCount: 8, expected: 12)) {
      try skeleton.precomputed()
    }
    skeleton.radii = [1, 2, 3]
    #expect(throws: Never.self) { try skeleton.precomputed() }
    skeleton.setAttribute(
      VertexAttribute(name: "normal", dataType: .int16, valuesPerVertex: 3, bytes: Data(count: 3 * 3 * 2 + 1)))
    #expect(throws: SkeletonError.attributeSizeMismatch(name: "normal", byteCount: 19, expected: 18)) {
      try skeleton.precomputed()
    }
    skeleton.setAttribute(VertexAttribute(name: "normal", dataType: .int16, valuesPerVertex: 3, bytes: Data()))
    #expect(throws: SkeletonError.attributeSizeMismatch(name: "normal", byteCount: 0, expected: 18)) {
      try skeleton.precomputed()
    }
  }

  @Test("A Data slice that does not start at index 0 decodes like a copy")
  func sliceDecodes() throws {
    let bytes = try Fixtures.data("skeleton/tree-50.skel")
    let padded = Data([1, 2, 3]) + bytes + Data([4, 5])
    let slice = padded[3..<(3 + bytes.count)]
    #expect(slice.startIndex == 3)
    #expect(try Skeleton(precomputed: slice) == Skeleton(precomputed: bytes))
  }
}

/// A random tree with the default attributes.
private func hostileTree(vertexCount: Int, using generator: inout SeededGenerator) -> Skeleton {
  let vertices = (0..<vertexCount).map { _ in
    Vertex(
      Float.random(in: -500..<500, using: &generator), Float.random(in: -500..<500, using: &generator),
      Float.random(in: -500..<500, using: &generator))
  }
  let edges = (1..<max(vertexCount, 1)).map { Edge(UInt32($0), UInt32.random(in: 0..<UInt32($0), using: &generator)) }
  return Skeleton(
    vertices: vertices, edges: edges,
    radii: (0..<vertexCount).map { _ in Float.random(in: 0..<10, using: &generator) },
    vertexTypes: (0..<vertexCount).map { _ in UInt8.random(in: 0..<8, using: &generator) })
}
