// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import AsyncHTTPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Plain `http` range requests on SwiftNIO directly: HTTP/1.1 keep-alive connections, kept per
/// origin between requests and shared by every map.
///
/// A request through AsyncHTTPClient passes its connection pool's state machines, several hops
/// between event loops and a task per request; on loopback that was about 140 µs of our own time
/// a request against Python's 80 µs. Here a request takes an idle connection under a lock,
/// hands its head to the connection's event loop (one hop), and its task resumes once with the
/// whole answer (one more). The answer is collected by the same ``RangeAnswerCollector`` as
/// AsyncHTTPClient's, and the reader makes the same checks of it, so both transports give the
/// same guarantees; failures are reported with AsyncHTTPClient's errors where it has one
/// (`remoteConnectionClosed`, `deadlineExceeded`, `connectTimeout`, `cancelled`), so that the
/// reader tells them apart as it always has.
///
/// Used for `http` URLs read with ``RemoteMapBuffer/defaultHTTPClient``; `https`, and any client of
/// the caller's own (a proxy, other TLS settings), go through AsyncHTTPClient. At most
/// ``maximumConnectionsPerOrigin`` connections are open to one origin; a request that finds them
/// all busy goes through AsyncHTTPClient too, whose pool queues it, so that connections stay bounded.
final class PlainHTTPConnectionPool: Sendable {
  /// The pool of every map that reads with the default client.
  static let shared = PlainHTTPConnectionPool(group: MultiThreadedEventLoopGroup.singleton)

  /// The most connections open to one origin at once, as the default client keeps.
  static let maximumConnectionsPerOrigin = 16
  /// The longest a connection may take to be made, as the default client allows.
  static let connectTimeout = TimeAmount.seconds(10)
  /// How long a kept-alive connection may stay idle before the pool closes it, as long as the
  /// default client's pool keeps one (AsyncHTTPClient's `ConnectionPool.idleTimeout`).
  static let defaultIdleTimeout = TimeAmount.seconds(60)

  /// A host and port.
  struct Origin: Hashable, Sendable {
    var host: String
    var port: Int
  }

  /// A connection and the origin it goes to.
  struct Connection: Sendable {
    let channel: any Channel
    let origin: Origin
  }

  /// The connections to one origin: how many are open, and those idle.
  private struct OriginConnections {
    var open = 0
    var idle: [Connection] = []
  }

  private let group: any EventLoopGroup
  private let origins = NIOLockedValueBox<[Origin: OriginConnections]>([:])
  private let nextExchange = NIOLockedValueBox<UInt64>(0)
  /// How long an idle connection is kept: a process that read a map once does not hold its
  /// connections (and the server's) for as long as it runs.
  let idleTimeout: TimeAmount

  init(group: any EventLoopGroup, idleTimeout: TimeAmount = PlainHTTPConnectionPool.defaultIdleTimeout) {
    self.group = group
    self.idleTimeout = idleTimeout
  }

  /// How many connections to `origin` are open, busy or idle.
  func openConnectionCount(to origin: Origin) -> Int {
    origins.withLockedValue { $0[origin]?.open ?? 0 }
  }

  /// Sends `head` to `origin` and collects the answer with `collector`, within `deadline`; `nil`
  /// without sending when ``maximumConnectionsPerOrigin`` connections to `origin` are all busy.
  ///
  /// - Throws: ``HTTPRangeReader/Unanswered`` when the connection closed before any byte of the
  ///   answer (sending again is safe); a ``RangeAnswerCollector/Refusal`` when the answer was
  ///   refused (its connection is closed); `HTTPClientError.deadlineExceeded` past the deadline,
  ///   `HTTPClientError.cancelled` when the task is cancelled; the connection's error otherwise.
  func execute(
    _ head: HTTPRequestHead, to origin: Origin, collector: RangeAnswerCollector, deadline: NIODeadline
  ) async throws -> RangeAnswerCollector.Answer? {
    guard let connection = try await connection(to: origin, deadline: deadline) else { return nil }
    guard !Task.isCancelled else {
      release(connection)
      throw CancellationError()
    }
    let channel = connection.channel
    let promise = channel.eventLoop.makePromise(of: RangeAnswerCollector.Answer.self)
    let id = nextExchange.withLockedValue {
      $0 &+= 1
      return $0
    }
    let exchange = RangeExchange(
      id: id, head: head, collector: collector, deadline: deadline, promise: promise, pool: self,
      connection: connection)
    // A connection closed after it was taken (its pipeline torn down) fails the write before the
    // exchange reaches its handler, which would then never complete the exchange: nothing was sent,
    // so the request fails as unanswered and is sent again.
    let written = channel.eventLoop.makePromise(of: Void.self)
    written.futureResult.whenFailure { error in
      promise.fail(HTTPRangeReader.Unanswered(error: error))
    }
    return try await withTaskCancellationHandler {
      channel.writeAndFlush(exchange, promise: written)
      // Cancelled between the check above and the write: the cancel sent then arrived first.
      if Task.isCancelled {
        channel.triggerUserOutboundEvent(RangeExchangeHandler.Cancel(id: id), promise: nil)
      }
      return try await promise.futureResult.get()
    } onCancel: {
      channel.triggerUserOutboundEvent(RangeExchangeHandler.Cancel(id: id), promise: nil)
    }
  }

