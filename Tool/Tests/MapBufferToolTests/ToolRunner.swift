import Foundation

/// Runs the built `mapbuffer` executable and captures what it prints.
///
/// The binary sits next to the test bundle in the build folder (`swift build --build-tests`
/// builds it, since this target depends on it); `MAPBUFFER_TOOL` names another one.
enum ToolRunner {
  /// What one run printed and how it ended.
  struct Result {
    var status: Int32
    var standardOutput: Data
    var standardError: String

    /// Standard output as UTF-8 text.
    var output: String { String(decoding: standardOutput, as: UTF8.self) }
  }

  /// The `mapbuffer` executable.
  static var executable: URL {
    if let path = ProcessInfo.processInfo.environment["MAPBUFFER_TOOL"] {
      return URL(fileURLWithPath: path)
    }
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    var directory = testBinary.deletingLastPathComponent()
    // On platforms where the tests are a bundle, the binary is beside the bundle.
    while directory.pathExtension == "xctest" || directory.lastPathComponent == "Contents"
      || directory.lastPathComponent == "MacOS"
    {
      directory.deleteLastPathComponent()
    }
    return directory.appendingPathComponent("mapbuffer")
  }

  /// Runs `mapbuffer` with `arguments` in `directory`, feeding it nothing on standard input.
  ///
  /// Standard error goes to a temporary file and standard output to a pipe read to its end, so
  /// neither can fill up and stall the child. With `umask`, the child runs under that umask
  /// (through `/bin/sh`); with `timeout`, a child still running after that many seconds is
  /// killed (its status then says so).
  static func run(
    _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
    umask: String? = nil, timeout: Double? = nil
  ) throws -> Result {
    let process = Process()
    if let umask {
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", "umask \(umask) && exec \"$0\" \"$@\"", executable.path] + arguments
    } else {
      process.executableURL = executable
      process.arguments = arguments
    }
    if !environment.isEmpty {
      process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    if let directory { process.currentDirectoryURL = directory }
    let errorURL = FileManager.default.temporaryDirectory
      .appendingPathComponent("mapbuffer-tool-stderr-\(UUID().uuidString)")
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
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    finished.set()
    try errorHandle.close()
    return Result(
      status: process.terminationStatus, standardOutput: outputData,
      standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
  }
}

/// Whether a child has been waited for, so that a timeout never signals a reused process id.
final class FinishedFlag: @unchecked Sendable {
  // @unchecked: `isSet` is only touched with `lock` held.
  private let lock = NSLock()
  private var isSet = false

  func set() {
    lock.withLock { isSet = true }
  }

  /// Runs `body` unless the flag is set, with the flag held.
  func unlessSet(_ body: () -> Void) {
    lock.withLock { if !isSet { body() } }
  }
}
