// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
import MapBuffer
import MapBufferHTTP
import MapBufferTestSupport
import Testing

/// The process's peak resident set size in bytes (`VmHWM`), after resetting it to the current
/// resident size; `nil` where `/proc` cannot do that (not Linux).
private func resetPeakResidentBytes() -> Int? {
  guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return nil }
  defer { try? handle.close() }
  guard (try? handle.write(contentsOf: Data("5".utf8))) != nil else { return nil }
  return peakResidentBytes()
}

/// The process's peak resident set size in bytes since the last reset (`VmHWM`), on Linux.
private func peakResidentBytes() -> Int? {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
    let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
  else { return nil }
  return kilobytes << 10
}

/// Whether this process runs under AddressSanitizer or ThreadSanitizer, whose shadow memory
/// grows with every byte touched and makes resident sizes meaningless.
private let isSanitized: Bool = {
  let process = dlopen(nil, RTLD_NOW)
  return ["__tsan_init", "__asan_init"].contains { (name: String) in dlsym(process, name) != nil }
}()

/// A map of `count` keys whose items are all empty (format version 0): an index of 16·count bytes and nothing else.
private func indexOnlyMap(count: Int) -> Data {
  var bytes = Data(count: 16 + 16 * count)
  bytes.withUnsafeMutableBytes { raw in
    raw.copyBytes(from: Array("mapbufr".utf8) + [0] + Array("none".utf8))
    raw.storeBytes(of: UInt32(count).littleEndian, toByteOffset: 12, as: UInt32.self)
    let dataStart = UInt64(16 + 16 * count).littleEndian
    for position in 0..<count {
      raw.storeBytes(of: UInt64(position).littleEndian, toByteOffset: 16 + 16 * position, as: UInt64.self)
      raw.storeBytes(of: dataStart, toByteOffset: 24 + 16 * position, as: UInt64.self)
    }
  }
  return bytes
}

/// Bounds on the memory a remote read takes, measured: the configured bounds (1 GiB by default)
/// are bounds on what is held, not half of it.
extension RemoteErrorTests {
  @Test(
    "A large item and a large index are each received into one buffer: the peak grows by their size, not twice",
    .enabled(if: peakResidentBytes() != nil, "peak memory is read from /proc/self/status"),
    .disabled(if: isSanitized, "a sanitizer's shadow memory grows with every byte touched"))
  func largeBodiesHeldOnce() async throws {
    let server = try NginxServer()
    let itemBytes = 256 << 20
    let indexKeys = 8 << 20  // 128 MiB of index
    let (itemURL, indexURL) = try {
      let item = try MapBufferWriter(compression: .none, formatVersion: .version1).encode([
        7: Data(repeating: 0x5a, count: itemBytes)
      ])
      return (
        try server.publish(item, at: "large-item.mb"),
        try server.publish(indexOnlyMap(count: indexKeys), at: "large-index.mb")
      )
    }()
    // Other tests run in this process meanwhile: a margin of half the size for what they allocate.
    let remote = try await RemoteMapBuffer(url: itemURL, configuration: testConfiguration(initialFetch: 64))
    let beforeItem = try #require(resetPeakResidentBytes())
    let value = try await remote[7]
    let itemPeak = try #require(peakResidentBytes()) - beforeItem
    #expect(value?.count == itemBytes && value?.last == 0x5a)
    #expect(itemPeak < itemBytes * 3 / 2, "a \(itemBytes >> 20) MiB item took \(itemPeak >> 20) MiB at its peak")

    let beforeIndex = try #require(resetPeakResidentBytes())
    let indexed = try await RemoteMapBuffer(url: indexURL, configuration: testConfiguration())
    let indexPeak = try #require(peakResidentBytes()) - beforeIndex
    #expect(indexed.count == indexKeys && indexed.indexByteCount == 16 * indexKeys)
    #expect(
      indexPeak < 16 * indexKeys * 3 / 2, "a \(16 * indexKeys >> 20) MiB index took \(indexPeak >> 20) MiB at its peak")
    print(
      "peak growth: item \(itemBytes >> 20) MiB -> \(itemPeak >> 20) MiB; index \(16 * indexKeys >> 20) MiB -> \(indexPeak >> 20) MiB"
    )
  }
}

#endif
