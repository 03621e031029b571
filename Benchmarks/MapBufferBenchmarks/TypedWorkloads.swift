import Foundation
import MapBuffer
import MapBufferCodable
import SkeletonModel

/// A JSON item of the typed benchmark.
struct SynapseRecord: JSONMapBufferValue {
  var pre: UInt64
  var post: UInt64
  var x: Double
  var y: Double
  var z: Double
  var confidence: Double
}

/// The same record as ``SynapseRecord``, stored in the binary layout of `BinaryCodableEncoder`.
struct BinarySynapseRecord: BinaryCodableMapBufferValue {
  var pre: UInt64
  var post: UInt64
  var x: Double
  var y: Double
  var z: Double
  var confidence: Double
}

/// Typed lookups: open the memory-mapped file, then 10% of the keys decoded as `String`, a JSON
/// `Codable` struct (and the same struct in the binary Codable layout, beside the reference's JSON)
/// and `Skeleton`; the reference decodes the same items with `frombytesfn`. The
/// string row's peer is the raw lookup (`Data`) followed by `String(decoding:as:)`; the skeleton
/// row's, the raw lookup followed by the `Data` decoder (what a typed lookup did before it
/// borrowed the item's bytes).
enum TypedWorkloads {
  static func run(keyCount n: Int, skeletonCount: Int, context: BenchmarkContext) throws {
    var generator = SplitMix64(state: 0x7A9E_D000 + UInt64(n))
    var keys = (0..<n).map { _ in generator.next() >> 1 }
    keys = Array(Set(keys))
    let lookups = Array(keys.shuffled(using: &generator).prefix(max(1, keys.count / 10)))
    let group = "Typed lookups: open a mapped file, then 10% of the keys decoded (codec none, checksums on)"

    // Strings: the reference's frombytesfn is bytes.decode("utf-8").
    var strings: [UInt64: String] = [:]
    for key in keys { strings[key] = "segment \(key) of cell \(key % 977), reviewed" }
    let stringFile = try measure(
      "string", TypedMapBuffer<String>.encode(strings), keys: lookups, count: keys.count,
      group: group, workload: "String (UTF-8)", as: String.self, context: context,
      peerName: "raw + String(decoding:)",
      peer: { file, keys in
        try Timing.median(runs: context.runs, operations: keys.count) {
          let map = try MapBuffer(contentsOf: file)
          var total = 0
          for key in keys { total &+= String(decoding: try map[key]!, as: UTF8.self).utf8.count }
          sink(UInt64(total))
        }
      }
    ) { $0.utf8.count }

    // JSON Codable: json.loads in the reference.
    var records: [UInt64: SynapseRecord] = [:]
    for key in keys {
      records[key] = SynapseRecord(
        pre: key, post: key / 3, x: Double(key % 1000), y: Double(key % 777) / 3, z: 40, confidence: 0.5)
    }
    let jsonFile = try measure(
      "json", TypedMapBuffer<SynapseRecord>.encode(records), keys: lookups, count: keys.count,
      group: group, workload: "JSON Codable struct", as: SynapseRecord.self, context: context
    ) { Int($0.pre & 0xFF) }
    // The same records in the binary Codable layout; the reference decodes the JSON file again
    // (json.loads), in the same run, as this row's reference.
    var binaryRecords: [UInt64: BinarySynapseRecord] = [:]
    for (key, record) in records {
      binaryRecords[key] = BinarySynapseRecord(
        pre: record.pre, post: record.post, x: record.x, y: record.y, z: record.z, confidence: record.confidence)
    }
    _ = try measure(
      "binary", TypedMapBuffer<BinarySynapseRecord>.encode(binaryRecords), keys: lookups, count: keys.count,
      group: group, workload: "binary Codable struct (reference: JSON)", as: BinarySynapseRecord.self,
      context: context, referenceTask: ["file": jsonFile.path, "decode": "json"]
    ) { Int($0.pre & 0xFF) }

    // Skeletons of about 10 KB: osteoid's Skeleton.from_precomputed in the reference.
    var skeletons: [UInt64: Skeleton] = [:]
    for key in keys.prefix(skeletonCount) { skeletons[key] = randomSkeleton(vertexCount: 400, using: &generator) }
    let skeletonKeys = Array(Array(skeletons.keys).shuffled(using: &generator).prefix(max(1, skeletons.count / 10)))
    let skeletonFile = try measure(
      "skeleton", TypedMapBuffer<Skeleton>.encode(skeletons), keys: skeletonKeys, count: skeletons.count,
      group: group, workload: "Skeleton, 400 vertices (10 KB)", as: Skeleton.self, context: context,
      peerName: "raw + Skeleton(from Data)",
      peer: { file, keys in
        // The typed lookup before borrowed bytes: the item copied into a Data, then decoded.
        try Timing.median(runs: context.runs, operations: keys.count) {
          let map = try MapBuffer(contentsOf: file)
          var total = 0
          for key in keys { total &+= try Skeleton(mapBufferBytes: try map[key]!).vertices.count }
          sink(UInt64(total))
        }
      }
    ) { $0.vertices.count }

    try measureLookups(
      "string", file: stringFile, keys: lookups, count: keys.count, workload: "String (UTF-8)",
      as: String.self, decodesPeer: false, context: context
    ) { $0.utf8.count }
    try measureLookups(
      "skeleton", file: skeletonFile, keys: skeletonKeys, count: skeletons.count,
      workload: "Skeleton, 400 vertices (10 KB)", as: Skeleton.self, decodesPeer: true, context: context
    ) { $0.vertices.count }
    try measureAlternating(file: skeletonFile, keys: skeletonKeys, count: skeletons.count, context: context)
    try measureViews(file: skeletonFile, keys: skeletonKeys, count: skeletons.count, context: context)
  }

