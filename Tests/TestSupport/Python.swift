import Foundation

/// Runs the Python reference (`mapbuffer==1.2.0`, `osteoid==0.7.4`, and `morphio==3.5.0` for SWC) from the project's venv.
///
/// The README's test command (`Scripts/test`) creates `.venv` with both packages before the
/// tests run; a test that needs Python is skipped with the reason when it is missing, or fails
/// under CI (``TestRequirement``).
public enum ReferencePython {
  /// The interpreter: `$MAPBUFFER_PYTHON` if set, else `.venv/bin/python` in the repository.
  public static var executable: URL {
    if let path = ProcessInfo.processInfo.environment["MAPBUFFER_PYTHON"] { return URL(fileURLWithPath: path) }
    return Fixtures.packageRoot.appendingPathComponent(".venv/bin/python")
  }

  /// A failed run, with what the interpreter printed on standard error.
  public struct Failure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
  }

  /// Runs `script` with `arguments`, returning standard output; throws with standard error on failure.
  @discardableResult
  public static func run(_ script: String, arguments: [String] = [], input: Data? = nil) throws -> Data {
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
      throw try TestRequirement.missing(
        "no Python reference at \(executable.path)",
        failure: Failure(
          description: "no Python reference at \(executable.path): run Scripts/setup, which creates the venv"))
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = ["-c", script] + arguments
    let stdout = Pipe()
    let stderr = Pipe()
    let stdin = Pipe()
    process.standardOutput = stdout
    process.standardError = stderr
    process.standardInput = stdin
    try process.run()
    if let input { try stdin.fileHandleForWriting.writeAllRetryingInterrupts(input) }
    try stdin.fileHandleForWriting.close()
    // Read both pipes before waiting, so a large output cannot block the child.
    var output = Data()
    var errorOutput = Data()
    let group = DispatchGroup()
    nonisolated(unsafe) var errorBuffer = Data()
    group.enter()
    DispatchQueue.global().async {
      errorBuffer = (try? stderr.fileHandleForReading.readToEndRetryingInterrupts()) ?? Data()
      group.leave()
    }
    output = try stdout.fileHandleForReading.readToEndRetryingInterrupts()
    group.wait()
    errorOutput = errorBuffer
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(
        description: "python exited \(process.terminationStatus): \(String(decoding: errorOutput, as: UTF8.self))")
    }
    return output
  }
}
