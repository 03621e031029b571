import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import SkeletonModel
import Testing

@Suite("Gathering fragments")
struct FragmentsTests {
  static let seed: UInt64 = 0xF2A6_3E27

  static let accessModes: [MapBuffer.FileAccess] = [.memoryMapped, .positionalReads]

  // MARK: Hand-made fragments

  /// Label 7 has a fragment in files 0 and 2, label 8 only in file 1, label 9 an empty fragment
  /// in file 1; file 1 is brotli-compressed.
  struct HandFiles {
    var directory: URL
    var files: [URL]

    static let a = Skeleton(
      vertices: [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(1, 1, 0)], edges: [Edge(0, 1), Edge(2, 1)],
      radii: [1, 2, 3], vertexTypes: [1, 3, 3])
    static let b = Skeleton(
      vertices: [Vertex(1, 1, 0), Vertex(1, 1, 5)], edges: [Edge(1, 0)], radii: [3, 0.5], vertexTypes: [3, 4])
    static let other = Skeleton(vertices: [Vertex(9, 9, 9)], edges: [], radii: [9], vertexTypes: [9])

    init() throws {
      let directory = try Fixtures.temporaryDirectory()
      self.directory = directory
      files = (0..<3).map { directory.appendingPathComponent("fragments-\($0).mb") }
      try TypedMapBuffer<Skeleton>.write([7: Self.a, 100: Self.other], to: files[0])
      try TypedMapBuffer<Skeleton>.write(
        [8: Self.other, 9: Skeleton(), 100: Self.other], to: files[1], writer: MapBufferWriter(compression: .brotli))
      try TypedMapBuffer<Skeleton>.write([7: Self.b, 100: Self.other], to: files[2])
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
  }

  /// Fragments a then b of label 7, concatenated by hand.
  static let expectedSeven = Skeleton(
    id: 7,
    vertices: [Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(1, 1, 0), Vertex(1, 1, 0), Vertex(1, 1, 5)],
    edges: [Edge(0, 1), Edge(2, 1), Edge(4, 3)],
    radii: [1, 2, 3, 3, 0.5], vertexTypes: [1, 3, 3, 3, 4])

  @Test("One label gathered across files, in file order, with its id set to the label", arguments: accessModes)
  func gatherAcrossFiles(access: MapBuffer.FileAccess) throws {
    let hand = try HandFiles()
    defer { hand.remove() }
    let seven = try #require(try Skeleton.gatherFragments(label: 7, from: hand.files, access: access))
    #expect(seven == Self.expectedSeven)
    #expect(seven.id == 7)
    // Duplicated boundary vertices stay until consolidated.
    #expect(seven.vertices.count == 5)
    #expect(seven.consolidated().vertices.count == 4)
    #expect(seven.consolidated().connectedComponentCount() == 1)

    // Another file order, another fragment order.
    let reversed = try #require(try Skeleton.gatherFragments(label: 7, from: hand.files.reversed(), access: access))
    #expect(reversed.vertices == [Vertex(1, 1, 0), Vertex(1, 1, 5), Vertex(0, 0, 0), Vertex(1, 0, 0), Vertex(1, 1, 0)])
    #expect(reversed.edges == [Edge(1, 0), Edge(2, 3), Edge(4, 3)])
    #expect(reversed.radii == [3, 0.5, 1, 2, 3])

    // A label in one file only is that fragment, with the label as id.
    var eight = HandFiles.other
    eight.id = 8
    #expect(try Skeleton.gatherFragments(label: 8, from: hand.files, access: access) == eight)
    // Present in all three files: three copies.
    let hundred = try #require(try Skeleton.gatherFragments(label: 100, from: hand.files, access: access))
    #expect(hundred.vertices == [Vertex(9, 9, 9), Vertex(9, 9, 9), Vertex(9, 9, 9)])
    #expect(hundred.id == 100)
  }

  @Test("A missing label gives nil; an empty fragment gives an empty skeleton, not nil", arguments: accessModes)
  func missingAndEmpty(access: MapBuffer.FileAccess) throws {
    let hand = try HandFiles()
    defer { hand.remove() }
    #expect(try Skeleton.gatherFragments(label: 1, from: hand.files, access: access) == nil)
    #expect(try Skeleton.gatherFragments(label: UInt64.max, from: hand.files, access: access) == nil)
    #expect(try Skeleton.gatherFragments(label: 7, from: [], access: access) == nil)
    #expect(try Skeleton.gatherFragments(label: 8, from: [hand.files[0], hand.files[2]], access: access) == nil)
    let nine = try #require(try Skeleton.gatherFragments(label: 9, from: hand.files, access: access))
    #expect(nine.isEmpty)
    #expect(nine.edges.isEmpty)
    #expect(nine.id == 9)
  }

