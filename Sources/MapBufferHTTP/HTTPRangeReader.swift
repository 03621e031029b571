// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import AsyncHTTPClient
import Foundation
import MapBuffer
import NIOCore
import NIOHTTP1
import Synchronization

/// Reads byte ranges of one object with HTTP `GET` and `Range`, checking every answer.
///
/// Each answer must be `206 Partial Content` with a `Content-Range` for exactly the bytes asked
/// for (or, when `allowsShorter`, for the start of them up to the object's end) and a body of that
/// length. A reader that knows the object's identity sends `If-Match` with a strong ETag and
/// compares the size and ETag of each answer, so that bytes of two versions never mix. Failures
/// that another attempt may cure are retried as the ``RetryPolicy`` says.
struct HTTPRangeReader: Sendable {
  let client: HTTPClient
  let url: URL
  let configuration: RemoteMapBuffer.Configuration
  let counters: RequestCounters

  /// The URL for messages, without its query.
  var displayURL: String { url.redactedForDisplay }

  /// The bytes of one range and what identifies the object they came from.
  struct Response: Sendable {
    /// The body: the bytes of `range`.
    var body: ReceivedBody
    /// The bytes the body holds.
    var range: Range<Int>
    /// The object's size and ETag, as this answer gave them.
    var identity: ObjectIdentity
  }

  /// How many times one read is sent again, at once and without using up an attempt, when its
  /// connection closed before any byte of the answer: the server closed a keep-alive connection
  /// (after an error status, after its request limit, when idle) as the request was sent on it.
  /// As many as the default client keeps connections to one host, each of which may be such a
  /// connection; a server that closes every connection unanswered then fails attempts as usual.
  static let maximumUnansweredResends = 16

  /// The most redirects one read follows, as browsers and AsyncHTTPClient's default do at most.
  static let maximumRedirects = 5

  /// Reads `range`. With `allowsShorter`, an object that ends inside the range gives its bytes up
  /// to the end (the speculative first read of a map); otherwise the whole range must arrive.
  /// With `destination`, a `206` body is received into that buffer at that offset (which must
  /// have room for the range) rather than into one of its own.
  func read(
    _ range: Range<Int>, expecting identity: ObjectIdentity?, allowsShorter: Bool = false,
    into destination: (buffer: ReceiveBuffer, offset: Int)? = nil
  ) async throws -> Response {
    precondition(!range.isEmpty, "an HTTP range cannot be empty")
    let policy = configuration.retryPolicy
    var attempt = 1
    var resends = 0
    var target = url
    var visited: Set<String> = [url.absoluteString]
    while true {
      let outcome: AttemptOutcome
      do {
        outcome = try await sendOnce(
          range, to: target, expecting: identity, allowsShorter: allowsShorter, into: destination)
      } catch let error as RemoteMapBufferError {
        throw error
      } catch  where error is CancellationError || Task.isCancelled {
        // The caller's task was cancelled (the client then fails the request as `cancelled`).
        throw CancellationError()
      } catch is Unanswered where resends < Self.maximumUnansweredResends {
        // Not a failure of the server's: the request never reached it. Again, on a new connection.
        resends += 1
        counters.retries.add(1, ordering: .relaxed)
        continue
      } catch let unanswered as Unanswered {
        outcome = .retryable(.connection(String(describing: unanswered.error)))
      } catch let error as HTTPClientError
        where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
      {
        outcome = .retryable(.timeout)
      } catch  where Self.isPermanent(error) {
        // Another attempt would fail alike: a bad URL, a TLS failure.
        throw RemoteMapBufferError.connectionFailed(
          url: displayURL, attempts: attempt, reason: String(describing: error))
      } catch {
        outcome = .retryable(.connection(String(describing: error)))
      }
      switch outcome {
      case .success(let response):
        return response
      case .redirect(let next):
        guard visited.count <= Self.maximumRedirects, visited.insert(next.absoluteString).inserted else {
          throw RemoteMapBufferError.connectionFailed(
            url: displayURL, attempts: attempt,
            reason: "a redirect loop, or more than \(Self.maximumRedirects) redirects")
        }
        target = next
      case .retryable(let failure):
        guard attempt < policy.maximumAttempts else {
          throw failure.error(url: displayURL, range: range, attempts: attempt)
        }
        counters.retries.add(1, ordering: .relaxed)
        try await Task.sleep(for: policy.delay(afterAttempt: attempt))
        attempt += 1
        // Each attempt starts from the object's own URL, as the first did.
        target = url
        visited = [url.absoluteString]
      }
    }
  }