  /// An idle connection to `origin`, or a new one, or `nil` when the most are open and busy.
  private func connection(to origin: Origin, deadline: NIODeadline) async throws -> Connection? {
    enum Step {
      case reuse(Connection)
      case connect
      case full
    }
    while true {
      let step = origins.withLockedValue { origins -> Step in
        if let connection = origins[origin]?.idle.popLast() { return .reuse(connection) }
        guard origins[origin, default: OriginConnections()].open < Self.maximumConnectionsPerOrigin else {
          return .full
        }
        origins[origin, default: OriginConnections()].open += 1
        return .connect
      }
      switch step {
      case .reuse(let connection):
        if connection.channel.isActive { return connection }
        connection.channel.close(promise: nil)
      case .full:
        return nil
      case .connect:
        do {
          return try await connect(to: origin, deadline: deadline)
        } catch {
          closed(nil, to: origin)
          throw error
        }
      }
    }
  }

  /// A new connection to `origin`, counted as open until it closes.
  private func connect(to origin: Origin, deadline: NIODeadline) async throws -> Connection {
    let remaining = deadline - .now()
    guard remaining > .zero else { throw HTTPClientError.deadlineExceeded }
    let bootstrap = ClientBootstrap(group: group)
      .connectTimeout(min(Self.connectTimeout, remaining))
      .channelOption(.socketOption(.tcp_nodelay), value: 1)
      // Large bodies (an index, a batch's range) in reads of up to 1 MiB rather than 64 KiB.
      .channelOption(
        .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 2048, maximum: 1 << 20)
      )
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHTTPClientHandlers()
          try channel.pipeline.syncOperations.addHandler(RangeExchangeHandler())
        }
      }
    let channel: any Channel
    do {
      channel = try await bootstrap.connect(host: origin.host, port: origin.port).get()
    } catch ChannelError.connectTimeout {
      throw HTTPClientError.connectTimeout
    }
    channel.closeFuture.whenComplete { _ in self.closed(channel, to: origin) }
    return Connection(channel: channel, origin: origin)
  }

  /// Notes that `channel` (or a connection that was never made, for `nil`) to `origin` is closed.
  private func closed(_ channel: (any Channel)?, to origin: Origin) {
    origins.withLockedValue { origins in
      guard var connections = origins[origin] else { return }
      connections.open -= 1
      if let channel {
        connections.idle.removeAll { ObjectIdentifier($0.channel) == ObjectIdentifier(channel) }
      }
      origins[origin] = connections.open == 0 ? nil : connections
    }
  }

  /// Keeps `connection`, whose last answer has ended, for the next request to its origin.
  fileprivate func release(_ connection: Connection) {
    origins.withLockedValue { $0[connection.origin]?.idle.append(connection) }
  }
}

/// One request and what becomes of its answer.
private struct RangeExchange: Sendable {
  var id: UInt64
  var head: HTTPRequestHead
  var collector: RangeAnswerCollector
  var deadline: NIODeadline
  var promise: EventLoopPromise<RangeAnswerCollector.Answer>
  var pool: PlainHTTPConnectionPool
  var connection: PlainHTTPConnectionPool.Connection
}