  @Test("The overload taking open maps gathers as the one taking files")
  func gatherFromMaps() throws {
    let hand = try HandFiles()
    defer { hand.remove() }
    let maps = try hand.files.map { try MapBuffer(Data(contentsOf: $0)) }
    #expect(try Skeleton.gatherFragments(label: 7, from: maps) == Self.expectedSeven)
    #expect(
      try Skeleton.gatherFragments(label: 7, from: Array(maps.reversed()))
        == Skeleton.gatherFragments(label: 7, from: hand.files.reversed()))
    #expect(try Skeleton.gatherFragments(label: 1, from: maps) == nil)
    #expect(try Skeleton.gatherFragments(label: 7, from: [MapBuffer]()) == nil)
    let mapped = try hand.files.map { try MapBuffer(contentsOf: $0, access: .positionalReads) }
    #expect(try Skeleton.gatherFragments(label: 7, from: mapped) == Self.expectedSeven)
  }

  // MARK: Errors

  @Test("A fragment that does not decode throws naming its label; other labels still gather", arguments: accessModes)
  func corruptFragment(access: MapBuffer.FileAccess) throws {
    let hand = try HandFiles()
    defer { hand.remove() }
    // Label 7 in a fourth file: 5 bytes, shorter than the 8-byte counts.
    let bad = hand.directory.appendingPathComponent("bad.mb")
    try MapBufferWriter().write([7: Data([1, 0, 0, 0, 0]), 8: try HandFiles.other.precomputed()], to: bad)
    let files = hand.files + [bad]
    do {
      let skeleton = try Skeleton.gatherFragments(label: 7, from: files, access: access)
      Issue.record("gathered \(String(describing: skeleton)) from a corrupt fragment")
    } catch let error as TypedMapBufferError {
      #expect(error.key == 7)
      #expect(error.description.contains("7"))
      guard error.code == .decodingFailed else {
        Issue.record("not a decoding error: \(error)")
        return
      }
      #expect(error.underlying as? SkeletonError == .truncated(byteCount: 5, required: 8, vertexCount: 0, edgeCount: 0))
    }
    // The same through open maps.
    let maps = try files.map { try MapBuffer(contentsOf: $0, access: access) }
    #expect(throws: TypedMapBufferError.self) { try Skeleton.gatherFragments(label: 7, from: maps) }
    // Other labels of the corrupt file are unaffected.
    let eight = try #require(try Skeleton.gatherFragments(label: 8, from: files, access: access))
    #expect(eight.vertices == [Vertex(9, 9, 9), Vertex(9, 9, 9)])
    #expect(try Skeleton.gatherFragments(label: 100, from: files, access: access)?.vertices.count == 3)
  }

