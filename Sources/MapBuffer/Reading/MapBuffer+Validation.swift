import Foundation

extension MapBuffer {
  /// How thoroughly ``validate(_:progress:)`` checks a map.
  public enum ValidationDepth: Sendable {
    /// The header, the index and the offsets, as the Python reference checks them, plus the
    /// Eytzinger order of the keys. Reads the index only.
    case shallow
    /// Everything ``shallow`` checks, then every item: its checksum (whatever
    /// ``MapBuffer/verifiesChecksums`` says) and its decoding.
    case deep
  }

  /// Checks the map's structure and, when `depth` is ``ValidationDepth/deep``, every item.
  ///
  /// - Parameters:
  ///   - depth: how thoroughly to check; by default ``ValidationDepth/shallow``, which reads
  ///     the index only.
  ///   - progress: called after each item checked in a deep validation, with the number
  ///     of items checked so far and the total.
  /// - Throws: the first problem found, as a ``MapBufferError`` naming the key or index position.
  public func validate(
    _ depth: ValidationDepth = .shallow,
    progress: ((_ checked: Int, _ total: Int) -> Void)? = nil
  ) throws {
    try validateIndex()
    guard depth == .deep else { return }
    let coding = itemCoding
    // In memory: one access to the bytes for the whole walk.
    let checkedInPlace: Void? = try residentAccess.withResidentBytes { file in
      var walk = InOrderWalk(count: count)
      var checked = 0
      while let position = walk.next() {
        let key = file.loadLittleEndianUInt64(at: Self.labelOffset(ofPosition: position))
        let location = try residentLocation(at: position, key: key, in: file)
        try coding.checkItem(
          UnsafeRawBufferPointer(rebasing: file[location.range]), key: key, position: location.position)
        checked += 1
        progress?(checked, count)
      }
    }
    guard checkedInPlace == nil else { return }
    var entries = entries()
    var checked = 0
    while let (key, location) = try entries.nextLocation() {
      try source.withUnsafeBytes(in: location.range) { try coding.checkItem($0, key: key, position: location.position) }
      checked += 1
      progress?(checked, count)
    }
  }

  /// The shallow checks: sizes, offsets ascending inside the source, keys in Eytzinger order.
  private func validateIndex() throws {
    let count = header.keyCount
    let size = source.count
    guard count > 0 else {
      guard size == MapBufferHeader.byteCount else {
        throw MapBufferError.sizeMismatch(expected: MapBufferHeader.byteCount, actual: size)
      }
      return
    }
    let trailer = itemCoding.trailerByteCount
    let dataStart = header.dataStart
    try labels.withEntries { entries in
      let first = entries.word(at: 0, offset: 8)
      guard first == UInt64(dataStart) else {
        throw MapBufferError.firstOffsetMismatch(expected: dataStart, found: first)
      }
      for position in 0..<count {
        let start = entries.word(at: position, offset: 8)
        let end = position + 1 < count ? entries.word(at: position + 1, offset: 8) : UInt64(size)
        guard start <= end, end <= UInt64(size) else {
          throw MapBufferError.offsetOutOfOrder(
            position: position + 1 < count ? position + 1 : position,
            offset: end, previous: start, sourceSize: size)
        }
        if end - start < UInt64(trailer) {
          throw MapBufferError.missingChecksum(
            key: entries.word(at: position), position: position, storedSize: Int(end - start))
        }
      }
      try Self.checkEytzingerOrder(count: count) { entries.word(at: $0) }
    }
  }

  /// Throws unless the labels, walked in order, strictly ascend.
  package static func checkEytzingerOrder(count: Int, label: (Int) -> UInt64) throws {
    var position = Eytzinger.firstPosition(count: count)
    var previous: UInt64?
    while let current = position {
      let key = label(current)
      if let previous, key <= previous {
        throw MapBufferError.keysOutOfOrder(position: current, key: key, previousKey: previous)
      }
      previous = key
      position = Eytzinger.position(after: current, count: count)
    }
  }
}

extension ItemCoding {
  /// The deep check of one stored item, for every validator, local or remote: its checksum
  /// (whatever ``verifiesChecksums`` says), then its decoding; the value is not kept.
  package func checkItem(_ stored: UnsafeRawBufferPointer, key: UInt64, position: Int) throws {
    let payload = try payload(of: stored, key: key, position: position, verify: true)
    if compression != .none { _ = try decode(payload: payload, key: key) }
  }
}
