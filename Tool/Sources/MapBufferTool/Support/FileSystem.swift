import Foundation
@_spi(MapBufferTool) import MapBuffer

/// What a path names, as `stat(2)` (or `lstat(2)`) reports it: the library's file kinds.
///
/// The commands check paths with these checks before handing them to Foundation, whose file
/// errors say less and say it at length; a failed check is a ``ToolFailure`` naming the path
/// with the system's words (`No such file or directory`, `Is a directory`, `Not a directory`).
typealias PathKind = FileStatus.Kind

extension FileStatus.Kind {
  /// The kind of what `path` names, or `nil` when nothing is there (`ENOENT`).
  ///
  /// With `followingLinks` false a symbolic link is reported as ``symbolicLink``; otherwise
  /// as what it points to (a dangling link is then `nil`). Any other failure (a component
  /// that is not a directory, no permission) throws, naming `path`.
  static func of(_ path: String, followingLinks: Bool = true) throws -> PathKind? {
    do {
      return try FileStatus.of(path: path, followingLinks: followingLinks)?.kind
    } catch let error as MapBufferError where error.code == .io {
      throw ToolFailure("\(printableName(path)): \(systemErrorText(error.posixErrorCode ?? EIO))")
    }
  }

  /// How a path of this kind is described where a regular file was wanted: `is a directory`.
  var notRegularFileText: String {
    switch self {
    case .regularFile: "is a regular file"
    case .directory: "is a directory"
    case .symbolicLink: "is a symbolic link"
    case .other: "is not a regular file"
    }
  }
}

/// Throws unless `path` names a directory (following symbolic links).
func requireDirectory(_ path: String) throws {
  switch try PathKind.of(path) {
  case .directory?: return
  case nil: throw ToolFailure("\(printableName(path)): \(systemErrorText(ENOENT))")
  case _: throw ToolFailure("\(printableName(path)): \(systemErrorText(ENOTDIR))")
  }
}

/// Throws unless `path` names something that can be read as a file: it exists and is not a
/// directory (following symbolic links).
func requireReadableFile(_ path: String) throws {
  switch try PathKind.of(path) {
  case nil: throw ToolFailure("\(printableName(path)): \(systemErrorText(ENOENT))")
  case .directory?: throw ToolFailure("\(printableName(path)): \(systemErrorText(EISDIR))")
  case _: return
  }
}

/// The whole regular file at `path`, read rather than mapped (a file that shrinks meanwhile is
/// an error, not `SIGBUS`); a FIFO or a device is refused without blocking on it. With
/// `directory`, `path` is a name in that open directory, and a symbolic link is refused too.
func readRegularFile(_ path: String, in directory: FileDescriptor? = nil) throws -> Data {
  try describingFailures(printableName(directory.map { "\($0.path)/\(path)" } ?? path)) {
    let (file, size) = try FileDescriptor.openRegularFile(path, followingLinks: directory == nil, relativeTo: directory)
    defer { file.close() }
    return try file.readToEnd(sizeHint: size)
  }
}

/// Directories that one run of a command created, so that a failed or interrupted run can take
/// them away again.
///
/// ``create(_:)`` makes a directory and any missing parents, remembering each one it made (and
/// registering it with ``TemporaryFiles``, for a run stopped by a signal); ``removeAll()``
/// removes them again, deepest first, with `rmdir(2)`, which only ever removes an empty
/// directory, so nothing a user put there meanwhile is lost. ``keep()`` ends a successful run.
struct CreatedDirectories {
  /// The directories made, outermost first.
  private(set) var paths: [String] = []
  private var registrations: [TemporaryFiles.Registration] = []

  /// Makes `path` and its missing parents; a path or a parent that exists and is not a
  /// directory is a ``ToolFailure`` naming it. Directories made before a failure are removed.
  mutating func create(_ path: String) throws {
    var missing: [String] = []
    var url = URL(fileURLWithPath: path).standardizedFileURL
    search: while true {
      // The path as the user wrote it at first, so that a message names it that way.
      switch try PathKind.of(missing.isEmpty ? path : url.path) {
      case .directory?:
        break search
      case nil:
        missing.append(url.path)
        let parent = url.deletingLastPathComponent()
        guard parent.path != url.path else { break search }
        url = parent
      case _:
        throw ToolFailure("\(printableName(missing.isEmpty ? path : url.path)): \(systemErrorText(ENOTDIR))")
      }
    }
    for directory in missing.reversed() {
      do {
        let (_, registration) = try TemporaryFiles.shared.register(.emptyFolder) {
          try FileSystem.makeDirectory(directory)
          return ((), directory)
        }
        paths.append(directory)
        registrations.append(registration)
      } catch let error as MapBufferError where error.posixErrorCode == EEXIST {
        continue
      } catch {
        removeAll()
        throw ToolFailure("\(printableName(directory)): cannot create directory: \(failureText(error))")
      }
    }
  }

  /// Removes the directories made, deepest first, leaving any that are no longer empty.
  mutating func removeAll() {
    for directory in paths.reversed() {
      try? FileSystem.removeDirectory(directory)
    }
    keep()
  }

  /// Keeps the directories made: the run succeeded.
  mutating func keep() {
    registrations.forEach(TemporaryFiles.shared.unregister)
    paths.removeAll()
    registrations.removeAll()
  }
}

/// `name` as it can be shown inside a one-line message.
///
/// A name with no control characters or line breaks is shown as it is; any other name is shown
/// quoted, with its control characters, line breaks, quotes and backslashes escaped the way a
/// Swift string literal writes them (`"bad\nname"`), so a message stays on one line.
func printableName(_ name: String) -> String {
  if RemoteInput.isURL(name) { return RemoteInput.displayName(name) }
  guard name.unicodeScalars.contains(where: needsEscaping) else { return name }
  var out = "\""
  for scalar in name.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    case "\0": out += "\\0"
    case _ where needsEscaping(scalar): out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

/// Whether `scalar` is a control character or a line or paragraph separator.
private func needsEscaping(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.properties.generalCategory {
  case .control, .lineSeparator, .paragraphSeparator: true
  default: false
  }
}
