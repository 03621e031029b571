import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path names, as `stat(2)` (or `lstat(2)`) reports it.
///
/// The commands check paths with these checks before handing them to Foundation, whose file
/// errors say less and say it at length; a failed check is a ``ToolFailure`` naming the path
/// with the system's words (`No such file or directory`, `Is a directory`, `Not a directory`).
enum PathKind: Equatable {
  /// A regular file.
  case regularFile
  /// A directory.
  case directory
  /// A symbolic link (reported only when links are not followed).
  case symbolicLink
  /// Anything else: a device, a FIFO, a socket.
  case other

  /// The kind of what `path` names, or `nil` when nothing is there (`ENOENT`).
  ///
  /// With `followingLinks` false a symbolic link is reported as ``symbolicLink``; otherwise
  /// as what it points to (a dangling link is then `nil`). Any other failure (a component
  /// that is not a directory, no permission) throws, naming `path`.
  static func of(_ path: String, followingLinks: Bool = true) throws -> PathKind? {
    var status = stat()
    let result = followingLinks ? stat(path, &status) : lstat(path, &status)
    guard result == 0 else {
      let code = errno
      if code == ENOENT { return nil }
      throw ToolFailure("\(printableName(path)): \(systemErrorText(code))")
    }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return .regularFile
    case S_IFDIR: return .directory
    case S_IFLNK: return .symbolicLink
    default: return .other
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

/// Directories that one run of a command created, so that a failed run can take them away again.
///
/// ``create(_:)`` makes a directory and any missing parents, remembering each one it made;
/// ``removeAll()`` removes them again, deepest first, with `rmdir(2)`, which only ever
/// removes an empty directory, so nothing a user put there meanwhile is lost.
struct CreatedDirectories {
  /// The directories made, outermost first.
  private(set) var paths: [String] = []

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
      guard mkdir(directory, 0o777) == 0 || errno == EEXIST else {
        let code = errno
        removeAll()
        throw ToolFailure("\(printableName(directory)): cannot create directory: \(systemErrorText(code))")
      }
      paths.append(directory)
    }
  }

  /// Removes the directories made, deepest first, leaving any that are no longer empty.
  mutating func removeAll() {
    for directory in paths.reversed() {
      _ = rmdir(directory)
    }
    paths.removeAll()
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
