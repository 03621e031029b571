import Foundation
import Testing

/// What a test needs from the machine beyond the package itself: the Python reference in `.venv`,
/// or nginx on `PATH`.
///
/// On a fresh clone without them (`swift test` alone), such a test is skipped with the reason
/// printed; where `CI` is set (`.ci/run`, which runs `Scripts/setup` first) it is required, and
/// its absence is a failure.
public enum TestRequirement {
  /// Whether missing requirements fail tests rather than skip them: `CI` is set.
  public static var isRequired: Bool {
    guard let value = ProcessInfo.processInfo.environment["CI"] else { return false }
    return !value.isEmpty && value != "0" && value.lowercased() != "false"
  }

  /// Stops the current test for want of `requirement`: skips it (cancels it, with the reason) on
  /// a developer's machine; under CI returns `failure`, for the caller to throw.
  public static func missing(_ requirement: String, failure: any Error) throws -> any Error {
    if isRequired { return failure }
    try Test.cancel("skipped: \(requirement) (Scripts/setup installs it; required when CI is set)")
  }

  /// The first executable named `name` in the folders of `PATH`, if any.
  public static func executable(named name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for folder in path.split(separator: ":") where !folder.isEmpty {
      let candidate = "\(folder)/\(name)"
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
  }
}