  /// What one request came to: bytes, a redirect to follow, or a failure worth another attempt.
  private enum AttemptOutcome: Sendable {
    case success(Response)
    case redirect(URL)
    case retryable(RetryableFailure)
  }

  /// A request whose connection failed before any byte of its answer arrived.
  struct Unanswered: Error {
    /// The client's error.
    var error: any Error
  }

  /// Headers the reader sets itself, which ``RemoteMapBuffer/Configuration/headers`` cannot replace.
  static let reservedHeaderNames: Set<String> = ["range", "if-match", "accept-encoding", "host"]

  /// Whether `error`, thrown by the client, would recur on another attempt.
  static func isPermanent(_ error: any Error) -> Bool {
    if let error = error as? HTTPClientError {
      let transient: [HTTPClientError] = [
        .remoteConnectionClosed, .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded,
        .getConnectionFromPoolTimeout, .cancelled,
      ]
      return !transient.contains(error)
    }
    // TLS failures (an untrusted certificate, a bad handshake) come from NIOSSL.
    return String(reflecting: type(of: error)).hasPrefix("NIOSSL.")
  }

  /// Whether `error`, thrown by the client, means the connection closed or was reset under the request.
  static func isClosedConnection(_ error: any Error) -> Bool {
    if let error = error as? HTTPClientError { return error == .remoteConnectionClosed }
    if let error = error as? IOError { return error.errnoCode == ECONNRESET || error.errnoCode == EPIPE }
    if let error = error as? ChannelError {
      switch error {
      case .ioOnClosedChannel, .eof, .outputClosed, .alreadyClosed: return true
      default: return false
      }
    }
    return false
  }

  /// A failure that another attempt may cure.
  private enum RetryableFailure: Sendable {
    case status(Int)
    case timeout
    case connection(String)

    func error(url: String, range: Range<Int>, attempts: Int) -> RemoteMapBufferError {
      switch self {
      case .status(let status): .serverError(url: url, status: status, attempts: attempts)
      case .timeout: .timedOut(url: url, range: range, attempts: attempts)
      case .connection(let reason): .connectionFailed(url: url, attempts: attempts, reason: reason)
      }
    }
  }

  /// The headers of a request for `range` to `target`. The configured headers go only to the
  /// object's own origin: a redirect to another host, port or scheme does not carry them.
  private func headers(for range: Range<Int>, to target: URL, expecting identity: ObjectIdentity?) -> HTTPHeaders {
    var headers = HTTPHeaders()
    headers.add(name: "Range", value: "bytes=\(range.lowerBound)-\(range.upperBound - 1)")
    // The bytes as stored: a content encoding would change what the offsets mean.
    headers.add(name: "Accept-Encoding", value: "identity")
    if let identity, identity.hasStrongETag, let etag = identity.etag {
      headers.add(name: "If-Match", value: etag)
    }
    if target == url || target.hasSameOrigin(as: url) {
      for header in configuration.headers where !Self.reservedHeaderNames.contains(header.name.lowercased()) {
        headers.add(name: header.name, value: header.value)
      }
    }
    return headers
  }

