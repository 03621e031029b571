import Foundation

/// Runs a program to its end for a test: nothing on standard input, standard output through a
/// pipe read to its end and standard error through a temporary file, so that neither can fill
/// up and stall the child.
public enum ChildProcess {
  /// What one run printed and how it ended.
  public struct Result: Sendable {
    /// The exit status (or the signal's number, for a child killed by one).
    public var status: Int32
    /// Everything the child wrote on standard output.
    public var standardOutput: Data
    /// Everything the child wrote on standard error, as UTF-8 text.
    public var standardError: String
  }

  /// Runs `executable` with `arguments` in `directory` (the current one if `nil`), with
  /// `environment` added to this process's; with `timeout`, a child still running after that
  /// many seconds is killed (its status then says so).
  public static func run(
    _ executable: URL, _ arguments: [String], in directory: URL? = nil,
    environment: [String: String] = [:], timeout: Double? = nil
  ) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    if let directory { process.currentDirectoryURL = directory }
    let errorURL = FileManager.default.temporaryDirectory
      .appendingPathComponent("mapbuffer-child-stderr-\(UUID().uuidString)")
    guard FileManager.default.createFile(atPath: errorURL.path, contents: nil) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errorURL.path])
    }
    defer { try? FileManager.default.removeItem(at: errorURL) }
    let errorHandle = try FileHandle(forWritingTo: errorURL)
    let output = Pipe()
    process.standardOutput = output
    process.standardError = errorHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let finished = FinishedFlag()
    if let timeout {
      let pid = process.processIdentifier
      DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
        finished.unlessSet { _ = kill(pid, SIGKILL) }
      }
    }
    let outputData = try output.fileHandleForReading.readToEndRetryingInterrupts()
    process.waitUntilExit()
    finished.set()
    try errorHandle.close()
    return Result(
      status: process.terminationStatus, standardOutput: outputData,
      standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
  }
}

/// Whether a child has been waited for, so that a timeout never signals a reused process id.
public final class FinishedFlag: @unchecked Sendable {
  // @unchecked: `isSet` is only touched with `lock` held.
  private let lock = NSLock()
  private var isSet = false

  /// A flag not yet set.
  public init() {}

  /// Sets the flag.
  public func set() {
    lock.withLock { isSet = true }
  }

  /// Runs `body` unless the flag is set, with the flag held.
  public func unlessSet(_ body: () -> Void) {
    lock.withLock { if !isSet { body() } }
  }
}
