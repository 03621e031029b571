import Foundation
import MapBufferTestSupport
import Testing

@testable import MapBuffer

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A directory where writing really fails, made for one test and removed by ``cleanUp()``.
///
/// As root, a tmpfs mounted by the test: remounted read-only, or too small (256 KiB) for the
/// output. Where `mount` is refused, a read-only directory is a mode-0555 folder when we are
/// not root (permissions bind us); otherwise the fault is injected into the writer
/// (``AtomicFile/injectedWriteError``), so that a write still fails, half done, every time.
struct FaultyDirectory {
  /// How writing fails.
  enum Fault: String, CaseIterable, Sendable {
    /// A directory no file can be created in.
    case readOnly
    /// A filesystem without room for the output.
    case full
  }

  /// The directory, holding one file named `target` with ``targetContents``.
  let url: URL
  /// What the fault is made of, for messages: "tmpfs", "mode 0555" or "injected".
  let mechanism: String
  /// The `errno` injected into every write, when the fault could not be made for real.
  let injectedErrno: Int32?
  /// The bytes of the existing `target` file, which no failed write may change.
  let targetContents = Data("the previous contents, which must survive".utf8)

  /// The existing file the writes try to replace.
  var target: URL { url.appendingPathComponent("target") }

  /// Makes a directory with `fault`: real where it can be, else (or when `injected`) injected.
  init(_ fault: Fault, injected: Bool = false) throws {
    let base = try Fixtures.temporaryDirectory()
    let size = fault == .full ? "256k" : "1m"
    if !injected, Self.run("/bin/mount", "-t", "tmpfs", "-o", "size=\(size),mode=0755", "tmpfs", base.path) {
      url = base
      try targetContents.write(to: url.appendingPathComponent("target"))
      if fault == .readOnly {
        guard Self.run("/bin/mount", "-o", "remount,ro", base.path) else {
          _ = Self.run("/bin/umount", base.path)
          throw CocoaError(.fileWriteNoPermission)
        }
      }
      mechanism = "tmpfs"
      injectedErrno = nil
    } else if !injected, fault == .readOnly, getuid() != 0 {
      url = base
      try targetContents.write(to: url.appendingPathComponent("target"))
      chmod(base.path, 0o555)
      mechanism = "mode 0555"
      injectedErrno = nil
    } else {
      url = base
      try targetContents.write(to: url.appendingPathComponent("target"))
      mechanism = "injected"
      injectedErrno = fault == .readOnly ? EROFS : ENOSPC
    }
  }

  /// Runs `body` with the fault in force: injected into this task's writes when it is not real.
  func withFault<Result>(_ body: () throws -> Result) rethrows -> Result {
    guard let injectedErrno else { return try body() }
    return try AtomicFile.$injectedWriteError.withValue(injectedErrno) { try body() }
  }

  /// The names in the directory, hidden ones included.
  func contents() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
  }

  /// Unmounts and removes the directory.
  func cleanUp() {
    if mechanism == "tmpfs" { _ = Self.run("/bin/umount", url.path) }
    chmod(url.path, 0o755)
    try? FileManager.default.removeItem(at: url)
  }

  /// Runs a program quietly; whether it exited 0.
  private static func run(_ program: String, _ arguments: String...) -> Bool {
    guard FileManager.default.isExecutableFile(atPath: program) else { return false }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
  }
}

@Suite("Faults: failing writes and files changed under a reader")
struct FaultTests {
  /// One write operation of the library, aimed at `url`.
  typealias WriteOperation = @Sendable (_ url: URL) throws -> Void

  /// Incompressible values, 1 MiB in all: more than a full tmpfs holds.
  static let values: [UInt64: Data] = {
    var generator = SeededGenerator(seed: 5)
    return Dictionary(
      uniqueKeysWithValues: (0..<16).map { (UInt64($0) * 977, Data.random(count: 1 << 16, using: &generator)) })
  }()

