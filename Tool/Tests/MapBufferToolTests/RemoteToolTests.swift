// Compiled only with the tool package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
import MapBuffer
import MapBufferTestSupport
import SkeletonModel
import Testing

/// The `mapbuffer` command reading http:// URLs from nginx on loopback, wherever it reads a file.
@Suite("mapbuffer over HTTP")
struct RemoteToolTests {
  /// A server holding a 300-item zstd map (`cells.mb`), an IntMap, the reference's fragment file,
  /// a lone skeleton and the reference's 524 KB uncompressed map (`large.mb`).
  private func serve() throws -> (server: NginxServer, bytes: Data) {
    let server = try NginxServer()
    var values: [UInt64: Data] = [:]
    for key in 0..<300 { values[UInt64(key * 7)] = Data(repeating: UInt8(key % 251), count: 500 + key) }
    let bytes = try MapBufferWriter(compression: .zstd).encode(values)
    try server.publish(bytes, at: "cells.mb")
    try server.publish(try Fixtures.data("intmap/intmap-1000.im"), at: "ids.im")
    try server.publish(try Fixtures.data("skeleton/fragments-br.frags"), at: "fragments.frags")
    try server.publish(try Fixtures.data("skeleton/tree-50.skel"), at: "tree.skel")
    try server.publish(try Fixtures.data("mapbuffer/large-none.mb"), at: "large.mb")
    return (server, bytes)
  }

  @Test("info, keys and validate read the header and index: one request; get one more")
  func indexCommands() async throws {
    let (server, bytes) = try serve()
    let url = server.url("cells.mb").absoluteString
    let local = try MapBuffer(bytes)
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("cells.mb")
    try bytes.write(to: file)

    for command in [["info", "--json"], ["keys"], ["validate"]] {
      server.clearLog()
      let remote = try ToolRunner.run([command[0], url] + command.dropFirst())
      let fromFile = try ToolRunner.run([command[0], file.path] + command.dropFirst())
      expectSuccess(remote, command.joined(separator: " "))
      #expect(remote.standardOutput == fromFile.standardOutput)
      #expect(await server.requests().count == 1)
    }

    server.clearLog()
    let key = local.keys[123]
    let got = try ToolRunner.run(["get", url, String(key)])
    expectSuccess(got, "get")
    #expect(got.standardOutput == (try local[key]))
    let stored = try ToolRunner.run(["get", url, String(key), "--stored"])
    #expect(stored.standardOutput == (try local.storedBytes(forKey: key)))
    // Per run: the header and index, then the item (unless the first 64 KiB already held it).
    let requests = await server.requests()
    #expect(requests.count >= 2 && requests.count <= 4)
    #expect(requests.allSatisfy { $0.status == 206 })
  }

