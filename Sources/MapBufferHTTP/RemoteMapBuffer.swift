// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import AsyncHTTPClient
import Foundation
import MapBuffer
import NIOConcurrencyHelpers
import Synchronization

/// A MapBuffer read over HTTP(S) range requests: the header and index once, then one request per item.
///
/// Opening fetches the header and index (one speculative request of
/// ``Configuration/initialFetchByteCount`` bytes covers both for maps of up to 4,095 keys; a larger
/// index costs one more), or takes them from a ``RemoteIndexCache`` without any request. A lookup
/// then searches the index in memory with the same reader as a local file and fetches its one
/// item with one range request, verified (CRC-32C) and decoded as a local item is; an item that
/// lies inside bytes already fetched costs nothing.
///
/// ```swift
/// let cells = try await RemoteMapBuffer(url: URL(string: "https://example.org/cells.mb")!)
/// let value = try await cells[2848]                       // Data?, one request
/// let some = try await cells.values(forKeys: [1, 2, 3])   // coalesced, concurrent requests
/// let skeletons = RemoteTypedMapBuffer<Skeleton>(cells)
/// let skeleton = try await skeletons[label]
/// ```
///
/// Any server that honours `Range` works: S3, GCS and Azure (public or presigned URLs), nginx,
/// Apache. Every answer is checked: its status, its `Content-Range`, its length, and the object's
/// ETag and size, so that bytes of two versions of an object never mix (see ``RemoteMapBufferError``).
///
/// A `RemoteMapBuffer` is `Sendable`; any number of tasks can read through one at once.
public final class RemoteMapBuffer: Sendable {
  /// The object's URL.
  public let url: URL
  /// How this map reads.
  public let configuration: Configuration
  let reader: HTTPRangeReader
  /// A pthread mutex (NIO's), which ThreadSanitizer understands; the standard library's `Mutex` it
  /// does not, and reports the accesses it guards as races.
  private let state: NIOLockedValueBox<State>

  /// The index lookups use now, and the fetch of a new one if one is under way.
  private struct State: Sendable {
    var snapshot: Snapshot
    var refresh: Task<Snapshot, any Error>?
  }

  /// The index a map reads with and where it came from.
  struct Snapshot: Sendable {
    /// The core reader over the fetched prefix; its size is the whole object's.
    var map: MapBuffer
    /// The object's first bytes: its header, its index, and whatever else the first request brought.
    var prefix: FetchedPrefix
    /// The object the index belongs to.
    var identity: ObjectIdentity
    /// Whether the index came from the cache and no answer has confirmed it yet.
    var isUnconfirmedCacheEntry: Bool
    /// 0 for the index read at opening, then one more for each re-read.
    var generation = 0
  }

  /// Opens the map at `url`: fetches its header and index, or takes them from the index cache.
  ///
  /// - Parameters:
  ///   - url: an `http` or `https` URL, such as a presigned S3 or GCS URL.
  ///   - configuration: request sizes, concurrency, time-outs, retries and the cache.
  ///   - client: the HTTP client to send requests with; ``defaultHTTPClient`` unless given.
  /// - Throws: ``RemoteMapBufferError`` when the object cannot be read, or the core library's
  ///   `MapBufferError` when its header or index is damaged.
  public init(
    url: URL, configuration: Configuration = Configuration(), client: HTTPClient = RemoteMapBuffer.defaultHTTPClient
  ) async throws {
    try Self.checkScheme(of: url)
    try configuration.checkHeaders(for: url)
    self.url = url
    self.configuration = configuration
    self.reader = HTTPRangeReader(client: client, url: url, configuration: configuration, counters: RequestCounters())
    let snapshot: Snapshot
    if let cached = Self.cachedSnapshot(url: url, configuration: configuration) {
      snapshot = cached
    } else {
      snapshot = try await Self.fetchSnapshot(reader: reader)
    }
    state = NIOLockedValueBox(State(snapshot: snapshot))
  }

