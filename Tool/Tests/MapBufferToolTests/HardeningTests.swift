import Foundation
import MapBuffer
import MapBufferTestSupport
import Testing

// Issue 14: files, signals, permissions and races. Each test failed before its fix.

/// The permission bits of the file at `url`.
private func permissions(_ url: URL) throws -> Int {
  let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
  return (attributes[.posixPermissions] as! NSNumber).intValue & 0o7777
}

/// A map file of `count` items of `size` bytes each, codec none, at `url`.
private func writeLargeMap(_ url: URL, count: Int, size: Int) throws {
  let builder = try MapBufferStreamingBuilder(writingTo: url)
  var value = Data(count: size)
  for key in 0..<count {
    value.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(key), as: UInt64.self) }
    try builder.add(value, forKey: UInt64(key))
  }
  try builder.finish()
}

/// A `mapbuffer` started with standard output and error in files, for tests that act on it
/// while it runs.
private struct RunningTool {
  let process = Process()
  let errorURL: URL

  init(_ arguments: [String], errorsIn folder: URL) throws {
    errorURL = folder.appendingPathComponent("stderr.txt")
    guard FileManager.default.createFile(atPath: errorURL.path, contents: nil) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errorURL.path])
    }
    process.executableURL = ToolRunner.executable
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = try FileHandle(forWritingTo: errorURL)
    process.standardInput = FileHandle.nullDevice
    try process.run()
  }

  /// Waits up to `seconds` for `condition`, checking every millisecond; whether it held.
  func waitFor(seconds: Double = 60, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline && process.isRunning {
      if condition() { return true }
      usleep(1000)
    }
    return condition()
  }

  /// Waits for the exit; the status, whether it died of a signal, and standard error.
  func finish() throws -> (status: Int32, bySignal: Bool, error: String) {
    process.waitUntilExit()
    return (
      process.terminationStatus, process.terminationReason == .uncaughtSignal,
      String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
    )
  }
}

/// Names in `folder` that start with a dot: temporaries and staging folders.
private func hiddenEntries(_ folder: URL) -> [String] {
  ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix(".") }
}

@Suite("Hostile input and faults: files, signals, permissions and races (the tool)")
struct HardeningTests {
  // MARK: 1. Permissions

