// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
import MapBuffer
@testable import MapBufferHTTP
import MapBufferTestSupport
import Testing

/// The on-disk index cache: warm opens cost no request, and a changed object is noticed.
@Suite("Remote index cache")
struct RemoteIndexCacheTests {
  @Test("Warm: opening costs no request and each lookup one, sent with If-Match")
  func warmOpen() async throws {
    let server = try NginxServer()
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cache = RemoteIndexCache(directory: folder.appendingPathComponent("index-cache"))
    let (bytes, values) = try sampleMap(count: 2000, valueBytes: 200)  // index: 32,000 bytes
    let url = try server.publish(bytes, at: "warm.mb")

    let cold = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 4096, cache: cache))
    #expect(await server.requests().count == 2)  // first 4 KiB, then the rest of the index
    #expect(try await cold[12340] == values[12340])
    let etag = try #require(cold.identity.etag)

    server.clearLog()
    let warm = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 4096, cache: cache))
    #expect(await server.requests().isEmpty)
    #expect(warm.identity == cold.identity)
    #expect(warm.keys == (try MapBuffer(bytes).keys))
    for key: UInt64 in [0, 19990, 7770] {
      #expect(try await warm[key] == values[key])
    }
    let requests = await server.requests()
    #expect(requests.count == 3)
    #expect(requests.allSatisfy { $0.ifMatch == etag && $0.status == 206 })
  }

  @Test(
    "A changed object invalidates the cached index: the read is made again with the new index, and the cache updated")
  func changedObjectInvalidates() async throws {
    let server = try NginxServer()
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cache = RemoteIndexCache(directory: folder)
    let old = try sampleMap(count: 300, valueBytes: 500)
    let url = try server.publish(old.bytes, at: "changing.mb")
    // The first request covers exactly the new version's header and index, so items always cost a request.
    let configuration = testConfiguration(initialFetch: 16 + 16 * 310, attempts: 3, cache: cache)
    _ = try await RemoteMapBuffer(url: url, configuration: configuration)

    // A new version: other values, another size (so another ETag even within the same second).
    let new = try sampleMap(count: 310, valueBytes: 501)
    try server.publish(new.bytes, at: "changing.mb")
    server.clearLog()
    let stale = try await RemoteMapBuffer(url: url, configuration: configuration)
    #expect(stale.count == 300)  // the cached index, before any request
    #expect(try await stale[5] == nil)  // absent from the old index: no request, nothing confirmed
    #expect(try await stale[10] == new.values[10])  // located with the old index, answered from the new
    #expect(stale.count == 310)
    let requests = await server.requests()
    #expect(requests.map(\.status) == [412, 206, 206])  // the stale If-Match, the new index, the item

    server.clearLog()
    let fresh = try await RemoteMapBuffer(url: url, configuration: configuration)
    #expect(fresh.count == 310)
    #expect(try await fresh[3050] == new.values[3050])
    #expect(await server.requests().count == 1)
  }

  @Test("Concurrent lookups that find a stale cached index re-read the index once")
  func oneRefreshForManyLookups() async throws {
    let server = try NginxServer()
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    // No retries: nginx closes a connection after a 412 (while announcing keep-alive), and a request
    // sent on it meanwhile is sent again on a new connection without using an attempt.
    let configuration = testConfiguration(
      initialFetch: 16 + 16 * 300, attempts: 1, cache: RemoteIndexCache(directory: folder))
    let old = try sampleMap(count: 300, valueBytes: 500)
    let url = try server.publish(old.bytes, at: "shared.mb")
    _ = try await RemoteMapBuffer(url: url, configuration: configuration)
    let new = try sampleMap(count: 300, valueBytes: 520)
    try server.publish(new.bytes, at: "shared.mb")
    server.clearLog()
    let stale = try await RemoteMapBuffer(url: url, configuration: configuration)
    let keys: [UInt64] = (0..<8).map { UInt64($0 * 370) }
    let fetched = try await withThrowingTaskGroup(of: (UInt64, Data?).self) { group in
      for key in keys { group.addTask { (key, try await stale[key]) } }
      return try await group.reduce(into: [UInt64: Data?]()) { $0[$1.0] = $1.1 }
    }
    #expect(keys.allSatisfy { fetched[$0] == new.values[$0] })
    let requests = await server.requests()
    #expect(requests.filter { $0.range == "bytes=0-4815" }.count == 1)  // the index, read once
    #expect(requests.filter { $0.status == 412 }.count <= keys.count)
  }

  @Test("An object without a strong ETag is not cached: a size cannot tell versions apart")
  func noETagNoCache() async throws {
    let server = try NginxServer()
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cache = RemoteIndexCache(directory: folder)
    let (bytes, values) = try sampleMap(count: 100, valueBytes: 1000)
    try server.publish(bytes, at: "plain.mb")
    let url = server.url("noetag/plain.mb")
    let first = try await RemoteMapBuffer(
      url: url, configuration: testConfiguration(initialFetch: 16 + 1600, cache: cache))
    #expect(first.identity.etag == nil)
    #expect(cache.entry(forKey: url.absoluteString, maximumIndexByteCount: 1 << 20) == nil)
    server.clearLog()
    let second = try await RemoteMapBuffer(
      url: url, configuration: testConfiguration(initialFetch: 16 + 1600, cache: cache))
    #expect(try await second[990] == values[990])
    #expect(await server.requests().count == 2)  // the index again, then the item

    // A cache told to trust sizes keeps it, and notices a replacement of another size.
    let trusting = RemoteIndexCache(directory: folder, acceptsSizeAsIdentity: true)
    _ = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 16 + 1600, cache: trusting))
    server.clearLog()
    let warm = try await RemoteMapBuffer(
      url: url, configuration: testConfiguration(initialFetch: 16 + 1600, cache: trusting))
    #expect(await server.requests().isEmpty)
    let (other, otherValues) = try sampleMap(count: 100, valueBytes: 1001)
    try server.publish(other, at: "plain.mb")
    #expect(try await warm[990] == otherValues[990])  // the size changed: the index is read again
  }

  @Test("A cache file never holds the URL: a presigned URL's signature stays off the disk")
  func cacheFileHoldsNoURL() async throws {
    let server = try NginxServer()
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (bytes, _) = try sampleMap(count: 10, valueBytes: 10)
    let base = try server.publish(bytes, at: "secret.mb")
    let url = URL(string: base.absoluteString + "?X-Amz-Signature=s3cr3t")!
    _ = try await RemoteMapBuffer(
      url: url, configuration: testConfiguration(cache: RemoteIndexCache(directory: folder)))
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(files.count == 1)
    let contents = try Data(contentsOf: folder.appendingPathComponent(files[0]))
    #expect(contents.range(of: Data("s3cr3t".utf8)) == nil && contents.range(of: Data("secret.mb".utf8)) == nil)
  }

  @Test("Presigned-style URLs share one entry when the cache ignores the query")
  func ignoringQuery() async throws {
    let server = try NginxServer()
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let (bytes, values) = try sampleMap(count: 100, valueBytes: 1000)
    let base = try server.publish(bytes, at: "signed.mb")
    var configuration = testConfiguration(cache: RemoteIndexCache(directory: folder))
    configuration.cacheIdentity = .urlIgnoringQuery
    _ = try await RemoteMapBuffer(
      url: URL(string: base.absoluteString + "?X-Amz-Signature=aaaa")!, configuration: configuration)
    server.clearLog()
    let second = try await RemoteMapBuffer(
      url: URL(string: base.absoluteString + "?X-Amz-Signature=bbbb")!, configuration: configuration)
    #expect(await server.requests().isEmpty)
    #expect(try await second[990] == values[990])
  }

  @Test("A damaged, truncated or foreign cache file is a miss, never a wrong index")
  func damagedEntriesAreMisses() async throws {
    let server = try NginxServer()
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cache = RemoteIndexCache(directory: folder)
    let (bytes, values) = try sampleMap(count: 100, valueBytes: 1000)
    let url = try server.publish(bytes, at: "damaged-cache.mb")
    _ = try await RemoteMapBuffer(url: url, configuration: testConfiguration(cache: cache))
    let file = cache.fileURL(forKey: url.absoluteString)
    let good = try Data(contentsOf: file)
    var flipped = good
    flipped[flipped.count / 2] ^= 1
    let foreign = RemoteIndexCache.encode(
      .init(identity: .init(size: bytes.count, etag: nil), prefix: bytes.prefix(1616)), key: "other")
    for damaged in [flipped, good.prefix(good.count - 1), Data(), foreign] {
      try damaged.write(to: file)
      server.clearLog()
      let remote = try await RemoteMapBuffer(url: url, configuration: testConfiguration(cache: cache))
      #expect(await server.requests().count == 1)  // fetched again
      #expect(try await remote[500] == values[500])
      #expect(try Data(contentsOf: file) == good)  // and the entry rewritten whole
    }
  }

  @Test("Entries round-trip; several processes' worth of concurrent writers leave one whole entry")
  func concurrentWriters() async throws {
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cache = RemoteIndexCache(directory: folder)
    let entries = (0..<16).map {
      RemoteIndexCache.Entry(
        identity: .init(size: 1 << 20, etag: "\"v\($0)\""), prefix: Data(repeating: UInt8($0), count: 50_000))
    }
    await withTaskGroup(of: Void.self) { group in
      for entry in entries {
        group.addTask { #expect(cache.store(entry, forKey: "shared")) }
      }
    }
    let survivor = try #require(cache.entry(forKey: "shared", maximumIndexByteCount: 1 << 20))
    #expect(entries.contains(survivor))
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 1)  // no temporary file left
    try cache.removeAll()
    #expect(cache.entry(forKey: "shared", maximumIndexByteCount: 1 << 20) == nil)
  }
}

#endif
