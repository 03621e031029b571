import CLookupFloor
import Foundation
import MapBuffer

/// Lookups: the reference's own benchmark (open, then 10% of the keys in random order) per
/// codec with checksums on and off; batch lookups; the C floor and a Swift Dictionary beside them.
enum LookupWorkloads {
  static func run(_ dataset: Dataset, codecs: [MapBuffer.Compression], context: BenchmarkContext) throws {
    let n = dataset.keyCount
    let keys = dataset.lookupKeys
    let keyFile = try context.workspace.writeKeys(keys, name: "lookup-\(n).u64")
    for codec in codecs {
      let file = context.workspace.url("map-\(n)-\(codec.name).mb")
      try MapBufferWriter(compression: codec).encode(dataset.pairs).write(to: file)
      // The file mapped once, as the reference's side maps it once; each run opens the map.
      let source = try MappedFileByteSource(contentsOf: file)
      for verifies in [true, false] {
        let crc = verifies ? "crc" : "nocrc"
        let id = "lookup/\(codec.name)/\(crc)/\(n)"
        let ours = try Timing.median(runs: context.runs, operations: keys.count) {
          var map = try MapBuffer(source: source)
          map.verifiesChecksums = verifies
          var total = 0
          for key in keys { total &+= try map[key]!.count }
          sink(UInt64(total))
        }
        context.report.add(
          Row(
            id: id, group: "Open and look up 10% of the keys, random order (the reference's benchmark; mapped files)",
            workload: "\(codec.name), checksums \(verifies ? "on" : "off")", keys: n, ours: ours, unit: "key"))
        context.reference?.plan(
          id, kind: "lookup", ["file": file.path, "keys": keyFile.path, "check_crc": verifies, "mmap": true])
      }
    }
  }

  /// Batch lookups, the C floor and a Swift Dictionary, for codec none with checksums on.
  static func runPeers(_ dataset: Dataset, includeDictionary: Bool, context: BenchmarkContext) throws {
    let n = dataset.keyCount
    let keys = dataset.lookupKeys
    let file = context.workspace.url("peers-\(n).mb")
    try MapBufferWriter().encode(dataset.pairs).write(to: file)
    let source = try MappedFileByteSource(contentsOf: file)
    let map = try MapBuffer(source: source)
    let group =
      "Single lookups against batch lookups, the C floor and a Swift Dictionary (none, checksums on, mapped file)"
    let single = try Timing.median(runs: context.runs, operations: keys.count) {
      var total = 0
      for key in keys { total &+= try map[key]!.count }
      sink(UInt64(total))
    }
    let batch = try Timing.median(runs: context.runs, operations: keys.count) {
      var total = 0
      for value in try map.values(forKeys: keys) { total &+= value!.count }
      sink(UInt64(total))
    }
    context.report.add(
      Row(
        id: "batch/\(n)", group: group, workload: "batch values(forKeys:) vs single", keys: n, ours: batch,
        peer: single, peerName: "single", unit: "key"))
    // Latency: each key depends on the previous lookup's result, so lookups cannot overlap.
    let zero = opaqueZero()
    let singleChained = try Timing.median(runs: context.runs, operations: keys.count) {
      var total = 0
      for key in keys { total &+= try map[key ^ (UInt64(truncatingIfNeeded: total) & zero)]!.count }
      sink(UInt64(total))
    }
    // The same mapped bytes our reader searches (the mapping stays at this address while
    // `source` exists, so the pointer outlives the closure safely).
    let raw = try source.withUnsafeBytes(in: 0..<source.count) { $0 }
    var fastestFloor = Double.infinity
    for prefetch in [false, true] {
      for chained in [false, true] {
        let floor = keys.withUnsafeBufferPointer { keyBuffer in
          Timing.median(runs: context.runs, operations: keys.count) {
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            sink(
              chained
                ? mb_floor_lookup_crc_chained(
                  base, raw.count, keyBuffer.baseAddress!, keyBuffer.count, prefetch ? 1 : 0, zero)
                : mb_floor_lookup_crc(base, raw.count, keyBuffer.baseAddress!, keyBuffer.count, prefetch ? 1 : 0))
          }
        }
        if !chained { fastestFloor = min(fastestFloor, floor) }
        let mode = chained ? "latency (dependent keys)" : "throughput (independent keys)"
        context.report.add(
          Row(
            id: "floor\(prefetch ? "-prefetch" : "")\(chained ? "-chained" : "")/\(n)", group: group,
            workload: "single lookup vs C search + CRC\(prefetch ? " + prefetch" : ""), \(mode)", keys: n,
            ours: chained ? singleChained : single, peer: floor, peerName: "C", unit: "key"))
      }
    }
    // The lookups that return no new Data, against the faster C loop with independent keys.
    let unsafeBytes = try Timing.median(runs: context.runs, operations: keys.count) {
      var total = 0
      for key in keys { total &+= try map.withUnsafeBytes(forKey: key) { $0.count }! }
      sink(UInt64(total))
    }
    let valueBytes = try Timing.median(runs: context.runs, operations: keys.count) {
      var total = 0
      for key in keys { total &+= try map.valueBytes(forKey: key)!.count }
      sink(UInt64(total))
    }
    for (name, ours) in [("unsafe", unsafeBytes), ("borrowed", valueBytes)] {
      let api = name == "unsafe" ? "withUnsafeBytes(forKey:)" : "valueBytes(forKey:), borrowed"
      context.report.add(
        Row(
          id: "floor-\(name)/\(n)", group: group,
          workload: "\(api) vs the faster C search + CRC, throughput (independent keys)", keys: n, ours: ours,
          peer: fastestFloor, peerName: "C", unit: "key"))
    }
    guard includeDictionary else { return }
    // What a Swift user would do without this library: decode the whole map, then look up.
    let plist = try PropertyListEncoder.binary.encode(dataset.dictionary)
    var decoded: [UInt64: Data] = [:]
    let decode = try Timing.once {
      decoded = try PropertyListDecoder().decode([UInt64: Data].self, from: plist)
    }
    let dictionaryLookup = Timing.median(runs: context.runs, operations: keys.count) {
      var total = 0
      for key in keys { total &+= decoded[key]!.count }
      sink(UInt64(total))
    }
    context.report.add(
      Row(
        id: "dictionary/\(n)", group: group,
        workload: "open + 10% lookups vs plist decode + Dictionary", keys: n, ours: single,
        peer: dictionaryLookup + decode / Double(keys.count), peerName: "Dictionary", unit: "key"))
    context.report.notes.append(
      "Dictionary at \(Report.count(n)) keys: decoding the binary plist took \(Report.format(decode)); "
        + "a lookup after that \(Report.format(dictionaryLookup)).")
  }

