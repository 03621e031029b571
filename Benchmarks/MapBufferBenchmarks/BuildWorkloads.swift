import Foundation
import MapBuffer

/// Building a serialized map from a dictionary, per codec, with and without checksums.
enum BuildWorkloads {
  static func run(
    _ dataset: Dataset, codecs: [MapBuffer.Compression], referenceCodecs: Set<MapBuffer.Compression>,
    context: BenchmarkContext
  ) throws {
    let n = dataset.keyCount
    let items = dataset.dictionary
    let source = context.workspace.url("build-source-\(n).mb")
    try MapBufferWriter(formatVersion: .version0).encode(items).write(to: source)
    for codec in codecs {
      for version in [MapBuffer.FormatVersion.version1, .version0] {
        let id = "build/\(codec.name)/v\(version)/\(n)"
        let writer = MapBufferWriter(compression: codec, formatVersion: version)
        let ours = try Timing.median(runs: context.runs, operations: n) {
          sink(UInt64(try writer.encode(items).count))
        }
        context.report.add(
          Row(
            id: id,
            group:
              "Build from a dictionary (ours on \(ProcessInfo.processInfo.activeProcessorCount) cores, the reference on one)",
            workload: "\(codec.name), checksums \(version.hasChecksums ? "on" : "off")", keys: n, ours: ours,
            unit: "item"))
        if referenceCodecs.contains(codec) {
          var parameters: [String: Any] = ["source": source.path, "compute_crc": version.hasChecksums]
          if let name = codec.referenceName { parameters["compress"] = name }
          context.reference?.plan(id, kind: "build", parameters)
        }
      }
    }
    try runContiguous(dataset, dictionaryBuild: context.report.row("build/none/v1/\(n)")?.ours, context: context)
  }

  /// Building the same map from values laid out one after another in one buffer (in the
  /// dictionary's order), against the build from the dictionary. The reference has no such
  /// build: the target compares it with the reference's build from the dictionary.
  static func runContiguous(_ dataset: Dataset, dictionaryBuild: Double?, context: BenchmarkContext) throws {
    let n = dataset.keyCount
    var keys: [UInt64] = []
    var ranges: [Range<Int>] = []
    var buffer = Data()
    keys.reserveCapacity(n)
    ranges.reserveCapacity(n)
    for (key, value) in dataset.dictionary {
      keys.append(key)
      ranges.append(buffer.count..<(buffer.count + value.count))
      buffer.append(value)
    }
    let writer = MapBufferWriter()
    let ours = try Timing.median(runs: context.runs, operations: n) {
      sink(UInt64(try writer.encode(keys: keys, ranges: ranges, in: buffer).count))
    }
    let id = "build-contiguous/none/v1/\(n)"
    context.report.add(
      Row(
        id: id,
        group:
          "Build from a dictionary (ours on \(ProcessInfo.processInfo.activeProcessorCount) cores, the reference on one)",
        workload: "none, checksums on, from one buffer (peer: from the dictionary)", keys: n, ours: ours,
        peer: dictionaryBuild, peerName: "dictionary", unit: "item"))
  }
}
