// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
import MapBuffer
@testable import MapBufferHTTP
import MapBufferTestSupport
import Testing

/// Every way a remote read fails gives a typed error, after the retries the policy allows and no more.
@Suite("Remote errors")
struct RemoteErrorTests {
  @Test("404 and 403 fail at once, without retries")
  func notFoundAndForbidden() async throws {
    let server = try NginxServer()
    let retrying = testConfiguration(attempts: 4)
    let missing = await remoteError {
      _ = try await RemoteMapBuffer(url: server.url("missing.mb"), configuration: retrying)
    }
    #expect(missing == .notFound(url: server.url("missing.mb").absoluteString))
    let forbidden = await remoteError {
      _ = try await RemoteMapBuffer(url: server.url("forbidden/x.mb"), configuration: retrying)
    }
    #expect(forbidden == .accessDenied(url: server.url("forbidden/x.mb").absoluteString, status: 403))
    #expect(await server.requests().map(\.status) == [404, 403])
  }

  @Test("A configured header with a line break or a name that is no token fails at once, before any request")
  func invalidHeaders() async throws {
    let (bytes, values) = try sampleMap(count: 20, valueBytes: 10)
    let server = try LyingServer { .send(LyingServer.rangeAnswer($0, of: bytes)) }
    defer { server.stop() }
    let url = server.url("map.mb")
    let invalid: [(name: String, value: String)] = [
      ("X-Trace", "1\r\nHost: elsewhere"), ("X-Trace", "1\nX-Other: 2"), ("X-Trace", "a\u{0}b"),
      ("Bad Name", "1"), ("", "1"), ("X:Colon", "1"),
    ]
    for header in invalid {
      var configuration = testConfiguration(attempts: 4)
      configuration.headers = [("Authorization", "Bearer t"), header]
      let opening = await remoteError { _ = try await RemoteMapBuffer(url: url, configuration: configuration) }
      #expect(opening == .invalidHeader(url: url.absoluteString, name: header.name), "\(header)")
      let destination = try Fixtures.temporaryDirectory().appendingPathComponent("copy.mb")
      let downloading = await remoteError {
        try await RemoteMapBuffer.download(from: url, to: destination, configuration: configuration)
      }
      #expect(downloading?.code == .invalidHeader, "\(header)")
      #expect(!FileManager.default.fileExists(atPath: destination.path))
    }
    #expect(server.requests().isEmpty)
    // Valid headers are sent as they are.
    var configuration = testConfiguration()
    configuration.headers = [("X-Trace-Id", "abc 123; q=\"x\"")]
    let remote = try await RemoteMapBuffer(url: url, configuration: configuration)
    #expect(try await remote[values.keys.first!] == values.values.first!)
    #expect(server.requests().allSatisfy { $0.headers["x-trace-id"] == "abc 123; q=\"x\"" })
  }

  @Test("A server that ignores Range (200 with the whole body) is named as such, not retried")
  func rangeIgnored() async throws {
    let server = try NginxServer()
    let (bytes, _) = try sampleMap(count: 300, valueBytes: 1000)  // 300 KB: more than the first request asks for
    try server.publish(bytes, at: "plain.mb")
    let error = await remoteError {
      _ = try await RemoteMapBuffer(url: server.url("norange/plain.mb"), configuration: testConfiguration(attempts: 3))
    }
    #expect(
      error
        == .rangeIgnored(url: server.url("norange/plain.mb").absoluteString, status: 200, contentLength: bytes.count))
    #expect(await server.requests().map(\.status) == [200])

    // A map smaller than the first request is whole in the 200 answer: it reads, with no more requests.
    let (small, values) = try sampleMap(count: 40, valueBytes: 100)
    try server.publish(small, at: "small.mb")
    server.clearLog()
    let remote = try await RemoteMapBuffer(url: server.url("norange/small.mb"), configuration: testConfiguration())
    for (key, value) in values { #expect(try await remote[key] == value) }
    #expect(await server.requests().map(\.status) == [200])
  }

