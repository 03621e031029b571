// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
import MapBuffer
@testable import MapBufferHTTP
import MapBufferTestSupport
import Testing

/// The permission bits of the file at `url`.
private func mode(of url: URL) throws -> Int {
  try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
}

extension RemoteIndexCacheTests {
  @Test("A new entry follows the umask, a replaced one keeps its file's mode, and no temporary is left")
  func entryModes() throws {
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cache = RemoteIndexCache(directory: folder)
    let entry = RemoteIndexCache.Entry(
      identity: .init(size: 1 << 20, etag: "\"m\""), prefix: Data(repeating: 1, count: 1000))
    // The umask is the process's: set only around the store (other tests' files made meanwhile
    // are merely more private than usual).
    func store(_ key: String, umask mask: mode_t) -> Bool {
      let previous = umask(mask)
      defer { umask(previous) }
      return cache.store(entry, forKey: key)
    }
    #expect(store("private", umask: 0o077))
    #expect(try mode(of: cache.fileURL(forKey: "private")) == 0o600)
    #expect(store("group", umask: 0o002))
    #expect(try mode(of: cache.fileURL(forKey: "group")) == 0o664)
    // A replaced entry keeps the mode its owner gave it.
    chmod(cache.fileURL(forKey: "group").path, 0o640)
    #expect(store("group", umask: 0o022))
    #expect(try mode(of: cache.fileURL(forKey: "group")) == 0o640)
    #expect(cache.entry(forKey: "group", maximumIndexByteCount: 1 << 20) == entry)
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 2)
  }
}

#endif
