import Foundation
import MapBufferTestSupport
import Testing

/// The C shims' own self-test (`Tests/CShimSelfTest/c-shim-selftest.c`), built from the shim
/// sources with AddressSanitizer and LeakSanitizer and run: every codec's statuses on good,
/// truncated, corrupt and oversized input, decompression bombs, the CRC-32C, and the per-thread
/// contexts from many threads, in C, where a leak or an out-of-bounds access is a report.
@Suite("C shims' self-test")
struct CShimSelfTests {
  /// The shims' sources and the self-test, relative to the repository.
  private static let sources = [
    "Sources/CMapBufferCodecs", "Sources/CMapBufferCRC32C",
  ]

  @Test("the codec and CRC-32C shims pass their C self-test, with no sanitizer report and no leak")
  func selfTest() throws {
    guard let compiler = TestRequirement.executable(named: "cc") else {
      throw try TestRequirement.missing("no C compiler (cc) on PATH", failure: Failure("no C compiler (cc) on PATH"))
    }
    guard let pkgConfig = TestRequirement.executable(named: "pkg-config") else {
      throw try TestRequirement.missing("no pkg-config on PATH", failure: Failure("no pkg-config on PATH"))
    }
    let root = Fixtures.packageRoot
    let libraries = try Self.run(
      pkgConfig, ["--cflags", "--libs", "zlib", "libbrotlienc", "libbrotlidec", "libzstd", "liblzma"])
    #expect(libraries.status == 0, "pkg-config: \(libraries.error)")

    var arguments = ["-O1", "-g", "-fsanitize=address", "-fno-omit-frame-pointer", "-std=c11", "-pthread"]
    var files: [String] = []
    for folder in Self.sources {
      arguments += ["-I", root.appendingPathComponent("\(folder)/include").path]
      let directory = root.appendingPathComponent(folder)
      files += try FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasSuffix(".c") }.sorted().map { directory.appendingPathComponent($0).path }
    }
    #expect(files.count >= 7, "the shims' C files: \(files)")
    files.append(root.appendingPathComponent("Tests/CShimSelfTest/c-shim-selftest.c").path)

    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let binary = folder.appendingPathComponent("c-shim-selftest").path
    let flags = libraries.output.split(whereSeparator: \.isWhitespace).map(String.init)
    let build = try Self.run(compiler, arguments + files + flags + ["-o", binary])
    try #require(build.status == 0, "cc failed: \(build.error)")

    // LeakSanitizer is on: a leak is a report and a non-zero status.
    let result = try Self.run(binary, ["--quick"], environment: ["ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0"])
    #expect(result.status == 0, "self-test exited \(result.status): \(result.error.suffix(4000))")
    #expect(!result.error.contains("Sanitizer"), "sanitizer report: \(result.error.suffix(4000))")
    let summary = result.output.split(separator: "\n").last.map(String.init) ?? ""
    #expect(summary.hasSuffix(" 0 failures"), "self-test summary: \(summary)")
    let checks = Int(summary.split(separator: " ").first ?? "") ?? 0
    #expect(checks > 100, "the self-test ran \(checks) checks")
  }

  private struct Failure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }

  /// Runs `executable` with `arguments` to its end (``ChildProcess``), its output as text.
  private static func run(
    _ executable: String, _ arguments: [String], environment: [String: String] = [:]
  ) throws -> (status: Int32, output: String, error: String) {
    let result = try ChildProcess.run(URL(fileURLWithPath: executable), arguments, environment: environment)
    return (result.status, String(decoding: result.standardOutput, as: UTF8.self), result.standardError)
  }
}