  /// Skeleton views (`withSkeletonView(forKey:_:)`, read in place) against typed lookups, in two
  /// forms: reading the vertex count, as the rows above do, and summing the vertices' x, so that
  /// every path reads every vertex. Medians of wall-clock runs against the borrowed typed lookup,
  /// then thread CPU time with the six paths alternating (view, borrowed typed lookup, raw lookup
  /// + `Data` decoder, each in both forms), the fastest of 200 rounds each.
  private static func measureViews(file: URL, keys: [UInt64], count: Int, context: BenchmarkContext) throws {
    let group = "Typed lookups in an open mapped map (codec none, checksums on): skeleton views"
    let typed = try TypedMapBuffer<Skeleton>(contentsOf: file)
    let raw = try MapBuffer(contentsOf: file)
    func sumOfX(_ vertices: some Collection<Skeleton.Vertex>) -> Float { vertices.reduce(0) { $0 + $1.x } }
    let paths: [(name: String, run: () throws -> UInt64)] = [
      (
        "view, vertex count",
        {
          var total = 0
          for key in keys { total &+= try typed.withSkeletonView(forKey: key) { $0.vertexCount }! }
          return UInt64(total)
        }
      ),
      (
        "typed lookup, vertex count",
        {
          var total = 0
          for key in keys { total &+= try typed[key]!.vertices.count }
          return UInt64(total)
        }
      ),
      (
        "raw lookup + init(mapBufferBytes: Data), vertex count",
        {
          var total = 0
          for key in keys { total &+= try Skeleton(mapBufferBytes: try raw[key]!).vertices.count }
          return UInt64(total)
        }
      ),
      (
        "view, x summed",
        {
          var total: Float = 0
          for key in keys { total += try typed.withSkeletonView(forKey: key) { sumOfX($0.vertices) }! }
          return UInt64(total.bitPattern)
        }
      ),
      (
        "typed lookup, x summed",
        {
          var total: Float = 0
          for key in keys { total += sumOfX(try typed[key]!.vertices) }
          return UInt64(total.bitPattern)
        }
      ),
      (
        "raw lookup + init(mapBufferBytes: Data), x summed",
        {
          var total: Float = 0
          for key in keys { total += sumOfX(try Skeleton(mapBufferBytes: try raw[key]!).vertices) }
          return UInt64(total.bitPattern)
        }
      ),
    ]
    // Wall-clock medians: the view against the borrowed typed lookup, in both forms.
    for (ours, peer, form) in [(0, 1, "vertex count"), (3, 4, "x summed")] {
      let oursTime = try Timing.median(runs: context.runs, operations: keys.count) { sink(try paths[ours].run()) }
      let peerTime = try Timing.median(runs: context.runs, operations: keys.count) { sink(try paths[peer].run()) }
      context.report.add(
        Row(
          id: "typed/skeleton/view\(ours == 0 ? "" : "-sum")/\(count)", group: group,
          workload: "Skeleton (10 KB), view, \(form)", keys: count, ours: oursTime, peer: peerTime,
          peerName: "typed lookup (borrowed decode)", unit: "key"))
    }

    func cpuNanoseconds() -> Double {
      var spec = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
      return Double(spec.tv_sec) * 1e9 + Double(spec.tv_nsec)
    }
    var fastest = [Double](repeating: .infinity, count: paths.count)
    for _ in 0..<200 {
      for (index, path) in paths.enumerated() {
        let start = cpuNanoseconds()
        sink(try path.run())
        fastest[index] = min(fastest[index], (cpuNanoseconds() - start) / Double(keys.count))
      }
    }
    for (ours, peer, id, form) in [
      (0, 1, "view-cpu", "vertex count"), (0, 2, "view-cpu-data", "vertex count"),
      (3, 4, "view-sum-cpu", "x summed"), (3, 5, "view-sum-cpu-data", "x summed"),
    ] {
      context.report.add(
        Row(
          id: "typed/skeleton/\(id)/\(count)", group: group,
          workload: "Skeleton (10 KB), view, \(form), thread CPU time, alternating", keys: count, ours: fastest[ours],
          peer: fastest[peer], peerName: paths[peer].name, unit: "key"))
    }
  }

