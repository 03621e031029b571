import Foundation
import MapBufferTestSupport
import SkeletonModel
import Testing

/// The real SWC files of `Tests/Fixtures/swc` (NeuroM, MorphIO and Allen Institute test data;
/// sources and licenses in its README), read here and by the field's readers in the venv:
///
/// - osteoid 0.7.4's `from_swc` on the file as it is, where it reads it: vertices, edges, radii,
///   types, cable length and components must match;
/// - where osteoid refuses the file or returns an empty skeleton, MorphIO 3.5.0: the soma
///   samples, the neurite samples (position, radius, type), and the neurite cable length;
/// - every file also through osteoid after the text is normalized (comments stripped, columns
///   joined by single spaces), so that vertices, edges, radii, types, cable length and components
///   are compared for every file, the ones both readers refuse included.
@Suite("SWC files from public repositories")
struct SWCFixtureTests {
  static let directory = Fixtures.url("swc")

  /// Files this reader rejects, with the line its error names: the same samples MorphIO rejects.
  static let rejected: [String: (line: Int, reason: String)] = [
    "neurom-repeated_id.swc": (6, "id 4 is repeated: line 5 has it already"),
    "neurom-Neuron_missing_ids.swc": (42, "parent id 7 is not in the file"),
    "neurom-Neuron_missing_parents.swc": (40, "parent id 5 is not in the file"),
  ]

  /// Files where MorphIO's model leaves samples out, compared with osteoid on normalized text only.
  static let morphioDiffers: [String: String] = [
    "morphio-disconnected_neurite.swc": "MorphIO drops the neurite of one sample that has no parent (line 10)"
  ]