  // MARK: What the map is

  /// The number of keys.
  public var count: Int { snapshot.map.count }

  /// Whether the map has no keys.
  public var isEmpty: Bool { count == 0 }

  /// The codec of every item.
  public var compression: MapBuffer.Compression { snapshot.map.compression }

  /// The format version: `MapBuffer.FormatVersion.version0` (no checksums) or
  /// `MapBuffer.FormatVersion.version1` (each item ends with its CRC-32C).
  public var formatVersion: MapBuffer.FormatVersion { snapshot.map.formatVersion }

  /// The object's size in bytes.
  public var byteCount: Int { snapshot.identity.size }

  /// The size of the index in bytes: 16 per key.
  public var indexByteCount: Int { snapshot.map.indexByteCount }

  /// The size of the data region (the stored items and their checksums) in bytes.
  public var dataByteCount: Int { snapshot.map.dataByteCount }

  /// The object's size and ETag, as read with the index.
  public var identity: ObjectIdentity { snapshot.identity }

  /// Every key in ascending order. Reads the index, which is in memory: no request.
  public var keys: MapBuffer.Keys { snapshot.map.keys }

  /// Whether the map has a value for `key`. Searches the index in memory: no request.
  public func contains(_ key: UInt64) throws -> Bool { try snapshot.map.contains(key) }

  /// The core reader over the header and index alone, for index-only work (the `mapbuffer`
  /// tool's `info`, `keys` and shallow `validate`); reading an item through it fails.
  @_spi(MapBufferTool) public var indexMap: MapBuffer { snapshot.map }

  /// What this map has asked of the network so far.
  public var statistics: RemoteReadStatistics {
    RemoteReadStatistics(
      requests: reader.counters.requests.load(ordering: .relaxed),
      retries: reader.counters.retries.load(ordering: .relaxed),
      bytesReceived: reader.counters.bytesReceived.load(ordering: .relaxed),
      peakConcurrentRequests: reader.counters.peakInFlight.load(ordering: .relaxed))
  }

  // MARK: Lookup

  /// The value stored for `key`, or `nil` if the map has no such key (then no request is made).
  ///
  /// One range request for the item, unless the item lies in bytes already fetched.
  ///
  /// - Throws: ``RemoteMapBufferError`` if the request fails, or `MapBufferError`
  ///   naming the key if the item is corrupt.
  public subscript(key: UInt64) -> Data? {
    get async throws {
      try await withCurrentSnapshot { snapshot in
        let map = snapshot.map
        guard let location = try map.location(of: key) else { return nil }
        let coding = map.itemCoding
        return try await withStoredBytes(of: location, key: key, in: snapshot) { stored, data in
          // Uncompressed: the value is the received bytes themselves, not a copy of them.
          guard coding.compression == .none else {
            return try coding.value(of: stored, key: key, position: location.position)
          }
          return data(try coding.payload(of: stored, key: key, position: location.position))
        }
      }
    }
  }

  /// The bytes stored for `key` as they are (not decompressed, checksum neither verified nor
  /// included), or `nil` if the map has no such key.
  public func storedBytes(forKey key: UInt64) async throws -> Data? {
    try await withCurrentSnapshot { snapshot in
      let map = snapshot.map
      guard let location = try map.location(of: key) else { return nil }
      let trailer = map.itemCoding.trailerByteCount
      guard location.range.count >= trailer else {
        throw MapBufferError.missingChecksum(key: key, position: location.position, storedSize: location.range.count)
      }
      return try await withStoredBytes(of: location, key: key, in: snapshot) { stored, data in
        data(UnsafeRawBufferPointer(rebasing: stored.prefix(stored.count - trailer)))
      }
    }
  }

