import Foundation

/// Where one item lies: its index position and stored byte range.
package struct ItemLocation: Sendable, Equatable {
  /// The item's index position.
  package var position: Int
  /// The stored bytes: payload plus checksum trailer.
  package var range: Range<Int>

  /// The location of the item at index `position` whose offsets read `start` and `end`, after
  /// checking that they lie in order inside the data region of a source of `sourceSize` bytes.
  ///
  /// - Throws: ``MapBufferError/itemOutOfBounds(key:position:start:end:sourceSize:)`` naming `key`.
  @inline(__always)
  package init(checkingKey key: UInt64, position: Int, start: UInt64, end: UInt64, dataStart: Int, sourceSize: Int)
    throws
  {
    guard start >= UInt64(dataStart), start <= end, end <= UInt64(sourceSize) else {
      throw MapBufferError.itemOutOfBounds(key: key, position: position, start: start, end: end, sourceSize: sourceSize)
    }
    self.position = position
    self.range = Int(start)..<Int(end)
  }
}

extension MapBuffer {
  // MARK: Lookup

  /// The value stored for `key`, or `nil` if the map has no such key.
  ///
  /// Reads the index path to the key and that one item: the checksum is verified (unless
  /// ``verifiesChecksums`` is off) and the item decompressed.
  ///
  /// - Throws: ``MapBufferError`` naming the key if its item is corrupt: a checksum mismatch,
  ///   a decompression failure, offsets outside the source, or a decoded size past
  ///   ``maximumDecodedItemSize``; or an I/O error from the source.
  public subscript(key: UInt64) -> Data? {
    get throws {
      if let value = try residentAccess.withResidentBytes({ try residentValue(forKey: key, in: $0) }) {
        return value
      }
      guard let location = try location(of: key) else { return nil }
      return try value(at: location, key: key)
    }
  }

  /// Whether the map has a value for `key`. Reads the index only.
  ///
  /// It cannot fail since opening checks the index; it is marked `throws` so that code written
  /// for earlier versions compiles without warnings.
  public func contains(_ key: UInt64) throws -> Bool {
    position(of: key) != nil
  }

  /// Calls `body` with the value of `key` and returns what it returns, or `nil` if the map has no such key.
  ///
  /// For an uncompressed map in memory (bytes or a mapped file) the buffer is the item's own
  /// bytes: no copy is made, nothing is allocated. Otherwise it is a temporary buffer, valid
  /// only during the call.
  @inlinable
  public func withUnsafeBytes<Result>(
    forKey key: UInt64, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result? {
    // Inlined into the caller, so that the lookup runs as `withValueBytes(forKey:_:)`, compiled
    // once in this module, instead of as an unspecialized generic function.
    var result: Result?
    guard try withValueBytes(forKey: key, { result = try body($0) }) else { return nil }
    return result
  }

  /// Calls `body` with the value of `key` as ``withUnsafeBytes(forKey:_:)`` does, and returns
  /// whether the map has the key: the same lookup without a generic result.
  @usableFromInline
  package func withValueBytes(forKey key: UInt64, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
    let coding = itemCoding
    if let found = try residentAccess.withResidentBytes({ file -> Bool in
      guard let location = try residentLocation(of: key, in: file) else { return false }
      let stored = UnsafeRawBufferPointer(rebasing: file[location.range])
      try coding.withValue(of: stored, key: key, position: location.position, body)
      return true
    }) {
      return found
    }
    guard let location = try location(of: key) else { return false }
    try withValueBytes(at: location, key: key, body)
    return true
  }

  /// Calls `body` with the value of the item at `location`, whose key is `key`: the item's own
  /// bytes for an uncompressed map in memory, else a temporary buffer.
  package func withValueBytes<Result>(
    at location: ItemLocation, key: UInt64, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    let coding = itemCoding
    if let result = try residentAccess.withResidentBytes({ file in
      try coding.withValue(
        of: UnsafeRawBufferPointer(rebasing: file[location.range]), key: key, position: location.position, body)
    }) {
      return result
    }
    return try source.withUnsafeBytes(in: location.range) { stored in
      try coding.withValue(of: stored, key: key, position: location.position, body)
    }
  }

  /// The size in bytes of the item stored for `key` (compressed, without its checksum),
  /// or `nil` if the map has no such key.
  public func storedSize(forKey key: UInt64) throws -> Int? {
    guard let location = try location(of: key) else { return nil }
    return try itemCoding.payloadRange(of: location, key: key).count
  }

  /// The bytes stored for `key` as they are: not decompressed, checksum neither verified
  /// nor included. `nil` if the map has no such key.
  public func storedBytes(forKey key: UInt64) throws -> Data? {
    guard let location = try location(of: key) else { return nil }
    return try source.copyBytes(in: itemCoding.payloadRange(of: location, key: key))
  }

  // MARK: Index access

  /// The index position of `key`, or `nil`: searched in place in memory, else in the index
  /// read at opening.
  package func position(of key: UInt64) -> Int? {
    labels.withEntries { entries in
      Eytzinger.position(of: key, count: header.keyCount, label: { entries.word(at: $0) })
    }
  }

  /// The index position and stored byte range of `key`, or `nil`.
  package func location(of key: UInt64) throws -> ItemLocation? {
    guard header.keyCount > 0 else { return nil }
    if let location = try residentAccess.withResidentBytes({ try residentLocation(of: key, in: $0) }) {
      return location
    }
    guard let position = position(of: key) else { return nil }
    return try location(at: position, key: key)
  }

  /// The stored byte range of the item at index `position`, whose key is `key`.
  package func location(at position: Int, key: UInt64) throws -> ItemLocation {
    try location(at: position, key: key) { labels.word(at: $0, offset: 8) }
  }

  /// The stored byte range of the item at index `position`, whose key is `key`, from the
  /// offsets that `offset` reads: from its offset to the next one, or to the end of the map for
  /// the last position; checked to lie in order inside the data region. The one computation of
  /// an item's range.
  @inline(__always)
  package func location(at position: Int, key: UInt64, offset: (Int) -> UInt64) throws -> ItemLocation {
    let start = offset(position)
    let end = position &+ 1 < header.keyCount ? offset(position &+ 1) : UInt64(sourceByteCount)
    return try ItemLocation(
      checkingKey: key, position: position, start: start, end: end, dataStart: header.dataStart,
      sourceSize: sourceByteCount)
  }

  /// The key at index `position`.
  package func label(at position: Int) -> UInt64 {
    labels.word(at: position)
  }

  /// The value of the item at `location`, whose key is `key`.
  package func value(at location: ItemLocation, key: UInt64) throws -> Data {
    let coding = itemCoding
    if let value = try residentAccess.withResidentBytes({ file in
      try coding.value(
        of: UnsafeRawBufferPointer(rebasing: file[location.range]), key: key, position: location.position)
    }) {
      return value
    }
    if coding.compression == .none {
      // Read the item straight into the value it becomes, then verify and trim the trailer.
      var stored = try source.copyBytes(in: location.range)
      if coding.hasChecksums {
        try stored.withUnsafeBytes { _ = try coding.payload(of: $0, key: key, position: location.position) }
        stored.removeLast(ItemCoding.checksumByteCount)
      }
      return stored
    }
    return try source.withUnsafeBytes(in: location.range) { stored in
      try coding.value(of: stored, key: key, position: location.position)
    }
  }
}
