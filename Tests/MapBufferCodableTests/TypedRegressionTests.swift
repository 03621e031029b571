import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import Testing

/// The JSON shape the FuzzTyped target decodes.
struct FuzzRecord: JSONMapBufferValue, Equatable {
  var pre: UInt64?
  var post: UInt64?
  var name: String?
  var points: [[Double]]?
  var children: [FuzzRecord]?
}

@Suite("Fuzzer regressions: typed values")
struct TypedRegressionTests {
  @Test("Every saved FuzzTyped input: strings and JSON records decode or throw, directly and from a map")
  func savedInputs() throws {
    let folder = Fixtures.url("regressions/FuzzTyped")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    #expect(!names.isEmpty)
    for name in names {
      let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
      if bytes.starts(with: Array("mapbufr".utf8)), var map = try? MapBuffer(bytes) {
        map.maximumDecodedItemSize = 1 << 20
        for key in map.keys.prefix(32) {
          do { _ = try TypedMapBuffer<String>(map)[key] } catch {
            #expect(error is TypedMapBufferError || error is MapBufferError, "\(name): \(error)")
          }
          do { _ = try TypedMapBuffer<FuzzRecord>(map)[key] } catch {
            #expect(error is TypedMapBufferError || error is MapBufferError, "\(name): \(error)")
          }
        }
        continue
      }
      if let string = try? String(mapBufferBytes: bytes) { #expect(string.mapBufferBytes() == bytes, "\(name)") }
      if let record = try? FuzzRecord(mapBufferBytes: bytes) {
        #expect(try FuzzRecord(mapBufferBytes: record.mapBufferBytes()) == record, "\(name)")
      }
      let map = try TypedMapBuffer<String>(MapBuffer(encoding: [7: bytes], compression: .zstd))
      #expect(try map.map[7] == bytes, "\(name)")
    }
  }
}