  @Test("A fragment whose edge names a missing vertex throws naming its label")
  func edgeOutOfRangeFragment() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var bytes = Data()
    for word: UInt32 in [1, 1, 0, 0, 0, 0, 3] {
      withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) }
    }
    let url = directory.appendingPathComponent("f.mb")
    try MapBufferWriter(compression: .zstd).write([42: bytes], to: url)
    do {
      _ = try Skeleton.gatherFragments(label: 42, from: [url])
      Issue.record("no error")
    } catch let error as TypedMapBufferError {
      #expect(error.key == 42)
      #expect(error.underlying as? SkeletonError == .edgeOutOfRange(edge: 0, vertex: 3, vertexCount: 1))
    }
  }

  @Test("A damaged item fails its checksum, naming the label", arguments: accessModes)
  func damagedItem(access: MapBuffer.FileAccess) throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("f.mb")
    let fragment = HandFiles.a
    try TypedMapBuffer<Skeleton>.write([5: fragment, 6: HandFiles.b], to: url)
    var data = try Data(contentsOf: url)
    let encoded = try fragment.precomputed()
    let start = try #require(data.range(of: encoded)).lowerBound
    data[start + 10] ^= 0x40
    try data.write(to: url)
    #expect(throws: MapBufferError.self) { try Skeleton.gatherFragments(label: 5, from: [url], access: access) }
    do {
      _ = try Skeleton.gatherFragments(label: 5, from: [url], access: access)
    } catch let error as MapBufferError where error.code == .checksumMismatch {
      #expect(error.key == 5)
    } catch {
      Issue.record("expected a checksum mismatch, got \(error)")
    }
    #expect(try Skeleton.gatherFragments(label: 6, from: [url], access: access)?.vertices == HandFiles.b.vertices)
  }

  @Test("Fragments with different attributes cannot be joined; a missing file cannot be opened")
  func mismatchAndMissingFile() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let withDefaults = directory.appendingPathComponent("defaults.mb")
    let bare = directory.appendingPathComponent("bare.mb")
    try TypedMapBuffer<Skeleton>.write([3: HandFiles.a], to: withDefaults)
    // Without attributes the encoding ends after the edges, so it decodes without attributes.
    let noAttributes = Skeleton(vertices: [Vertex(5, 5, 5)], edges: [], attributes: [])
    try TypedMapBuffer<Skeleton>.write([3: noAttributes], to: bare)
    #expect(throws: SkeletonError.attributeMismatch(expected: AttributeDescriptor.defaults, found: [])) {
      try Skeleton.gatherFragments(label: 3, from: [withDefaults, bare])
    }
    #expect(
      try Skeleton.gatherFragments(label: 3, from: [bare]) == Skeleton(id: 3, vertices: [Vertex(5, 5, 5)], edges: []))

    let missing = directory.appendingPathComponent("missing.mb")
    for access in Self.accessModes {
      #expect(throws: MapBufferError.self) {
        try Skeleton.gatherFragments(label: 3, from: [withDefaults, missing], access: access)
      }
    }
  }

  // MARK: Random fragments

  @Test("Random labels scattered over files: each gathers to its fragments' concatenation, in both access modes")
  func randomScatter() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var generator = SeededGenerator(seed: Self.seed)
    let fileCount = 5
    var labels: Set<UInt64> = [UInt64.max, 0]
    while labels.count < 40 { labels.insert(UInt64.random(in: 1...UInt64.max, using: &generator)) }
    var contents = [[UInt64: Skeleton]](repeating: [:], count: fileCount)
    for label in labels {
      for file in 0..<fileCount where Int.random(in: 0..<3, using: &generator) == 0 {
        let size = Int.random(in: 1...40, using: &generator)
        var (fragment, _) = GraphSamples.forest(treeSizes: [size], isolated: 0, using: &generator)
        fragment.id = UInt64.random(in: 0...UInt64.max, using: &generator)  // not stored
        contents[file][label] = fragment
      }
    }
    let compressions: [MapBuffer.Compression] = [.none, .brotli, .gzip, .zstd, .lzma]
    let files = (0..<fileCount).map { directory.appendingPathComponent("f\($0).mb") }
    for (index, url) in files.enumerated() {
      try TypedMapBuffer<Skeleton>.write(
        contents[index], to: url, writer: MapBufferWriter(compression: compressions[index]))
    }
    let maps = try files.map { try MapBuffer(contentsOf: $0) }
    var gathered = 0
    for label in labels.sorted() {
      let fragments = contents.compactMap { $0[label] }
      var expectedVertices: [Vertex] = []
      var expectedEdges: [Edge] = []
      var expectedRadii: [Float] = []
      var expectedTypes: [UInt8] = []
      for fragment in fragments {
        let offset = UInt32(expectedVertices.count)
        expectedEdges += fragment.edges.map { Edge($0.a + offset, $0.b + offset) }
        expectedVertices += fragment.vertices
        expectedRadii += fragment.radii!
        expectedTypes += fragment.vertexTypes!
      }
      for access in Self.accessModes {
        let skeleton = try Skeleton.gatherFragments(label: label, from: files, access: access)
        guard !fragments.isEmpty else {
          #expect(skeleton == nil, "label \(label)")
          continue
        }
        let found = try #require(skeleton, "label \(label)")
        #expect(found.id == label)
        #expect(found.vertices == expectedVertices, "label \(label)")
        #expect(found.edges == expectedEdges, "label \(label)")
        #expect(found.radii == expectedRadii, "label \(label)")
        #expect(found.vertexTypes == expectedTypes, "label \(label)")
        #expect(found.connectedComponentCount() == fragments.count, "label \(label)")
        #expect(try Skeleton.gatherFragments(label: label, from: maps) == found, "label \(label)")
        gathered += 1
      }
    }
    #expect(gathered > 20)
  }

  // MARK: osteoid

  @Test("Fragment maps written by mapbuffer gather as osteoid's simple_merge joins them")
  func osteoidSimpleMerge() throws {
    let directory = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let script = #"""
      import json, os, sys
      import numpy as np
      from osteoid import Skeleton
      from mapbuffer import MapBuffer
      seed, out = int(sys.argv[1]), sys.argv[2]
      rng = np.random.default_rng(seed)
      labels = [int(x) for x in rng.choice(2**40, size=25, replace=False)]
      files = [{} for _ in range(4)]
      for label in labels:
        for f in files:
          if rng.random() < 0.5:
            nv = int(rng.integers(1, 60))
            verts = (rng.random((nv, 3)) * 1000).astype(np.float32)
            edges = np.array([[i, rng.integers(0, i)] for i in range(1, nv)], dtype=np.uint32).reshape(-1, 2)
            radii = (rng.random(nv) * 10).astype(np.float32)
            types = rng.integers(0, 8, nv).astype(np.uint8)
            f[label] = Skeleton(verts, edges, radii=radii, vertex_types=types, segid=label)
      for i, f in enumerate(files):
        mb = MapBuffer(f, compress="br" if i % 2 else None, tobytesfn=lambda s: s.to_precomputed())
        with open(os.path.join(out, f"f{i}.mb"), "wb") as fh:
          fh.write(mb.tobytes())
      result = []
      for label in labels:
        frags = [f[label] for f in files if label in f]
        entry = {"label": label, "present": bool(frags), "fragments": len(frags)}
        if frags:
          merged = Skeleton.simple_merge(frags)
          entry["vertices"] = merged.vertices.astype(np.float32).view(np.uint32).reshape(-1).tolist()
          entry["edges"] = merged.edges.astype(np.uint32).reshape(-1).tolist()
          entry["radius"] = merged.radius.astype(np.float32).view(np.uint32).tolist()
          entry["vertex_types"] = merged.vertex_types.astype(np.uint8).tolist()
        result.append(entry)
      print(json.dumps(result))
      """#
    struct Entry: Decodable {
      var label: UInt64
      var present: Bool
      var fragments: Int
      var vertices: [UInt32]?
      var edges: [UInt32]?
      var radius: [UInt32]?
      var vertex_types: [UInt8]?
    }
    let output = try ReferencePython.run(script, arguments: [String(Self.seed), directory.path])
    let entries = try JSONDecoder().decode([Entry].self, from: output)
    #expect(entries.count == 25)
    // Some labels have several fragments to join.
    #expect(entries.contains { $0.fragments >= 3 })
    let files = (0..<4).map { directory.appendingPathComponent("f\($0).mb") }
    for entry in entries {
      for access in Self.accessModes {
        let skeleton = try Skeleton.gatherFragments(label: entry.label, from: files, access: access)
        guard entry.present else {
          #expect(skeleton == nil, "label \(entry.label)")
          continue
        }
        let found = try #require(skeleton, "label \(entry.label)")
        #expect(found.id == entry.label)
        #expect(
          found.vertices.flatMap { [$0.x.bitPattern, $0.y.bitPattern, $0.z.bitPattern] } == entry.vertices,
          "label \(entry.label)")
        #expect(found.edges.flatMap { [$0.a, $0.b] } == entry.edges, "label \(entry.label)")
        #expect(found.radii?.map(\.bitPattern) == entry.radius, "label \(entry.label)")
        #expect(found.vertexTypes == entry.vertex_types, "label \(entry.label)")
      }
    }
  }
}

@Suite("Skeletons from borrowed bytes")
struct SkeletonBorrowedBytesTests {
  @Test("A skeleton decodes alike from a mapped uncompressed map (borrowed bytes) and a compressed one (Data)")
  func borrowed() throws {
    let skeleton = Skeleton(
      vertices: [Vertex(0, 0, 0), Vertex(3, 4, 0), Vertex(3, 4, 12)], edges: [Edge(0, 1), Edge(1, 2)],
      radii: [1, 2, 3], vertexTypes: [1, 3, 3])
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("cell.frags")
    try TypedMapBuffer<Skeleton>.write([9: skeleton], to: url)
    let mapped = try TypedMapBuffer<Skeleton>(contentsOf: url)
    let compressed = try TypedMapBuffer(encoding: [9: skeleton], compression: .brotli)
    let fromBorrowed = try #require(try mapped[9])
    let fromData = try #require(try compressed[9])
    #expect(fromBorrowed.vertices == skeleton.vertices && fromBorrowed.edges == skeleton.edges)
    #expect(fromBorrowed.vertices == fromData.vertices && fromBorrowed.attributes.count == fromData.attributes.count)
    #expect(try mapped.values(forKeys: [9, 10]).map { $0?.vertices.count } == [3, nil])
  }
}