  /// The values of `keys`, in their order (`nil` for a key the map lacks).
  ///
  /// The items are fetched with as few requests as they allow: items closer together than
  /// ``Configuration/coalescingGapByteCount`` share one request of at most
  /// ``Configuration/maximumCoalescedByteCount`` bytes, and up to
  /// ``Configuration/maximumConcurrentRequests`` requests run at once. A repeated key is fetched once.
  public func values(forKeys keys: some Sequence<UInt64>) async throws -> [Data?] {
    let keys = Array(keys)
    return try await withCurrentSnapshot { snapshot in
      let map = snapshot.map
      var wanted: [ItemLocation] = []
      var keyOfPosition: [Int: UInt64] = [:]
      var positions: [Int?] = []
      positions.reserveCapacity(keys.count)
      for key in keys {
        guard let location = try map.location(of: key) else {
          positions.append(nil)
          continue
        }
        positions.append(location.position)
        if keyOfPosition.updateValue(key, forKey: location.position) == nil { wanted.append(location) }
      }
      let coding = map.itemCoding
      let keyAt = keyOfPosition
      let decoded = try await forEachStoredItem(wanted, keys: keyAt, in: snapshot) { location, stored in
        try coding.value(of: stored, key: keyAt[location.position]!, position: location.position)
      }
      return positions.map { $0.flatMap { decoded[$0] } }
    }
  }

  // MARK: Whole-map operations

  /// Checks the map's structure (index only, no request) and, when `depth` is
  /// `MapBuffer.ValidationDepth.deep`, every item: fetched in coalesced, concurrent requests,
  /// each checksum verified and each item decoded. Nothing is kept.
  ///
  /// - Parameters:
  ///   - depth: how thoroughly to check; by default `.shallow`, which reads the index already
  ///     fetched and makes no request.
  ///   - progress: called after each item checked, with the count so far and the total;
  ///     from concurrent tasks, so counts can arrive out of order.
  public func validate(
    _ depth: MapBuffer.ValidationDepth = .shallow,
    progress: (@Sendable (_ checked: Int, _ total: Int) -> Void)? = nil
  ) async throws {
    try await withCurrentSnapshot { snapshot in
      try snapshot.map.validate(.shallow)
      guard depth == .deep else { return }
      let coding = snapshot.map.itemCoding
      let locations = try (0..<snapshot.map.count).map { try snapshot.map.entryLocation(at: $0) }
      let checked = Atomic<Int>(0)
      let total = locations.count
      let keys = Dictionary(uniqueKeysWithValues: locations.map { ($0.location.position, $0.key) })
      _ = try await forEachStoredItem(locations.map(\.location), keys: keys, in: snapshot, keepingResults: false) {
        location, stored in
        try coding.checkItem(stored, key: locations[location.position].key, position: location.position)
        let done = checked.add(1, ordering: .relaxed).newValue
        progress?(done, total)
        return Data()
      }
    }
  }

  /// Copies the whole object into the file at `destination`, atomically: in ranges of
  /// ``Configuration/maximumCoalescedByteCount`` bytes, up to ``Configuration/maximumConcurrentRequests``
  /// at once, each checked against the object's identity so that a change midway is an error
  /// rather than a mixed file. The file is then a local map like any other.
  public func download(to destination: URL) async throws {
    try await withCurrentSnapshot { snapshot in
      // Bytes from the cache are not written until an answer has confirmed them: fetch it all then.
      let prefix = snapshot.isUnconfirmedCacheEntry ? Data() : snapshot.prefix.bytes
      try await AtomicFile.write(to: destination) { output in
        try prefix.withUnsafeBytes { try output.write($0, at: 0) }
        try await reader.copy(prefix.count..<snapshot.identity.size, expecting: snapshot.identity, to: output)
      }
      if prefix.count < snapshot.identity.size { confirm(snapshot) }
    }
  }

