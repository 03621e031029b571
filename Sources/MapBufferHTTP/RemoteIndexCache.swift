// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import Foundation
import Crypto
import MapBuffer

/// Indexes of remote maps kept on disk between runs, so that opening a map again costs no request.
///
/// An entry holds a map's header and index with the object's size and ETag. It is used only
/// while the object is the same: every item request made with it sends the ETag in `If-Match`
/// and checks the size the server reports, and when the object has changed the entry is
/// replaced by a fresh index and the read is made again, transparently.
///
/// Entries are files named by the SHA-256 of the object's ``RemoteMapBuffer/CacheIdentity`` (the
/// URL itself, which may carry a presigned signature, is never written), written to a temporary
/// file and renamed into place: several processes can share one folder, and a reader sees a whole
/// entry or none. Each entry carries that digest and a CRC-32C, so a damaged or foreign file is a
/// miss, never a wrong index. By default only objects with a strong ETag are cached, since a size
/// alone cannot tell two versions apart; ``acceptsSizeAsIdentity`` extends the cache to servers
/// that send no ETag, where objects are replaced only by ones of another size.
public struct RemoteIndexCache: Sendable {
  /// The folder holding the entries; made when the first entry is written.
  public let directory: URL

  /// Whether objects without a strong ETag are cached too, their entries used while the object's
  /// size is unchanged. Off by default: a replacement of the same size would go unnoticed (a
  /// version-1 map would then fail its checksums; a version-0 map would return wrong bytes).
  public var acceptsSizeAsIdentity: Bool

  /// A cache in `directory`.
  public init(directory: URL, acceptsSizeAsIdentity: Bool = false) {
    self.directory = directory
    self.acceptsSizeAsIdentity = acceptsSizeAsIdentity
  }

  /// Whether an object of `identity` may be cached: it has a strong ETag, or sizes are trusted.
  func accepts(_ identity: ObjectIdentity) -> Bool {
    identity.hasStrongETag || acceptsSizeAsIdentity
  }

  /// One cached index.
  struct Entry: Sendable, Equatable {
    /// The object the index belongs to.
    var identity: ObjectIdentity
    /// The object's header and index.
    var prefix: Data
  }

  /// The SHA-256 of `key`: what names and identifies its entry.
  static func digest(ofKey key: String) -> [UInt8] {
    Array(SHA256.hash(data: Data(key.utf8)))
  }

  /// The file holding the entry for `key`.
  func fileURL(forKey key: String) -> URL {
    let name = Self.digest(ofKey: key).prefix(16).map { String(format: "%02x", $0) }.joined()
    return directory.appendingPathComponent(name + ".mbindex")
  }

  /// The entry for `key`, or `nil` if there is none or it is damaged, foreign or larger than `limit`.
  /// The file is read into one buffer, which the entry's prefix refers to (no copy).
  func entry(forKey key: String, maximumIndexByteCount limit: Int) -> Entry? {
    let (allowed, overflow) = limit.addingReportingOverflow(4096)
    guard let buffer = IndexCacheFile.read(fileURL(forKey: key), maximumByteCount: overflow ? .max : allowed),
      let parsed = buffer.withUnsafeBytes(in: 0..<buffer.capacity, { Self.parse($0, key: key) })
    else { return nil }
    return Entry(identity: parsed.identity, prefix: buffer.data(in: parsed.prefix))
  }

  /// Writes the entry for `key`, replacing any. Failing to write is not an error for the reader
  /// (the next open fetches the index again), so this reports failure by returning `false`.
  @discardableResult
  func store(_ entry: Entry, forKey key: String) -> Bool {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      // The prefix is written from where it lies: a large index is not copied to be stored.
      try IndexCacheFile.write(Self.encodedParts(entry, key: key), to: fileURL(forKey: key))
      return true
    } catch {
      return false
    }
  }

  /// Removes every entry.
  public func removeAll() throws {
    guard FileManager.default.fileExists(atPath: directory.path) else { return }
    for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name.hasSuffix(".mbindex") {
      try FileManager.default.removeItem(at: directory.appendingPathComponent(name))
    }
  }

  // MARK: Entry format

  /// `MBIDXC02`, the key's SHA-256, the ETag, the size, the prefix, then a CRC-32C of all of it;
  /// lengths and numbers little-endian.
  private static let magic = Array("MBIDXC02".utf8)

  /// The entry's file, whole (for tests).
  static func encode(_ entry: Entry, key: String) -> Data {
    encodedParts(entry, key: key).reduce(Data(), +)
  }

  /// The entry's file in three parts: what precedes the prefix, the prefix itself, the CRC-32C.
  static func encodedParts(_ entry: Entry, key: String) -> [Data] {
    var out = Data(magic)
    func append<T: FixedWidthInteger>(_ value: T) {
      withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
    out.append(contentsOf: digest(ofKey: key))
    if let etag = entry.identity.etag {
      let etagBytes = Data(etag.utf8)
      append(UInt8(1))
      append(UInt32(etagBytes.count))
      out.append(etagBytes)
    } else {
      append(UInt8(0))
    }
    append(UInt64(entry.identity.size))
    append(UInt64(entry.prefix.count))
    let checksum = CRC32C.checksum(of: entry.prefix, extending: CRC32C.checksum(of: out))
    return [out, entry.prefix, withUnsafeBytes(of: checksum.littleEndian) { Data($0) }]
  }

  /// The identity and where the prefix lies in an entry's file `raw`, or `nil` if it is damaged,
  /// truncated or another key's.
  static func parse(_ raw: UnsafeRawBufferPointer, key: String) -> (identity: ObjectIdentity, prefix: Range<Int>)? {
    let expectedDigest = digest(ofKey: key)
    guard raw.count >= magic.count + 4, raw.starts(with: magic) else { return nil }
    let body = UnsafeRawBufferPointer(rebasing: raw[..<(raw.count - 4)])
    guard CRC32C.checksum(body) == raw.loadLittleEndianUInt32(at: raw.count - 4) else { return nil }
    var cursor = magic.count
    func take(_ count: Int) -> Range<Int>? {
      guard count >= 0, count <= body.count - cursor else { return nil }
      defer { cursor += count }
      return cursor..<(cursor + count)
    }
    func integer(_ width: Int) -> UInt64? {
      take(width).map { range in body[range].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
    }
    guard let keyDigest = take(32), body[keyDigest].elementsEqual(expectedDigest), let hasETag = integer(1) else {
      return nil
    }
    var etag: String?
    if hasETag == 1 {
      guard let etagCount = integer(4), let etagBytes = take(Int(etagCount)) else { return nil }
      etag = String(decoding: body[etagBytes], as: UTF8.self)
    }
    guard let size = integer(8), size <= UInt64(Int.max), let prefixCount = integer(8),
      prefixCount <= UInt64(Int.max), let prefix = take(Int(prefixCount)), cursor == body.count,
      prefix.count <= Int(size)
    else { return nil }
    return (ObjectIdentity(size: Int(size), etag: etag), prefix)
  }
}

#endif
