import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

/// The inputs saved under `Tests/Fixtures/regressions/TARGET/`: every input a fuzz target
/// (Scripts/fuzz) crashed or hung on, kept so the bug it found stays fixed.
func regressionInputs(_ target: String) throws -> [(name: String, bytes: Data)] {
  let folder = Fixtures.url("regressions/\(target)")
  let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
  return try names.filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted().map {
    ($0, try Data(contentsOf: folder.appendingPathComponent($0)))
  }
}

@Suite("Fuzzer regressions")
struct RegressionTests {
  @Test("Every saved FuzzMapBuffer input: typed errors only, in memory and through positional reads")
  func mapBufferInputs() throws {
    let inputs = try regressionInputs("FuzzMapBuffer")
    #expect(!inputs.isEmpty, "Tests/Fixtures/regressions/FuzzMapBuffer is empty")
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (name, bytes) in inputs {
      let url = folder.appendingPathComponent(name)
      try bytes.write(to: url)
      var probes: [UInt64] = [0, 1, .max, 1 << 63]
      if let map = try? MapBuffer(bytes) { probes += map.keys.prefix(32) }
      for error in exerciseEverything(bytes, probes: probes) {
        #expect(error is MapBufferError, "\(name): \(error)")
      }
      for access in [MapBuffer.FileAccess.positionalReads, .memoryMapped] {
        do {
          var map = try MapBuffer(contentsOf: url, access: access)
          map.maximumDecodedItemSize = 1 << 20
          for error in exerciseEverything(map, probes: probes) {
            #expect(error is MapBufferError, "\(name), \(access): \(error)")
          }
        } catch {
          #expect(error is MapBufferError, "\(name), \(access): \(error)")
        }
      }
    }
  }

  @Test("Every saved FuzzIntMap input: typed errors only")
  func intMapInputs() throws {
    let inputs = try regressionInputs("FuzzIntMap")
    #expect(!inputs.isEmpty, "Tests/Fixtures/regressions/FuzzIntMap is empty")
    for (name, bytes) in inputs {
      do {
        let map = try IntMap(bytes)
        for operation in [{ try map.validate() }, { _ = try map.dictionary() }, { _ = Array(map.keys) }] {
          do { try operation() } catch { #expect(error is MapBufferError, "\(name): \(error)") }
        }
        for key in map.keys.prefix(32) + [0, .max] {
          do { _ = try map[key] } catch { #expect(error is MapBufferError, "\(name): \(error)") }
        }
      } catch {
        #expect(error is MapBufferError, "\(name): \(error)")
      }
    }
  }
}
