import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import SkeletonModel
import Testing

/// Typed skeleton lookups from borrowed bytes: a damaged item never yields a value, whatever byte
/// is damaged, and the values are those of the `Data` path.
@Suite("Skeleton lookups and damaged items")
struct DamagedItemTests {
  static let skeleton = Skeleton(
    vertices: (0..<5).map { Skeleton.Vertex(Float($0), Float($0 * 2), 1) },
    edges: (1..<5).map { Skeleton.Edge(UInt32($0), UInt32($0 - 1)) },
    radii: [1, 2, 3, 4, 5], vertexTypes: [1, 3, 3, 3, 3])

  /// The map's bytes and the range of the stored item of key 9 (payload and checksum).
  static func map() throws -> (data: Data, item: Range<Int>) {
    let data = try TypedMapBuffer<Skeleton>.encode([9: skeleton, 10: Skeleton()])
    let payload = try skeleton.precomputed()
    let start = try #require(data.range(of: payload)).lowerBound
    return (data, start..<(start + payload.count + 4))
  }

  @Test("Every damaged byte of the item, payload or checksum, throws a checksum mismatch")
  func everyByte() throws {
    let (data, item) = try Self.map()
    let layout = MapBufferValueCodec<Skeleton>.precomputed(attributes: AttributeDescriptor.defaults)
    for offset in item {
      for flip: UInt8 in [0x01, 0x80] {
        var damaged = data
        damaged[offset] ^= flip
        for typed in [try TypedMapBuffer<Skeleton>(damaged), try TypedMapBuffer(damaged, codec: layout)] {
          do {
            let value = try typed[9]
            Issue.record("byte \(offset) ^ \(flip): a value \(String(describing: value)) from a damaged item")
          } catch let error as MapBufferError {
            #expect(error.code == .checksumMismatch, "byte \(offset): \(error)")
            #expect(error.key == 9)
          }
          // The other item is whole.
          #expect(try typed[10] == Skeleton(id: 10))
        }
      }
    }
  }

  @Test("A damaged count that would not decode is reported as a damaged item, as before")
  func damageBeforeDecodingError() throws {
    var (data, item) = try Self.map()
    data[item.lowerBound + 3] = 0xFF  // the vertex count's top byte
    do {
      _ = try TypedMapBuffer<Skeleton>(data)[9]
      Issue.record("no error")
    } catch let error as MapBufferError {
      #expect(error.code == .checksumMismatch)
    }
    // Without verification the same item fails to decode, naming its key.
    var typed = try TypedMapBuffer<Skeleton>(data)
    typed.map.verifiesChecksums = false
    do {
      _ = try typed[9]
      Issue.record("no error")
    } catch let error as TypedMapBufferError {
      #expect(error.code == .decodingFailed)
      #expect(error.key == 9)
    }
  }

  @Test("Values are those of the Data path, mapped or in memory, with checksums verified or not")
  func sameValues() throws {
    var generator = SystemRandomNumberGenerator()
    var skeletons: [UInt64: Skeleton] = [:]
    for key in UInt64(1)...40 {
      // Key 1 always has no vertices: decoding such a skeleton gives no attributes (there are no
      // attribute bytes), so its expected value below has none.
      let count = key == 1 ? 0 : Int.random(in: 0...300, using: &generator)
      let vertices = (0..<count).map { _ in
        Skeleton.Vertex(Float.random(in: 0..<9), Float.random(in: 0..<9), Float.random(in: 0..<9))
      }
      let edges = count < 2 ? [] : (1..<count).map { Skeleton.Edge(UInt32($0), UInt32.random(in: 0..<UInt32($0))) }
      skeletons[key] = Skeleton(
        vertices: vertices, edges: edges, radii: vertices.map { _ in Float.random(in: 1..<2) },
        vertexTypes: vertices.map { _ in UInt8.random(in: 0..<8) })
    }
    let data = try TypedMapBuffer<Skeleton>.encode(skeletons)
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("s.mb")
    try data.write(to: url)
    for verifies in [true, false] {
      for access in [MapBuffer.FileAccess.memoryMapped, .positionalReads] {
        var typed = try TypedMapBuffer<Skeleton>(contentsOf: url, access: access)
        typed.map.verifiesChecksums = verifies
        let raw = try MapBuffer(data)
        for (key, skeleton) in skeletons {
          var expected = skeleton.isEmpty ? Skeleton() : skeleton
          expected.id = key
          #expect(try typed[key] == expected)
          #expect(try typed[key] == Skeleton(mapBufferBytes: try #require(try raw[key]), storedUnder: key))
        }
        #expect(try typed[999] == nil)
      }
    }
  }

  @Test("A codec whose conversion is replaced decodes with the replacement")
  func replacedConversion() throws {
    let (data, _) = try Self.map()
    var codec = MapBufferValueCodec<Skeleton>.conformance
    codec.decodeStoredBorrowed = { _, key in Skeleton(id: key &+ 1000) }
    #expect(try TypedMapBuffer(data, codec: codec)[9]?.id == 1009)
    var plain = MapBufferValueCodec<Skeleton>.conformance
    plain.decodeStored = { _, key in Skeleton(id: key &+ 2000) }
    plain.decodeStoredBorrowed = nil
    #expect(try TypedMapBuffer(data, codec: plain)[9]?.id == 2009)
  }
}
