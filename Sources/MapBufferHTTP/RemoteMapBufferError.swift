// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import Foundation
import MapBuffer

/// Why a remote read failed: what the server answered, or what never arrived.
///
/// Every case names the object by its URL with the query string left out (a presigned URL's
/// query holds its signature, which must not reach logs), and, where one was asked for, the byte
/// range. Damaged map bytes are not these errors: they are the core library's `MapBufferError`,
/// exactly as for a local file.
///
/// A struct with a ``code`` that may gain new values in later versions, so that handling it never
/// breaks when a kind of failure is added (the policy of every error of the package; see
/// `MapBufferError`): compare ``code`` with `==`, or match it in a `catch`, and read the context
/// from ``url``, ``status``, ``range`` and the other properties.
public struct RemoteMapBufferError: MapBufferCodedError, Sendable, Equatable, CustomStringConvertible {
  /// The kind of a ``RemoteMapBufferError``. New codes may be added in later versions.
  public typealias Code = MapBufferErrorCode<RemoteMapBufferError>

  /// What went wrong, with its context. Not public, so that cases can be added.
  package enum Reason: Sendable, Equatable, CustomStringConvertible {
    /// The URL is not an `http` or `https` URL.
    case unsupportedURL(String)
    /// The server has no such object (404, or 410).
    case notFound(url: String)
    /// The server refused access (401 or 403): a missing credential, or a presigned URL that expired.
    case accessDenied(url: String, status: Int)
    /// The server found the range outside the object (416); `objectSize` is what it reported, if it did.
    case rangeNotSatisfiable(url: String, range: Range<Int>, objectSize: Int?)
    /// The server ignored the `Range` header and answered with the whole object (status 200),
    /// which a range reader cannot use. Its body was not read.
    case rangeIgnored(url: String, status: Int, contentLength: Int?)
    /// The server sent fewer bytes than the range it promised.
    case shortBody(url: String, range: Range<Int>, received: Int)
    /// The server's `Content-Range` is missing, malformed, or for other bytes than those asked for.
    case invalidContentRange(url: String, requested: Range<Int>, header: String?)
    /// The object is not the one whose index this reader holds: its ETag or size changed (or the
    /// server answered 412 to `If-Match`). Open the map again to read the new object.
    case objectChanged(url: String, expected: ObjectIdentity, found: ObjectIdentity?)
    /// The map's index is larger than ``RemoteMapBuffer/Configuration/maximumIndexByteCount``.
    case indexTooLarge(url: String, byteCount: Int, limit: Int)
    /// The index places the item of `key` in more bytes than ``RemoteMapBuffer/Configuration/maximumItemByteCount``.
    case itemTooLarge(url: String, key: UInt64, byteCount: Int, limit: Int)
    /// The server kept failing (5xx, 408 or 429) through every attempt.
    case serverError(url: String, status: Int, attempts: Int)
    /// The server answered with a status a range read cannot use.
    case unexpectedStatus(url: String, status: Int)
    /// No complete answer arrived within ``RemoteMapBuffer/Configuration/requestTimeout``, on every attempt.
    case timedOut(url: String, range: Range<Int>, attempts: Int)
    /// The connection could not be made or broke, on every attempt; `reason` is the client's error.
    case connectionFailed(url: String, attempts: Int, reason: String)
    /// A configured header that cannot be sent: a name that is not an HTTP token, or a value
    /// holding a line break or a NUL (which could smuggle a header or a request into the stream).
    case invalidHeader(url: String, name: String)

    /// The code of this reason.
    package var code: Code {
      switch self {
      case .unsupportedURL: .unsupportedURL
      case .notFound: .notFound
      case .accessDenied: .accessDenied
      case .rangeNotSatisfiable: .rangeNotSatisfiable
      case .rangeIgnored: .rangeIgnored
      case .shortBody: .shortBody
      case .invalidContentRange: .invalidContentRange
      case .objectChanged: .objectChanged
      case .indexTooLarge: .indexTooLarge
      case .itemTooLarge: .itemTooLarge
      case .serverError: .serverError
      case .unexpectedStatus: .unexpectedStatus
      case .timedOut: .timedOut
      case .connectionFailed: .connectionFailed
      case .invalidHeader: .invalidHeader
      }
    }

    /// A one-line explanation.
    package var description: String {
      switch self {
      case let .unsupportedURL(url):
        "\(url) is not an http or https URL"
      case let .notFound(url):
        "\(url): no such object on the server (404)"
      case let .accessDenied(url, status):
        "\(url): access denied (\(status)); check the credentials, or whether a presigned URL has expired"
      case let .rangeNotSatisfiable(url, range, size):
        "\(url): bytes \(range.lowerBound)..<\(range.upperBound) lie outside the object (416"
          + (size.map { "; it has \($0) bytes)" } ?? ")")
      case let .rangeIgnored(url, status, length):
        "\(url): the server ignored the Range header and answered \(status) with the whole object"
          + (length.map { " (\($0) bytes)" } ?? "") + "; range reads need a server that supports them"
      case let .shortBody(url, range, received):
        "\(url): asked for bytes \(range.lowerBound)..<\(range.upperBound) (\(range.count)) but received \(received)"
      case let .invalidContentRange(url, requested, header):
        "\(url): for bytes \(requested.lowerBound)..<\(requested.upperBound) the server sent "
          + (header.map { "Content-Range '\($0)'" } ?? "no Content-Range")
      case let .objectChanged(url, expected, found):
        "\(url): the object changed since its index was read (expected \(expected)"
          + (found.map { ", found \($0))" } ?? ", the server answered 412 to If-Match)") + "; open it again"
      case let .indexTooLarge(url, byteCount, limit):
        "\(url): the index has \(byteCount) bytes, more than the limit of \(limit)"
      case let .itemTooLarge(url, key, byteCount, limit):
        "\(url): the item of key \(key) has \(byteCount) stored bytes, more than the limit of \(limit)"
      case let .serverError(url, status, attempts):
        "\(url): the server answered \(status) to each of \(attempts) attempt\(attempts == 1 ? "" : "s")"
      case let .unexpectedStatus(url, status):
        "\(url): unexpected HTTP status \(status) to a range request"
      case let .timedOut(url, range, attempts):
        "\(url): bytes \(range.lowerBound)..<\(range.upperBound) did not arrive in time on \(attempts) attempt\(attempts == 1 ? "" : "s")"
      case let .connectionFailed(url, attempts, reason):
        "\(url): connection failed on \(attempts) attempt\(attempts == 1 ? "" : "s") (\(reason))"
      case let .invalidHeader(url, name):
        "\(url): the configured header \(name.debugDescription) cannot be sent (a name must be an HTTP token;"
          + " a value may not hold CR, LF or NUL)"
      }
    }
  }

