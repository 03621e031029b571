// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
import MapBuffer
@testable import MapBufferHTTP
import MapBufferTestSupport
import Testing

/// Batch gets: coalesced ranges, bounded concurrency.
@Suite("Remote batch gets")
struct RemoteBatchTests {
  private func location(_ position: Int, _ range: Range<Int>) -> ItemLocation {
    try! ItemLocation(
      checkingKey: UInt64(position), position: position, start: UInt64(range.lowerBound), end: UInt64(range.upperBound),
      dataStart: 0, sourceSize: .max)
  }

  @Test(
    "Neighbours within the gap share a request; a group never exceeds the length limit; overlaps stand apart; empty items need none"
  )
  func coalescing() {
    let locations = [
      location(0, 100..<200), location(1, 200..<300),  // adjacent
      location(2, 350..<400),  // 50 bytes after
      location(3, 1000..<1100),  // far
      location(4, 1100..<1100),  // empty
      location(5, 1100..<5000),  // would make the group too long
      location(6, 1050..<1080),  // overlaps item 3: only a damaged index does that
    ]
    let groups = RangeCoalescing.groups(of: locations.shuffled(), gap: 64, maximumLength: 1000)
    #expect(groups.map(\.range) == [100..<400, 1000..<1100, 1050..<1080, 1100..<5000])
    #expect(groups.map { $0.members.map(\.position) } == [[0, 1, 2], [3], [6], [5]])
    #expect(
      RangeCoalescing.groups(of: locations, gap: 0, maximumLength: 1 << 20).map(\.range)
        == [100..<300, 350..<400, 1000..<1100, 1050..<1080, 1100..<5000])
  }

  @Test("A batch of nearby items is one request; scattered items one request each; values in key order")
  func batchRequests() async throws {
    let server = try NginxServer()
    let (bytes, values) = try sampleMap(count: 1000, valueBytes: 1000)
    let url = try server.publish(bytes, at: "batch.mb")
    var configuration = testConfiguration(initialFetch: 16 + 16_000)  // exactly the header and index
    configuration.coalescingGapByteCount = 0
    let remote = try await RemoteMapBuffer(url: url, configuration: configuration)
    let map = try MapBuffer(bytes)
    // Ten items stored next to each other (index positions 100–109), and five far apart.
    let neighbours = try (100..<110).map { try map.keyForTests(atPosition: $0) }
    let scattered = try [300, 420, 650, 800, 990].map { try map.keyForTests(atPosition: $0) }
    let keys = (neighbours + scattered + [7, neighbours[0]]).shuffled()
    server.clearLog()
    let fetched = try await remote.values(forKeys: keys)
    #expect(fetched == keys.map { values[$0] })
    let requests = await server.requests()
    #expect(requests.count == 6)
    let first = try storedRange(of: neighbours[0], in: bytes).lowerBound
    let last = try storedRange(of: neighbours[9], in: bytes).upperBound
    #expect(requests.contains { $0.range == rangeHeader(first..<last) })

    // With the default gap (256 KiB) the whole batch is one request.
    let wide = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 16 + 16_000))
    server.clearLog()
    #expect(try await wide.values(forKeys: keys) == keys.map { values[$0] })
    #expect(await server.requests().count == 1)
  }

  @Test("No more requests run at once than the configuration allows")
  func concurrencyBound() async throws {
    let server = try NginxServer()
    let (bytes, values) = try sampleMap(count: 64, valueBytes: 4000)
    let url = try server.publish(bytes, at: "bound.mb")
    for width in [1, 3] {
      var configuration = testConfiguration(initialFetch: 16 + 64 * 16)
      configuration.maximumCoalescedByteCount = 1  // nothing coalesces: one request per item
      configuration.maximumConcurrentRequests = width
      let remote = try await RemoteMapBuffer(url: url, configuration: configuration)
      let keys = values.keys.sorted()
      #expect(try await remote.values(forKeys: keys) == keys.map { values[$0] })
      let statistics = remote.statistics
      #expect(answeredRequestCount(statistics) == 1 + keys.count)
      #expect(statistics.peakConcurrentRequests <= width)
      #expect(statistics.peakConcurrentRequests >= 1)
    }
  }
}

extension MapBuffer {
  /// The key at index position `position`, read from the index.
  func keyForTests(atPosition position: Int) throws -> UInt64 {
    try serialized.subdata(in: (16 + 16 * position)..<(24 + 16 * position)).withUnsafeBytes {
      $0.loadUnaligned(as: UInt64.self)
    }
  }
}

#endif