  /// Every way the library writes a file.
  static let operations: [(String, WriteOperation)] = [
    ("MapBufferWriter.write", { url in try MapBufferWriter(compression: .none).write(values, to: url) }),
    ("MapBuffer.write(to:)", { url in try MapBuffer(encoding: values).write(to: url) }),
    (
      "IntMap.write",
      { url in
        try IntMap.write(
          Dictionary(uniqueKeysWithValues: (0..<UInt64(1 << 16)).map { ($0 &* 0x9E37_79B9, $0) }), to: url)
      }
    ),
    (
      "IntMap.write(to:)",
      { url in
        try IntMap(encoding: Dictionary(uniqueKeysWithValues: (0..<UInt64(1 << 16)).map { ($0, $0) })).write(to: url)
      }
    ),
    (
      "MapBufferStreamingBuilder.finish",
      { url in
        let builder = try MapBufferStreamingBuilder(writingTo: url, compression: .none, bufferByteLimit: 1 << 18)
        for (key, value) in values { try builder.add(value, forKey: key) }
        try builder.finish()
      }
    ),
    (
      "MapBuffer.merge",
      { url in
        let halves = values.sorted { $0.key < $1.key }
        let first = try MapBuffer(
          encoding: Dictionary(uniqueKeysWithValues: halves.prefix(8).map { ($0.key, $0.value) }))
        let second = try MapBuffer(
          encoding: Dictionary(uniqueKeysWithValues: halves.suffix(8).map { ($0.key, $0.value) }), compression: .zstd)
        try MapBuffer.merge([first, second], to: url, writer: MapBufferWriter(compression: .none))
      }
    ),
  ]

  /// Each fault, made for real (falling back to injection where it cannot be) and injected.
  static let faults: [(FaultyDirectory.Fault, Bool)] = FaultyDirectory.Fault.allCases.flatMap {
    [($0, false), ($0, true)]
  }