  /// What went wrong, with all of its context.
  package let reason: Reason

  package init(_ reason: Reason) { self.reason = reason }

  /// What kind of error this is.
  public var code: Code { reason.code }

  /// The URL of the object, its query left out.
  public var url: String {
    switch reason {
    case let .unsupportedURL(url), let .notFound(url), let .accessDenied(url, _), let .rangeNotSatisfiable(url, _, _),
      let .rangeIgnored(url, _, _), let .shortBody(url, _, _), let .invalidContentRange(url, _, _),
      let .objectChanged(url, _, _), let .indexTooLarge(url, _, _), let .itemTooLarge(url, _, _, _),
      let .serverError(url, _, _), let .unexpectedStatus(url, _), let .timedOut(url, _, _),
      let .connectionFailed(url, _, _), let .invalidHeader(url, _):
      url
    }
  }

  /// The HTTP status the server answered with, when the error is about one.
  public var status: Int? {
    switch reason {
    case .notFound: 404
    case let .accessDenied(_, status), let .rangeIgnored(_, status, _), let .serverError(_, status, _),
      let .unexpectedStatus(_, status):
      status
    case .rangeNotSatisfiable: 416
    default: nil
    }
  }

  /// The byte range that was asked for, when the error is about one.
  public var range: Range<Int>? {
    switch reason {
    case let .rangeNotSatisfiable(_, range, _), let .shortBody(_, range, _), let .invalidContentRange(_, range, _),
      let .timedOut(_, range, _):
      range
    default: nil
    }
  }

