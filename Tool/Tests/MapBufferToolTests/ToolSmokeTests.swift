import Foundation
import Testing

@Suite("mapbuffer tool smoke")
struct ToolSmokeTests {
  @Test("--help lists every command")
  func help() throws {
    let result = try ToolRunner.run(["--help"])
    #expect(result.status == 0)
    for command in ["info", "keys", "get", "validate", "pack", "unpack", "transcode", "skeleton"] {
      #expect(result.output.contains("  \(command) "), "\(command) missing from --help")
    }
  }
}