  /// The same comparison by thread CPU time, the two paths alternating round by round, so that
  /// other processes on a loaded machine move both alike: the fastest of 200 rounds each.
  private static func measureAlternating(file: URL, keys: [UInt64], count: Int, context: BenchmarkContext) throws {
    func cpuNanoseconds() -> Double {
      var spec = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
      return Double(spec.tv_sec) * 1e9 + Double(spec.tv_nsec)
    }
    let typed = try TypedMapBuffer<Skeleton>(contentsOf: file)
    let raw = try MapBuffer(contentsOf: file)
    var ours = Double.infinity
    var peer = Double.infinity
    for _ in 0..<200 {
      var total = 0
      var start = cpuNanoseconds()
      for key in keys { total &+= try typed[key]!.vertices.count }
      ours = min(ours, (cpuNanoseconds() - start) / Double(keys.count))
      start = cpuNanoseconds()
      for key in keys { total &+= try Skeleton(mapBufferBytes: try raw[key]!).vertices.count }
      peer = min(peer, (cpuNanoseconds() - start) / Double(keys.count))
      sink(UInt64(total))
    }
    context.report.add(
      Row(
        id: "typed/skeleton/open-cpu/\(count)",
        group: "Typed lookups in an open mapped map (codec none, checksums on): borrowed bytes against Data",
        workload: "Skeleton (10 KB), thread CPU time, alternating", keys: count, ours: ours, peer: peer,
        peerName: "raw lookup + init(mapBufferBytes: Data)", unit: "key"))
  }

  private static func measure<Value: MapBufferValue>(
    _ name: String, _ data: Data, keys: [UInt64], count: Int, group: String, workload: String,
    as type: Value.Type, context: BenchmarkContext, peerName: String? = nil,
    peer: ((URL, [UInt64]) throws -> Double)? = nil, referenceTask: [String: String] = [:],
    weigh: (Value) -> Int
  ) throws -> URL {
    let id = "typed/\(name)/\(count)"
    let file = context.workspace.url("typed-\(name)-\(count).mb")
    try data.write(to: file)
    let keyFile = try context.workspace.writeKeys(keys, name: "typed-\(name)-\(count).u64")
    let ours = try Timing.median(runs: context.runs, operations: keys.count) {
      let map = try TypedMapBuffer<Value>(contentsOf: file)
      var total = 0
      for key in keys { total &+= weigh(try map[key]!) }
      sink(UInt64(total))
    }
    let peerTime = try peer?(file, keys)
    context.report.add(
      Row(
        id: id, group: group, workload: workload, keys: count, ours: ours, peer: peerTime,
        peerName: peerTime == nil ? nil : peerName, unit: "key"))
    context.reference?.plan(
      id, kind: "lookup",
      ["file": file.path, "keys": keyFile.path, "decode": name].merging(referenceTask) { $1 })
    return file
  }

  /// Lookups alone in a map opened once (its pages mapped by the first run): typed lookups
  /// against raw ones (`Data`), or, with `decodesPeer`, raw lookups followed by the `Data`
  /// decoder, the cost a typed lookup paid before it borrowed the item's bytes.
  private static func measureLookups<Value: MapBufferValue>(
    _ name: String, file: URL, keys: [UInt64], count: Int, workload: String, as type: Value.Type,
    decodesPeer: Bool, context: BenchmarkContext, weigh: (Value) -> Int
  ) throws {
    let group = "Typed lookups in an open mapped map (codec none, checksums on): borrowed bytes against Data"
    let typed = try TypedMapBuffer<Value>(contentsOf: file)
    let ours = try Timing.median(runs: context.runs, operations: keys.count) {
      var total = 0
      for key in keys { total &+= weigh(try typed[key]!) }
      sink(UInt64(total))
    }
    let raw = try MapBuffer(contentsOf: file)
    let peer = try Timing.median(runs: context.runs, operations: keys.count) {
      var total = 0
      if decodesPeer {
        for key in keys { total &+= weigh(try Value(mapBufferBytes: try raw[key]!)) }
      } else {
        for key in keys { total &+= try raw[key]!.count }
      }
      sink(UInt64(total))
    }
    context.report.add(
      Row(
        id: "typed/\(name)/open/\(count)", group: group, workload: workload, keys: count, ours: ours, peer: peer,
        peerName: decodesPeer ? "raw lookup + init(mapBufferBytes: Data)" : "raw lookup (Data)", unit: "key"))
  }

  static func randomSkeleton(vertexCount: Int, using generator: inout SplitMix64) -> Skeleton {
    let vertices = (0..<vertexCount).map { _ in
      Skeleton.Vertex(
        Float.random(in: 0..<1000, using: &generator), Float.random(in: 0..<1000, using: &generator),
        Float.random(in: 0..<1000, using: &generator))
    }
    let edges = (1..<vertexCount).map {
      Skeleton.Edge(UInt32($0), UInt32.random(in: 0..<UInt32($0), using: &generator))
    }
    return Skeleton(
      vertices: vertices, edges: edges, radii: vertices.map { _ in Float.random(in: 1..<5, using: &generator) },
      vertexTypes: vertices.map { _ in 3 })
  }
}
