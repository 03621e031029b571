// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import NIOCore
import NIOHTTP1

/// Collects the answer to one range request as its parts arrive, with every check made on the
/// way in: the one collector of both transports (``RangeResponseDelegate`` on AsyncHTTPClient,
/// ``PlainHTTPConnectionPool`` on SwiftNIO), so that both refuse and keep exactly the same bytes.
///
/// The body of a `206` is received into one ``ReceiveBuffer`` allocated when its head arrives, at
/// the length it announces (never more than the range asked for; the range's length when it
/// announces none), or into the caller's buffer; a `200` is kept only when the whole object is
/// acceptable (the first read of a small map) and announces no more than that; any other `200` is
/// refused at its head, which closes the connection rather than download an object the reader
/// cannot use. Bodies of other statuses (error documents, redirects) are dropped. Nothing is
/// copied after it arrives.
///
/// Not thread-safe: used by one thread at a time (the connection's event loop, or under a lock).
struct RangeAnswerCollector: Sendable {
  /// What the reader needs of an answer, taken from its head: the reader's task never touches
  /// the transport's own head storage.
  struct Answer: Sendable {
    /// The status code.
    var status: Int
    /// The `Content-Range`, `ETag`, `Content-Length` and `Location` headers, if present.
    var contentRange: String?
    var etag: String?
    var contentLength: Int?
    var location: String?
    /// The kept body.
    var body: ReceivedBody
  }

  /// Why an answer was abandoned before its end.
  enum Refusal: Error {
    /// A `200` with the whole object, when a range was needed; its announced length.
    case wholeObject(contentLength: Int?)
    /// More body bytes than the range holds.
    case bodyTooLong
  }

  /// Where a kept body goes: bytes `offset..<offset + capacity` of `buffer`.
  private struct Sink: Sendable {
    var buffer: ReceiveBuffer
    var offset: Int
    var capacity: Int
    var written = 0
  }

  /// The most body bytes kept: the length of the range asked for.
  private let limit: Int
  /// Whether a `200` with the whole object will do (a first read that starts at byte 0 and may be shorter).
  private let acceptsWholeObject: Bool
  /// The caller's buffer for a `206` body, and where in it the body starts; `nil` for a buffer of the body's own.
  private let destination: (buffer: ReceiveBuffer, offset: Int)?
  /// The answer's head, once it has arrived.
  private var head: Answer?
  private var sink: Sink?

  /// A collector keeping at most `limit` body bytes, into `destination` at its offset if given
  /// (which must have room for `limit` bytes there).
  init(limit: Int, acceptsWholeObject: Bool, into destination: (buffer: ReceiveBuffer, offset: Int)? = nil) {
    precondition(destination.map { $0.offset >= 0 && limit <= $0.buffer.capacity - $0.offset } ?? true)
    self.limit = limit
    self.acceptsWholeObject = acceptsWholeObject
    self.destination = destination
  }

  /// Whether any part of an answer (its head) has arrived. A request that failed before then was
  /// not answered at all: it can be sent again as it was.
  var hasReceivedHead: Bool { head != nil }

  /// The answer so far (the whole answer once its end has arrived), or `nil` before its head.
  var answer: Answer? {
    guard var answer = head else { return nil }
    if let sink {
      answer.body = ReceivedBody(buffer: sink.buffer, offset: sink.offset, count: sink.written)
    }
    return answer
  }

  /// Takes the head of an answer; throws a ``Refusal`` if its body must not be received.
  mutating func receiveHead(_ head: HTTPResponseHead) throws {
    let length = head.headers.first(name: "Content-Length").flatMap { Int($0) }
    self.head = Self.answer(from: head, contentLength: length)
    switch head.status.code {
    case 206:
      break
    case 200:
      guard acceptsWholeObject, let length, length >= 0, length <= limit else {
        throw Refusal.wholeObject(contentLength: length)
      }
    default:
      return
    }
    if let length, length > limit || length < 0 {
      throw Refusal.bodyTooLong
    }
    // The announced length (checked against the range), else the range's: allocated once, here.
    let capacity = length ?? limit
    sink =
      if head.status.code == 206, let destination {
        Sink(buffer: destination.buffer, offset: destination.offset, capacity: capacity)
      } else {
        Sink(buffer: ReceiveBuffer(capacity: capacity), offset: 0, capacity: capacity)
      }
  }

  /// Takes a part of the body: kept if the status's body is kept, refused past the announced length.
  mutating func receiveBody(_ buffer: ByteBuffer) throws {
    guard var sink else { return }  // a body that is not kept
    guard buffer.readableBytes <= sink.capacity - sink.written else { throw Refusal.bodyTooLong }
    buffer.withUnsafeReadableBytes { sink.buffer.write($0, at: sink.offset + sink.written) }
    sink.written += buffer.readableBytes
    self.sink = sink
  }

  /// The parts of `head` the reader uses, with an empty body.
  private static func answer(from head: HTTPResponseHead, contentLength: Int?) -> Answer {
    Answer(
      status: Int(head.status.code), contentRange: head.headers.first(name: "Content-Range"),
      etag: head.headers.first(name: "ETag"), contentLength: contentLength,
      location: head.headers.first(name: "Location"), body: .empty)
  }
}

#endif
