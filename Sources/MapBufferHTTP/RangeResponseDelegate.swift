// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// Collects the answer to one range request sent through AsyncHTTPClient on the client's event
/// loop, so that the reader resumes once per request with the whole answer: a
/// ``RangeAnswerCollector`` under a lock, whose refusals fail the request (closing its connection).
final class RangeResponseDelegate: HTTPClientResponseDelegate {
  private let collector: NIOLockedValueBox<RangeAnswerCollector>

  /// A delegate collecting the answer with `collector`.
  init(collector: RangeAnswerCollector) {
    self.collector = NIOLockedValueBox(collector)
  }

  /// Whether any part of an answer (its head) has arrived. A request that failed before then was
  /// not answered at all: it can be sent again as it was.
  var hasReceivedHead: Bool { collector.withLockedValue { $0.hasReceivedHead } }

  /// The answer, once the task has succeeded: taken under the lock the event loop wrote it
  /// under, so that its bytes are seen whole.
  func takeAnswer() throws -> RangeAnswerCollector.Answer {
    guard let answer = collector.withLockedValue({ $0.answer }) else { throw HTTPClientError.remoteConnectionClosed }
    return answer
  }

  func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
    do {
      try collector.withLockedValue { try $0.receiveHead(head) }
      return task.eventLoop.makeSucceededVoidFuture()
    } catch {
      return task.eventLoop.makeFailedFuture(error)
    }
  }

  func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
    do {
      try collector.withLockedValue { try $0.receiveBody(buffer) }
      return task.eventLoop.makeSucceededVoidFuture()
    } catch {
      return task.eventLoop.makeFailedFuture(error)
    }
  }

  func didFinishRequest(task: HTTPClient.Task<Void>) throws {}
}

#endif
