import Dispatch
import Foundation
import MapBuffer
import MapBufferCodable
import Synchronization
import Testing

/// A JSON value with nesting, for decoding from many threads.
struct Reading: JSONMapBufferValue, Equatable {
  var id: UInt64
  var label: String
  var points: [[Double]]
}

@Suite("Concurrency: typed decoding from many threads")
struct TypedConcurrencyTests {
  @Test(
    "Strings and JSON values decoded from 8 threads match a serial read",
    arguments: [MapBuffer.Compression.none, .zstd, .brotli])
  func parallelTypedReads(_ codec: MapBuffer.Compression) throws {
    let readings = Dictionary(
      uniqueKeysWithValues: (0..<UInt64(300)).map {
        ($0 * 7919, Reading(id: $0, label: "cell \($0) é", points: [[Double($0), 0.5, -1], [1e10, 2, 3]]))
      })
    let strings = Dictionary(uniqueKeysWithValues: readings.map { ($0.key, "label \($0.value.label) ✓") })
    let json = try TypedMapBuffer<Reading>(
      TypedMapBuffer<Reading>.encode(readings, writer: MapBufferWriter(compression: codec)))
    let text = try TypedMapBuffer<String>(
      TypedMapBuffer<String>.encode(strings, writer: MapBufferWriter(compression: codec)))
    let keys = readings.keys.sorted()
    let serialJSON = try keys.map { try json[$0] }
    let serialText = try keys.map { try text[$0] }
    #expect(serialJSON == keys.map { readings[$0] })
    #expect(serialText == keys.map { strings[$0] })
    let failures = Mutex<[String]>([])
    let passes = Mutex(0)
    DispatchQueue.concurrentPerform(iterations: 8) { thread in
      do {
        let order = thread.isMultiple(of: 2) ? keys : keys.reversed()
        let decoded = try order.map { try json[$0] }
        let decodedText = try order.map { try text[$0] }
        if decoded != order.map({ readings[$0] }) { failures.withLock { $0.append("thread \(thread): JSON") } }
        if decodedText != order.map({ strings[$0] }) { failures.withLock { $0.append("thread \(thread): strings") } }
        if try json.dictionary() != readings { failures.withLock { $0.append("thread \(thread): JSON dictionary") } }
        var entries = text.entries()
        var count = 0
        while let (key, value) = try entries.next() {
          if strings[key] != value { failures.withLock { $0.append("thread \(thread): entry \(key)") } }
          count += 1
        }
        if count != strings.count { failures.withLock { $0.append("thread \(thread): \(count) entries") } }
        passes.withLock { $0 += 1 }
      } catch {
        failures.withLock { $0.append("thread \(thread): \(error)") }
      }
    }
    #expect(failures.withLock { $0 } == [])
    #expect(passes.withLock { $0 } == 8)
  }
}