  @Test(
    "A failing write throws, leaves the target untouched and removes its temporary file",
    arguments: faults, 0..<operations.count)
  func failingWrites(_ fault: (FaultyDirectory.Fault, Bool), _ operation: Int) throws {
    let (name, write) = Self.operations[operation]
    let directory = try FaultyDirectory(fault.0, injected: fault.1)
    let fault = fault.0
    defer { directory.cleanUp() }
    let before = try directory.contents()
    #expect(before == ["target"])
    for url in [directory.target, directory.url.appendingPathComponent("fresh")] {
      var thrown: (any Error)?
      directory.withFault {
        do { try write(url) } catch { thrown = error }
      }
      let error = try #require(thrown, "\(name) into a \(fault) directory (\(directory.mechanism)) did not fail")
      guard let typed = error as? MapBufferError, typed.code == .io, let code = typed.posixErrorCode else {
        Issue.record("\(name), \(fault) (\(directory.mechanism)): \(error)")
        continue
      }
      let expected: Set<Int32> = fault == .readOnly ? [EROFS, EACCES] : [ENOSPC]
      #expect(expected.contains(code), "\(name), \(fault) (\(directory.mechanism)): errno \(code)")
      // Nothing changed: the old file is whole, the new one never appeared, no temporary is left.
      #expect(try Data(contentsOf: directory.target) == directory.targetContents, "\(name), \(fault)")
      #expect(try directory.contents() == before, "\(name), \(fault) (\(directory.mechanism))")
    }
    // The same write succeeds once the fault is gone (an ordinary directory), so the failure was the fault's.
    let healthy = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: healthy) }
    try write(healthy.appendingPathComponent("target"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: healthy.path) == ["target"])
  }

  @Test("A tmpfs filled up while the streaming builder spills gives an error, not a crash")
  func fullWhileSpilling() throws {
    let directory = try FaultyDirectory(.full)
    defer { directory.cleanUp() }
    var thrown: (any Error)?
    directory.withFault {
      do {
        // A small buffer: the builder spills to its scratch file in the full directory early.
        let builder = try MapBufferStreamingBuilder(
          writingTo: directory.target, compression: .none, bufferByteLimit: 1 << 12)
        for (key, value) in Self.values { try builder.add(value, forKey: key) }
        try builder.finish()
      } catch { thrown = error }
    }
    #expect(thrown is MapBufferError, "\(String(describing: thrown))")
    #expect(try Data(contentsOf: directory.target) == directory.targetContents)
    #expect(try directory.contents() == ["target"])
  }

  /// A map of 200 items written to a new temporary folder, with its values.
  static func mapFile(_ codec: MapBuffer.Compression, version: MapBuffer.FormatVersion) throws -> (
    URL, URL, [UInt64: Data]
  ) {
    let folder = try Fixtures.temporaryDirectory()
    let url = folder.appendingPathComponent("map.mb")
    let values = randomMap(count: 200, seed: 31)
    try MapBufferWriter(compression: codec, formatVersion: version).write(values, to: url)
    return (folder, url, values)
  }

  @Test(
    "A file truncated while open through positional reads gives errors, never a crash",
    arguments: MapBuffer.Compression.allCases, MapBuffer.FormatVersion.allCases)
  func truncatedWhileOpen(_ codec: MapBuffer.Compression, _ version: MapBuffer.FormatVersion) throws {
    let (folder, url, values) = try Self.mapFile(codec, version: version)
    defer { try? FileManager.default.removeItem(at: folder) }
    let size = try Data(contentsOf: url).count
    let probes = Array(values.keys.sorted().prefix(40)) + [0, .max]
    for length in [0, 10, 16, 16 + 16 * 100, 16 + 16 * 200, size / 2, size - 1] {
      try MapBufferWriter(compression: codec, formatVersion: version).write(values, to: url)
      let map = try MapBuffer(contentsOf: url, access: .positionalReads)
      #expect(try map[probes[0]] == values[probes[0]])
      #expect(truncate(url.path, off_t(length)) == 0)
      var truncatedReads = 0
      for error in exerciseEverything(map, probes: probes) {
        guard let typed = error as? MapBufferError else {
          Issue.record("length \(length): \(error)")
          continue
        }
        if typed.code == .sourceTruncated { truncatedReads += 1 }
      }
      // Every operation that reads past the new end says so; a whole-file pass always does.
      #expect(truncatedReads > 0, "length \(length)")
      #expect(throws: MapBufferError.self, "length \(length)") { try map.validate(.deep) }
      #expect(throws: MapBufferError.self, "length \(length)") { try map.dictionary() }
      #expect(throws: MapBufferError.self, "length \(length)") { try map.serialized }
    }
  }

  @Test("A file replaced or rewritten while open through positional reads: the old bytes, or errors")
  func replacedWhileOpen() throws {
    let (folder, url, values) = try Self.mapFile(.zstd, version: .version1)
    defer { try? FileManager.default.removeItem(at: folder) }
    let map = try MapBuffer(contentsOf: url, access: .positionalReads)
    // Replaced by a rename (how every writer here writes): the open descriptor keeps the old file.
    try MapBufferWriter(compression: .gzip).write(randomMap(count: 3, seed: 1), to: url)
    #expect(try map.dictionary() == values)
    try map.validate(.deep)
    // Overwritten in place with other bytes of the same size: checksums catch it, nothing traps.
    let reopened = try MapBuffer(contentsOf: url, access: .positionalReads)
    let original = try Data(contentsOf: url)
    var generator = SeededGenerator(seed: 8)
    try Data.random(count: original.count, using: &generator).write(to: url, options: [])
    for error in exerciseEverything(reopened, probes: Array(values.keys.prefix(20))) {
      #expect(error is MapBufferError, "\(error)")
    }
    #expect(throws: MapBufferError.self) { try reopened.validate(.deep) }
  }

  @Test(
    "An IntMap opened with positional reads holds its entries from opening: a truncation afterwards changes no answer")
  func intMapTruncatedWhileOpen() throws {
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let url = folder.appendingPathComponent("map.im")
    let items = Dictionary(uniqueKeysWithValues: (0..<UInt64(500)).map { ($0 * 3, $0) })
    for length in [0, 5, 10, 10 + 16 * 250] {
      try IntMap.write(items, to: url)
      let map = try IntMap(contentsOf: url, access: .positionalReads)
      #expect(truncate(url.path, off_t(length)) == 0)
      #expect(try map[3] == 1)
      #expect(try map.dictionary() == items)
      #expect(Array(map.keys) == items.keys.sorted())
      try map.validate()
      for key in [UInt64(0), 3, 747, 1497, .max] {
        #expect(try map[key] == items[key])
      }
    }
  }

}

/// Every operation a reader offers on an opened map, run to completion; the errors thrown.
@discardableResult
func exerciseEverything(_ map: MapBuffer, probes: [UInt64]) -> [any Error] {
  var errors: [any Error] = []
  func attempt(_ body: () throws -> Void) {
    do { try body() } catch { errors.append(error) }
  }
  _ = Array(map.keys)
  attempt { _ = try map.dictionary() }
  attempt { try map.validate(.shallow) }
  attempt { try map.validate(.deep) }
  attempt { _ = try map.values(forKeys: probes) }
  attempt {
    var entries = map.entries()
    while try entries.next() != nil {}
  }
  for key in probes {
    attempt { _ = try map[key] }
    attempt { _ = try map.contains(key) }
    attempt { _ = try map.storedSize(forKey: key) }
    attempt { _ = try map.storedBytes(forKey: key) }
    attempt { _ = try map.withUnsafeBytes(forKey: key) { $0.count } }
    attempt { _ = try map.valueBytes(forKey: key).map { Data($0) } }
  }
  return errors
}