  @Test("MAPBUFFER_INDEX_CACHE keeps the index between runs: a warm get is one request")
  func indexCacheBetweenRuns() async throws {
    let (server, _) = try serve()
    let url = server.url("large.mb").absoluteString  // the reference's 524 KB map
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let environment = ["MAPBUFFER_INDEX_CACHE": folder.path]
    let file = try Fixtures.data("mapbuffer/large-none.mb")
    let local = try MapBuffer(file)
    // The key at the last index position: its item is the last in the file, far past the first request.
    let entry = 16 + 16 * (local.count - 1)
    let key = file.subdata(in: entry..<(entry + 8)).withUnsafeBytes {
      UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self))
    }
    for run in ["cold", "warm"] {
      server.clearLog()
      let result = try ToolRunner.run(["get", url, String(key)], environment: environment)
      expectSuccess(result, "get, \(run)")
      #expect(result.standardOutput == (try local[key]))
      let requests = await server.requests()
      #expect(requests.count == (run == "cold" ? 2 : 1), "\(run): \(requests)")
    }
  }

  @Test("validate --deep, unpack, transcode and merge read every item of a URL")
  func wholeMapCommands() async throws {
    let (server, bytes) = try serve()
    let url = server.url("cells.mb").absoluteString
    let local = try MapBuffer(bytes)
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }

    expectSuccess(try ToolRunner.run(["validate", url, "--deep"]), "validate --deep")

    let unpacked = folder.appendingPathComponent("unpacked")
    expectSuccess(try ToolRunner.run(["unpack", url, "-o", unpacked.path]), "unpack")
    for key in local.keys.prefix(20) {
      #expect(try Data(contentsOf: unpacked.appendingPathComponent(String(key))) == (try local[key]))
    }

    let transcoded = folder.appendingPathComponent("gzip.mb")
    expectSuccess(try ToolRunner.run(["transcode", url, "-o", transcoded.path, "--compress", "gzip"]), "transcode")
    let gzip = try MapBuffer(contentsOf: transcoded)
    #expect(gzip.compression == .gzip)
    #expect(try gzip.dictionary() == (try local.dictionary()))

    let merged = folder.appendingPathComponent("merged.mb")
    expectSuccess(
      try ToolRunner.run(["merge", url, transcoded.path, "-o", merged.path, "--on-duplicate", "first"]), "merge")
    #expect(try MapBuffer(contentsOf: merged).dictionary() == (try local.dictionary()))
  }

  @Test("An IntMap URL and skeletons read as from files")
  func intMapAndSkeletons() async throws {
    let (server, _) = try serve()
    let intMap = try IntMap(contentsOf: Fixtures.url("intmap/intmap-1000.im"))
    let key = intMap.keys[42]
    let got = try ToolRunner.run(["get", server.url("ids.im").absoluteString, String(key)])
    expectSuccess(got, "get on an IntMap URL")
    #expect(got.output == "\(try intMap[key]!)\n")

    let fragments = try TypedMapBufferForTests.skeletons()
    let label = fragments.first!.key
    let remote = try ToolRunner.run(["skeleton", server.url("fragments.frags").absoluteString, String(label), "--json"])
    let fromFile = try ToolRunner.run([
      "skeleton", Fixtures.url("skeleton/fragments-br.frags").path, String(label), "--json",
    ])
    expectSuccess(remote, "skeleton URL KEY")
    #expect(remote.standardOutput == fromFile.standardOutput)

    let lone = try ToolRunner.run(["skeleton", server.url("tree.skel").absoluteString, "--swc"])
    expectSuccess(lone, "skeleton URL")
    #expect(
      lone.standardOutput
        == (try ToolRunner.run(["skeleton", Fixtures.url("skeleton/tree-50.skel").path, "--swc"])).standardOutput)
  }

  @Test("A missing object, a refused range and a bad URL are one line each, exit 1")
  func failures() async throws {
    let (server, _) = try serve()
    let cases: [([String], String)] = [
      (["info", server.url("missing.mb").absoluteString], "no such object on the server (404)"),
      // 524 KB: more than the first request asks for, so the server's 200 cannot stand for a range.
      (["get", server.url("norange/large.mb").absoluteString, "7"], "ignored the Range header"),
      (["keys", server.url("forbidden/cells.mb").absoluteString], "access denied (403)"),
      (["get", server.url("cells.mb").absoluteString, "8"], "key 8 is not in"),
      (["info", "http://"], "is not a valid URL"),
      // A presigned URL's signature never reaches the message.
      (
        ["get", server.url("cells.mb").absoluteString + "?X-Amz-Signature=s3cr3t", "8"],
        "key 8 is not in http://127.0.0.1:\(server.port)/cells.mb?…"
      ),
      (["info", server.url("missing.mb").absoluteString + "?X-Amz-Signature=s3cr3t"], "missing.mb?…: no such object"),
    ]
    for (arguments, message) in cases {
      let result = try ToolRunner.run(arguments)
      #expect(result.status == 1, "\(arguments)")
      #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
      #expect(result.standardError.split(separator: "\n").count == 1, "\(arguments): \(result.standardError)")
      #expect(!result.standardError.contains("s3cr3t"), "\(arguments): \(result.standardError)")
    }
  }
}

/// The reference's fragment file, read locally.
enum TypedMapBufferForTests {
  static func skeletons() throws -> [(key: UInt64, value: Data)] {
    let map = try MapBuffer(contentsOf: Fixtures.url("skeleton/fragments-br.frags"))
    return try map.keys.map { ($0, try map[$0]!) }
  }
}

#endif