  /// Iteration over every item and validation, codec none and zstd.
  static func runWholeMap(_ dataset: Dataset, context: BenchmarkContext) throws {
    let n = dataset.keyCount
    for codec in [MapBuffer.Compression.none, .zstd] {
      let data = try MapBufferWriter(compression: codec).encode(dataset.pairs)
      let file = context.workspace.url("whole-\(n)-\(codec.name).mb")
      try data.write(to: file)
      let map = try MapBuffer(data)
      let iterate = try Timing.median(runs: context.runs, operations: n) {
        var entries = map.entries()
        var total = 0
        while let (_, value) = try entries.next() { total &+= value.count }
        sink(UInt64(total))
      }
      let group = "Whole-map work"
      context.report.add(
        Row(
          id: "iterate/\(codec.name)/\(n)", group: group, workload: "iterate all items, \(codec.name)", keys: n,
          ours: iterate, unit: "item"))
      context.reference?.plan("iterate/\(codec.name)/\(n)", kind: "iterate", ["file": file.path])
      let shallow = try Timing.median(runs: context.runs, operations: n) { try map.validate() }
      context.report.add(
        Row(
          id: "validate/\(codec.name)/\(n)", group: group, workload: "shallow validation, \(codec.name)", keys: n,
          ours: shallow, unit: "item"))
      context.reference?.plan("validate/\(codec.name)/\(n)", kind: "validate", ["file": file.path])
      let deep = try Timing.median(runs: context.runs, operations: n) { try map.validate(.deep) }
      context.report.add(
        Row(
          id: "deep/\(codec.name)/\(n)", group: group,
          workload: "deep validation, \(codec.name) (reference: iterate with CRC)", keys: n, ours: deep, unit: "item"))
      context.reference?.plan("deep/\(codec.name)/\(n)", kind: "iterate", ["file": file.path])
    }
  }

  /// IntMap lookups: open, then 10% of the keys.
  static func runIntMap(_ dataset: Dataset, context: BenchmarkContext) throws {
    let n = dataset.keyCount
    var items: [UInt64: UInt64] = [:]
    items.reserveCapacity(n)
    for (key, value) in dataset.pairs { items[key] = UInt64(value.count) &* 0x9E37_79B9 }
    let file = context.workspace.url("intmap-\(n).im")
    try IntMap.encode(items).write(to: file)
    let source = try MappedFileByteSource(contentsOf: file)
    let keys = dataset.lookupKeys
    let keyFile = try context.workspace.writeKeys(keys, name: "intmap-lookup-\(n).u64")
    let ours = try Timing.median(runs: context.runs, operations: keys.count) {
      let map = try IntMap(source: source)
      var total: UInt64 = 0
      for key in keys { total &+= try map[key]! }
      sink(total)
    }
    context.report.add(
      Row(
        id: "intmap/\(n)", group: "IntMap", workload: "open + 10% lookups", keys: n, ours: ours, unit: "key"))
    context.reference?.plan(
      "intmap/\(n)", kind: "intmap_lookup", ["file": file.path, "keys": keyFile.path, "mmap": true])
  }
}

/// Zero, read where the optimizer cannot see it, so that `key ^ (result & zero)` is a real
/// data dependency between consecutive lookups.
@inline(never)
func opaqueZero() -> UInt64 {
  UInt64(truncatingIfNeeded: ProcessInfo.processInfo.environment["MAPBUFFER_BENCHMARK_NONZERO"]?.count ?? 0)
}

extension PropertyListEncoder {
  /// An encoder of binary property lists.
  static var binary: PropertyListEncoder {
    let encoder = PropertyListEncoder()
    encoder.outputFormat = .binary
    return encoder
  }
}
