import Foundation
@_spi(MapBufferTool) import MapBuffer

#if HTTP
@_spi(MapBufferTool) import MapBufferHTTP
#endif

/// Maps named by `http://` or `https://` URLs: read with range requests, or copied whole.
enum RemoteInput {
  /// Whether `argument` names a remote map rather than a local file.
  static func isURL(_ argument: String) -> Bool {
    let lowered = argument.prefix(8).lowercased()
    return lowered.hasPrefix("http://") || lowered.hasPrefix("https://")
  }

  /// The URL `argument` spells, or a ``ToolFailure``.
  static func url(_ argument: String) throws -> URL {
    guard let url = URL(string: argument), url.host != nil else {
      throw ToolFailure("\(displayName(argument)) is not a valid URL")
    }
    return url
  }

  /// `argument` as messages show it: a URL without its query (a presigned URL's signature),
  /// anything else as it is.
  static func displayName(_ argument: String) -> String {
    guard isURL(argument) else { return argument }
    #if HTTP
    if let url = URL(string: argument), url.host != nil { return url.redactedForDisplay }
    #endif
    guard let query = argument.firstIndex(where: { $0 == "?" || $0 == "#" }) else { return argument }
    return argument[..<query] + "?…"
  }

  #if !HTTP
  /// The failure for a URL given to a tool built without the HTTP trait.
  static func unsupported(_ argument: String) -> ToolFailure {
    ToolFailure(
      "\(displayName(argument)): this mapbuffer was built without the HTTP trait and reads no URLs "
        + "(install it with: swift package --package-path Tool experimental-install --traits HTTP)")
  }
  #endif

  #if HTTP
  /// How the tool reads remote maps: the library's defaults (64 KiB first request, 8 concurrent
  /// requests, 4 attempts), and an index cache when `MAPBUFFER_INDEX_CACHE` names a folder.
  static var configuration: RemoteMapBuffer.Configuration {
    var configuration = RemoteMapBuffer.Configuration()
    if let folder = ProcessInfo.processInfo.environment["MAPBUFFER_INDEX_CACHE"], !folder.isEmpty {
      configuration.indexCache = RemoteIndexCache(directory: URL(fileURLWithPath: folder))
    }
    return configuration
  }

  /// Copies the object at `argument` into a private temporary file and opens it, memory-mapped,
  /// as a MapBuffer or IntMap: for commands that read every item, and for IntMaps. The copy's
  /// name is removed once it is open.
  static func localCopy(_ argument: String) async throws -> MapFile {
    try await withLocalCopy(argument) { try MapFile.open($0.path, displayName: displayName(argument)) }
  }

  /// The whole object at `argument`, copied through a private temporary file.
  static func wholeObject(_ argument: String) async throws -> Data {
    try await withLocalCopy(argument) { copy in
      try describingFailures(displayName(argument)) { try Data(contentsOf: copy, options: .alwaysMapped) }
    }
  }

  /// Copies the object at `argument` into a private file (0600) in a new private folder (0700)
  /// in the temporary folder, calls `body` with it, then removes the folder: what `body` maps or
  /// keeps open stays readable after the name is gone. The folder is registered with
  /// ``TemporaryFiles``, so that a download stopped by a signal leaves nothing behind.
  private static func withLocalCopy<Result>(_ argument: String, _ body: (URL) throws -> Result) async throws -> Result {
    let url = try url(argument)
    let (folder, registration) = try describingFailures("cannot create a temporary folder") {
      try TemporaryFiles.shared.register(.folderTree) {
        let folder = try FileSystem.createPrivateDirectory(
          in: FileManager.default.temporaryDirectory.path, prefix: "mapbuffer-download-")
        return (folder, folder)
      }
    }
    defer {
      try? FileManager.default.removeItem(atPath: folder)
      TemporaryFiles.shared.unregister(registration)
    }
    let copy = URL(fileURLWithPath: folder).appendingPathComponent("object")
    try await describingFailures(displayName(argument)) {
      // An empty 0600 file first: the download replaces it atomically and keeps its mode, so
      // the copy is private from its first byte, whatever the umask.
      try FileDescriptor.open(copy.path, .writeOnly, options: [.create, .exclusiveCreate], permissions: 0o600).close()
      try await RemoteMapBuffer.download(from: url, to: copy, configuration: configuration)
    }
    return try body(copy)
  }

  /// Whether `error` says the object is an IntMap, which only a local copy can read.
  static func isIntMap(_ error: any Error) -> Bool {
    guard let error = error as? MapBufferError, error.code == .invalidMagic else { return false }
    return error.foundBytes?.starts(with: IntMap.magic) ?? false
  }
  #endif
}

/// A map to read a few items of: a local file, or a remote MapBuffer read with one request per item.
enum ItemAccess {
  case local(MapFile)
  #if HTTP
  case remote(RemoteMapBuffer)
  #endif
}

extension MapFile {
  /// Opens `argument` for reading its header and index only: a local file, or a URL's header and
  /// index fetched over HTTP (an IntMap URL is copied whole).
  static func openIndex(_ argument: String) async throws -> MapFile {
    switch try await openForItems(argument) {
    case .local(let file): return file
    #if HTTP
    case .remote(let remote): return .mapBuffer(remote.indexMap)
    #endif
    }
  }

  /// Opens `argument` for reading items: a local file (memory-mapped, or with positional reads
  /// where `access` says so, for reading every item), or a URL's header and index fetched over
  /// HTTP, its items then one request each (an IntMap URL is copied whole).
  static func openForItems(_ argument: String, access: MapBuffer.FileAccess = .memoryMapped) async throws -> ItemAccess
  {
    guard RemoteInput.isURL(argument) else { return .local(try open(argument, access: access)) }
    #if HTTP
    let url = try RemoteInput.url(argument)
    do {
      return .remote(try await RemoteMapBuffer(url: url, configuration: RemoteInput.configuration))
    } catch  where RemoteInput.isIntMap(error) {
      return .local(try await RemoteInput.localCopy(argument))
    } catch {
      throw toolFailure(error, context: RemoteInput.displayName(argument))
    }
    #else
    throw RemoteInput.unsupported(argument)
    #endif
  }

  /// Opens `argument` for reading every item: a local file read with positional reads (a file
  /// truncated meanwhile is an error, not `SIGBUS`), or a URL copied whole first; then checks
  /// its structure as `validate` does, refusing a map that whole-map commands would otherwise
  /// read differently from `get`.
  static func openWhole(_ argument: String) async throws -> MapFile {
    let map: MapFile
    if RemoteInput.isURL(argument) {
      #if HTTP
      map = try await RemoteInput.localCopy(argument)
      #else
      throw RemoteInput.unsupported(argument)
      #endif
    } else {
      map = try open(argument, access: .positionalReads)
    }
    try map.requireValidStructure(RemoteInput.displayName(argument))
    return map
  }

  /// ``openWhole(_:)``, requiring a MapBuffer.
  static func openWholeMapBuffer(_ argument: String, for command: String) async throws -> MapBuffer {
    switch try await openWhole(argument) {
    case .mapBuffer(let map): return map
    case .intMap: throw ToolFailure("\(argument) is an IntMap; '\(command)' works on MapBuffer files")
    }
  }
}