  static func fixtureNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swc") }.sorted()
  }

  @Test("At least 30 real files, every one listed in the README with its source and license")
  func inventory() throws {
    let names = try Self.fixtureNames()
    #expect(names.count >= 30)
    let readme = try String(contentsOf: Self.directory.appendingPathComponent("README.md"), encoding: .utf8)
    for name in names {
      #expect(readme.contains("`\(name)`"), "\(name) is not in Tests/Fixtures/swc/README.md")
    }
    // The dialects the issue names are all present.
    let texts = try names.map { try Data(contentsOf: Self.directory.appendingPathComponent($0)) }
    #expect(texts.contains { String(decoding: $0, as: UTF8.self).contains("\r\n") }, "CRLF")
    #expect(
      texts.contains { String(decoding: $0, as: UTF8.self).split(separator: "\n").contains { $0.hasPrefix("0 ") } },
      "ids from 0")
    #expect(texts.contains { String(decoding: $0, as: UTF8.self).contains("\t") }, "tabs")
    #expect(
      texts.contains { text in
        String(decoding: text, as: UTF8.self).split(separator: "\n").contains { line in
          !line.hasPrefix("#") && line.contains("#") && line.split(separator: "#")[0].split(separator: " ").count >= 7
        }
      }, "a comment after a sample")
  }

  @Test("Every file reads as osteoid, MorphIO and osteoid on normalized text read it, or fails at the offending line")
  func compareWithReaders() throws {
    let names = try Self.fixtureNames()
    let output = try ReferencePython.run(Self.script, arguments: [Self.directory.path] + names)
    let records = try JSONDecoder().decode([ReaderRecord].self, from: output)
    #expect(records.map(\.file) == names)
    var comparedWithOsteoid = 0
    var comparedWithMorphIO = 0
    for record in records {
      let url = Self.directory.appendingPathComponent(record.file)
      if let expected = Self.rejected[record.file] {
        #expect(throws: SkeletonError.invalidSWC(line: expected.line, reason: expected.reason), "\(record.file)") {
          try Skeleton(contentsOfSWC: url)
        }
        #expect(record.morphio == nil, "\(record.file): MorphIO reads a file rejected here")
        continue
      }
      let skeleton = try Skeleton(contentsOfSWC: url)
      #expect(!skeleton.isEmpty, "\(record.file)")
      var readers = 0
      if let normalized = record.osteoid_normalized {
        normalized.check(skeleton, file: record.file, reader: "osteoid (normalized text)")
        readers += 1
      }
      if let osteoid = record.osteoid, !osteoid.vertices.isEmpty {
        osteoid.check(skeleton, file: record.file, reader: "osteoid")
        comparedWithOsteoid += 1
        readers += 1
      } else if let morphio = record.morphio, Self.morphioDiffers[record.file] == nil {
        morphio.check(skeleton, file: record.file)
        comparedWithMorphIO += 1
        readers += 1
      }
      #expect(
        readers > 0,
        "\(record.file): no reader to compare with: \(record.osteoid_error ?? ""), \(record.morphio_error ?? "")")
    }
    // Both readers are exercised: osteoid reads few real files as they are.
    #expect(comparedWithOsteoid >= 15)
    #expect(comparedWithMorphIO >= 15)
  }

  /// What the Python side reports for one file.
  struct ReaderRecord: Decodable {
    var file: String
    var osteoid: OsteoidReading?
    var osteoid_error: String?
    var osteoid_normalized: OsteoidReading?
    var osteoid_normalized_error: String?
    var morphio: MorphIOReading?
    var morphio_error: String?
  }

  /// osteoid's skeleton: everything, in file order.
  struct OsteoidReading: Decodable {
    var vertices: [[Float]]
    var edges: [[UInt32]]
    var radii: [Float]
    var types: [UInt8]
    var cable_length: Double
    var components: Int

    func check(_ skeleton: Skeleton, file: String, reader: String) {
      let context = "\(file) against \(reader)"
      #expect(skeleton.vertices.count == vertices.count, "\(context): vertex count")
      guard skeleton.vertices.count == vertices.count else { return }
      for (index, (vertex, expected)) in zip(skeleton.vertices, vertices).enumerated() {
        let ok = close(vertex.x, expected[0]) && close(vertex.y, expected[1]) && close(vertex.z, expected[2])
        #expect(ok, "\(context): vertex \(index) is \(vertex), \(reader) has \(expected)")
        if !ok { return }
      }
      let ours = skeleton.edges.map { [$0.normalized.a, $0.normalized.b] }.sorted { $0.lexicographicallyPrecedes($1) }
      let theirs = edges.map { [min($0[0], $0[1]), max($0[0], $0[1])] }.sorted { $0.lexicographicallyPrecedes($1) }
      #expect(ours == theirs, "\(context): edges")
      let radii = skeleton.radii ?? []
      #expect(
        radii.count == self.radii.count && zip(radii, self.radii).allSatisfy { close($0, $1) }, "\(context): radii")
      #expect(skeleton.vertexTypes == types, "\(context): types")
      #expect(
        relativeDifference(skeleton.cableLength, cable_length) <= 1e-5,
        "\(context): cable length \(skeleton.cableLength), \(reader) \(cable_length)")
      // osteoid counts the components of the edges, so a vertex without edges is not one,
      // except that a skeleton without edges is one component.
      let labels = skeleton.componentLabels()
      let degrees = skeleton.vertexDegrees()
      let withEdges = Set(labels.indices.filter { degrees[$0] > 0 }.map { labels[$0] }).count
      #expect((skeleton.edges.isEmpty ? 1 : withEdges) == components, "\(context): components of the edges")
      // This package counts every vertex, so each vertex without edges adds one.
      let isolated = degrees.filter { $0 == 0 }.count
      #expect(
        skeleton.connectedComponentCount() == (skeleton.edges.isEmpty ? 0 : withEdges) + isolated,
        "\(context): components")
    }
  }

  /// MorphIO's morphology: soma samples, and neurite samples once each (a child section's first
  /// point repeats its parent's last and is left out), with their section's type.
  struct MorphIOReading: Decodable {
    /// `[x, y, z, radius]` of each soma sample.
    var soma: [[Float]]
    /// `[x, y, z, radius, type]` of each neurite sample.
    var neurite: [[Float]]
    /// The length of every section, summed.
    var neurite_cable_length: Double

    func check(_ skeleton: Skeleton, file: String) {
      let context = "\(file) against MorphIO"
      let radii = skeleton.radii ?? []
      let types = skeleton.vertexTypes ?? []
      #expect(skeleton.vertices.count == soma.count + neurite.count, "\(context): vertex count")
      func rows(_ keep: (Int) -> Bool, withType: Bool) -> [[Float]] {
        skeleton.vertices.indices.filter(keep).map { index in
          let v = skeleton.vertices[index]
          return [v.x, v.y, v.z, radii[index]] + (withType ? [Float(types[index])] : [])
        }.sorted { $0.lexicographicallyPrecedes($1) }
      }
      let ourSoma = rows({ types[$0] == 1 }, withType: false)
      let ourNeurite = rows({ types[$0] != 1 }, withType: true)
      let theirSoma = soma.sorted { $0.lexicographicallyPrecedes($1) }
      let theirNeurite = neurite.sorted { $0.lexicographicallyPrecedes($1) }
      #expect(
        ourSoma.count == theirSoma.count
          && zip(ourSoma, theirSoma).allSatisfy { zip($0, $1).allSatisfy { close($0, $1) } }, "\(context): soma samples"
      )
      #expect(
        ourNeurite.count == theirNeurite.count
          && zip(ourNeurite, theirNeurite).allSatisfy { zip($0, $1).allSatisfy { close($0, $1) } },
        "\(context): neurite samples")
      // Edges between neurite samples are MorphIO's segments; edges to the soma are not.
      var length = 0.0
      for edge in skeleton.edges where types[Int(edge.a)] != 1 && types[Int(edge.b)] != 1 {
        let p = skeleton.vertices[Int(edge.a)], q = skeleton.vertices[Int(edge.b)]
        let d = [Double(q.x - p.x), Double(q.y - p.y), Double(q.z - p.z)]
        length += (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).squareRoot()
      }
      #expect(
        relativeDifference(length, neurite_cable_length) <= 1e-5,
        "\(context): neurite cable length \(length), MorphIO \(neurite_cable_length)")
    }
  }

  static let script = #"""
    import json, os, re, sys
    import numpy as np
    import osteoid, morphio

    morphio.set_maximum_warnings(0)

    def osteoid_record(skel):
      return {
        "vertices": skel.vertices.astype(np.float32).tolist(),
        "edges": skel.edges.astype(np.int64).tolist(),
        "radii": skel.radii.astype(np.float32).tolist(),
        "types": skel.vertex_types.astype(np.int64).tolist(),
        "cable_length": float(skel.cable_length()),
        "components": len(skel.components()),
      }

    def normalize(text):
      lines = []
      for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
          lines.append(" ".join(fields[:7]))
      return "\n".join(lines) + "\n"

    def morphio_record(path):
      m = morphio.Morphology(path)
      soma = [[float(p[0]), float(p[1]), float(p[2]), float(np.float32(d) / np.float32(2))]
              for p, d in zip(m.soma.points, m.soma.diameters)]
      neurite, length = [], 0.0
      for section in m.iter():
        points, diameters = section.points, section.diameters
        start = 0 if section.is_root else 1
        for p, d in zip(points[start:], diameters[start:]):
          neurite.append([float(p[0]), float(p[1]), float(p[2]), float(np.float32(d) / np.float32(2)), int(section.type)])
        steps = np.diff(points.astype(np.float64), axis=0)
        length += float(np.sqrt((steps * steps).sum(axis=1)).sum())
      return {"soma": soma, "neurite": neurite, "neurite_cable_length": length}

    directory, names = sys.argv[1], sys.argv[2:]
    records = []
    for name in names:
      path = os.path.join(directory, name)
      with open(path, encoding="utf-8-sig") as f:
        text = f.read()
      record = {"file": name}
      for key, source in (("osteoid", text), ("osteoid_normalized", normalize(text))):
        try:
          record[key] = osteoid_record(osteoid.Skeleton.from_swc(source))
        except Exception as e:
          record[key + "_error"] = f"{type(e).__name__}: {e}"
      try:
        record["morphio"] = morphio_record(path)
      except Exception as e:
        record["morphio_error"] = f"{type(e).__name__}: {e}"
      records.append(record)
    json.dump(records, sys.stdout)
    """#
}

/// Whether two floats parsed from the same decimal text agree: Python rounds through `Double`,
/// Swift rounds once, so they may differ in the last place.
private func close(_ a: Float, _ b: Float) -> Bool {
  a == b || abs(a - b) <= max(a.ulp, b.ulp)
}

/// |a - b| relative to the larger magnitude (absolute below 1).
private func relativeDifference(_ a: Double, _ b: Double) -> Double {
  abs(a - b) / max(1, abs(a), abs(b))
}
