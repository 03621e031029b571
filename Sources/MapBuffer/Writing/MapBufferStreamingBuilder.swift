import Foundation

/// Builds a MapBuffer file item by item, without holding the map in memory.
///
/// Add items in any order. The builder compresses them in batches on all cores and spills the
/// stored items to an anonymous scratch file beside the target, keeping in memory only 16 bytes
/// a key (the key and where its item lies in the scratch file) and a bounded buffer of items
/// waiting to be compressed. ``finish()`` sorts the keys, then writes header, index and items in
/// Eytzinger order to the target atomically: a temporary file, then a rename. The bytes are the
/// same as ``MapBufferWriter`` gives for the same items.
///
/// ```swift
/// let builder = try MapBufferStreamingBuilder(writingTo: url, compression: .zstd)
/// for (label, fragment) in fragments {      // any number, any order
///   try builder.add(fragment, forKey: label)
/// }
/// try builder.finish()
/// ```
///
/// Memory: 16 bytes a key while adding, 20 while finishing (plus what sorting borrows), and
/// ``bufferByteLimit`` bytes of waiting items. A builder is used from one thread at a time. If
/// it is dropped without ``finish()``, or `finish()` fails, the target is untouched and the
/// scratch file gone.
public final class MapBufferStreamingBuilder {
  /// How items are encoded: codec, level, format version and concurrency.
  public let writer: MapBufferWriter
  /// The file the map is written to by ``finish()``.
  public let url: URL
  /// How many bytes of items may wait in memory before they are compressed and spilled.
  public let bufferByteLimit: Int

  /// A key and, until the items are written, where its stored item lies in the scratch file
  /// (a length prefix, then the item); afterwards, where the item lies in the target.
  private struct Entry {
    var key: UInt64
    var offset: UInt64
  }

  private let spill: SpillFile
  private let level: Int
  private var entries: [Entry] = []
  /// Items waiting to be compressed and spilled: a value, or an item already stored.
  private var pending: [(key: UInt64, bytes: Data, isStored: Bool)] = []
  private var pendingByteCount = 0
  private var isFinished = false

  /// A builder of the map to be written to `url`.
  ///
  /// - Parameters:
  ///   - url: the file ``finish()`` writes the map to, atomically, replacing any file there;
  ///     the scratch file is created in its directory.
  ///   - compression: the codec for every item.
  ///   - compressionLevel: the codec's level; `nil` for the reference's default.
  ///   - formatVersion: ``MapBuffer/FormatVersion/version1`` (checksums, the default) or
  ///     ``MapBuffer/FormatVersion/version0``.
  ///   - bufferByteLimit: how many bytes of items may wait in memory (32 MiB by default).
  /// - Throws: ``MapBufferError`` for a level outside the codec's range, or a scratch file that
  ///   cannot be created in the target's directory.
  public convenience init(
    writingTo url: URL, compression: MapBuffer.Compression = .none, compressionLevel: Int? = nil,
    formatVersion: MapBuffer.FormatVersion = .default, bufferByteLimit: Int = 32 << 20
  ) throws {
    try self.init(
      writingTo: url,
      writer: MapBufferWriter(
        compression: compression, compressionLevel: compressionLevel, formatVersion: formatVersion),
      bufferByteLimit: bufferByteLimit)
  }

  /// A builder of the map to be written to `url`, with a format version number (0 or 1).
  @available(*, deprecated, message: "pass formatVersion: .version0 or .version1")
  public convenience init(
    writingTo url: URL, compression: MapBuffer.Compression = .none, compressionLevel: Int? = nil,
    formatVersion: UInt8, bufferByteLimit: Int = 32 << 20
  ) throws {
    try self.init(
      writingTo: url, compression: compression, compressionLevel: compressionLevel,
      formatVersion: MapBuffer.FormatVersion(validating: formatVersion), bufferByteLimit: bufferByteLimit)
  }

  /// A builder of the map to be written to `url`, encoding items as `writer` does.
  public init(writingTo url: URL, writer: MapBufferWriter, bufferByteLimit: Int = 32 << 20) throws {
    try writer.checkFormatVersion()
    self.level = try writer.compression.resolvedLevel(writer.compressionLevel)
    self.writer = writer
    self.url = url
    self.bufferByteLimit = max(1, bufferByteLimit)
    let directory = (url.standardizedFileURL.path as NSString).deletingLastPathComponent
    self.spill = try SpillFile(in: directory)
  }

  /// The number of items added so far.
  public var count: Int { entries.count + pending.count }

  /// Adds `value` under `key`. A key added twice makes ``finish()`` throw.
  public func add(_ value: Data, forKey key: UInt64) throws {
    try enqueue(key: key, bytes: value, isStored: false)
  }

  /// Adds an item already in this builder's stored form under `key`: its payload encoded with
  /// the builder's codec, followed by its CRC-32C in format version 1. Copies items between
  /// maps of the same codec and version without decoding them.
  package func addStored(_ stored: Data, forKey key: UInt64) throws {
    try enqueue(key: key, bytes: stored, isStored: true)
  }

