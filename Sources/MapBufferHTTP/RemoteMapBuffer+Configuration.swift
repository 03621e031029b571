// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import AsyncHTTPClient
import Foundation
import MapBuffer

extension RemoteMapBuffer {
  /// How a remote map reads: request sizes, concurrency, time-outs, retries and the index cache.
  public struct Configuration: Sendable {
    /// How many bytes the first request asks for: enough to cover the header and the index of a
    /// small map (64 KiB covers 4,095 keys) in one round trip. A larger index costs one more request.
    public var initialFetchByteCount = 64 << 10
    /// The largest index a reader accepts (16 bytes a key), so that a damaged or hostile header
    /// cannot make it allocate without bound. 1 GiB by default.
    public var maximumIndexByteCount = 1 << 30
    /// The largest stored item a lookup fetches, so that a damaged or hostile index cannot make
    /// it receive without bound. 1 GiB by default.
    public var maximumItemByteCount = 1 << 30
    /// The most requests one batch get (or validation, or download) runs at once.
    public var maximumConcurrentRequests = 8
    /// Items closer than this many bytes are fetched by one request in a batch get, the bytes
    /// between them read and dropped. 256 KiB by default: less than a round trip's worth of transfer.
    public var coalescingGapByteCount = 256 << 10
    /// The largest range one coalesced request may cover. 8 MiB by default.
    public var maximumCoalescedByteCount = 8 << 20
    /// How long one attempt of one request may take, from sending it to its last byte.
    public var requestTimeout: Duration = .seconds(30)
    /// When and how failed requests are tried again.
    public var retryPolicy = RetryPolicy()
    /// Where indexes are kept between runs, or `nil` to fetch the index on every open.
    public var indexCache: RemoteIndexCache?
    /// What names the object in the index cache.
    public var cacheIdentity: CacheIdentity = .url
    /// Headers sent with every request to the object's origin, such as `Authorization: Bearer …`
    /// for a private bucket. `Range`, `If-Match`, `Accept-Encoding` and `Host` are the reader's own
    /// and are not replaced. A redirect to another origin (scheme, host or port) is followed
    /// without them, so that a credential never reaches a host it was not meant for; this needs
    /// a client that leaves redirects to the reader, as ``RemoteMapBuffer/defaultHTTPClient`` does.
    public var headers: [(name: String, value: String)] = []
    /// Whether lookups verify each item's CRC-32C (format version 1). On by default.
    public var verifiesChecksums = true
    /// The largest number of bytes one compressed item may decode to.
    public var maximumDecodedItemSize = MapBuffer.defaultMaximumDecodedItemSize

    /// The defaults: 64 KiB first request, 8 concurrent requests, 30 s time-out, 4 attempts, no cache.
    public init() {}
  }

  /// What names an object in the ``RemoteIndexCache``.
  ///
  /// A cached index is used only while the object's ETag (or, without one, its size) is the same;
  /// the identity says which cache entry to look at.
  public enum CacheIdentity: Sendable, Hashable {
    /// The whole URL.
    case url
    /// The URL without its query: for presigned URLs, whose query (the signature) changes each
    /// time one is made for the same object.
    case urlIgnoringQuery
    /// A name of the caller's choosing, such as `s3://bucket/key`.
    case custom(String)

    /// The cache key for `url`.
    func key(for url: URL) -> String {
      switch self {
      case .url:
        return url.absoluteString
      case .urlIgnoringQuery:
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else {
          return url.absoluteString
        }
        components.query = nil
        components.fragment = nil
        return components.string ?? url.absoluteString
      case .custom(let name):
        return name
      }
    }
  }
}

extension RemoteMapBuffer {
  /// The HTTP client a remote map uses unless given one: shared by every map, never shut down.
  ///
  /// Unlike `HTTPClient.shared` it leaves retries to the map's ``RetryPolicy`` (a refused connection
  /// fails at once instead of being retried until the deadline), never decompresses (a range is of
  /// the stored bytes), leaves redirects to the reader (which follows at most 5, and sends
  /// ``Configuration/headers`` only to the object's own origin), gives up connecting after 10 s,
  /// and keeps up to 16 connections per host.
  ///
  /// A map reading with this client sends its plain `http` requests on SwiftNIO directly, over
  /// keep-alive connections kept per origin and shared by every map (up to 16 to one origin; a
  /// request that finds them all busy goes through this client's pool; a connection idle for 60 s
  /// is closed, as this client's pool closes its own), with the same settings and checks: a
  /// request through AsyncHTTPClient's pool costs more of the reader's own time than the request
  /// itself on a fast network. `https` requests, and every request of a map given a client of its
  /// own (a proxy, other TLS settings), go through AsyncHTTPClient.
  ///
  /// A client of your own should also have `redirectConfiguration = .disallow`: one that follows
  /// redirects itself sends every header but `Authorization`, `Cookie` and `Proxy-Authorization`
  /// to whatever host a redirect names.
  public static let defaultHTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.redirectConfiguration = .disallow
    configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10))
    configuration.decompression = .disabled
    configuration.connectionPool.retryConnectionEstablishment = false
    configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
  }()
}

extension RemoteMapBuffer.Configuration {
  /// The characters of an HTTP token (RFC 9110, 5.6.2), which a header name must consist of.
  private static let tokenCharacters = Set(
    "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

  /// Throws ``RemoteMapBufferError`` with code `invalidHeader` for a configured header that cannot
  /// be sent as it is: checked once, before any request, so that it fails at once rather than on
  /// every attempt, and so that no line break in a value can reach the connection.
  func checkHeaders(for url: URL) throws {
    for (name, value) in headers {
      let validName = !name.utf8.isEmpty && name.utf8.allSatisfy { Self.tokenCharacters.contains($0) }
      let validValue = !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
      guard validName && validValue else {
        throw RemoteMapBufferError.invalidHeader(url: url.redactedForDisplay, name: name)
      }
    }
  }
}

#endif