/// Runs one exchange at a time on a connection, on its event loop: writes the request, feeds the
/// answer's parts to the collector, and when the answer ends hands the connection back to the
/// pool (if the server keeps it open) before the request's task resumes, so that its next request
/// finds it idle. Whatever goes wrong fails the exchange and closes the connection: a connection
/// is reused only after a whole answer.
private final class RangeExchangeHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPClientResponsePart
  typealias OutboundIn = RangeExchange
  typealias OutboundOut = HTTPClientRequestPart

  /// Cancels the exchange with this identifier, if it is still under way.
  struct Cancel: Sendable {
    var id: UInt64
  }

  private struct Current {
    var exchange: RangeExchange
    var collector: RangeAnswerCollector
    var keepAlive = true
    var timeout: Scheduled<Void>?
  }

  private var current: Current?
  private var context: ChannelHandlerContext?
  /// The close of this connection once it has been idle for the pool's idle timeout.
  private var idleClose: Scheduled<Void>?

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    let exchange = unwrapOutboundIn(data)
    promise?.succeed()
    idleClose?.cancel()
    idleClose = nil
    guard current == nil, context.channel.isActive else {
      // Not sent: a connection that closed while idle (or, never, one already busy).
      exchange.promise.fail(HTTPRangeReader.Unanswered(error: HTTPClientError.remoteConnectionClosed))
      if current == nil { context.close(promise: nil) }
      return
    }
    let id = exchange.id
    let timeout = context.eventLoop.assumeIsolated().scheduleTask(deadline: exchange.deadline) {
      self.fail(id: id, HTTPClientError.deadlineExceeded)
    }
    current = Current(exchange: exchange, collector: exchange.collector, timeout: timeout)
    context.write(wrapOutboundOut(.head(exchange.head)), promise: nil)
    let written = context.eventLoop.makePromise(of: Void.self)
    written.futureResult.assumeIsolated().whenFailure { error in
      self.fail(id: id, error)
    }
    context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
  }

  func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
    if let cancel = event as? Cancel {
      fail(id: cancel.id, HTTPClientError.cancelled)
      promise?.succeed()
    } else {
      context.triggerUserOutboundEvent(event, promise: promise)
    }
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard var current else {
      // An answer no request asked for: the connection cannot be trusted with the next one.
      context.close(promise: nil)
      return
    }
    do {
      switch unwrapInboundIn(data) {
      case .head(let head):
        // An informational (1xx) head is no answer of ours; a connection that sent one is not reused.
        current.keepAlive = head.isKeepAlive && head.status.code >= 200
        try current.collector.receiveHead(head)
        self.current = current
      case .body(let buffer):
        try current.collector.receiveBody(buffer)
        self.current = current
      case .end:
        self.current = nil
        current.timeout?.cancel()
        if current.keepAlive {
          // Closed if no request takes it in time. A request that takes it from the pool just as
          // the close runs finds it closed when its write arrives, and is sent again (unanswered).
          idleClose = context.eventLoop.assumeIsolated().scheduleTask(in: current.exchange.pool.idleTimeout) {
            context.close(promise: nil)
          }
          current.exchange.pool.release(current.exchange.connection)
        } else {
          context.close(promise: nil)
        }
        // The head has arrived (the decoder sends none of an answer's end before its head).
        if let answer = current.collector.answer {
          current.exchange.promise.succeed(answer)
        } else {
          current.exchange.promise.fail(HTTPClientError.remoteConnectionClosed)
        }
      }
    } catch {
      fail(id: current.exchange.id, error)
    }
  }

  func channelInactive(context: ChannelHandlerContext) {
    idleClose?.cancel()
    idleClose = nil
    if let current { fail(id: current.exchange.id, HTTPClientError.remoteConnectionClosed) }
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    if let current {
      fail(id: current.exchange.id, error)
    } else {
      context.close(promise: nil)
    }
  }

  /// Fails the exchange `id`, if it is the one under way, and closes the connection: as
  /// ``HTTPRangeReader/Unanswered`` when no byte of its answer has arrived and the connection
  /// closed under it.
  private func fail(id: UInt64, _ error: any Error) {
    guard let current, current.exchange.id == id else { return }
    self.current = nil
    current.timeout?.cancel()
    let unanswered =
      !current.collector.hasReceivedHead && !(error is RangeAnswerCollector.Refusal)
      && HTTPRangeReader.isClosedConnection(error)
    current.exchange.promise.fail(unanswered ? HTTPRangeReader.Unanswered(error: error) : error)
    context?.close(promise: nil)
  }
}

#endif