  /// Sends one request to `target` and checks its answer. The deadline,
  /// ``RemoteMapBuffer/Configuration/requestTimeout`` from now, covers the whole answer.
  private func sendOnce(
    _ range: Range<Int>, to target: URL, expecting identity: ObjectIdentity?, allowsShorter: Bool,
    into destination: (buffer: ReceiveBuffer, offset: Int)?
  ) async throws -> AttemptOutcome {
    let requestHeaders = headers(for: range, to: target, expecting: identity)
    let collector = RangeAnswerCollector(
      limit: range.count, acceptsWholeObject: allowsShorter && range.lowerBound == 0, into: destination)
    let deadline = NIODeadline.now() + .nanoseconds(configuration.requestTimeout.nanoseconds)
    counters.requests.add(1, ordering: .relaxed)
    counters.begin()
    defer { counters.end() }
    let answer: RangeAnswerCollector.Answer
    do {
      if let origin = plainOrigin(of: target),
        let plain = try await PlainHTTPConnectionPool.shared.execute(
          Self.requestHead(for: target, origin: origin, headers: requestHeaders), to: origin, collector: collector,
          deadline: deadline)
      {
        answer = plain
      } else {
        // `https`, a client of the caller's own, or every lean connection to the origin busy.
        answer = try await sendThroughClient(
          to: target, headers: requestHeaders, collector: collector, deadline: deadline)
      }
    } catch RangeAnswerCollector.Refusal.wholeObject(let length) {
      throw RemoteMapBufferError.rangeIgnored(url: displayURL, status: 200, contentLength: length)
    } catch RangeAnswerCollector.Refusal.bodyTooLong {
      // More bytes than the range holds: the body cannot be the bytes asked for.
      throw RemoteMapBufferError.invalidContentRange(url: displayURL, requested: range, header: nil)
    }
    let status = answer.status
    let contentRangeHeader = answer.contentRange
    let etag = answer.etag
    switch status {
    case 206:
      break
    case 200:
      // The whole object, no larger than what was asked for (the delegate refused anything else):
      // as good as the range. An empty object is answered so even by servers that honour ranges.
      let body = answer.body
      counters.bytesReceived.add(body.count, ordering: .relaxed)
      let length = answer.contentLength ?? body.count
      guard body.count == length else {
        throw RemoteMapBufferError.shortBody(url: displayURL, range: 0..<length, received: body.count)
      }
      return .success(Response(body: body, range: 0..<length, identity: ObjectIdentity(size: length, etag: etag)))
    case 301, 302, 303, 307, 308:
      // Followed here rather than by the client, so that the configured headers stay with the object's origin.
      guard let location = answer.location, let next = URL(string: location, relativeTo: target)?.absoluteURL else {
        throw RemoteMapBufferError.unexpectedStatus(url: displayURL, status: status)
      }
      guard let scheme = next.scheme?.lowercased(), scheme == "http" || scheme == "https", next.host != nil else {
        throw RemoteMapBufferError.unsupportedURL(next.redactedForDisplay)
      }
      return .redirect(next)
    case 404, 410:
      throw RemoteMapBufferError.notFound(url: displayURL)
    case 401, 403:
      throw RemoteMapBufferError.accessDenied(url: displayURL, status: status)
    case 412:
      throw RemoteMapBufferError.objectChanged(
        url: displayURL, expected: identity ?? ObjectIdentity(size: 0, etag: nil), found: nil)
    case 416:
      let size = contentRangeHeader.flatMap(ContentRange.init)?.totalSize
      if let identity, let size, size != identity.size {
        throw RemoteMapBufferError.objectChanged(
          url: displayURL, expected: identity, found: ObjectIdentity(size: size, etag: etag))
      }
      throw RemoteMapBufferError.rangeNotSatisfiable(url: displayURL, range: range, objectSize: size)
    case 408, 429, 500...599:
      return .retryable(.status(status))
    default:
      throw RemoteMapBufferError.unexpectedStatus(url: displayURL, status: status)
    }

    guard let contentRange = contentRangeHeader.flatMap(ContentRange.init), let received = contentRange.range,
      let totalSize = contentRange.totalSize
    else {
      throw RemoteMapBufferError.invalidContentRange(url: displayURL, requested: range, header: contentRangeHeader)
    }
    let found = ObjectIdentity(size: totalSize, etag: etag)
    if let identity, identity.isContradicted(by: found) {
      throw RemoteMapBufferError.objectChanged(url: displayURL, expected: identity, found: found)
    }
    let expectedEnd = allowsShorter ? min(range.upperBound, totalSize) : range.upperBound
    guard received.lowerBound == range.lowerBound, received.upperBound == expectedEnd else {
      if received.lowerBound == range.lowerBound, received.upperBound == totalSize, totalSize < range.upperBound {
        // The object ends inside the range: its bytes are all there are.
        throw RemoteMapBufferError.shortBody(url: displayURL, range: range, received: received.count)
      }
      throw RemoteMapBufferError.invalidContentRange(url: displayURL, requested: range, header: contentRangeHeader)
    }
    let body = answer.body
    counters.bytesReceived.add(body.count, ordering: .relaxed)
    guard body.count == received.count else {
      throw RemoteMapBufferError.shortBody(url: displayURL, range: range, received: body.count)
    }
    return .success(Response(body: body, range: received, identity: found))
  }

  /// The origin of `target` when it goes through the lean transport: an `http` URL read with
  /// the default client (whose settings the lean transport shares). `https`, and clients of the
  /// caller's own, go through AsyncHTTPClient.
  private func plainOrigin(of target: URL) -> PlainHTTPConnectionPool.Origin? {
    guard client === RemoteMapBuffer.defaultHTTPClient, target.scheme?.lowercased() == "http",
      let named = target.host, !named.isEmpty
    else { return nil }
    // An IPv6 address without its brackets, which only the URL and the Host header have.
    let host = named.hasPrefix("[") && named.hasSuffix("]") ? String(named.dropFirst().dropLast()) : named
    return PlainHTTPConnectionPool.Origin(host: host, port: target.port ?? 80)
  }

