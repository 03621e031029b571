import Foundation
import MapBuffer
import Testing

@Suite("Errors that can grow: a struct with a code and its context")
struct ErrorShapeTests {
  @Test("A corrupt item's error carries its code, key and position, and matches in a catch by code")
  func checksumMismatch() throws {
    var bytes = try MapBuffer(encoding: [7: Data("seven".utf8)]).serialized
    bytes[bytes.count - 6] ^= 0xFF
    let map = try MapBuffer(bytes)
    do {
      _ = try map[7]
      Issue.record("a corrupt item read")
    } catch MapBufferError.Code.checksumMismatch {
      // The code alone matches as a pattern.
    }
    do {
      _ = try map[7]
    } catch let error as MapBufferError where error.code == .checksumMismatch {
      #expect(error.key == 7)
      #expect(error.position == 0)
      #expect(error.description.contains("key 7"))
    }
  }

  @Test("Factories keep the old spellings; equal context is an equal error; codes print their names")
  func factoriesAndEquality() {
    #expect(MapBufferError.keyNotFound(3) == .keyNotFound(3))
    #expect(MapBufferError.keyNotFound(3) != .keyNotFound(4))
    #expect(MapBufferError.keyNotFound(3).code == .keyNotFound)
    #expect(MapBufferError.keyNotFound(3).key == 3)
    #expect(MapBufferError.Code.keyNotFound.description == "keyNotFound")
    let io = MapBufferError.io(operation: "open", path: "/x", errno: ENOENT)
    #expect(io.code == .io && io.path == "/x" && io.posixErrorCode == ENOENT)
    let magic = MapBufferError.invalidMagic(found: Array("intm".utf8), expected: Array("mapbufr".utf8))
    #expect(magic.foundBytes == Array("intm".utf8))
    #expect(magic.key == nil && magic.position == nil)
  }

  @Test("A switch over codes needs a default: new codes cannot break it")
  func switchOverCodes() {
    func kind(_ error: MapBufferError) -> String {
      switch error.code {
      case .checksumMismatch, .missingChecksum: "corrupt"
      case .io: "system"
      default: "other"
      }
    }
    #expect(kind(.io(operation: "read", path: "/y", errno: EIO)) == "system")
    #expect(kind(.duplicateKey(1)) == "other")
  }
}
