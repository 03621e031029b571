import Foundation
import MapBufferTestSupport

/// Runs the built `mapbuffer` executable and captures what it prints.
///
/// The binary sits next to the test bundle in the build folder (`swift build --build-tests`
/// builds it, since this target depends on it); `MAPBUFFER_TOOL` names another one.
enum ToolRunner {
  /// What one run printed and how it ended.
  typealias Result = ChildProcess.Result

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

  /// Runs `mapbuffer` with `arguments` in `directory`, feeding it nothing on standard input
  /// (``ChildProcess/run(_:_:in:environment:timeout:)``). With `umask`, the child runs under
  /// that umask (through `/bin/sh`); with `timeout`, a child still running after that many
  /// seconds is killed (its status then says so).
  static func run(
    _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
    umask: String? = nil, timeout: Double? = nil
  ) throws -> Result {
    guard let umask else {
      return try ChildProcess.run(executable, arguments, in: directory, environment: environment, timeout: timeout)
    }
    return try ChildProcess.run(
      URL(fileURLWithPath: "/bin/sh"), ["-c", "umask \(umask) && exec \"$0\" \"$@\"", executable.path] + arguments,
      in: directory, environment: environment, timeout: timeout)
  }
}

extension ChildProcess.Result {
  /// Standard output as UTF-8 text.
  var output: String { String(decoding: standardOutput, as: UTF8.self) }
}