  /// The size of the object as the server reported it, when it did (`rangeNotSatisfiable`).
  public var objectSize: Int? {
    if case let .rangeNotSatisfiable(_, _, size) = reason { size } else { nil }
  }

  /// The key whose item the error concerns (`itemTooLarge`).
  public var key: UInt64? {
    if case let .itemTooLarge(_, key, _, _) = reason { key } else { nil }
  }

  /// How many attempts were made before giving up, for the errors that are retried.
  public var attempts: Int? {
    switch reason {
    case let .serverError(_, _, attempts), let .timedOut(_, _, attempts), let .connectionFailed(_, attempts, _):
      attempts
    default: nil
    }
  }

  /// A one-line explanation.
  public var description: String { reason.description }

  /// A configured header cannot be sent: its name is not an HTTP token, or its value holds CR, LF or NUL.
  public static func invalidHeader(url: String, name: String) -> Self {
    Self(.invalidHeader(url: url, name: name))
  }

  /// The URL is not an `http` or `https` URL.
  public static func unsupportedURL(_ url: String) -> Self {
    Self(.unsupportedURL(url))
  }
  /// The server has no such object (404, or 410).
  public static func notFound(url: String) -> Self {
    Self(.notFound(url: url))
  }
  /// The server refused access (401 or 403): a missing credential, or a presigned URL that expired.
  public static func accessDenied(url: String, status: Int) -> Self {
    Self(.accessDenied(url: url, status: status))
  }
  /// The server found the range outside the object (416); `objectSize` is what it reported, if it did.
  public static func rangeNotSatisfiable(url: String, range: Range<Int>, objectSize: Int?) -> Self {
    Self(.rangeNotSatisfiable(url: url, range: range, objectSize: objectSize))
  }
  /// The server ignored the `Range` header and answered with the whole object (status 200),
  /// which a range reader cannot use. Its body was not read.
  public static func rangeIgnored(url: String, status: Int, contentLength: Int?) -> Self {
    Self(.rangeIgnored(url: url, status: status, contentLength: contentLength))
  }
  /// The server sent fewer bytes than the range it promised.
  public static func shortBody(url: String, range: Range<Int>, received: Int) -> Self {
    Self(.shortBody(url: url, range: range, received: received))
  }
  /// The server's `Content-Range` is missing, malformed, or for other bytes than those asked for.
  public static func invalidContentRange(url: String, requested: Range<Int>, header: String?) -> Self {
    Self(.invalidContentRange(url: url, requested: requested, header: header))
  }
  /// The object is not the one whose index this reader holds: its ETag or size changed (or the
  /// server answered 412 to `If-Match`). Open the map again to read the new object.
  public static func objectChanged(url: String, expected: ObjectIdentity, found: ObjectIdentity?) -> Self {
    Self(.objectChanged(url: url, expected: expected, found: found))
  }
  /// The map's index is larger than ``RemoteMapBuffer/Configuration/maximumIndexByteCount``.
  public static func indexTooLarge(url: String, byteCount: Int, limit: Int) -> Self {
    Self(.indexTooLarge(url: url, byteCount: byteCount, limit: limit))
  }
  /// The index places the item of `key` in more bytes than ``RemoteMapBuffer/Configuration/maximumItemByteCount``.
  public static func itemTooLarge(url: String, key: UInt64, byteCount: Int, limit: Int) -> Self {
    Self(.itemTooLarge(url: url, key: key, byteCount: byteCount, limit: limit))
  }
  /// The server kept failing (5xx, 408 or 429) through every attempt.
  public static func serverError(url: String, status: Int, attempts: Int) -> Self {
    Self(.serverError(url: url, status: status, attempts: attempts))
  }
  /// The server answered with a status a range read cannot use.
  public static func unexpectedStatus(url: String, status: Int) -> Self {
    Self(.unexpectedStatus(url: url, status: status))
  }
  /// No complete answer arrived within ``RemoteMapBuffer/Configuration/requestTimeout``, on every attempt.
  public static func timedOut(url: String, range: Range<Int>, attempts: Int) -> Self {
    Self(.timedOut(url: url, range: range, attempts: attempts))
  }
  /// The connection could not be made or broke, on every attempt; `reason` is the client's error.
  public static func connectionFailed(url: String, attempts: Int, reason: String) -> Self {
    Self(.connectionFailed(url: url, attempts: attempts, reason: reason))
  }
}

