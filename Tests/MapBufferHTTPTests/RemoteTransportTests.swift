// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import AsyncHTTPClient
import Foundation
import MapBuffer
import MapBufferHTTP
import MapBufferTestSupport
import Testing

/// A client of the test's own, set as the default one is: requests of a map given it go through
/// AsyncHTTPClient rather than the default client's lean transport.
private let ownClient: HTTPClient = {
  var configuration = HTTPClient.Configuration()
  configuration.redirectConfiguration = .disallow
  configuration.decompression = .disabled
  configuration.connectionPool.retryConnectionEstablishment = false
  return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()

/// Both transports (plain `http` with the default client on SwiftNIO, any other through
/// AsyncHTTPClient) read the same bytes with the same requests, and refuse the same answers.
@Suite("Remote transports")
struct RemoteTransportTests {
  @Test("Plain http with the default client: lookups one after another share one kept-alive connection")
  func keptAliveConnection() async throws {
    let (bytes, values) = try sampleMap(count: 300, valueBytes: 1000)
    let server = try LyingServer { .send(LyingServer.rangeAnswer($0, of: bytes)) }
    defer { server.stop() }
    let remote = try await RemoteMapBuffer(url: server.url("kept.mb"), configuration: testConfiguration())
    let keys = Array(stride(from: UInt64(0), to: 3000, by: 100))
    for key in keys {
      #expect(try await remote[key] == values[key])
    }
    let requests = server.requests()
    #expect(requests.count == answeredRequestCount(remote.statistics))
    #expect(Set(requests.map(\.connection)).count == 1)
    #expect(requests.map(\.indexOnConnection) == Array(0..<requests.count))
    #expect(requests.allSatisfy { $0.headers["host"] == "\(server.host):\(server.port)" })
  }

  @Test("Plain http with the default client: many requests at once open a bounded number of connections")
  func boundedConnections() async throws {
    let (bytes, values) = try sampleMap(count: 300, valueBytes: 1000)
    let server = try LyingServer { .send(LyingServer.rangeAnswer($0, of: bytes)) }
    defer { server.stop() }
    var configuration = testConfiguration()
    configuration.coalescingGapByteCount = 0
    configuration.maximumConcurrentRequests = 48
    let remote = try await RemoteMapBuffer(url: server.url("many.mb"), configuration: configuration)
    let keys = values.keys.sorted()
    #expect(try await remote.values(forKeys: keys) == keys.map { values[$0] })
    let requests = server.requests()
    #expect(requests.count == answeredRequestCount(remote.statistics))
    // At most 16 on SwiftNIO, and beyond them at most the 16 of the client's own pool.
    #expect(Set(requests.map(\.connection)).count <= 32)
  }

  @Test("Both transports give the same values with the same requests", arguments: [false, true])
  func sameReads(throughOwnClient: Bool) async throws {
    let server = try NginxServer()
    let (bytes, values) = try sampleMap(count: 300, valueBytes: 1000)
    let url = try server.publish(bytes, at: "both.mb")
    let remote =
      throughOwnClient
      ? try await RemoteMapBuffer(url: url, configuration: testConfiguration(), client: ownClient)
      : try await RemoteMapBuffer(url: url, configuration: testConfiguration())
    let keys = try values.keys.sorted().filter { try storedRange(of: $0, in: bytes).lowerBound >= 65536 }.prefix(5)
    for key in keys {
      #expect(try await remote[key] == values[key])
    }
    #expect(try await remote.values(forKeys: Array(keys)) == keys.map { values[$0] })
    let requests = await server.requests()
    #expect(requests.map(\.status) == Array(repeating: 206, count: 1 + keys.count + 1))
    #expect(requests.dropFirst().allSatisfy { $0.ifMatch != nil })
    #expect(answeredRequestCount(remote.statistics) == requests.count)
  }

  @Test("Both transports refuse a whole object for a range and a body longer than the range", arguments: [false, true])
  func sameRefusals(throughOwnClient: Bool) async throws {
    let (bytes, _) = try sampleMap(count: 300, valueBytes: 1000)
    let server = try LyingServer { request in
      switch request.target {
      case "/whole.mb":
        return .send(LyingServer.response(status: 200, body: bytes))
      default:
        let range = request.range ?? 0..<1
        let header = ("Content-Range", "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(bytes.count)")
        return .send(
          LyingServer.response(status: 206, headers: [header], body: Data(repeating: 1, count: range.count + 10)))
      }
    }
    defer { server.stop() }
    func open(_ name: String) async throws {
      let configuration = testConfiguration(initialFetch: 4096, attempts: 3)
      _ =
        throughOwnClient
        ? try await RemoteMapBuffer(url: server.url(name), configuration: configuration, client: ownClient)
        : try await RemoteMapBuffer(url: server.url(name), configuration: configuration)
    }
    let whole = await remoteError { try await open("whole.mb") }
    #expect(whole == .rangeIgnored(url: server.url("whole.mb").absoluteString, status: 200, contentLength: bytes.count))
    let long = await remoteError { try await open("long.mb") }
    #expect(long == .invalidContentRange(url: server.url("long.mb").absoluteString, requested: 0..<4096, header: nil))
    #expect(server.requests().count == 2)
  }

  @Test("Both transports time out on a server that never answers", arguments: [false, true])
  func sameTimeouts(throughOwnClient: Bool) async throws {
    let silent = try SilentServer()
    let configuration = testConfiguration(attempts: 1, timeout: .milliseconds(300))
    let url = silent.url("silent.mb")
    let error = await remoteError {
      _ =
        throughOwnClient
        ? try await RemoteMapBuffer(url: url, configuration: configuration, client: ownClient)
        : try await RemoteMapBuffer(url: url, configuration: configuration)
    }
    #expect(error == .timedOut(url: url.absoluteString, range: 0..<(64 << 10), attempts: 1))
  }
}

#endif
