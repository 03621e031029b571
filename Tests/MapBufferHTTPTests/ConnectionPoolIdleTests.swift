// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
@testable import MapBufferHTTP
import MapBufferTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// The lean transport's pool closes connections that stay idle past its idle timeout.
@Suite("Connection pool idle timeout")
struct ConnectionPoolIdleTests {
  /// One range request for the first 10 bytes through `pool`, and its status.
  private func firstTenBytes(of url: URL, through pool: PlainHTTPConnectionPool) async throws -> Int? {
    let origin = PlainHTTPConnectionPool.Origin(host: "127.0.0.1", port: url.port!)
    var headers = HTTPHeaders()
    headers.add(name: "Range", value: "bytes=0-9")
    let head = HTTPRangeReader.requestHead(for: url, origin: origin, headers: headers)
    let answer = try await pool.execute(
      head, to: origin, collector: RangeAnswerCollector(limit: 10, acceptsWholeObject: false),
      deadline: .now() + .seconds(60))
    return answer?.status
  }

  /// Waits up to 20 s for `condition`.
  private func eventually(_ condition: () -> Bool) async throws -> Bool {
    for _ in 0..<2000 {
      if condition() { return true }
      try await Task.sleep(for: .milliseconds(10))
    }
    return condition()
  }

  @Test("A connection idle past the timeout is closed; the next request opens another")
  func idleConnectionCloses() async throws {
    let bytes = Data((0..<100).map { UInt8($0) })
    let server = try LyingServer { .send(LyingServer.rangeAnswer($0, of: bytes)) }
    defer { server.stop() }
    let pool = PlainHTTPConnectionPool(group: MultiThreadedEventLoopGroup.singleton, idleTimeout: .seconds(1))
    let origin = PlainHTTPConnectionPool.Origin(host: server.host, port: server.port)
    let url = server.url("idle.bin")

    #expect(try await firstTenBytes(of: url, through: pool) == 206)
    #expect(try await firstTenBytes(of: url, through: pool) == 206)  // kept alive: the same connection
    #expect(pool.openConnectionCount(to: origin) == 1)
    #expect(try await eventually { pool.openConnectionCount(to: origin) == 0 })
    #expect(try await firstTenBytes(of: url, through: pool) == 206)
    #expect(server.requests().map(\.connection) == [0, 0, 1])
  }

  @Test("A connection in use within the timeout stays open")
  func busyConnectionStays() async throws {
    let bytes = Data((0..<100).map { UInt8($0) })
    let server = try LyingServer { .send(LyingServer.rangeAnswer($0, of: bytes)) }
    defer { server.stop() }
    let pool = PlainHTTPConnectionPool(group: MultiThreadedEventLoopGroup.singleton, idleTimeout: .seconds(2))
    let url = server.url("busy.bin")
    // Each request comes well within the timeout of the last: the timer starts again each time.
    for _ in 0..<6 {
      #expect(try await firstTenBytes(of: url, through: pool) == 206)
      try await Task.sleep(for: .milliseconds(500))
    }
    #expect(Set(server.requests().map(\.connection)) == [0])
  }
}

#endif
