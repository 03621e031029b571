// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
import MapBuffer
@testable import MapBufferHTTP
import MapBufferTestSupport
import Testing

/// The error `body` throws, which the test requires to be a ``RemoteMapBufferError``.
private func remoteError(_ body: () async throws -> Void) async -> RemoteMapBufferError? {
  do {
    try await body()
    Issue.record("no error")
    return nil
  } catch let error as RemoteMapBufferError {
    return error
  } catch {
    Issue.record("not a RemoteMapBufferError: \(error)")
    return nil
  }
}

/// Servers that misbehave as nginx will not: connections closed under a request. Part of the
/// remote fault suite.
extension RemoteErrorTests {
  @Test("A kept-alive connection closed before any byte of the answer is sent again at once, using no attempt")
  func unansweredRequestSentAgain() async throws {
    let (bytes, values) = try sampleMap(count: 300, valueBytes: 1000)
    // The second request on the first connection finds it closed, as after a 412 from nginx or
    // at a server's keep-alive limit: the request raced the close.
    let server = try LyingServer { request in
      request.connection == 0 && request.indexOnConnection == 1 ? .close : .send(LyingServer.rangeAnswer(request, of: bytes))
    }
    defer { server.stop() }
    let remote = try await RemoteMapBuffer(url: server.url("closing.mb"), configuration: testConfiguration(initialFetch: 16 + 4800, attempts: 1))
    #expect(try await remote[1230] == values[1230])
    let requests = server.requests()
    #expect(requests.map(\.connection) == [0, 0, 1])
    #expect(requests[1].range == requests[2].range)
    #expect(remote.statistics.requests == 3 && remote.statistics.retries == 1)
  }

  @Test("A server that closes every connection after its first answer is read throughout, with no attempt used")
  func oneAnswerPerConnection() async throws {
    let (bytes, values) = try sampleMap(count: 300, valueBytes: 1000)
    let server = try LyingServer { request in
      request.indexOnConnection == 0 ? .send(LyingServer.rangeAnswer(request, of: bytes)) : .close
    }
    defer { server.stop() }
    let remote = try await RemoteMapBuffer(url: server.url("one-each.mb"), configuration: testConfiguration(initialFetch: 16 + 4800, attempts: 1))
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
    let error = await remoteError { _ = try await RemoteMapBuffer(url: url, configuration: testConfiguration(attempts: 2)) }
    guard case .connectionFailed(let reported, let attempts, _) = error else {
      Issue.record("expected connectionFailed, got \(String(describing: error))")
      return
    }
    #expect(reported == url.absoluteString && attempts == 2)
    // The free resends once, then one request for the second attempt.
    #expect(server.requests().count == 1 + HTTPRangeReader.maximumUnansweredResends + 1)
  }
}

#endif
