// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
import MapBuffer
@testable import MapBufferHTTP
import MapBufferTestSupport
import Testing

/// A second loopback host, so that a redirect goes to another origin (Linux routes all of 127/8
/// to the loopback interface; elsewhere another port of 127.0.0.1 is another origin too).
#if os(Linux)
private let otherLoopbackHost = "127.0.0.2"
#else
private let otherLoopbackHost = "127.0.0.1"
#endif

/// Servers that misbehave as nginx will not: connections closed under a request, redirects to
/// another host, bodies longer than the range. Part of the remote fault suite.
extension RemoteErrorTests {
  @Test("A kept-alive connection closed before any byte of the answer is sent again at once, using no attempt")
  func unansweredRequestSentAgain() async throws {
    let (bytes, values) = try sampleMap(count: 300, valueBytes: 1000)
    // The first request that comes as the second on its connection finds it closed, as after a
    // 412 from nginx or at a server's keep-alive limit: the request raced the close. (Which
    // request that is depends on when the client reuses a connection.)
    let closed = NSLock()
    nonisolated(unsafe) var hasClosed = false
    let server = try LyingServer { request in
      let closes =
        request.indexOnConnection > 0
        && closed.withLock { () -> Bool in
          defer { hasClosed = true }
          return !hasClosed
        }
      return closes ? .close : .send(LyingServer.rangeAnswer(request, of: bytes))
    }
    defer { server.stop() }
    let remote = try await RemoteMapBuffer(
      url: server.url("closing.mb"), configuration: testConfiguration(initialFetch: 16 + 4800, attempts: 1))
    let keys = Array(stride(from: UInt64(0), to: 3000, by: 150))
    for key in keys {
      #expect(try await remote[key] == values[key])
    }
    let requests = server.requests()
    let unanswered = try #require(
      requests.firstIndex { $0.indexOnConnection > 0 }, "the client never reused a connection")
    let resent = try #require(requests.indices.contains(unanswered + 1) ? requests[unanswered + 1] : nil)
    #expect(resent.range == requests[unanswered].range && resent.connection != requests[unanswered].connection)
    #expect(requests.count == 1 + keys.count + 1)
    #expect(remote.statistics.requests == requests.count && remote.statistics.retries == 1)
  }

  @Test("A server that closes every connection after its first answer is read throughout, with no attempt used")
  func oneAnswerPerConnection() async throws {
    let (bytes, values) = try sampleMap(count: 300, valueBytes: 1000)
    let server = try LyingServer { request in
      request.indexOnConnection == 0 ? .send(LyingServer.rangeAnswer(request, of: bytes)) : .close
    }
    defer { server.stop() }
    let remote = try await RemoteMapBuffer(
      url: server.url("one-each.mb"), configuration: testConfiguration(initialFetch: 16 + 4800, attempts: 1))
    for key in stride(from: UInt64(0), to: 3000, by: 370) {
      #expect(try await remote[key] == values[key])
    }
    // A batch: one request per item (every third), two at once.
    var batching = testConfiguration(initialFetch: 16 + 4800, attempts: 1)
    batching.coalescingGapByteCount = 1000
    batching.maximumConcurrentRequests = 2
    let batch = try await RemoteMapBuffer(url: server.url("one-each.mb"), configuration: batching)
    let keys = Array(stride(from: UInt64(0), to: 3000, by: 30))
    #expect(try await batch.values(forKeys: keys) == keys.map { values[$0] })
    #expect(batch.statistics.requests >= 1 + keys.count)
  }

  @Test("A server that closes every connection unanswered fails after a bounded number of requests")
  func everyConnectionClosed() async throws {
    let server = try LyingServer { _ in .close }
    defer { server.stop() }
    let url = server.url("never.mb")
    let error = await remoteError {
      _ = try await RemoteMapBuffer(url: url, configuration: testConfiguration(attempts: 2))
    }
    guard let error, error.code == .connectionFailed else {
      Issue.record("expected connectionFailed, got \(String(describing: error))")
      return
    }
    #expect(error.url == url.absoluteString && error.attempts == 2)
    // The free resends once, then one request for the second attempt.
    #expect(server.requests().count == 1 + HTTPRangeReader.maximumUnansweredResends + 1)
  }

  @Test("A redirect to another host does not carry the configured headers; one to the same origin does")
  func redirectsKeepHeadersAtHome() async throws {
    let (bytes, values) = try sampleMap(count: 300, valueBytes: 1000)
    let elsewhere = try LyingServer(host: otherLoopbackHost) { .send(LyingServer.rangeAnswer($0, of: bytes)) }
    defer { elsewhere.stop() }
    let home = try LyingServer { request in
      switch request.target {
      case "/moved.mb": .send(LyingServer.response(status: 301, headers: [("Location", "/here.mb")]))
      case "/here.mb": .send(LyingServer.rangeAnswer(request, of: bytes))
      default:
        .send(LyingServer.response(status: 307, headers: [("Location", elsewhere.url("there.mb").absoluteString)]))
      }
    }
    defer { home.stop() }
    var configuration = testConfiguration(initialFetch: 16 + 4800)
    configuration.headers = [("X-Api-Key", "k3y"), ("Authorization", "Bearer t0ken")]

    let away = try await RemoteMapBuffer(url: home.url("away.mb"), configuration: configuration)
    #expect(try await away[1230] == values[1230])
    #expect(home.requests().count == 2 && elsewhere.requests().count == 2)
    #expect(
      home.requests().allSatisfy { $0.headers["x-api-key"] == "k3y" && $0.headers["authorization"] == "Bearer t0ken" })
    #expect(elsewhere.requests().allSatisfy { $0.headers["x-api-key"] == nil && $0.headers["authorization"] == nil })
    #expect(elsewhere.requests().allSatisfy { $0.target == "/there.mb" && $0.range != nil })
    #expect(away.statistics.requests == 4)

    let moved = try await RemoteMapBuffer(url: home.url("moved.mb"), configuration: configuration)
    #expect(try await moved[1230] == values[1230])
    let homeRequests = home.requests().dropFirst(2)
    #expect(homeRequests.map(\.target) == ["/moved.mb", "/here.mb", "/moved.mb", "/here.mb"])
    #expect(homeRequests.allSatisfy { $0.headers["x-api-key"] == "k3y" })
  }

  @Test("Redirect loops and redirects to other schemes are refused after a bounded number of requests")
  func redirectLoops() async throws {
    let server = try LyingServer { request in
      switch request.target {
      case "/a.mb": .send(LyingServer.response(status: 302, headers: [("Location", "/b.mb")]))
      case "/b.mb": .send(LyingServer.response(status: 302, headers: [("Location", "/a.mb")]))
      case "/ftp.mb": .send(LyingServer.response(status: 302, headers: [("Location", "ftp://127.0.0.1/x.mb")]))
      default:
        .send(LyingServer.response(status: 302, headers: [("Location", "/\(request.target.count)\(request.target)")]))
      }
    }
    defer { server.stop() }
    let loop = await remoteError {
      _ = try await RemoteMapBuffer(url: server.url("a.mb"), configuration: testConfiguration(attempts: 3))
    }
    guard loop?.code == .connectionFailed else {
      Issue.record("expected connectionFailed, got \(String(describing: loop))")
      return
    }
    #expect(server.requests().count == 2)
    let endless = await remoteError {
      _ = try await RemoteMapBuffer(url: server.url("c.mb"), configuration: testConfiguration(attempts: 3))
    }
    guard endless?.code == .connectionFailed else {
      Issue.record("expected connectionFailed, got \(String(describing: endless))")
      return
    }
    #expect(server.requests().count == 2 + 1 + HTTPRangeReader.maximumRedirects)
    let ftp = await remoteError {
      _ = try await RemoteMapBuffer(url: server.url("ftp.mb"), configuration: testConfiguration())
    }
    #expect(ftp == .unsupportedURL("ftp://127.0.0.1/x.mb"))
  }

  @Test("A body longer than the range, announced or not, is refused rather than received")
  func oversizedBodies() async throws {
    let (bytes, _) = try sampleMap(count: 300, valueBytes: 1000)
    let server = try LyingServer { request in
      let range = request.range ?? 0..<1
      let header = ("Content-Range", "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(bytes.count)")
      let tooMuch = Data(repeating: 1, count: range.count + (1 << 20))
      switch request.target {
      case "/announced.mb":
        return .send(LyingServer.response(status: 206, headers: [header], body: tooMuch))
      default:
        // Chunked: no length announced, a body without end in sight.
        let body = Data("\(String(tooMuch.count, radix: 16))\r\n".utf8) + tooMuch + Data("\r\n0\r\n\r\n".utf8)
        return .sendAndClose(
          LyingServer.response(
            status: 206, headers: [header, ("Transfer-Encoding", "chunked")], body: body, announcesLength: false))
      }
    }
    defer { server.stop() }
    for name in ["announced.mb", "chunked.mb"] {
      let url = server.url(name)
      let error = await remoteError {
        _ = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 4096, attempts: 3))
      }
      #expect(error == .invalidContentRange(url: url.absoluteString, requested: 0..<4096, header: nil), "\(name)")
    }
    #expect(server.requests().count == 2)
  }
}

#endif