  @Test("New outputs follow the umask; a replaced output keeps its mode", arguments: ["077", "022", "002"])
  func outputsFollowTheUmask(mask: String) throws {
    let expected = 0o666 & ~Int(mask, radix: 8)!
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("items")
      try writeItems([1: Data("one".utf8), 2: Data("two".utf8)], into: source)
      let packed = directory.appendingPathComponent("packed.mb")
      let runs: [(String, [String], URL)] = [
        ("pack", ["pack", source.path, "-o", packed.path], packed),
        (
          "transcode",
          ["transcode", packed.path, "-o", directory.appendingPathComponent("t.mb").path, "--compress", "zstd"],
          directory.appendingPathComponent("t.mb")
        ),
        (
          "merge", ["merge", packed.path, "-o", directory.appendingPathComponent("m.mb").path],
          directory.appendingPathComponent("m.mb")
        ),
        (
          "unpack", ["unpack", packed.path, "-o", directory.appendingPathComponent("out").path],
          directory.appendingPathComponent("out/1")
        ),
      ]
      for (name, arguments, output) in runs {
        expectSuccess(try ToolRunner.run(arguments, umask: mask), "\(name) under umask \(mask)")
        let mode = try permissions(output)
        #expect(mode == expected, "\(name) under umask \(mask): \(String(mode, radix: 8))")
      }
      // A replaced file keeps its mode, whatever the umask.
      try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: packed.path)
      expectSuccess(try ToolRunner.run(["pack", source.path, "-o", packed.path], umask: mask), "pack over 0640")
      #expect(try permissions(packed) == 0o640)
    }
  }

  // MARK: 2. The pack race

  @Test("pack never follows an entry swapped for a symbolic link between its check and its read")
  func packRace() throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("items")
      try writeItems(
        Dictionary(uniqueKeysWithValues: (0..<300).map { (UInt64($0), Data("inside".utf8)) }), into: source)
      let secret = directory.appendingPathComponent("secret")
      try Data("SECRET".utf8).write(to: secret)
      let staging = directory.appendingPathComponent("staging")
      try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
      let target = source.appendingPathComponent("299").path
      let stop = FinishedFlag()
      let swapper = Thread {
        var round = 0
        var running = true
        while running {
          round += 1
          let link = staging.appendingPathComponent("link-\(round)").path
          let file = staging.appendingPathComponent("file-\(round)").path
          _ = symlink(secret.path, link)
          _ = rename(link, target)
          _ = FileManager.default.createFile(atPath: file, contents: Data("inside".utf8))
          _ = rename(file, target)
          running = false
          stop.unlessSet { running = true }
        }
      }
      swapper.start()
      defer { stop.set() }
      let output = directory.appendingPathComponent("out.mb")
      // Each run either fails (the entry was a link when checked or when opened) or packs the
      // file inside the folder; before the fix, about one run in four packed the secret.
      for _ in 0..<25 {
        let result = try ToolRunner.run(["pack", source.path, "-o", output.path])
        guard result.status == 0 else {
          expectOneLineFailure(result, "pack racing a swap", mentioning: ["299"], status: 1)
          continue
        }
        let map = try MapBuffer(contentsOf: output, access: .positionalReads)
        #expect(try map[299] == Data("inside".utf8), "pack read the file outside the folder through a link")
      }
    }
  }

  // MARK: 3. FIFOs and other special files

  @Test("A FIFO as input is refused at once, by every command that reads a file")
  func fifoInput() throws {
    try withTemporaryDirectory { directory in
      let fifo = directory.appendingPathComponent("pipe.mb")
      #expect(mkfifo(fifo.path, 0o600) == 0)
      for arguments in [
        ["info", fifo.path], ["keys", fifo.path], ["get", fifo.path, "1"], ["validate", fifo.path],
        ["validate", fifo.path, "--deep"], ["unpack", fifo.path, "-o", directory.appendingPathComponent("out").path],
        ["transcode", fifo.path, "-o", directory.appendingPathComponent("t.mb").path],
        ["merge", fifo.path, "-o", directory.appendingPathComponent("m.mb").path], ["skeleton", fifo.path],
        ["skeleton", fifo.path, "1"],
      ] {
        let result = try ToolRunner.run(arguments, timeout: 30)
        expectOneLineFailure(result, "\(arguments[0]) of a FIFO", mentioning: ["pipe.mb"], status: 1)
      }
      #expect(try entryNames(of: directory) == ["pipe.mb"])
    }
  }

  // MARK: 4. A file that shrinks under a whole-map command

  @Test("unpack of a map truncated while it runs: a clear error, no SIGBUS, nothing left behind")
  func truncatedDuringUnpack() throws {
    try withTemporaryDirectory { directory in
      let input = directory.appendingPathComponent("big.mb")
      try writeLargeMap(input, count: 3000, size: 8192)
      let size = try FileManager.default.attributesOfItem(atPath: input.path)[.size] as! NSNumber
      let output = directory.appendingPathComponent("out")
      let tool = try RunningTool(["unpack", input.path, "-o", output.path], errorsIn: directory)
      let staged = tool.waitFor { hiddenEntries(output).contains { $0.hasPrefix(".mapbuffer-unpack-") } }
      #expect(staged, "the staging folder never appeared")
      #expect(truncate(input.path, off_t(size.intValue / 2)) == 0)
      let (status, bySignal, error) = try tool.finish()
      #expect(!bySignal && status == 1, "status \(status), by signal: \(bySignal), stderr: \(error)")
      #expect(error.contains("truncated"), "\(error)")
      #expect(!FileManager.default.fileExists(atPath: output.path), "unpack left its output folder behind")
    }
  }

  // MARK: 5. Interrupted writes

  @Test(
    "SIGINT or SIGTERM during transcode, merge or pack: temporaries removed, status 128 + signal",
    arguments: [("transcode", SIGTERM), ("merge", SIGINT), ("pack", SIGINT)])
  func interruptedWrite(command: String, signal: Int32) throws {
    try withTemporaryDirectory { directory in
      let input = directory.appendingPathComponent("big.mb")
      try writeLargeMap(input, count: 4000, size: 16384)
      let work = directory.appendingPathComponent("work")
      try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
      let output = work.appendingPathComponent("out.mb")
      var arguments = [command, input.path, "-o", output.path]
      if command == "pack" {
        let items = directory.appendingPathComponent("items")
        try writeItems(
          Dictionary(uniqueKeysWithValues: (0..<2000).map { (UInt64($0), Data(count: 32768)) }), into: items)
        arguments = ["pack", items.path, "-o", output.path]
      }
      let tool = try RunningTool(arguments, errorsIn: directory)
      let writing = tool.waitFor { !hiddenEntries(work).isEmpty }
      #expect(writing, "\(command): no temporary appeared")
      kill(tool.process.processIdentifier, signal)
      let (status, bySignal, error) = try tool.finish()
      #expect(
        !bySignal && status == 128 + signal, "\(command): status \(status), by signal \(bySignal), stderr: \(error)")
      let left = try entryNames(of: work)
      #expect(left == [], "\(command) left \(left)")
    }
  }

  @Test("SIGINT during unpack removes the staging folder and the folder it created")
  func interruptedUnpack() throws {
    try withTemporaryDirectory { directory in
      let input = directory.appendingPathComponent("big.mb")
      try writeLargeMap(input, count: 3000, size: 4096)
      let output = directory.appendingPathComponent("new/out")
      let tool = try RunningTool(["unpack", input.path, "-o", output.path], errorsIn: directory)
      #expect(tool.waitFor { !hiddenEntries(output).isEmpty }, "no staging folder appeared")
      kill(tool.process.processIdentifier, SIGINT)
      let (status, bySignal, error) = try tool.finish()
      #expect(!bySignal && status == 130, "status \(status), stderr: \(error)")
      #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("new").path))
    }
  }

  // MARK: 6. Whole-map commands on invalid maps

  /// Maps that `validate` rejects but that read: keys out of Eytzinger order, bytes after an
  /// empty map, an IntMap out of order.
  static func invalidMaps() throws -> [(name: String, bytes: Data)] {
    var swapped = try MapBufferWriter().encode([1: Data("a".utf8), 2: Data("b".utf8), 3: Data("c".utf8)])
    let first = loadUInt64(swapped, at: 16)
    let second = loadUInt64(swapped, at: 32)
    storeUInt64(second, in: &swapped, at: 16)
    storeUInt64(first, in: &swapped, at: 32)
    let trailing = try MapBufferWriter().encode([UInt64: Data]()) + Data("junk".utf8)
    var intMap = try IntMap.encode([1: 10, 2: 20, 3: 30])
    let key0 = loadUInt64(intMap, at: 10)
    let key1 = loadUInt64(intMap, at: 26)
    storeUInt64(key1, in: &intMap, at: 10)
    storeUInt64(key0, in: &intMap, at: 26)
    return [("out of order", swapped), ("trailing bytes", trailing), ("IntMap out of order", intMap)]
  }

  @Test("unpack, transcode and merge refuse a map that validate rejects, writing nothing")
  func invalidMapsRefused() throws {
    for (name, bytes) in try Self.invalidMaps() {
      try withTemporaryDirectory { directory in
        let input = directory.appendingPathComponent("bad.mb")
        try bytes.write(to: input)
        #expect(try ToolRunner.run(["validate", input.path]).status == 1, "\(name): validate accepts it")
        var commands = [["unpack", input.path, "-o", directory.appendingPathComponent("out").path]]
        if !name.hasPrefix("IntMap") {
          commands.append(["transcode", input.path, "-o", directory.appendingPathComponent("t.mb").path])
          commands.append(["merge", input.path, "-o", directory.appendingPathComponent("m.mb").path])
        }
        for arguments in commands {
          let result = try ToolRunner.run(arguments)
          expectOneLineFailure(result, "\(arguments[0]) of \(name)", mentioning: ["invalid"], status: 1)
        }
        #expect(try entryNames(of: directory) == ["bad.mb"], "\(name)")
      }
    }
  }

  // MARK: 7. Copies of undecodable items

  @Test(
    "transcode and merge refuse an item whose stream is corrupt under a correct checksum; --skip-decode-check copies it"
  )
  func undecodableCopies() throws {
    try withTemporaryDirectory { directory in
      var bytes = try MapBufferWriter(compression: .gzip).encode([
        1: Data(repeating: 7, count: 1000), 2: Data("two".utf8),
      ])
      let item = try #require(itemLayout(of: bytes).first { $0.key == 1 })
      // The gzip trailer's CRC-32 (8 bytes before the payload's end): zlib finds the damage.
      let payloadEnd = item.range.upperBound - 4
      bytes[payloadEnd - 8] ^= 0xFF
      let checksum = CRC32C.checksum(of: bytes[item.range.lowerBound..<payloadEnd])
      withUnsafeBytes(of: checksum.littleEndian) { bytes.replaceSubrange(payloadEnd..<item.range.upperBound, with: $0) }
      let input = directory.appendingPathComponent("corrupt.mb")
      try bytes.write(to: input)
      #expect(try ToolRunner.run(["validate", input.path]).status == 0)
      #expect(try ToolRunner.run(["validate", input.path, "--deep"]).status == 1)
      let output = directory.appendingPathComponent("out.mb")
      for command in ["transcode", "merge"] {
        let result = try ToolRunner.run([command, input.path, "-o", output.path])
        expectOneLineFailure(result, command, mentioning: ["key 1"], status: 1)
        #expect(!FileManager.default.fileExists(atPath: output.path))
        expectSuccess(
          try ToolRunner.run([command, input.path, "-o", output.path, "--skip-decode-check"]),
          "\(command) --skip-decode-check")
        try FileManager.default.removeItem(at: output)
      }
    }
  }

  // MARK: 10. Long names

  @Test("Outputs named with up to 255 bytes work", arguments: [243, 250, 255])
  func longNames(length: Int) throws {
    try withTemporaryDirectory { directory in
      let source = directory.appendingPathComponent("items")
      try writeItems([5: Data("five".utf8)], into: source)
      let packed = directory.appendingPathComponent(String(repeating: "p", count: length))
      expectSuccess(try ToolRunner.run(["pack", source.path, "-o", packed.path]), "pack to a \(length)-byte name")
      let transcoded = directory.appendingPathComponent(String(repeating: "t", count: length))
      expectSuccess(
        try ToolRunner.run(["transcode", packed.path, "-o", transcoded.path, "--compress", "br"]), "transcode")
      #expect(try MapBuffer(contentsOf: transcoded)[5] == Data("five".utf8))
    }
  }

  // MARK: 11. One key grammar

  @Test(
    "get and skeleton take keys as pack names files: no sign, no leading zeros", arguments: ["+7", "07", "+0", "00"])
  func oneKeyGrammar(key: String) throws {
    try withTemporaryDirectory { directory in
      let map = directory.appendingPathComponent("m.mb")
      try MapBufferWriter().write([7: Data("seven".utf8), 0: Data()], to: map)
      let result = try ToolRunner.run(["get", map.path, key])
      expectOneLineFailure(result, "get \(key)", mentioning: [key], status: 1)
      #expect(result.standardOutput.isEmpty)
    }
  }
}