extension MapBufferErrorCode where Domain == RemoteMapBufferError {
  /// The URL is not an `http` or `https` URL.
  public static var unsupportedURL: Self { Self("unsupportedURL") }
  /// The server has no such object (404, or 410).
  public static var notFound: Self { Self("notFound") }
  /// The server refused access (401 or 403): a missing credential, or a presigned URL that expired.
  public static var accessDenied: Self { Self("accessDenied") }
  /// The server found the range outside the object (416); `objectSize` is what it reported, if it did.
  public static var rangeNotSatisfiable: Self { Self("rangeNotSatisfiable") }
  /// The server ignored the `Range` header and answered with the whole object (status 200),
  /// which a range reader cannot use. Its body was not read.
  public static var rangeIgnored: Self { Self("rangeIgnored") }
  /// The server sent fewer bytes than the range it promised.
  public static var shortBody: Self { Self("shortBody") }
  /// The server's `Content-Range` is missing, malformed, or for other bytes than those asked for.
  public static var invalidContentRange: Self { Self("invalidContentRange") }
  /// The object is not the one whose index this reader holds: its ETag or size changed (or the
  /// server answered 412 to `If-Match`). Open the map again to read the new object.
  public static var objectChanged: Self { Self("objectChanged") }
  /// The map's index is larger than ``RemoteMapBuffer/Configuration/maximumIndexByteCount``.
  public static var indexTooLarge: Self { Self("indexTooLarge") }
  /// The index places the item of `key` in more bytes than ``RemoteMapBuffer/Configuration/maximumItemByteCount``.
  public static var itemTooLarge: Self { Self("itemTooLarge") }
  /// The server kept failing (5xx, 408 or 429) through every attempt.
  public static var serverError: Self { Self("serverError") }
  /// The server answered with a status a range read cannot use.
  public static var unexpectedStatus: Self { Self("unexpectedStatus") }
  /// No complete answer arrived within ``RemoteMapBuffer/Configuration/requestTimeout``, on every attempt.
  public static var timedOut: Self { Self("timedOut") }
  /// The connection could not be made or broke, on every attempt; `reason` is the client's error.
  public static var connectionFailed: Self { Self("connectionFailed") }
  /// A configured header cannot be sent (``RemoteMapBufferError/invalidHeader(url:name:)``).
  public static var invalidHeader: Self { Self("invalidHeader") }
}

/// What identifies one version of a remote object: its size and, when the server sends one, its ETag.
public struct ObjectIdentity: Sendable, Hashable, CustomStringConvertible {
  /// The object's size in bytes.
  public var size: Int
  /// The object's entity tag as the server sent it (quotes and any `W/` included), or `nil`.
  public var etag: String?

  /// An identity of `size` bytes and an optional ETag.
  public init(size: Int, etag: String?) {
    self.size = size
    self.etag = etag
  }

  /// Whether the ETag is a strong one, which `If-Match` can compare.
  var hasStrongETag: Bool { etag.map { !$0.hasPrefix("W/") && !$0.isEmpty } ?? false }

  /// Whether a response's identity contradicts this one: another size, or another ETag where both have one.
  func isContradicted(by other: ObjectIdentity) -> Bool {
    if other.size != size { return true }
    if let etag, let otherETag = other.etag, etag != otherETag { return true }
    return false
  }

  /// `size N, ETag "…"`.
  public var description: String {
    "size \(size)" + (etag.map { ", ETag \($0)" } ?? "")
  }
}

extension URL {
  /// The URL without its query and fragment, for messages: a presigned URL's query is a credential.
  @_spi(MapBufferTool) public var redactedForDisplay: String {
    guard var components = URLComponents(url: self, resolvingAgainstBaseURL: false) else { return "<url>" }
    let hadQuery = components.query != nil
    components.query = nil
    components.fragment = nil
    components.user = nil
    components.password = nil
    return (components.string ?? "<url>") + (hadQuery ? "?…" : "")
  }
}

#endif
