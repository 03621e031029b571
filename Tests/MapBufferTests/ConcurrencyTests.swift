import Dispatch
import Foundation
import MapBufferTestSupport
import Synchronization
import Testing

@testable import MapBuffer

/// What one pass over a map reads: lookups, a batch lookup, the iteration order and a dictionary.
struct ReadPass: Equatable, Sendable {
  var lookups: [Data?]
  var batch: [Data?]
  var iterated: [UInt64]
  var dictionary: [UInt64: Data]
  var stored: [Data?]

  /// Reads `map` through every path, probing `probes` (present and absent keys).
  init(_ map: MapBuffer, probes: [UInt64]) throws {
    lookups = try probes.map { try map[$0] }
    batch = try map.values(forKeys: probes)
    var keys: [UInt64] = []
    var entries = map.entries()
    while let (key, _) = try entries.next() { keys.append(key) }
    iterated = keys
    dictionary = try map.dictionary()
    stored = try probes.map { try map.withUnsafeBytes(forKey: $0) { Data($0) } }
  }
}

@Suite("Concurrency: many threads reading one map")
struct ConcurrencyTests {
  static let threads = 8

  /// The map opened each way: in memory, memory-mapped and with positional reads.
  static func openings(_ url: URL) throws -> [(String, MapBuffer)] {
    [
      ("memory", try MapBuffer(Data(contentsOf: url))),
      ("mapped", try MapBuffer(contentsOf: url)),
      ("pread", try MapBuffer(contentsOf: url, access: .positionalReads)),
    ]
  }

  @Test(
    "Lookups, batch lookups and iteration from 8 threads match a serial read",
    arguments: MapBuffer.Compression.allCases)
  func parallelReads(_ codec: MapBuffer.Compression) throws {
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("map.mb")
    let values = randomMap(count: 500, seed: 77)
    try MapBufferWriter(compression: codec).write(values, to: url)
    var generator = SeededGenerator(seed: 3)
    let probes = Array(values.keys.shuffled(using: &generator).prefix(300)) + (0..<50).map { _ in generator.next() }
    for (name, map) in try Self.openings(url) {
      let serial = try ReadPass(map, probes: probes)
      #expect(serial.dictionary == values, "\(name)")
      let results = Mutex<[Int: Result<ReadPass, any Error>]>([:])
      DispatchQueue.concurrentPerform(iterations: Self.threads) { thread in
        // Each thread probes in its own order, so that the threads' reads interleave differently.
        let rotated = Array(probes[(thread * 37)...] + probes[..<(thread * 37)])
        let result = Result { try ReadPass(map, probes: rotated) }
        results.withLock { $0[thread] = result }
      }
      let all = results.withLock { $0 }
      #expect(all.count == Self.threads)
      for (thread, result) in all {
        let rotated = Array(probes[(thread * 37)...] + probes[..<(thread * 37)])
        let expected = try ReadPass(map, probes: rotated)
        switch result {
        case .success(let pass): #expect(pass == expected, "\(name), thread \(thread)")
        case .failure(let error): Issue.record("\(name), thread \(thread): \(error)")
        }
        #expect(expected.iterated == serial.iterated && expected.dictionary == serial.dictionary)
      }
    }
  }

  @Test("Deep validation and lookups of one map at the same time")
  func validationDuringLookups() throws {
    let values = randomMap(count: 300, seed: 12)
    let map = try MapBuffer(encoding: values, compression: .zstd)
    let keys = Array(values.keys)
    let failures = Mutex<[String]>([])
    DispatchQueue.concurrentPerform(iterations: Self.threads) { thread in
      do {
        if thread.isMultiple(of: 2) {
          try map.validate(.deep)
        } else {
          for key in keys where try map[key] != values[key] {
            failures.withLock { $0.append("thread \(thread): key \(key)") }
          }
        }
      } catch {
        failures.withLock { $0.append("thread \(thread): \(error)") }
      }
    }
    #expect(failures.withLock { $0 } == [])
  }
}
