import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real nginx (Debian's `nginx-light`, installed by `Scripts/setup`) serving a temporary folder
/// on loopback, started by the test that needs it, with an access log the test can read.
///
/// Besides plain files under ``root`` with range support, it has locations that misbehave on purpose:
/// - `/norange/NAME`: the file, with range support off (`max_ranges 0`): a `200` with the whole body;
/// - `/unavailable/NAME`: always `503`;
/// - `/eventually/NAME`: `503` until the file `root/eventually/NAME` exists, then the file;
/// - `/forbidden/NAME`: always `403`;
/// - `/noetag/NAME`: the file, without an `ETag`.
public final class NginxServer: Sendable {
  /// The folder served at `/`.
  public let root: URL
  /// The loopback port the server listens on.
  public let port: Int
  /// The folder holding the configuration and the logs.
  private let state: URL
  private let processID: Int32

  /// `nginx` on `PATH` (Debian's package puts it in `/usr/sbin`, Homebrew's in its `bin`).
  public static let executable: String? = TestRequirement.executable(named: "nginx")

  /// Why the server could not start.
  public struct Failure: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
  }

  /// Starts a server on a free loopback port, serving a new empty temporary folder.
  public init() throws {
    guard let executable = Self.executable else {
      throw try TestRequirement.missing(
        "no nginx on PATH",
        failure: Failure(description: "no nginx on PATH: run Scripts/setup, which installs nginx-light"))
    }
    let base = try Fixtures.temporaryDirectory()
    root = base.appendingPathComponent("www")
    state = base.appendingPathComponent("nginx")
    for folder in [root, state, state.appendingPathComponent("temp")] {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    // Readable by the unprivileged user nginx may switch to.
    for folder in [base, root] { chmod(folder.path, 0o755) }
    var lastError = ""
    for _ in 0..<5 {
      let port = try Self.freePort()
      try Self.configuration(root: root, state: state, port: port)
        .write(to: state.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: executable)
      process.arguments = [
        "-p", state.path, "-c", state.appendingPathComponent("nginx.conf").path,
        "-e", state.appendingPathComponent("error.log").path,
      ]
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      if Self.waitUntilListening(port: port, process: process) {
        self.port = port
        self.processID = process.processIdentifier
        return
      }
      if process.isRunning { process.terminate() }
      process.waitUntilExit()
      lastError = (try? String(contentsOf: state.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
    }
    throw Failure(description: "nginx did not start: \(lastError)")
  }

  deinit { stop() }

  /// Stops the server and waits for it to exit. Safe to call twice.
  ///
  /// `SIGKILL`: a child started from a thread that blocks signals (as Dispatch's do) inherits the
  /// mask, and nginx in single-process mode then never sees a `SIGTERM`.
  public func stop() {
    guard kill(processID, 0) == 0 else { return }
    kill(processID, SIGKILL)
    var status: Int32 = 0
    _ = waitpid(processID, &status, 0)
  }

  /// `http://127.0.0.1:PORT/PATH`.
  public func url(_ path: String) -> URL {
    URL(string: "http://127.0.0.1:\(port)/\(path)")!
  }

  /// Writes `data` to `root/path`, making folders as needed, and returns the path's URL.
  @discardableResult
  public func publish(_ data: Data, at path: String) throws -> URL {
    let file = root.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try data.write(to: file)
    chmod(file.path, 0o644)
    return url(path)
  }

  /// One line of the access log.
  public struct Request: Sendable, Equatable, CustomStringConvertible {
    /// `GET`, `HEAD`, ….
    public var method: String
    /// The path asked for.
    public var path: String
    /// The status answered.
    public var status: Int
    /// The `Range` header sent, or `nil`.
    public var range: String?
    /// The `If-Match` header sent, or `nil`.
    public var ifMatch: String?
    /// The body bytes sent.
    public var bodyBytes: Int

    public var description: String {
      "\(method) \(path) \(status) range=\(range ?? "-") if-match=\(ifMatch ?? "-") body=\(bodyBytes)"
    }
  }

  /// Every request logged so far, in order.
  public func loggedRequests() -> [Request] {
    let text = (try? String(contentsOf: state.appendingPathComponent("access.log"), encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { line in
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      guard fields.count == 6, let status = Int(fields[2]), let bytes = Int(fields[5]) else { return nil }
      return Request(
        method: fields[0], path: fields[1], status: status,
        range: fields[3] == "-" ? nil : fields[3], ifMatch: fields[4] == "-" ? nil : fields[4], bodyBytes: bytes)
    }
  }

  /// The requests logged so far, once the log has stopped growing: nginx writes a line when it
  /// finishes a request, which can be just after the client has read the last byte.
  public func requests() async -> [Request] {
    var previous = loggedRequests()
    while true {
      try? await Task.sleep(for: .milliseconds(60))
      let now = loggedRequests()
      if now == previous { return now }
      previous = now
    }
  }

  /// Forgets the requests logged so far: ``requests()`` then reports only later ones.
  public func clearLog() {
    _ = try? Data().write(to: state.appendingPathComponent("access.log"))
  }

  // MARK: Starting

  private static func configuration(root: URL, state: URL, port: Int) -> String {
    let temp = state.appendingPathComponent("temp").path
    return """
      daemon off;
      master_process off;
      pid \(state.appendingPathComponent("nginx.pid").path);
      error_log \(state.appendingPathComponent("error.log").path) warn;
      events { worker_connections 256; }
      http {
        log_format tests escape=none '$request_method\t$uri\t$status\t$http_range\t$http_if_match\t$body_bytes_sent';
        access_log \(state.appendingPathComponent("access.log").path) tests;
        client_body_temp_path \(temp)/body;
        proxy_temp_path \(temp)/proxy;
        fastcgi_temp_path \(temp)/fastcgi;
        uwsgi_temp_path \(temp)/uwsgi;
        scgi_temp_path \(temp)/scgi;
        default_type application/octet-stream;
        keepalive_requests 10000;
        server {
          listen 127.0.0.1:\(port);
          root \(root.path);
          location /norange/ { alias \(root.path)/; max_ranges 0; }
          location /unavailable/ { return 503; }
          location /forbidden/ { return 403; }
          location /eventually/ { try_files $uri =503; }
          location /noetag/ { alias \(root.path)/; etag off; }
        }
      }
      """
  }

  /// A port nothing listens on now: the kernel's pick for a socket bound to port 0.
  private static func freePort() throws -> Int {
    let (descriptor, port) = try loopbackSocket(listening: false)
    close(descriptor)
    return port
  }

  /// Whether a connection to `port` succeeds within 5 s while `process` runs.
  private static func waitUntilListening(port: Int, process: Process) -> Bool {
    for _ in 0..<250 {
      guard process.isRunning else { return false }
      if canConnect(port: port) { return true }
      usleep(20_000)
    }
    return false
  }

  /// Whether a TCP connection to 127.0.0.1:`port` succeeds now.
  public static func canConnect(port: Int) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    var address = loopbackAddress(port: port)
    return withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    } == 0
  }
}

/// A loopback TCP port that accepts connections (the kernel completes them) but never answers:
/// requests to it time out.
public final class SilentServer: Sendable {
  /// The port.
  public let port: Int
  private let descriptor: Int32

  /// Listens on a free loopback port and never accepts.
  public init() throws {
    (descriptor, port) = try loopbackSocket(listening: true)
  }

  deinit { close(descriptor) }

  /// `http://127.0.0.1:PORT/PATH`.
  public func url(_ path: String) -> URL { URL(string: "http://127.0.0.1:\(port)/\(path)")! }
}

/// A TCP socket bound to a port of the kernel's choosing on 127.0.0.1, listening if asked, and that port.
private func loopbackSocket(listening: Bool) throws -> (descriptor: Int32, port: Int) {
  let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard descriptor >= 0 else { throw NginxServer.Failure(description: "socket: errno \(errno)") }
  var address = loopbackAddress(port: 0)
  let bound = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
    }
  }
  guard bound == 0, !listening || listen(descriptor, 64) == 0 else {
    let code = errno
    close(descriptor)
    throw NginxServer.Failure(description: "bind/listen: errno \(code)")
  }
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  _ = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
  }
  return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
}

/// 127.0.0.1:`port`.
private func loopbackAddress(port: Int) -> sockaddr_in {
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = UInt16(port).bigEndian
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  return address
}
