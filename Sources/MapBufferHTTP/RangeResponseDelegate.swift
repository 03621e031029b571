// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Collects the answer to one range request on the client's event loop, so that the reader
/// resumes once per request with the whole answer.
///
/// It keeps the body of a `206` up to the range's length, and of a `200` only when the whole
/// object is acceptable (the first read of a small map) and announces no more than that; any other
/// `200` is refused at its head, which closes the connection rather than download an object the
/// reader cannot use. Bodies of other statuses (error documents) are dropped.
final class RangeResponseDelegate: HTTPClientResponseDelegate {
  /// What the reader needs of an answer, taken from its head on the event loop: the reader's
  /// task never touches the client's own head storage.
  struct Answer: Sendable {
    /// The status code.
    var status: Int
    /// The `Content-Range`, `ETag` and `Content-Length` headers, if present.
    var contentRange: String?
    var etag: String?
    var contentLength: Int?
    /// The kept body.
    var body: ByteBuffer
  }

  /// Why an answer was abandoned before its end.
  enum Refusal: Error {
    /// A `200` with the whole object, when a range was needed; its announced length.
    case wholeObject(contentLength: Int?)
    /// More body bytes than the range holds.
    case bodyTooLong
  }

  private struct State {
    var answer: Answer?
    var keepsBody = false
  }

  /// The most body bytes kept: the length of the range asked for.
  private let limit: Int
  /// Whether a `200` with the whole object will do (a first read that starts at byte 0 and may be shorter).
  private let acceptsWholeObject: Bool
  private let state = NIOLockedValueBox(State())

  init(limit: Int, acceptsWholeObject: Bool) {
    self.limit = limit
    self.acceptsWholeObject = acceptsWholeObject
  }

  func didReceiveHead(task: HTTPClient.Task<Answer>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
    let length = head.headers.first(name: "Content-Length").flatMap { Int($0) }
    switch head.status.code {
    case 206:
      break
    case 200:
      guard acceptsWholeObject, let length, length >= 0, length <= limit else {
        return task.eventLoop.makeFailedFuture(Refusal.wholeObject(contentLength: length))
      }
    default:
      state.withLockedValue { $0.answer = Self.answer(from: head, contentLength: length) }
      return task.eventLoop.makeSucceededVoidFuture()
    }
    if let length, length > limit {
      return task.eventLoop.makeFailedFuture(Refusal.bodyTooLong)
    }
    state.withLockedValue {
      $0.answer = Self.answer(from: head, contentLength: length)
      $0.keepsBody = true
    }
    return task.eventLoop.makeSucceededVoidFuture()
  }

  /// The parts of `head` the reader uses, with an empty body.
  private static func answer(from head: HTTPResponseHead, contentLength: Int?) -> Answer {
    Answer(
      status: Int(head.status.code), contentRange: head.headers.first(name: "Content-Range"),
      etag: head.headers.first(name: "ETag"), contentLength: contentLength, body: ByteBuffer())
  }

  func didReceiveBodyPart(task: HTTPClient.Task<Answer>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
    let accepted = state.withLockedValue { state -> Bool in
      guard state.keepsBody, state.answer != nil else { return true }
      guard buffer.readableBytes <= limit - state.answer!.body.readableBytes else { return false }
      if state.answer!.body.readableBytes == 0 {
        state.answer!.body = buffer   // the first part as it came: no copy
      } else {
        var more = buffer
        state.answer!.body.writeBuffer(&more)
      }
      return true
    }
    return accepted ? task.eventLoop.makeSucceededVoidFuture() : task.eventLoop.makeFailedFuture(Refusal.bodyTooLong)
  }

  func didFinishRequest(task: HTTPClient.Task<Answer>) throws -> Answer {
    try state.withLockedValue { state in
      guard let answer = state.answer else { throw HTTPClientError.remoteConnectionClosed }
      return answer
    }
  }
}

#endif
