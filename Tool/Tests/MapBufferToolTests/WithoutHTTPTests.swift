// Compiled only without the tool package's HTTP trait: the tool a plain install gives.
#if !HTTP

import Foundation
import MapBufferTestSupport
import Testing

/// A `mapbuffer` built without the HTTP trait reads files as usual and refuses URLs, saying how
/// to get a tool that reads them, without making any request.
@Suite("mapbuffer without the HTTP trait")
struct WithoutHTTPTests {
  @Test(
    "every command that reads a map refuses a URL in one line naming the trait",
    arguments: [
      ["info"], ["keys"], ["validate"], ["validate", "--deep"], ["get"], ["skeleton"], ["unpack"],
    ])
  func refusesURLs(command: [String]) throws {
    try withTemporaryDirectory { folder in
      // Port 9 on loopback (discard): nothing listens, and nothing may be asked of it.
      var arguments = command + ["http://127.0.0.1:9/cells.mb?X-Amz-Signature=secret"]
      switch command[0] {
      case "get", "skeleton": arguments.append("7")
      case "unpack": arguments += ["-o", folder.appendingPathComponent("out").path]
      default: break
      }
      let result = try ToolRunner.run(arguments, in: folder)
      expectOneLineFailure(
        result, "\(command.joined(separator: " ")) URL", mentioning: ["HTTP trait", "--traits HTTP"])
      #expect(!result.standardError.contains("secret"), "the URL's query is a credential: \(result.standardError)")
    }
  }
}

#endif