  @Test("416 past the end, a body shorter than the range, and an empty object")
  func outOfRangeAndShort() async throws {
    let server = try NginxServer()
    let url = try server.publish(Data(repeating: 7, count: 500), at: "short.bin")
    let reader = HTTPRangeReader(
      client: RemoteMapBuffer.defaultHTTPClient, url: url, configuration: testConfiguration(attempts: 3),
      counters: RequestCounters())
    let beyond = await remoteError { _ = try await reader.read(1000..<2000, expecting: nil) }
    #expect(beyond == .rangeNotSatisfiable(url: url.absoluteString, range: 1000..<2000, objectSize: 500))
    let short = await remoteError { _ = try await reader.read(400..<600, expecting: nil) }
    #expect(short == .shortBody(url: url.absoluteString, range: 400..<600, received: 100))
    let whole = try await reader.read(0..<1000, expecting: nil, allowsShorter: true)
    #expect(whole.range == 0..<500 && whole.body.count == 500 && whole.identity.size == 500)
    #expect(await server.requests().map(\.status) == [416, 206, 206])

    let empty = try server.publish(Data(), at: "empty.mb")
    do {
      _ = try await RemoteMapBuffer(url: empty, configuration: testConfiguration())
      Issue.record("an empty object opened")
    } catch let error as MapBufferError where error.code == .truncatedHeader {
      #expect(error == .truncatedHeader(byteCount: 0, required: 16))
    }
    let tiny = try server.publish(Data("mapbufr".utf8), at: "tiny.mb")
    do {
      _ = try await RemoteMapBuffer(url: tiny, configuration: testConfiguration())
      Issue.record("a 7-byte object opened")
    } catch let error as MapBufferError where error.code == .truncatedHeader {
      #expect(error == .truncatedHeader(byteCount: 7, required: 16))
    }
  }

  @Test("5xx is retried up to the policy's attempts, then reported with the count")
  func serverErrorsRetried() async throws {
    let server = try NginxServer()
    let error = await remoteError {
      _ = try await RemoteMapBuffer(url: server.url("unavailable/x.mb"), configuration: testConfiguration(attempts: 3))
    }
    #expect(error == .serverError(url: server.url("unavailable/x.mb").absoluteString, status: 503, attempts: 3))
    #expect(await server.requests().map(\.status) == [503, 503, 503])
  }

  @Test("A server that recovers after a 503 is read on a retry")
  func recoveryAfterRetry() async throws {
    let server = try NginxServer()
    let (bytes, values) = try sampleMap(count: 100, valueBytes: 100)
    var configuration = testConfiguration()
    configuration.retryPolicy = RetryPolicy(
      maximumAttempts: 6, initialBackoff: .seconds(2), maximumBackoff: .seconds(2))
    let url = server.url("eventually/late.mb")
    let opening = Task { try await RemoteMapBuffer(url: url, configuration: configuration) }
    // Publish the file once the first attempt has been answered 503; the retry, ≥ 1 s later, finds it.
    while !server.loggedRequests().contains(where: { $0.status == 503 }) {
      try await Task.sleep(for: .milliseconds(10))
    }
    try server.publish(bytes, at: "eventually/late.mb")
    let remote = try await opening.value
    #expect(try await remote[500] == values[500])
    // 503 until the file appeared (once, unless the machine was too busy to publish it in time), then 206.
    let statuses = await server.requests().map(\.status)
    #expect(statuses.last == 206 && statuses.dropLast().allSatisfy { $0 == 503 } && statuses.count >= 2)
    #expect(remote.statistics.retries == statuses.count - 1)
  }

  @Test("A server that never answers times out on every attempt", .timeLimit(.minutes(3)))
  func timeOut() async throws {
    let silent = try SilentServer()
    let clock = ContinuousClock()
    let start = clock.now
    let error = await remoteError {
      _ = try await RemoteMapBuffer(
        url: silent.url("x.mb"), configuration: testConfiguration(attempts: 2, timeout: .milliseconds(300)))
    }
    let elapsed = clock.now - start
    #expect(error == .timedOut(url: silent.url("x.mb").absoluteString, range: 0..<65536, attempts: 2))
    // Each attempt waited its whole time-out. (No upper bound on wall time: other tests running
    // on the same 2 cores can delay the resumption; the time limit above catches a hang.)
    #expect(elapsed >= .milliseconds(600))
  }

