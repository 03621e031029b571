import Foundation
import MapBuffer

/// Opening is O(1), and reading 10% of a large mapped file makes only the pages it touches resident.
enum LargeFileWorkloads {
  /// A mapped file of about `targetBytes`, items of 8 to 12 KB (skeleton-sized).
  static func writeFile(targetBytes: Int, in workspace: Workspace) throws -> (url: URL, keys: [UInt64]) {
    let itemCount = max(1, targetBytes / 10_240)
    var generator = SplitMix64(state: 0x1A26E + UInt64(targetBytes))
    var keys = Set<UInt64>()
    while keys.count < itemCount { keys.insert(generator.next() >> 1) }
    let chunk = Data((0..<12_288).map { _ in UInt8.random(in: 0...255, using: &generator) })
    let pairs = keys.map { key in (key, chunk.prefix(8_192 + Int(key % 4_096))) }
    let url = workspace.url("large-\(targetBytes).mb")
    try MapBufferWriter().write(pairs, to: url)
    return (url, Array(keys))
  }

  static func run(smallBytes: Int, largeBytes: Int, context: BenchmarkContext) throws {
    let small = try writeFile(targetBytes: smallBytes, in: context.workspace)
    let large = try writeFile(targetBytes: largeBytes, in: context.workspace)
    let group = "A large mapped file (items of 8-12 KB)"
    var openTimes: [Int: Double] = [:]
    for (file, bytes) in [(small, smallBytes), (large, largeBytes)] {
      let open = try Timing.median(runs: 21, operations: 1, minimumRunTime: .milliseconds(5)) {
        let map = try MapBuffer(contentsOf: file.url)
        sink(UInt64(map.count))
      }
      openTimes[bytes] = open
      context.report.add(
        Row(
          id: "open/\(bytes)", group: group,
          workload: "open (mmap + header) of \(bytes >> 20) MiB", keys: file.keys.count, ours: open, unit: "open"))
    }

    // Resident memory: look up 10% of the keys of the large file, once, and count the pages.
    var generator = SplitMix64(state: 99)
    let lookups = Array(large.keys.shuffled(using: &generator).prefix(large.keys.count / 10))
    // Start cold, as a file read by a worker for the first time: drop the file's pages from
    // the page cache. Pages still cached would be mapped in by the kernel's fault-around
    // (64 KiB around each fault) and counted as resident though never read.
    dropFromPageCache(large.url)
    let before = residentBytes()
    let map = try MapBuffer(contentsOf: large.url)
    let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    var total = 0
    for key in lookups { total &+= try map[key]!.count }
    sink(UInt64(total))
    let after = residentBytes()
    // The pages holding the items looked up, from the index read with plain file reads.
    let ranges = try itemRanges(of: large.url)
    var pages = Set<Int>()
    for key in lookups {
      let range = ranges[key]!
      for page in (range.lowerBound / pageSize)...((range.upperBound - 1) / pageSize) { pages.insert(page) }
    }
    let indexPages = (map.indexByteCount + 16 + pageSize - 1) / pageSize
    let touched = (pages.count + indexPages) * pageSize
    let growth = after - before
    context.report.notes.append(
      "Resident memory, 10% of \(large.keys.count) keys of a \(largeBytes >> 20) MiB mapped file: grew "
        + "\(growth >> 20) MiB; pages touched \(touched >> 20) MiB (items \(pages.count) pages + index \(indexPages) pages)"
    )
    context.report.checks.append(
      TargetCheck(
        target:
          "reading 10% of a \(largeBytes >> 20) MiB mapped file grows resident memory by at most pages touched + 20 MB",
        measured: "grew \(growth >> 20) MiB, pages touched \(touched >> 20) MiB",
        met: growth <= touched + 20_000_000))
    let smallOpen = openTimes[smallBytes]!
    let largeOpen = openTimes[largeBytes]!
    context.report.checks.append(
      TargetCheck(
        target: "opening is O(1): \(largeBytes >> 20) MiB opens as fast as \(smallBytes >> 20) MiB, under 100 µs",
        measured: "\(Report.format(largeOpen)) against \(Report.format(smallOpen))",
        met: largeOpen < 100_000 && largeOpen < smallOpen * 2 + 2_000))
  }

  /// Every item's byte range by key, read from the file's index with plain reads (no mapping).
  private static func itemRanges(of url: URL) throws -> [UInt64: Range<Int>] {
    let handle = try FileHandle(forReadingFrom: url)
    defer { try? handle.close() }
    let header = try handle.read(upToCount: 16) ?? Data()
    let count = Int(
      header.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self)) })
    let index = try handle.read(upToCount: 16 * count) ?? Data()
    let size = Int(try handle.seekToEnd())
    var ranges: [UInt64: Range<Int>] = [:]
    index.withUnsafeBytes { raw in
      for position in 0..<count {
        let key = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * position, as: UInt64.self))
        let start = Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * position + 8, as: UInt64.self)))
        let end =
          position + 1 < count
          ? Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 16 * position + 24, as: UInt64.self))) : size
        ranges[key] = start..<end
      }
    }
    return ranges
  }

  /// Asks the kernel to drop the file's clean pages from the page cache.
  static func dropFromPageCache(_ url: URL) {
    let descriptor = open(url.path, O_RDONLY)
    guard descriptor >= 0 else { return }
    fsync(descriptor)
    _ = posix_fadvise(descriptor, 0, 0, Int32(POSIX_FADV_DONTNEED))
    close(descriptor)
  }

  /// The process's resident set size in bytes, from /proc/self/statm.
  static func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }
}
