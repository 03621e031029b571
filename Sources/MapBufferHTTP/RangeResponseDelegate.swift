import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Collects the answer to one range request on the client's event loop, so that the reader
/// resumes once per request with the whole answer.
///
/// It keeps the body of a `206` up to the range's length, and of a `200` only when the whole
/// object is acceptable (the first read of a small map) and announces no more than that; any other
/// `200` is refused at its head, which closes the connection rather than download an object the
/// reader cannot use. Bodies of other statuses (error documents) are dropped.
final class RangeResponseDelegate: HTTPClientResponseDelegate {
  /// The head and kept body of an answer.
  struct Answer: Sendable {
    var head: HTTPResponseHead
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
    var head: HTTPResponseHead?
    var body: ByteBuffer?
    var keepsBody = false
  }

  /// The most body bytes kept: the length of the range asked for.
  private let limit: Int
  /// Whether a `200` with the whole object will do (a first read that starts at byte 0 and may be shorter).
  private let acceptsWholeObject: Bool
  private let state = Mutex(State())

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
      state.withLock { $0.head = head }
      return task.eventLoop.makeSucceededVoidFuture()
    }
    if let length, length > limit {
      return task.eventLoop.makeFailedFuture(Refusal.bodyTooLong)
    }
    state.withLock {
      $0.head = head
      $0.keepsBody = true
    }
    return task.eventLoop.makeSucceededVoidFuture()
  }

  func didReceiveBodyPart(task: HTTPClient.Task<Answer>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
    let accepted = state.withLock { state -> Bool in
      guard state.keepsBody else { return true }
      let kept = state.body?.readableBytes ?? 0
      guard buffer.readableBytes <= limit - kept else { return false }
      if state.body == nil {
        state.body = buffer
      } else {
        var more = buffer
        state.body!.writeBuffer(&more)
      }
      return true
    }
    return accepted ? task.eventLoop.makeSucceededVoidFuture() : task.eventLoop.makeFailedFuture(Refusal.bodyTooLong)
  }

  func didFinishRequest(task: HTTPClient.Task<Answer>) throws -> Answer {
    try state.withLock { state in
      guard let head = state.head else { throw HTTPClientError.remoteConnectionClosed }
      return Answer(head: head, body: state.body ?? ByteBuffer())
    }
  }
}