  @Test("Cancelling a read cancels its request: a CancellationError, not a retry", .timeLimit(.minutes(2)))
  func cancellation() async throws {
    let silent = try SilentServer()
    let opening = Task {
      try await RemoteMapBuffer(
        url: silent.url("x.mb"), configuration: testConfiguration(attempts: 3, timeout: .seconds(100)))
    }
    try await Task.sleep(for: .milliseconds(300))
    opening.cancel()
    do {
      _ = try await opening.value
      Issue.record("a cancelled open succeeded")
    } catch is CancellationError {
    } catch {
      Issue.record("expected CancellationError, got \(error)")
    }
  }

  @Test("A refused connection is retried, then reported")
  func connectionRefused() async throws {
    // A port that was free a moment ago: nothing listens there.
    let port = try {
      let silent = try SilentServer()
      return silent.port
    }()
    let url = URL(string: "http://127.0.0.1:\(port)/x.mb")!
    let error = await remoteError {
      _ = try await RemoteMapBuffer(url: url, configuration: testConfiguration(attempts: 2))
    }
    guard case .connectionFailed(let reported, let attempts, _) = error?.reason else {
      Issue.record("expected connectionFailed, got \(String(describing: error))")
      return
    }
    #expect(reported == url.absoluteString && attempts == 2)
  }

