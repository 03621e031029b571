// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on a loopback address that answers as its handler says, for what nginx
/// will not do: close a kept-alive connection at a chosen request, redirect to another host,
/// send more body than it announced.
///
/// Each connection is served by a thread of its own: requests are read (heads only; the reader
/// sends no bodies), logged, and answered with the handler's raw bytes. Call ``stop()`` when done.
final class LyingServer: @unchecked Sendable {
  /// One request as received.
  struct Request: Sendable {
    /// The request target (path and query).
    var target: String
    /// The headers, names lower-cased.
    var headers: [String: String]
    /// The connection's number (0 for the first accepted) and the request's number on it.
    var connection: Int
    var indexOnConnection: Int
    /// When the request's head had been read, and when its answer had been handed to the kernel
    /// (`nil` if it was not answered): a connection lay idle at the reader at most from one
    /// request's `answeredAt` to the next one's `receivedAt`.
    var receivedAt: ContinuousClock.Instant
    var answeredAt: ContinuousClock.Instant?

    /// The range asked for, from `Range: bytes=FIRST-LAST`.
    var range: Range<Int>? {
      guard let value = headers["range"], value.hasPrefix("bytes=") else { return nil }
      let bounds = value.dropFirst(6).split(separator: "-").compactMap { Int($0) }
      guard bounds.count == 2, bounds[0] <= bounds[1] else { return nil }
      return bounds[0]..<(bounds[1] + 1)
    }
  }

  /// What to do with a request.
  enum Reply: Sendable {
    /// Send these bytes (a whole response) and keep the connection for the next request.
    case send(Data)
    /// Send these bytes, then close the connection.
    case sendAndClose(Data)
    /// Close the connection without a byte of answer.
    case close
  }

  /// The address listened on, such as `127.0.0.1`.
  let host: String
  /// The port the kernel chose.
  let port: Int
  private let listener: Int32
  private let handler: @Sendable (Request) -> Reply
  private let lock = NSLock()
  private var log: [Request] = []
  private var open: Set<Int32> = []
  private var stopped = false
  private var listenerOpen = true

  /// Listens on `host` (a loopback IPv4 address) and answers with `handler`.
  init(host: String = "127.0.0.1", _ handler: @escaping @Sendable (Request) -> Reply) throws {
    self.host = host
    self.handler = handler
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw Failure("socket: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
      close(descriptor)
      throw Failure("not an IPv4 address: \(host)")
    }
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(descriptor, 64) == 0 else {
      let code = errno
      close(descriptor)
      throw Failure("bind/listen on \(host): errno \(code)")
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    listener = descriptor
    port = Int(UInt16(bigEndian: address.sin_port))
    Thread.detachNewThread { [self] in acceptLoop() }
  }

  /// Why the server could not start.
  struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }

  /// `http://HOST:PORT/PATH`.
  func url(_ path: String) -> URL { URL(string: "http://\(host):\(port)/\(path)")! }

  /// The requests received so far, in order of arrival.
  func requests() -> [Request] { lock.withLock { log } }

  /// Stops listening and closes every connection.
  ///
  /// Descriptors are shut down, closed and forgotten only under the lock: a descriptor a
  /// connection's thread has closed may already be a socket of the reader's under test (the
  /// kernel reuses the lowest free number), and shutting that one down instead would close a
  /// connection of an unrelated test, which then resends its request.
  func stop() {
    lock.withLock {
      guard !stopped else { return }
      stopped = true
      if listenerOpen { shutdown(listener, Int32(SHUT_RDWR)) }
      for descriptor in open { shutdown(descriptor, Int32(SHUT_RDWR)) }
    }
  }

  private func acceptLoop() {
    var connection = 0
    while true {
      let descriptor = accept(listener, nil, nil)
      guard descriptor >= 0 else {
        if errno == EINTR { continue }
        lock.withLock {
          listenerOpen = false
          close(listener)
        }
        return
      }
      let isStopped = lock.withLock { () -> Bool in
        if !stopped { open.insert(descriptor) }
        return stopped
      }
      if isStopped {
        close(descriptor)
        continue
      }
      let number = connection
      connection += 1
      Thread.detachNewThread { [self] in serve(descriptor, connection: number) }
    }
  }

  private func serve(_ descriptor: Int32, connection: Int) {
    defer {
      lock.withLock {
        _ = open.remove(descriptor)
        close(descriptor)
      }
    }
    var pending = Data()
    var index = 0
    var chunk = [UInt8](repeating: 0, count: 16 << 10)
    while true {
      guard let end = pending.range(of: Data("\r\n\r\n".utf8)) else {
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return }
        pending.append(contentsOf: chunk[..<count])
        continue
      }
      let head = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
      pending = Data(pending[end.upperBound...])
      var lines = head.components(separatedBy: "\r\n")
      let requestLine = lines.removeFirst().split(separator: " ")
      var headers: [String: String] = [:]
      for line in lines {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      }
      let request = Request(
        target: requestLine.count > 1 ? String(requestLine[1]) : "", headers: headers,
        connection: connection, indexOnConnection: index, receivedAt: .now)
      index += 1
      let position = lock.withLock { () -> Int in
        log.append(request)
        return log.count - 1
      }
      switch handler(request) {
      case .send(let bytes):
        guard send(bytes, on: descriptor) else { return }
        lock.withLock { log[position].answeredAt = .now }
      case .sendAndClose(let bytes):
        _ = send(bytes, on: descriptor)
        return
      case .close:
        return
      }
    }
  }

  /// Writes all of `bytes`; `false` if the connection broke.
  private func send(_ bytes: Data, on descriptor: Int32) -> Bool {
    bytes.withUnsafeBytes { raw in
      var done = 0
      while done < raw.count {
        let count = socketSend(descriptor, raw.baseAddress! + done, raw.count - done)
        guard count > 0 else { return false }
        done += count
      }
      return true
    }
  }

  // MARK: Answers

  /// A whole response: the status line, `headers`, `Content-Length` (unless `headers` has a
  /// length or `chunked` already, or `announcesLength` is false) and `body`.
  static func response(
    status: Int, headers: [(String, String)] = [], body: Data = Data(), announcesLength: Bool = true
  ) -> Data {
    var head = "HTTP/1.1 \(status) \(status == 206 ? "Partial Content" : "Status")\r\n"
    for (name, value) in headers { head += "\(name): \(value)\r\n" }
    if announcesLength { head += "Content-Length: \(body.count)\r\n" }
    head += "\r\n"
    return Data(head.utf8) + body
  }

  /// The honest answer to `request` for an object of `bytes` with `etag`: its range (206), or 416.
  static func rangeAnswer(_ request: Request, of bytes: Data, etag: String = "\"lying-v1\"") -> Data {
    guard let asked = request.range, asked.lowerBound < bytes.count else {
      return response(status: 416, headers: [("Content-Range", "bytes */\(bytes.count)")])
    }
    let range = asked.lowerBound..<min(asked.upperBound, bytes.count)
    return response(
      status: 206,
      headers: [("Content-Range", "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(bytes.count)"), ("ETag", etag)],
      body: bytes.subdata(in: range))
  }
}

/// `send(2)` without `SIGPIPE`, named apart from the server's own `send`.
private func socketSend(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  #if canImport(Glibc)
  send(descriptor, bytes, count, Int32(MSG_NOSIGNAL))
  #else
  send(descriptor, bytes, count, 0)
  #endif
}

#endif
