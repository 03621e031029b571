import Foundation

extension MapBuffer {
  /// What ``merge(_:to:onDuplicate:writer:bufferByteLimit:checksDecoding:progress:)`` does with a key found in several inputs.
  public enum DuplicateKeyPolicy: Sendable {
    /// Throw ``MapBufferError/duplicateKey(_:)``.
    case error
    /// Keep the value of the first input that has the key.
    case keepFirst
    /// Keep the value of the last input that has the key.
    case keepLast
    /// Keep what the closure makes of the values of every input that has the key, in input
    /// order (for instance, merged skeleton fragments).
    case combine(@Sendable (_ key: UInt64, _ values: [Data]) throws -> Data)
  }

  /// Merges `inputs` into one map written atomically to `url`, streaming: no input is held in
  /// memory, only the output's index (16 bytes a key) and a bounded buffer.
  ///
  /// Every input's structure is checked first, as ``validate(_:progress:)`` does it shallowly:
  /// a map whose keys are out of Eytzinger order, or that has bytes its header does not
  /// account for, is refused rather than silently repaired. The inputs are then walked side by
  /// side in ascending key order. An item kept as it is, from an input whose codec and format
  /// version are the output's, is copied as stored; its checksum, verified on the way, is
  /// carried over, and its stream is decoded and the result dropped, so that no item that
  /// cannot be read is written (unless `checksDecoding` is false). Any other item is decoded
  /// (its checksum verified) and encoded again. The output passes deep validation.
  ///
  /// ```swift
  /// try MapBuffer.merge([cellA, cellB], to: url, onDuplicate: .combine { label, fragments in
  ///   try Skeleton.merged(fragments.map { try Skeleton(precomputed: $0) }).precomputed()
  /// })
  /// ```
  ///
  /// - Parameters:
  ///   - inputs: the maps to merge, in the order that `policy` refers to; an empty array
  ///     writes an empty map.
  ///   - url: the file the merged map is written to, replaced atomically if it exists.
  ///   - policy: what to do with a key found in several inputs; by default
  ///     ``DuplicateKeyPolicy/error``, which throws.
  ///   - writer: how the output is encoded; by default the first input's codec and format version.
  ///   - bufferByteLimit: how many bytes of items may wait in memory before being spilled.
  ///   - checksDecoding: whether an item copied as stored is decoded first, to refuse a stream
  ///     that its checksum matches but that cannot be decoded; `false` trusts the stream, faster.
  ///   - progress: called after each key with the number of input items consumed so far and
  ///     the total number of input items.
  /// - Throws: the first structural problem of an input (as ``validate(_:progress:)`` finds it),
  ///   ``MapBufferError/duplicateKey(_:)`` under ``DuplicateKeyPolicy/error``, the error of
  ///   a corrupt item (naming its key), what a `combine` closure throws, or an I/O error. On any
  ///   failure the target is untouched.
  public static func merge(
    _ inputs: [MapBuffer], to url: URL, onDuplicate policy: DuplicateKeyPolicy = .error,
    writer: MapBufferWriter? = nil, bufferByteLimit: Int = 32 << 20, checksDecoding: Bool = true,
    progress: ((_ consumed: Int, _ total: Int) -> Void)? = nil
  ) throws {
    for input in inputs { try input.validate(.shallow) }
    let writer =
      writer
      ?? MapBufferWriter(
        compression: inputs.first?.compression ?? .none, formatVersion: inputs.first?.formatVersion ?? .default)
    let builder = try MapBufferStreamingBuilder(writingTo: url, writer: writer, bufferByteLimit: bufferByteLimit)
    let total = inputs.reduce(0) { $0 + $1.count }
    var consumed = 0
    var cursors = inputs.map { $0.entries() }
    var heads = try cursors.indices.map { try cursors[$0].nextLocation() }
    while let key = heads.lazy.compactMap({ $0?.key }).min() {
      // The inputs that hold `key`, in input order; each of their cursors moves on.
      var holders: [(input: Int, location: ItemLocation)] = []
      for input in heads.indices {
        guard let head = heads[input], head.key == key else { continue }
        holders.append((input, head.location))
        heads[input] = try cursors[input].nextLocation()
      }
      consumed += holders.count
      progress?(consumed, total)
      if holders.count > 1 {
        switch policy {
        case .error:
          throw MapBufferError.duplicateKey(key)
        case .keepFirst:
          holders = [holders[0]]
        case .keepLast:
          holders = [holders[holders.count - 1]]
        case .combine(let combine):
          let values = try holders.map { try inputs[$0.input].value(at: $0.location, key: key) }
          try builder.add(try combine(key, values), forKey: key)
          continue
        }
      }
      let (input, location) = holders[0]
      try inputs[input].copyItem(at: location, key: key, into: builder, checksDecoding: checksDecoding)
    }
    try builder.finish()
  }

  /// Writes this map to `url` atomically with another codec, level or format version,
  /// streaming: one item at a time, through a bounded buffer.
  ///
  /// The map's structure is checked first, and a map that shallow validation rejects is
  /// refused. Items whose stored form would not change (same codec and format version) are
  /// copied as stored, their checksums verified and carried over and, unless `checksDecoding`
  /// is false, their streams decoded to make sure they can be; the others are decoded and
  /// encoded again. The output passes deep validation.
  ///
  /// - Parameters:
  ///   - url: the file the new map is written to, replaced atomically if it exists.
  ///   - writer: how the output is encoded: its codec, level and format version.
  ///   - bufferByteLimit: how many bytes of items may wait in memory before being spilled
  ///     (32 MiB by default).
  ///   - checksDecoding: whether an item copied as stored is decoded first, to refuse a stream
  ///     that its checksum matches but that cannot be decoded; `false` trusts the stream, faster.
  ///   - progress: called after each item with the number of items done and the total.
  public func transcode(
    to url: URL, writer: MapBufferWriter, bufferByteLimit: Int = 32 << 20, checksDecoding: Bool = true,
    progress: ((_ done: Int, _ total: Int) -> Void)? = nil
  ) throws {
    try Self.merge(
      [self], to: url, onDuplicate: .error, writer: writer, bufferByteLimit: bufferByteLimit,
      checksDecoding: checksDecoding, progress: progress)
  }

  /// Adds the item at `location` to `builder`: copied as stored when its stored form is the
  /// builder's (decoded on the way when `checksDecoding`), else decoded and handed over to be
  /// encoded again.
  private func copyItem(
    at location: ItemLocation, key: UInt64, into builder: MapBufferStreamingBuilder, checksDecoding: Bool
  ) throws {
    let sameForm =
      compression == builder.writer.compression && formatVersion == builder.writer.formatVersion
      && builder.writer.compressionLevel == nil
    if sameForm {
      let coding = itemCoding
      let stored = try source.withUnsafeBytes(in: location.range) { stored in
        let payload = try coding.payload(of: stored, key: key, position: location.position, verify: true)
        if checksDecoding && coding.compression != .none { _ = try coding.decode(payload: payload, key: key) }
        return Data(stored)
      }
      try builder.addStored(stored, forKey: key)
    } else {
      try builder.add(try value(at: location, key: key), forKey: key)
    }
  }
}