  /// The head of a `GET` for `target` with `headers`, and its `Host`.
  static func requestHead(for target: URL, origin: PlainHTTPConnectionPool.Origin, headers: HTTPHeaders)
    -> HTTPRequestHead
  {
    let components = URLComponents(url: target, resolvingAgainstBaseURL: false)
    var uri = components?.percentEncodedPath ?? target.path
    if uri.isEmpty { uri = "/" }
    if let query = components?.percentEncodedQuery { uri += "?" + query }
    var all = HTTPHeaders()
    let host = origin.host.contains(":") ? "[\(origin.host)]" : origin.host
    all.add(name: "Host", value: target.port == nil ? host : "\(host):\(origin.port)")
    all.add(contentsOf: headers)
    return HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: all)
  }

  /// Sends one request through the client (`https`, or a client of the caller's own).
  private func sendThroughClient(
    to target: URL, headers: HTTPHeaders, collector: RangeAnswerCollector, deadline: NIODeadline
  ) async throws -> RangeAnswerCollector.Answer {
    let request = try HTTPClient.Request(url: target, method: .GET, headers: headers)
    let delegate = RangeResponseDelegate(collector: collector)
    let task = client.execute(request: request, delegate: delegate, deadline: deadline)
    do {
      try await withTaskCancellationHandler {
        try await task.futureResult.get()
      } onCancel: {
        task.cancel()
      }
      return try delegate.takeAnswer()
    } catch
      where !(error is CancellationError) && !(error is RangeAnswerCollector.Refusal)
      && !delegate.hasReceivedHead && Self.isClosedConnection(error)
    {
      throw Unanswered(error: error)
    }
  }
}

extension HTTPRangeReader {
  /// Fetches `count` ranges, the `index`th being `range(index)` (each non-empty), at most
  /// ``RemoteMapBuffer/Configuration/maximumConcurrentRequests`` at once, and calls `body` with
  /// each range's index and bytes as they arrive. Ranges are made one at a time, as they are sent.
  func forEachRange(
    count: Int, range: @escaping @Sendable (Int) -> Range<Int>, expecting identity: ObjectIdentity,
    _ body: @escaping @Sendable (Int, ReceivedBody) throws -> Void
  ) async throws {
    let width = max(1, configuration.maximumConcurrentRequests)
    try await withThrowingTaskGroup(of: Void.self) { group in
      var next = 0
      var inFlight = 0
      while next < count || inFlight > 0 {
        while next < count, inFlight < width {
          let index = next
          next += 1
          inFlight += 1
          group.addTask {
            let response = try await read(range(index), expecting: identity)
            try body(index, response.body)
          }
        }
        try await group.next()
        inFlight -= 1
      }
    }
  }

  /// Writes the bytes of `range` at their own offsets in `output`, in ranges of
  /// ``RemoteMapBuffer/Configuration/maximumCoalescedByteCount`` bytes fetched concurrently.
  func copy(_ range: Range<Int>, expecting identity: ObjectIdentity, to output: AtomicFile.Output) async throws {
    guard !range.isEmpty else { return }
    let chunk = max(1, configuration.maximumCoalescedByteCount)
    let (quotient, remainder) = range.count.quotientAndRemainder(dividingBy: chunk)
    let start = range.lowerBound
    let end = range.upperBound
    try await forEachRange(
      count: quotient + (remainder > 0 ? 1 : 0),
      range: { index in
        let lower = start + index * chunk
        return lower..<(end - lower > chunk ? lower + chunk : end)
      },
      expecting: identity
    ) { index, body in
      try body.withUnsafeBytes { try output.write($0, at: start + index * chunk) }
    }
  }
}

/// Counts of what a remote map asked of the network, shared by every copy of its reader.
final class RequestCounters: Sendable {
  let requests = Atomic<Int>(0)
  let retries = Atomic<Int>(0)
  let bytesReceived = Atomic<Int>(0)
  let inFlight = Atomic<Int>(0)
  let peakInFlight = Atomic<Int>(0)

  /// Notes a request sent, and the most in flight at once.
  func begin() {
    let now = inFlight.add(1, ordering: .relaxed).newValue
    var peak = peakInFlight.load(ordering: .relaxed)
    while now > peak {
      let (exchanged, original) = peakInFlight.compareExchange(expected: peak, desired: now, ordering: .relaxed)
      if exchanged { break }
      peak = original
    }
  }

  /// Notes a request finished.
  func end() {
    inFlight.subtract(1, ordering: .relaxed)
  }
}

extension Duration {
  /// The duration in whole nanoseconds, saturating.
  var nanoseconds: Int64 {
    let (seconds, attoseconds) = components
    let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    guard !overflow else { return seconds < 0 ? .min : .max }
    let (sum, sumOverflow) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
    return sumOverflow ? (seconds < 0 ? .min : .max) : sum
  }
}

#endif
