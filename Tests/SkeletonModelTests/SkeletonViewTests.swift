import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import SkeletonModel
import Testing

/// `Skeleton.View`, a skeleton read in place: the same vertices, edges, attributes and errors as
/// the decoder for the same bytes, and through a typed map the item's own bytes, checked first.
@Suite("Skeleton views")
struct SkeletonViewTests {
  /// Checks that `view` shows `skeleton`: every vertex, edge and attribute, and the owned copy.
  static func check(_ view: Skeleton.View, equals skeleton: Skeleton, sourceLocation: SourceLocation = #_sourceLocation)
  {
    #expect(view.id == skeleton.id, sourceLocation: sourceLocation)
    #expect(view.vertexCount == skeleton.vertices.count, sourceLocation: sourceLocation)
    #expect(view.edgeCount == skeleton.edges.count, sourceLocation: sourceLocation)
    #expect(Array(view.vertices) == skeleton.vertices, sourceLocation: sourceLocation)
    #expect(Array(view.edges) == skeleton.edges, sourceLocation: sourceLocation)
    // Indexed access, last to first, as well as iteration.
    for index in view.vertices.indices.reversed() {
      #expect(view.vertices[index] == skeleton.vertices[index], sourceLocation: sourceLocation)
    }
    #expect(view.attributeDescriptors == skeleton.attributes.map(\.descriptor), sourceLocation: sourceLocation)
    for attribute in skeleton.attributes {
      let viewed = view.attribute(named: attribute.name)
      #expect(viewed?.descriptor == attribute.descriptor, sourceLocation: sourceLocation)
      #expect(viewed.map { Data($0.bytes) } == attribute.bytes, sourceLocation: sourceLocation)
      #expect(viewed?.vertexAttribute() == attribute, sourceLocation: sourceLocation)
    }
    #expect(view.attribute(named: "no such attribute") == nil, sourceLocation: sourceLocation)
    #expect(view.radii.map(Array.init) == skeleton.radii, sourceLocation: sourceLocation)
    #expect(view.vertexTypes.map(Array.init) == skeleton.vertexTypes, sourceLocation: sourceLocation)
    #expect(view.skeleton() == skeleton, sourceLocation: sourceLocation)
  }

  /// What decoding `bytes` gives: the skeleton, or the error.
  static func decoded(_ bytes: Data, descriptors: [AttributeDescriptor]?) -> Result<Skeleton, SkeletonError>? {
    outcome { try Skeleton(precomputed: bytes, attributes: descriptors) }
  }

  /// What viewing `bytes` gives: the view's owned copy, or the error.
  static func viewed(_ bytes: Data, descriptors: [AttributeDescriptor]?) -> Result<Skeleton, SkeletonError>? {
    outcome { try Skeleton.withView(precomputed: bytes, attributes: descriptors) { $0.skeleton() } }
  }

  /// Whether two outcomes are the same error or the same skeleton bit for bit (damaged vertices
  /// may be NaN, which `==` never matches).
  static func same(_ a: Result<Skeleton, SkeletonError>?, _ b: Result<Skeleton, SkeletonError>?) -> Bool {
    switch (a, b) {
    case (.failure(let a), .failure(let b)): a == b
    case (.success(let a), .success(let b)):
      a.id == b.id && a.attributes.map(\.descriptor) == b.attributes.map(\.descriptor)
        && (try? a.precomputed()) == (try? b.precomputed())
    default: false
    }
  }

  /// The skeleton `body` makes or the `SkeletonError` it throws; `nil`, recorded as an issue, for another error.
  static func outcome(_ body: () throws -> Skeleton) -> Result<Skeleton, SkeletonError>? {
    do {
      return .success(try body())
    } catch let error as SkeletonError {
      return .failure(error)
    } catch {
      Issue.record("not a SkeletonError: \(error)")
      return nil
    }
  }

  @Test("Every osteoid fixture: the view shows what the decoder decodes, with its descriptors or the defaults")
  func fixtures() throws {
    for record in SkeletonManifest.shared.skeletons {
      let bytes = try Fixtures.data(try #require(record.file))
      for descriptors in [record.descriptors, nil] {
        let skeleton = try Skeleton(precomputed: bytes, id: record.id, attributes: descriptors)
        try Skeleton.withView(precomputed: bytes, id: record.id, attributes: descriptors) { view in
          Self.check(view, equals: skeleton)
        }
      }
    }
    // The fixtures without attributes and with one more than the defaults.
    for (file, descriptors) in [
      ("skeleton/no-attributes.skel", nil),
      (
        "skeleton/extra-attribute.skel",
        AttributeDescriptor.defaults + [AttributeDescriptor(name: "confidence", dataType: .float32)]
      ),
      ("skeleton/extra-attribute.skel", nil),
    ] as [(String, [AttributeDescriptor]?)] {
      let bytes = try Fixtures.data(file)
      let skeleton = try Skeleton(precomputed: bytes, attributes: descriptors)
      try Skeleton.withView(precomputed: bytes, attributes: descriptors) { Self.check($0, equals: skeleton) }
    }
  }

  @Test("The brotli fragment file: each label's view, from a temporary buffer, is its decoded skeleton")
  func compressedFragments() throws {
    let manifest = SkeletonManifest.shared.fragments
    let map = try TypedMapBuffer<Skeleton>(contentsOf: Fixtures.url(manifest.file))
    #expect(map.map.compression == .brotli)
    for record in manifest.skeletons {
      let skeleton = try #require(try map[record.id])
      let checked = try map.withSkeletonView(forKey: record.id) { view in
        Self.check(view, equals: skeleton)
        return true
      }
      #expect(checked == true)
    }
    var ran = false
    #expect(try map.withSkeletonView(forKey: 1) { _ in ran = true } == nil)
    #expect(!ran)
  }

  @Test("A layer's fragment file read with its info's codec: the view reads the layer's attributes")
  func layerCodec() throws {
    let folder = Fixtures.url("skeleton/layer-radius")
    let info = try SkeletonLayerInfo(json: Data(contentsOf: folder.appendingPathComponent("info")))
    let file = folder.appendingPathComponent("cell.frags")
    let cell = try TypedMapBuffer(contentsOf: file, codec: .precomputed(info))
    #expect(cell.count > 0)
    for key in cell.keys {
      let skeleton = try #require(try cell[key])
      try cell.withSkeletonView(forKey: key) { view in
        // A skeleton without vertices has no attribute bytes, so none.
        #expect(view.attributeDescriptors == (view.isEmpty ? [] : info.vertexAttributes))
        #expect(view.vertexTypes == nil)
        Self.check(view, equals: skeleton)
      }
    }
    // Read with the defaults, the largest fails alike through both paths.
    let defaults = try TypedMapBuffer<Skeleton>(contentsOf: file)
    var failures = 0
    for key in cell.keys {
      let decoded = Result { try defaults[key] }
      let viewed = Result { try defaults.withSkeletonView(forKey: key) { $0.skeleton() } }
      switch (decoded, viewed) {
      case (.success(let skeleton), .success(let copy)): #expect(skeleton == copy)
      case (.failure(let expected as TypedMapBufferError), .failure(let error as TypedMapBufferError)):
        failures += 1
        #expect(error.code == .decodingFailed && error.key == key)
        #expect(error.underlying as? SkeletonError == expected.underlying as? SkeletonError)
        #expect((error.underlying as? SkeletonError)?.code == .attributeOutOfBounds)
      default: Issue.record("key \(key): \(decoded) against \(viewed)")
      }
    }
    #expect(failures > 0)
  }

  @Test("An uncompressed map, in memory and mapped: the view reads the item's own bytes")
  func zeroCopy() throws {
    var generator = SeededGenerator(seed: 0x5EE_0001)
    var skeletons: [UInt64: Skeleton] = [:]
    for key in UInt64(1)...20 {
      skeletons[key] = randomSkeleton(vertexCount: Int.random(in: 0...200, using: &generator), using: &generator)
    }
    skeletons[21] = Skeleton()
    let data = try TypedMapBuffer<Skeleton>.encode(skeletons)
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("skeleton-view-\(UUID()).mb")
    try data.write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    for map in [try TypedMapBuffer<Skeleton>(data), try TypedMapBuffer<Skeleton>(contentsOf: url)] {
      for key in skeletons.keys.sorted() {
        let skeleton = try #require(try map[key])
        let item = try #require(try map.map.withUnsafeBytes(forKey: key) { $0.baseAddress } ?? nil)
        let viewed = try map.withSkeletonView(forKey: key) { view in
          Self.check(view, equals: skeleton)
          // The counts, then the vertices, in place.
          return view.vertices.withUnsafeBytes { $0.baseAddress } == item + 8
        }
        #expect(viewed == true, "key \(key)")
      }
    }
  }

  @Test("Every truncation of a real encoding: the view throws what the decoder throws, or shows what it decodes")
  func truncations() throws {
    for sample in try PrecomputedHostileTests.samples() {
      for length in 0...sample.bytes.count {
        let truncated = Data(sample.bytes.prefix(length))
        let decoded = Self.decoded(truncated, descriptors: sample.descriptors)
        let viewed = Self.viewed(truncated, descriptors: sample.descriptors)
        #expect(Self.same(decoded, viewed), "\(sample.name) at \(length)")
      }
    }
  }

  @Test("Random damage (bytes, counts, edges, attributes too large): the same outcome as the decoder")
  func randomDamage() throws {
    var generator = SeededGenerator(seed: 0x5EE_DA3A)
    var outcomes: [SkeletonError.Code: Int] = [:]
    var successes = 0
    for sample in try PrecomputedHostileTests.samples() {
      for _ in 0..<400 {
        var bytes = sample.bytes
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:
          // Any bytes.
          for _ in 0..<Int.random(in: 1...4, using: &generator) {
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
          }
        case 1:
          // A count: small changes and huge values.
          let offset = Int.random(in: 0...1, using: &generator) * 4
          let value: UInt32 =
            Bool.random(using: &generator)
            ? UInt32.random(in: 0...UInt32.max, using: &generator) : UInt32.random(in: 0...64, using: &generator)
          withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<(offset + 4), with: $0) }
        case 2:
          // An edge's index.
          let vertexCount = Int(bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
          let edgeCount = Int(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self) })
          guard edgeCount > 0 else { continue }
          let offset = 8 + 12 * vertexCount + 8 * Int.random(in: 0..<edgeCount, using: &generator)
          let value = UInt32(vertexCount) &+ UInt32.random(in: 0...3, using: &generator)
          withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<(offset + 4), with: $0) }
        default:
          // Bytes cut off or appended.
          if Bool.random(using: &generator) {
            bytes.removeLast(Int.random(in: 0...min(64, bytes.count), using: &generator))
          } else {
            bytes.append(Data.random(count: Int.random(in: 1...64, using: &generator), using: &generator))
          }
        }
        var descriptors = sample.descriptors
        if Int.random(in: 0..<8, using: &generator) == 0 {
          // Descriptors whose sizes cannot be real: no components, or a size past Int.max.
          let count = Bool.random(using: &generator) ? 0 : Int.max / 2
          descriptors =
            (descriptors ?? AttributeDescriptor.defaults)
            + [AttributeDescriptor(name: "hostile", dataType: .float64, valuesPerVertex: count)]
        }
        let decoded = Self.decoded(bytes, descriptors: descriptors)
        let viewed = Self.viewed(bytes, descriptors: descriptors)
        #expect(Self.same(decoded, viewed), "\(sample.name): \(bytes.count) bytes")
        switch viewed {
        case .success: successes += 1
        case .failure(let error): outcomes[error.code, default: 0] += 1
        case nil: break
        }
      }
    }
    // The damage reached every check.
    #expect(successes > 0)
    for code: SkeletonError.Code in [.truncated, .edgeOutOfRange, .attributeOutOfBounds, .invalidComponentCount] {
      #expect(outcomes[code, default: 0] > 0, "no \(code)")
    }
  }

  @Test("An out-of-range index at any edge, either end, whatever its size: the first such edge, through both paths")
  func edgeIndices() throws {
    let vertexCount = 30
    let skeleton = Skeleton(
      vertices: (0..<vertexCount).map { Skeleton.Vertex(Float($0), 0, 0) },
      edges: (1..<vertexCount).map { Skeleton.Edge(UInt32($0), UInt32($0 - 1)) }
        + Array(repeating: Skeleton.Edge(0, 29), count: 12))
    let bytes = try skeleton.precomputed()
    let edgesStart = 8 + 12 * vertexCount
    let indices: [UInt32] = [30, 31, 1 << 31 - 1, 1 << 31, 1 << 31 + 1, .max - 1, .max]
    for edge in 0..<skeleton.edges.count {
      for end in 0..<2 {
        for index in indices {
          var damaged = bytes
          let offset = edgesStart + 8 * edge + 4 * end
          withUnsafeBytes(of: index.littleEndian) { damaged.replaceSubrange(offset..<(offset + 4), with: $0) }
          let expected = SkeletonError.edgeOutOfRange(edge: edge, vertex: index, vertexCount: vertexCount)
          #expect(Self.decoded(damaged, descriptors: []) == .failure(expected))
          #expect(Self.viewed(damaged, descriptors: []) == .failure(expected))
        }
      }
    }
    // The largest index in range everywhere passes.
    #expect(Self.viewed(bytes, descriptors: []) == .success(skeleton))
  }

  @Test("A damaged item never runs the body: a checksum mismatch, or with verification off the decoder's error")
  func damagedItems() throws {
    let skeleton = DamagedItemTests.skeleton
    let data = try TypedMapBuffer<Skeleton>.encode([9: skeleton, 10: Skeleton()])
    let payload = try skeleton.precomputed()
    let start = try #require(data.range(of: payload)).lowerBound
    let layout = MapBufferValueCodec<Skeleton>.precomputed(attributes: AttributeDescriptor.defaults)
    for offset in start..<(start + payload.count + 4) {
      var damaged = data
      damaged[offset] ^= 0x80
      for typed in [try TypedMapBuffer<Skeleton>(damaged), try TypedMapBuffer(damaged, codec: layout)] {
        var ran = false
        let error = #expect(throws: MapBufferError.self, "byte \(offset)") {
          try typed.withSkeletonView(forKey: 9) { _ in ran = true }
        }
        #expect(error?.code == .checksumMismatch && error?.key == 9, "byte \(offset)")
        #expect(!ran, "byte \(offset): the body ran")
        #expect(try typed.withSkeletonView(forKey: 10) { $0.skeleton() } == Skeleton(id: 10))
      }
    }
    // The vertex count's top byte, with verification off: the decoder's error, naming the key.
    var damaged = data
    damaged[start + 3] = 0xFF
    var typed = try TypedMapBuffer<Skeleton>(damaged)
    typed.map.verifiesChecksums = false
    var ran = false
    let decoded = Result { try typed[9] }
    let viewed = Result { try typed.withSkeletonView(forKey: 9) { _ in ran = true } }
    #expect(!ran)
    guard case .failure(let expected as TypedMapBufferError) = decoded,
      case .failure(let error as TypedMapBufferError) = viewed
    else {
      Issue.record("\(decoded) against \(viewed)")
      return
    }
    #expect(error.code == .decodingFailed && error.key == 9)
    #expect((error.underlying as? SkeletonError)?.code == .truncated)
    #expect(error.underlying as? SkeletonError == expected.underlying as? SkeletonError)
  }

  @Test("The body's own error comes out as it was thrown; attribute values of another type are refused")
  func bodyErrorsAndTypes() throws {
    struct Stop: Error, Equatable {}
    let map = try TypedMapBuffer<Skeleton>(encoding: [5: DamagedItemTests.skeleton])
    #expect(throws: Stop()) {
      try map.withSkeletonView(forKey: 5) { _ in throw Stop() }
    }
    try map.withSkeletonView(forKey: 5) { view in
      let radius = try #require(view.attribute(named: "radius"))
      #expect(throws: SkeletonError.attributeTypeMismatch(name: "radius", stored: .float32, requested: .uint8)) {
        try radius.values(as: UInt8.self)
      }
      #expect(Array(try radius.values(as: Float.self)) == [1, 2, 3, 4, 5])
      #expect(view.id == 5)
    }
  }

  /// A random tree with the default attributes.
  func randomSkeleton(vertexCount: Int, using generator: inout SeededGenerator) -> Skeleton {
    let vertices = (0..<vertexCount).map { _ in
      Skeleton.Vertex(
        Float.random(in: -9..<9, using: &generator), Float.random(in: -9..<9, using: &generator),
        Float.random(in: -9..<9, using: &generator))
    }
    let edges =
      vertexCount < 2
      ? [] : (1..<vertexCount).map { Skeleton.Edge(UInt32($0), UInt32.random(in: 0..<UInt32($0), using: &generator)) }
    return Skeleton(
      vertices: vertices, edges: edges, radii: vertices.map { _ in Float.random(in: 1..<5, using: &generator) },
      vertexTypes: vertices.map { _ in UInt8.random(in: 0...7, using: &generator) })
  }
}
