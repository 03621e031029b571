import Foundation

/// An item's payload read front to back by a decoder that checksums what it copies.
///
/// A decoder that copies an item's bytes into its own storage (a skeleton's arrays) can compute
/// the item's CRC-32C on the way, reading the bytes once instead of twice. It reads ``bytes``
/// freely to parse them, but it moves through them only with ``copyNext(_:to:)`` and
/// ``skipNext(_:)``, which checksum the bytes they pass in order from the first; the reader that
/// handed it the payload checksums whatever it left, compares the result with the stored
/// checksum, and throws before the decoder's value can be used if they differ.
@usableFromInline
package struct ChecksummingPayload {
  /// The whole payload, borrowed for the call.
  package let bytes: UnsafeRawBufferPointer
  /// How many bytes, from the first, have been passed (and checksummed when ``checksums``).
  package private(set) var passed = 0
  /// Whether passing bytes checksums them: `false` when the map does not verify this item.
  package let checksums: Bool
  /// The CRC-32C of `bytes[0..<passed]` when ``checksums``.
  private var crc: UInt32 = 0

  /// The bytes a chunk of a copy checksums at once: small enough to stay in the first-level
  /// cache between the copy and the checksum, large enough for the three-way CRC loop.
  private static let chunkByteCount = 16 << 10

  package init(_ bytes: UnsafeRawBufferPointer, checksums: Bool) {
    self.bytes = bytes
    self.checksums = checksums
  }

  /// The number of bytes not passed yet.
  package var remaining: Int { bytes.count &- passed }

  /// Copies the next `count` bytes to `destination` and checksums them in the same pass, chunk
  /// by chunk. `count` must be at most ``remaining`` (a decoder checks its counts against the
  /// payload's length before it copies).
  package mutating func copyNext(_ count: Int, to destination: UnsafeMutableRawPointer) {
    precondition(count >= 0 && count <= remaining, "copy past the end of the payload")
    guard count > 0, let base = bytes.baseAddress else { return }
    let source = base + passed
    if checksums {
      var done = 0
      while done < count {
        let chunk = Swift.min(Self.chunkByteCount, count &- done)
        (destination + done).copyMemory(from: source + done, byteCount: chunk)
        crc = CRC32C.checksum(UnsafeRawBufferPointer(start: destination + done, count: chunk), extending: crc)
        done &+= chunk
      }
    } else {
      destination.copyMemory(from: source, byteCount: count)
    }
    passed &+= count
  }

  /// The next `count` bytes copied into a new `Data`, checksummed from the copy (still in the
  /// cache). `count` must be at most ``remaining``.
  package mutating func nextData(_ count: Int) -> Data {
    precondition(count >= 0 && count <= remaining, "copy past the end of the payload")
    let data = Data(UnsafeRawBufferPointer(rebasing: bytes[passed..<(passed &+ count)]))
    if checksums { crc = data.withUnsafeBytes { CRC32C.checksum($0, extending: crc) } }
    passed &+= count
    return data
  }

  /// Passes the next `count` bytes without copying them (checksumming them). `count` must be at
  /// most ``remaining``.
  package mutating func skipNext(_ count: Int) {
    precondition(count >= 0 && count <= remaining, "skip past the end of the payload")
    if checksums, count > 0 {
      crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[passed..<(passed &+ count)]), extending: crc)
    }
    passed &+= count
  }

  /// The CRC-32C of the whole payload: what was passed, extended over the rest.
  fileprivate func finalChecksum() -> UInt32 {
    CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[passed...]), extending: crc)
  }
}

extension MapBuffer {
  /// Calls `body` with the value of `key` as a ``ChecksummingPayload``, and returns whether the
  /// map has the key.
  ///
  /// In an uncompressed map in memory whose checksums are verified, `body` reads the item's own
  /// bytes and checksums them as it copies them; the checksum is completed and compared after
  /// it returns, and a mismatch throws ``MapBufferError/checksumMismatch(key:position:stored:computed:)``
  /// (also when `body` threw: a damaged item is reported as damaged, whatever it failed to
  /// decode into). The caller must use what `body` made only when this returns normally.
  /// Otherwise `body` gets the verified (and decompressed) value, with checksumming off.
  @usableFromInline
  package func withChecksummingValueBytes(
    forKey key: UInt64, _ body: (inout ChecksummingPayload) throws -> Void
  ) throws -> Bool {
    let coding = itemCoding
    guard coding.compression == .none, coding.hasChecksums, coding.verifiesChecksums,
      let found = try residentAccess.withResidentBytes({ file -> Bool in
        guard let location = try residentLocation(of: key, in: file) else { return false }
        let stored = UnsafeRawBufferPointer(rebasing: file[location.range])
        let count = try coding.payloadCount(storedCount: stored.count, key: key, position: location.position)
        let expected = stored.loadLittleEndianUInt32(at: count)
        var payload = ChecksummingPayload(UnsafeRawBufferPointer(rebasing: stored[..<count]), checksums: true)
        let failure: (any Error)?
        do {
          try body(&payload)
          failure = nil
        } catch {
          failure = error
        }
        let computed = payload.finalChecksum()
        guard computed == expected else {
          throw MapBufferError.checksumMismatch(
            key: key, position: location.position, stored: expected, computed: computed)
        }
        if let failure { throw failure }
        return true
      })
    else {
      return try withValueBytes(forKey: key) { bytes in
        var payload = ChecksummingPayload(bytes, checksums: false)
        try body(&payload)
      }
    }
    return found
  }
}