  @Test("An object replaced after opening is reported as changed (412 to If-Match), never mixed")
  func objectChangedWithoutCache() async throws {
    let server = try NginxServer()
    let (bytes, _) = try sampleMap(count: 300, valueBytes: 1000)
    let url = try server.publish(bytes, at: "replaced.mb")
    let remote = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 16 + 300 * 16))
    let (other, _) = try sampleMap(count: 301, valueBytes: 1000)
    try server.publish(other, at: "replaced.mb")
    let error = await remoteError { _ = try await remote[2000] }
    guard case .objectChanged(let reported, let expected, _) = error?.reason else {
      Issue.record("expected objectChanged, got \(String(describing: error))")
      return
    }
    #expect(reported == url.absoluteString && expected == remote.identity)
    #expect(await server.requests().map(\.status) == [206, 412])
  }

  @Test("Without an ETag, a size change is caught from Content-Range")
  func sizeChangeWithoutETag() async throws {
    let server = try NginxServer()
    let url = try server.publish(Data(repeating: 1, count: 1000), at: "sized.bin")
    let reader = HTTPRangeReader(
      client: RemoteMapBuffer.defaultHTTPClient, url: url, configuration: testConfiguration(),
      counters: RequestCounters())
    let error = await remoteError { _ = try await reader.read(0..<10, expecting: ObjectIdentity(size: 999, etag: nil)) }
    #expect(
      error
        == .objectChanged(
          url: url.absoluteString, expected: ObjectIdentity(size: 999, etag: nil),
          found: ObjectIdentity(
            size: 1000,
            etag: error.flatMap { if case .objectChanged(_, _, let found) = $0.reason { found?.etag } else { nil } })))
  }

  @Test("A hostile header cannot make the reader fetch an unbounded index; other URLs are refused")
  func hostileHeaderAndURLs() async throws {
    let server = try NginxServer()
    var header = Data("mapbufr".utf8) + [1] + Data("none".utf8)
    header += withUnsafeBytes(of: UInt32.max.littleEndian) { Data($0) }
    let url = try server.publish(header + Data(count: 100), at: "hostile.mb")
    do {
      _ = try await RemoteMapBuffer(url: url, configuration: testConfiguration())
      Issue.record("a header claiming 2^32 keys in 116 bytes opened")
    } catch let error as MapBufferError where error.code == .indexExceedsSource {
      #expect(
        error == .indexExceedsSource(keyCount: Int(UInt32.max), indexEnd: 16 + 16 * Int(UInt32.max), sourceSize: 116))
    }
    var limited = testConfiguration(initialFetch: 1024)
    limited.maximumIndexByteCount = 1000
    let (bytes, _) = try sampleMap(count: 100, valueBytes: 10)
    let big = try server.publish(bytes, at: "index-1600.mb")
    let tooLarge = await remoteError { _ = try await RemoteMapBuffer(url: big, configuration: limited) }
    #expect(tooLarge == .indexTooLarge(url: big.absoluteString, byteCount: 1600, limit: 1000))
    #expect(await server.requests().count == 2)  // the two first requests, nothing for the refused index

    for text in ["ftp://example.org/x.mb", "file:///tmp/x.mb", "https:///x.mb"] {
      let refused = await remoteError { _ = try await RemoteMapBuffer(url: URL(string: text)!) }
      #expect(refused != nil)
    }
  }

  @Test("An item larger than the configured bound is refused before any request")
  func itemTooLarge() async throws {
    let server = try NginxServer()
    let (bytes, _) = try sampleMap(count: 100, valueBytes: 1000)
    let url = try server.publish(bytes, at: "items.mb")
    var configuration = testConfiguration(initialFetch: 16 + 1600)
    configuration.maximumItemByteCount = 500
    let remote = try await RemoteMapBuffer(url: url, configuration: configuration)
    let single = await remoteError { _ = try await remote[10] }
    #expect(single == .itemTooLarge(url: url.absoluteString, key: 10, byteCount: 1004, limit: 500))
    let batch = await remoteError { _ = try await remote.values(forKeys: [20, 30]) }
    guard batch?.code == .itemTooLarge else {
      Issue.record("expected itemTooLarge, got \(String(describing: batch))")
      return
    }
    #expect(await server.requests().count == 1)
  }

  @Test("Backoff grows, stays within its bounds, and never overflows")
  func backoff() {
    let policy = RetryPolicy(
      maximumAttempts: 1000, initialBackoff: .milliseconds(100), maximumBackoff: .seconds(5), multiplier: 1e10)
    for attempt in [1, 2, 3, 50, 999] {
      let delay = policy.delay(afterAttempt: attempt)
      #expect(delay <= .seconds(5) && delay >= .milliseconds(50), "attempt \(attempt): \(delay)")
    }
    #expect(policy.delay(afterAttempt: 999) >= .milliseconds(2500))
    #expect(RetryPolicy(initialBackoff: .milliseconds(100)).delay(afterAttempt: 1) <= .milliseconds(100))
  }

  @Test("The reader's own headers cannot be replaced by configured ones")
  func reservedHeaders() async throws {
    let server = try NginxServer()
    let (bytes, values) = try sampleMap(count: 100, valueBytes: 1000)
    let url = try server.publish(bytes, at: "headers.mb")
    var configuration = testConfiguration(initialFetch: 16 + 1600)
    configuration.headers = [("Range", "bytes=0-0"), ("If-Match", "\"nonsense\""), ("X-Trace", "1")]
    let remote = try await RemoteMapBuffer(url: url, configuration: configuration)
    #expect(try await remote[500] == values[500])
    let requests = await server.requests()
    #expect(requests.map(\.range) == ["bytes=0-1615", rangeHeader(try storedRange(of: 500, in: bytes))])
    #expect(requests.last?.ifMatch == remote.identity.etag)
  }

  @Test("Messages leave out a presigned URL's query, which holds its signature")
  func messagesRedactQuery() async throws {
    let server = try NginxServer()
    let url = URL(string: server.url("missing.mb").absoluteString + "?X-Amz-Signature=secret&X-Amz-Credential=key")!
    let error = await remoteError { _ = try await RemoteMapBuffer(url: url, configuration: testConfiguration()) }
    let text = String(describing: try #require(error))
    #expect(!text.contains("secret") && !text.contains("X-Amz"))
    #expect(text.contains("missing.mb?…"))
  }
}

#endif
