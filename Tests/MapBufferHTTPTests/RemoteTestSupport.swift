// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
import MapBuffer
import MapBufferHTTP
import MapBufferTestSupport
import Testing

/// The error `body` throws, which the test requires to be a ``RemoteMapBufferError``.
func remoteError(_ body: () async throws -> Void) async -> RemoteMapBufferError? {
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

/// A map of `count` keys (0, 10, 20, …) whose values are `valueBytes` bytes of seeded noise.
func sampleMap(
  count: Int, valueBytes: Int, compression: MapBuffer.Compression = .none,
  formatVersion: MapBuffer.FormatVersion = .version1
) throws -> (bytes: Data, values: [UInt64: Data]) {
  var generator = SeededGenerator(seed: UInt64(count * 31 + valueBytes))
  var values: [UInt64: Data] = [:]
  for index in 0..<count {
    values[UInt64(index * 10)] = Data.random(count: valueBytes, using: &generator)
  }
  let bytes = try MapBufferWriter(compression: compression, formatVersion: formatVersion).encode(values)
  return (bytes, values)
}

/// A configuration for tests: quick retries, and a short time-out where a test wants one.
///
/// The default time-out is long: tests run in parallel on 2 cores, where tests that block their
/// thread (running the tool, say) can keep an awaiting task from resuming for seconds.
func testConfiguration(
  initialFetch: Int = 64 << 10, attempts: Int = 1, timeout: Duration = .seconds(120), cache: RemoteIndexCache? = nil
) -> RemoteMapBuffer.Configuration {
  var configuration = RemoteMapBuffer.Configuration()
  configuration.initialFetchByteCount = initialFetch
  configuration.retryPolicy = RetryPolicy(
    maximumAttempts: attempts, initialBackoff: .milliseconds(20), maximumBackoff: .milliseconds(50))
  configuration.requestTimeout = timeout
  configuration.indexCache = cache
  return configuration
}

/// The requests a map sent that its server could have answered: those counted, less those sent
/// again at once because their kept-alive connection closed before any byte of the answer (with
/// one attempt, as ``testConfiguration(initialFetch:attempts:timeout:cache:)`` gives by default,
/// the only retries). On a machine loaded by the sanitizer runs a connection can close as a request
/// is written on it; that request never reaches the server's log, and the reader counts it.
func answeredRequestCount(_ statistics: RemoteReadStatistics) -> Int {
  statistics.requests - statistics.retries
}

/// The `Range` header a request for `range` sends.
func rangeHeader(_ range: Range<Int>) -> String { "bytes=\(range.lowerBound)-\(range.upperBound - 1)" }

/// The stored byte range of `key`'s item in the local map `bytes`, as the index gives it.
func storedRange(of key: UInt64, in bytes: Data) throws -> Range<Int> {
  let map = try MapBuffer(bytes)
  let keys = Array(map.keys)
  // The index sits at 16 + 16·position; find the key's position by reading the index directly.
  let count = map.count
  for position in 0..<count {
    let entry = 16 + 16 * position
    let label = bytes.subdata(in: entry..<(entry + 8)).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    guard label == key else { continue }
    let start = bytes.subdata(in: (entry + 8)..<(entry + 16)).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    let end =
      position + 1 < count
      ? bytes.subdata(in: (entry + 24)..<(entry + 32)).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
      : UInt64(bytes.count)
    return Int(start)..<Int(end)
  }
  throw NginxServer.Failure(description: "key \(key) is not among \(keys.count) keys")
}

#endif