  /// Copies the object at `url`, whatever it holds, into the file at `destination`, atomically:
  /// the first range tells its size and ETag, the rest is fetched as ``download(to:)`` fetches it.
  public static func download(
    from url: URL, to destination: URL, configuration: Configuration = Configuration(),
    client: HTTPClient = RemoteMapBuffer.defaultHTTPClient
  ) async throws {
    try Self.checkScheme(of: url)
    try configuration.checkHeaders(for: url)
    let reader = HTTPRangeReader(client: client, url: url, configuration: configuration, counters: RequestCounters())
    let chunk = max(1, configuration.maximumCoalescedByteCount)
    try await AtomicFile.write(to: destination) { output in
      let first = try await reader.read(0..<chunk, expecting: nil, allowsShorter: true)
      try first.body.withUnsafeBytes { try output.write($0, at: 0) }
      try await reader.copy(first.range.upperBound..<first.identity.size, expecting: first.identity, to: output)
    }
  }

  /// Throws unless `url` is an `http` or `https` URL with a host.
  private static func checkScheme(of url: URL) throws {
    guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
      throw RemoteMapBufferError.unsupportedURL(url.redactedForDisplay)
    }
  }

  // MARK: Snapshots

  /// The index lookups use now.
  var snapshot: Snapshot { state.withLockedValue { $0.snapshot } }

  /// Runs `body` with the current index. If the index came from the cache and the object has
  /// changed since, fetches the new index (once, however many tasks find out together), caches
  /// it, and runs `body` once more.
  private func withCurrentSnapshot<Result: Sendable>(
    _ body: (Snapshot) async throws -> Result
  ) async throws -> Result {
    let snapshot = self.snapshot
    do {
      return try await body(snapshot)
    } catch let error as RemoteMapBufferError where snapshot.isUnconfirmedCacheEntry {
      guard case .objectChanged = error else { throw error }
      return try await body(try await refreshed(replacing: snapshot, changed: error))
    }
  }

  /// Notes that an answer matched `snapshot`'s identity: a cached index is then as good as a
  /// fetched one, and a later change of the object is an error rather than a re-read.
  private func confirm(_ snapshot: Snapshot) {
    guard snapshot.isUnconfirmedCacheEntry else { return }
    state.withLockedValue {
      if $0.snapshot.generation == snapshot.generation { $0.snapshot.isUnconfirmedCacheEntry = false }
    }
  }

  /// The index that replaces `stale`: fetched by the first task to ask, awaited by the others.
  /// If `stale` was confirmed meanwhile (another answer matched it), the object changed after it
  /// was confirmed, and `changed` is thrown as it would be for a fetched index.
  private func refreshed(replacing stale: Snapshot, changed: RemoteMapBufferError) async throws -> Snapshot {
    let reader = self.reader
    let (task, current) = try state.withLockedValue { state -> (Task<Snapshot, any Error>?, Snapshot) in
      guard state.snapshot.generation == stale.generation else { return (nil, state.snapshot) }
      guard state.snapshot.isUnconfirmedCacheEntry else { throw changed }
      if let refresh = state.refresh { return (refresh, state.snapshot) }
      let refresh = Task {
        var fresh = try await Self.fetchSnapshot(reader: reader)
        fresh.generation = stale.generation + 1
        return fresh
      }
      state.refresh = refresh
      return (refresh, state.snapshot)
    }
    guard let task else { return current }
    do {
      let fresh = try await task.value
      state.withLockedValue { state in
        if state.snapshot.generation == stale.generation { state.snapshot = fresh }
        if state.refresh == task { state.refresh = nil }
      }
      return fresh
    } catch {
      state.withLockedValue { if $0.refresh == task { $0.refresh = nil } }
      throw error
    }
  }

  /// The index from the cache, if the configuration has one and it holds a sound entry for `url`.
  private static func cachedSnapshot(url: URL, configuration: Configuration) -> Snapshot? {
    guard let cache = configuration.indexCache,
      let entry = cache.entry(
        forKey: configuration.cacheIdentity.key(for: url), maximumIndexByteCount: configuration.maximumIndexByteCount),
      cache.accepts(entry.identity)
    else { return nil }
    guard
      var snapshot = try? makeSnapshot(prefix: entry.prefix, identity: entry.identity, configuration: configuration),
      snapshot.map.indexByteCount <= configuration.maximumIndexByteCount
    else { return nil }
    snapshot.isUnconfirmedCacheEntry = true
    return snapshot
  }

  /// Fetches the header and index (one request, or two for an index past the first request's
  /// bytes) and stores them in the cache, if there is one and the object has a strong ETag.
  private static func fetchSnapshot(reader: HTTPRangeReader) async throws -> Snapshot {
    let configuration = reader.configuration
    let first: HTTPRangeReader.Response
    do {
      first = try await reader.read(
        0..<max(16, configuration.initialFetchByteCount), expecting: nil, allowsShorter: true)
    } catch let error as RemoteMapBufferError
      where error.code == .rangeNotSatisfiable && (error.objectSize ?? .max) < 16
    {
      throw MapBufferError.truncatedHeader(byteCount: error.objectSize ?? 0, required: 16)
    }
    let identity = first.identity
    guard first.body.count >= 16 else {
      throw MapBufferError.truncatedHeader(byteCount: identity.size, required: 16)
    }
    // The checks opening a map makes, before the index's size is trusted for a request.
    let header = try first.body.withUnsafeBytes { try MapBufferHeader(parsing: $0) }
    try header.checkIndexFits(sourceSize: identity.size)
    let indexEnd = header.dataStart
    guard header.indexRange.count <= configuration.maximumIndexByteCount else {
      throw RemoteMapBufferError.indexTooLarge(
        url: reader.displayURL, byteCount: header.indexRange.count, limit: configuration.maximumIndexByteCount)
    }
    let prefix: Data
    if indexEnd > first.body.count {
      // One buffer of the index's end, the rest of the index received into it in place: a large
      // index is held once, never also in a buffer of its own or a copy.
      let buffer = ReceiveBuffer(capacity: indexEnd)
      first.body.withUnsafeBytes { buffer.write($0, at: 0) }
      _ = try await reader.read(first.body.count..<indexEnd, expecting: identity, into: (buffer, first.body.count))
      prefix = buffer.data(in: 0..<indexEnd)
    } else {
      prefix = first.body.data
    }
    let snapshot = try makeSnapshot(prefix: prefix, identity: identity, configuration: configuration)
    if let cache = configuration.indexCache, cache.accepts(identity) {
      // With a strong ETag only, unless the cache trusts sizes: a size alone cannot tell two versions apart.
      cache.store(
        RemoteIndexCache.Entry(identity: identity, prefix: prefix.prefix(indexEnd)),
        forKey: configuration.cacheIdentity.key(for: reader.url))
    }
    return snapshot
  }

  /// A snapshot over `prefix`, after the core reader has checked its header and that the object holds the index.
  private static func makeSnapshot(prefix: Data, identity: ObjectIdentity, configuration: Configuration) throws
    -> Snapshot
  {
    let source = FetchedPrefix(bytes: prefix, objectSize: identity.size)
    var map = try MapBuffer(source: source)
    map.verifiesChecksums = configuration.verifiesChecksums
    map.maximumDecodedItemSize = configuration.maximumDecodedItemSize
    guard prefix.count >= 16 + map.indexByteCount else {
      throw MapBufferError.truncatedHeader(byteCount: prefix.count, required: 16 + map.indexByteCount)
    }
    return Snapshot(map: map, prefix: source, identity: identity, isUnconfirmedCacheEntry: false)
  }

  // MARK: Fetching items

  /// Throws unless the item at `location` is within ``Configuration/maximumItemByteCount``.
  private func checkSize(of location: ItemLocation, key: UInt64) throws {
    guard location.range.count <= configuration.maximumItemByteCount else {
      throw RemoteMapBufferError.itemTooLarge(
        url: reader.displayURL, key: key, byteCount: location.range.count, limit: configuration.maximumItemByteCount)
    }
  }

  /// Whether the item at `location` lies in bytes already fetched (or has no bytes).
  private func isFetched(_ location: ItemLocation, in snapshot: Snapshot) -> Bool {
    location.range.isEmpty || location.range.upperBound <= snapshot.prefix.bytes.count
  }

  /// Calls `body` with the stored bytes of the item at `location`, whose key is `key`: from the
  /// prefix when it lies there, else from one range request. `body`'s second argument makes
  /// `Data` of bytes within the stored ones: received bytes are referred to, not copied.
  func withStoredBytes<Result>(
    of location: ItemLocation, key: UInt64, in snapshot: Snapshot,
    _ body: (UnsafeRawBufferPointer, _ data: (UnsafeRawBufferPointer) -> Data) throws -> Result
  ) async throws -> Result {
    if isFetched(location, in: snapshot) {
      return try snapshot.prefix.withUnsafeBytes(in: location.range.isEmpty ? 0..<0 : location.range) {
        try body($0) { Data($0) }
      }
    }
    try checkSize(of: location, key: key)
    let response = try await reader.read(location.range, expecting: snapshot.identity)
    confirm(snapshot)
    let received = response.body
    return try received.withUnsafeBytes { try body($0) { received.buffer.data(of: $0) } }
  }

  /// Runs `transform` on the stored bytes of every item in `locations` (distinct positions,
  /// `keys` giving each position's key), fetched in coalesced ranges with bounded concurrency;
  /// returns the results by index position.
  func forEachStoredItem(
    _ locations: [ItemLocation], keys: [Int: UInt64], in snapshot: Snapshot, keepingResults: Bool = true,
    _ transform: @escaping @Sendable (ItemLocation, UnsafeRawBufferPointer) throws -> Data
  ) async throws -> [Int: Data] {
    var results: [Int: Data] = [:]
    var remote: [ItemLocation] = []
    for location in locations {
      if isFetched(location, in: snapshot) {
        let value = try snapshot.prefix.withUnsafeBytes(in: location.range.isEmpty ? 0..<0 : location.range) {
          try transform(location, $0)
        }
        if keepingResults { results[location.position] = value }
      } else {
        try checkSize(of: location, key: keys[location.position] ?? 0)
        remote.append(location)
      }
    }
    let groups = RangeCoalescing.groups(
      of: remote, gap: configuration.coalescingGapByteCount, maximumLength: configuration.maximumCoalescedByteCount)
    let collected = NIOLockedValueBox<[Int: Data]>([:])
    try await reader.forEachRange(count: groups.count, range: { groups[$0].range }, expecting: snapshot.identity) {
      index, body in
      let group = groups[index]
      var values: [(Int, Data)] = []
      try body.withUnsafeBytes { bytes in
        for location in group.members {
          let start = location.range.lowerBound - group.range.lowerBound
          let stored = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + location.range.count)])
          let value = try transform(location, stored)
          if keepingResults { values.append((location.position, value)) }
        }
      }
      if keepingResults {
        collected.withLockedValue { for (position, value) in values { $0[position] = value } }
      }
    }
    if !groups.isEmpty { confirm(snapshot) }
    return results.merging(collected.withLockedValue { $0 }) { first, _ in first }
  }
}

/// What a ``RemoteMapBuffer`` has asked of the network.
public struct RemoteReadStatistics: Sendable, Equatable {
  /// Requests sent, retries included.
  public var requests: Int
  /// Requests sent again after a failure.
  public var retries: Int
  /// Body bytes received.
  public var bytesReceived: Int
  /// The most requests that were in flight at once.
  public var peakConcurrentRequests: Int
}

#endif