  private func enqueue(key: UInt64, bytes: Data, isStored: Bool) throws {
    precondition(!isFinished, "the builder has finished")
    pending.append((key, bytes, isStored))
    pendingByteCount += bytes.count + 64
    if pendingByteCount >= bufferByteLimit { try spillPending() }
  }

  /// Compresses the waiting items on all cores and appends them, each after its length, to
  /// the scratch file. Uncompressed values are appended as they are, with their checksums.
  private func spillPending() throws {
    guard !pending.isEmpty else { return }
    let coding = writer.itemCoding
    let level = self.level
    let items = pending
    let needsEncoding = writer.compression != .none && items.contains { !$0.isStored }
    var encoded: [Data] = []
    if needsEncoding {
      encoded = [Data](repeating: Data(), count: items.count)
      try encoded.withUnsafeMutableBufferPointer { buffer in
        let output = SendableBuffer(buffer)
        try ParallelChunks.forEach(count: items.count, minimumChunk: 16, concurrency: writer.maximumConcurrency) {
          chunk in
          for index in chunk where !items[index].isStored {
            let item = items[index]
            output.base[index] = try item.bytes.withUnsafeBytes {
              try coding.storedItem(for: $0, key: item.key, level: level)
            }
          }
        }
      }
    }
    let trailer = coding.trailerByteCount
    for (index, item) in items.enumerated() {
      entries.append(Entry(key: item.key, offset: UInt64(spill.count)))
      if needsEncoding && !item.isStored {
        try appendToSpill(encoded[index], checksum: nil)
        encoded[index] = Data()
      } else if item.isStored {
        try appendToSpill(item.bytes, checksum: nil)
      } else {
        // Codec none: the value is its payload; only the checksum is added.
        try appendToSpill(item.bytes, checksum: trailer > 0 ? CRC32C.checksum(item.bytes) : nil)
      }
    }
    pending.removeAll(keepingCapacity: true)
    pendingByteCount = 0
  }

  /// Appends one stored item to the scratch file: its length, its bytes, then `checksum`.
  private func appendToSpill(_ bytes: Data, checksum: UInt32?) throws {
    let length = UInt64(bytes.count + (checksum == nil ? 0 : 4))
    try withUnsafeBytes(of: length.littleEndian) { try spill.append($0) }
    try bytes.withUnsafeBytes { try spill.append($0) }
    if let checksum { try withUnsafeBytes(of: checksum.littleEndian) { try spill.append($0) } }
  }

  /// Writes the map to ``url`` atomically and ends the builder.
  ///
  /// - Throws: ``MapBufferError/duplicateKey(_:)`` if a key was added twice,
  ///   ``MapBufferError/tooManyKeys(_:)``, or an I/O error; the target is then untouched.
  public func finish() throws {
    precondition(!isFinished, "the builder has finished")
    isFinished = true
    try spillPending()
    try spill.flush()
    let count = entries.count
    guard count <= Int(UInt32.max) else { throw MapBufferError.tooManyKeys(count) }
    entries.sort { $0.key < $1.key }
    for rank in entries.indices.dropFirst() where entries[rank].key == entries[rank - 1].key {
      throw MapBufferError.duplicateKey(entries[rank].key)
    }
    // The rank (sorted position) of the key each index position holds.
    // UInt32, not Eytzinger.ranks's Int: 4 bytes a key, within the builder's memory bound.
    var ranks = [UInt32](repeating: 0, count: count)
    Eytzinger.forEachInOrder(count: count) { position, rank in ranks[position] = UInt32(rank) }
    let header = MapBufferHeader(formatVersion: writer.formatVersion, compression: writer.compression, keyCount: count)
    try AtomicFile.write(to: url) { output in
      // The items, in index order, after the index; each entry learns where its item landed.
      var items = PositionalOutput(startingAt: header.dataStart) { try output.write($0, at: $1) }
      defer { items.deallocate() }
      var lengthBytes = UInt64(0)
      for position in 0..<count {
        let entry = Int(ranks[position])
        let spillOffset = Int(entries[entry].offset)
        try withUnsafeMutableBytes(of: &lengthBytes) { try spill.read(spillOffset..<(spillOffset + 8), into: $0) }
        let length = Int(UInt64(littleEndian: lengthBytes))
        entries[entry].offset = UInt64(items.offset)
        try items.write(count: length) { try spill.read((spillOffset + 8)..<(spillOffset + 8 + length), into: $0) }
      }
      try items.flush()
      // Then the header and the index before them.
      var index = PositionalOutput(startingAt: 0) { try output.write($0, at: $1) }
      defer { index.deallocate() }
      try index.write(header.bytes)
      for position in 0..<count {
        let entry = entries[Int(ranks[position])]
        try index.writeLittleEndian(entry.key)
        try index.writeLittleEndian(entry.offset)
      }
      try index.flush()
    }
  }
}
