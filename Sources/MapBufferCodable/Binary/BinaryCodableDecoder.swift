import Foundation

/// Decodes `Decodable` values from the layout ``BinaryCodableEncoder`` writes.
///
/// ```swift
/// let synapse = try BinaryCodableDecoder().decode(Synapse.self, from: bytes)
/// ```
///
/// Every length and count is checked against the bytes before it is used, containers may nest
/// at most ``maximumDepth`` levels, and anything that does not fit throws a
/// ``BinaryCodableError`` naming the byte offset and the coding path; no input traps or makes the
/// decoder allocate more than the input's size. Keys are matched by their string value, in any
/// order (the order they were written in is the fast path), so types may add optional fields.
/// A decoder holds no state between calls; one can be shared by any number of threads.
public struct BinaryCodableDecoder: Sendable {
  /// Values handed to every `init(from:)` as the decoder's `userInfo`.
  public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

  /// The deepest nesting of values decoded through `init(from:)` accepted: 256 by default.
  public var maximumDepth = BinaryCodableFormat.defaultMaximumDepth

  /// A decoder.
  public init() {}

  /// Decodes a `Value` from `bytes`, which must hold exactly one encoded value.
  public func decode<Value: Decodable>(_ type: Value.Type, from bytes: Data) throws -> Value {
    try bytes.withUnsafeBytes { try decode(type, from: $0) }
  }

  /// Decodes a `Value` from borrowed `bytes`, which must hold exactly one encoded value; nothing
  /// keeps them after the call (a decoder kept by the type stops reading them when it returns).
  public func decode<Value: Decodable>(_ type: Value.Type, from bytes: UnsafeRawBufferPointer) throws -> Value {
    guard let first = bytes.first else {
      throw BinaryCodableError(.truncated, at: 0, path: [], "no bytes: the version byte is missing")
    }
    guard first == BinaryCodableFormat.version else {
      throw BinaryCodableError(
        .unsupportedVersion, at: 0, path: [],
        "version \(first); this decoder reads version \(BinaryCodableFormat.version)")
    }
    let decoder = ValueDecoder(bytes: bytes, userInfo: userInfo, maximumDepth: maximumDepth)
    defer { decoder.expire() }
    let end = try decoder.end(ofValueAt: 1)
    guard end == bytes.count else {
      throw BinaryCodableError(
        .trailingBytes, at: end, path: [], "\(bytes.count - end) bytes follow the value")
    }
    return try decoder.decode(type, at: 1, key: nil)
  }
}

// MARK: - The Decoder

/// The `Decoder` handed to `init(from:)`: one per top-level decode, reused for every nested
/// value (its position is saved and restored around each).
final class ValueDecoder: Decoder {
  /// The encoding; emptied when the decode that made this decoder returns.
  private(set) var bytes: UnsafeRawBufferPointer
  let sendableUserInfo: [CodingUserInfoKey: any Sendable]
  let maximumDepth: Int
  /// Where the value being decoded starts (its tag).
  var position: Int
  /// The keys from the top to the value being decoded.
  private var path: [any CodingKey] = []
  /// Where each keyed container level last found an entry: (container body, next entry).
  var hints: [(body: Int, next: Int)] = []

  init(bytes: UnsafeRawBufferPointer, userInfo: [CodingUserInfoKey: any Sendable], maximumDepth: Int) {
    self.bytes = bytes
    self.sendableUserInfo = userInfo
    self.maximumDepth = maximumDepth
    self.position = 1
  }

  /// Stops reading the borrowed bytes: every later read throws `decoderExpired`.
  func expire() { bytes = UnsafeRawBufferPointer(start: nil, count: 0) }

  var codingPath: [any CodingKey] { path }
  var depth: Int { path.count }
  var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

  func pathStrings(adding key: (any CodingKey)? = nil) -> [String] {
    var strings = path.map(\.stringValue)
    if let key { strings.append(key.stringValue) }
    return strings
  }

  func error(
    _ code: BinaryCodableError.Code, at offset: Int, key: (any CodingKey)? = nil, _ detail: String
  ) -> BinaryCodableError {
    if bytes.baseAddress == nil {
      return BinaryCodableError(
        .decoderExpired, at: offset, path: pathStrings(adding: key), "the decode that made this decoder has returned")
    }
    return BinaryCodableError(code, at: offset, path: pathStrings(adding: key), detail)
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    KeyedDecodingContainer(try KeyedValueContainer<Key>(decoder: self, at: position))
  }

  func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
    try UnkeyedValueContainer(decoder: self, at: position)
  }

  func singleValueContainer() throws -> any SingleValueDecodingContainer {
    SingleValueContainer(decoder: self, position: position)
  }

  // MARK: Reading

  @inline(__always)
  func byte(at offset: Int, key: (any CodingKey)? = nil) throws -> UInt8 {
    guard offset >= 0, offset < bytes.count else {
      throw error(.truncated, at: offset, key: key, "the bytes end where a value should start")
    }
    return bytes[offset]
  }

  /// A varint at `offset` (at most 10 bytes, fitting an `Int`), and the offset after it.
  @inline(__always)
  func varint(at offset: Int, key: (any CodingKey)? = nil) throws -> (value: Int, end: Int) {
    var first = try byte(at: offset, key: key)
    if first < 0x80 { return (Int(first), offset &+ 1) }
    var value = UInt64(first & 0x7F)
    var shift: UInt64 = 7
    var next = offset &+ 1
    repeat {
      first = try byte(at: next, key: key)
      guard shift < 63 || (shift == 63 && first <= 1) else {
        throw error(.invalidLength, at: offset, key: key, "a varint longer than 64 bits")
      }
      value |= UInt64(first & 0x7F) << shift
      shift &+= 7
      next &+= 1
    } while first >= 0x80
    guard value <= UInt64(Int.max) else {
      throw error(.invalidLength, at: offset, key: key, "a length of \(value) bytes")
    }
    return (Int(value), next)
  }

  /// The `count` bytes at `offset` as a range, checked to lie inside the encoding.
  @inline(__always)
  func range(at offset: Int, count: Int, key: (any CodingKey)? = nil) throws -> Range<Int> {
    guard count >= 0, offset >= 0, offset <= bytes.count, count <= bytes.count &- offset else {
      throw error(
        .truncated, at: offset, key: key, "\(count) bytes announced, \(max(0, bytes.count - offset)) remain")
    }
    return offset..<(offset &+ count)
  }

  /// The `count` (up to 8) bytes at `offset`, little-endian.
  @inline(__always)
  func littleEndian(at offset: Int, count: Int, key: (any CodingKey)?) throws -> UInt64 {
    let range = try range(at: offset, count: count, key: key)
    if offset &+ 8 <= bytes.count {
      let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
      return count == 8 ? word : word & ((1 << UInt64(count &* 8)) &- 1)
    }
    var value: UInt64 = 0
    for index in range.reversed() { value = value << 8 | UInt64(bytes[index]) }
    return value
  }

  /// Where the value whose tag is at `offset` ends: O(1), since containers carry their length.
  func end(ofValueAt offset: Int, key: (any CodingKey)? = nil) throws -> Int {
    let tag = try byte(at: offset, key: key)
    switch tag {
    case BinaryCodableFormat.null, BinaryCodableFormat.falseTag, BinaryCodableFormat.trueTag:
      return offset &+ 1
    case BinaryCodableFormat.unsigned...(BinaryCodableFormat.unsigned &+ 8):
      return try range(at: offset &+ 1, count: Int(tag &- BinaryCodableFormat.unsigned), key: key).upperBound
    case (BinaryCodableFormat.negative &+ 1)...(BinaryCodableFormat.negative &+ 8):
      return try range(at: offset &+ 1, count: Int(tag &- BinaryCodableFormat.negative), key: key).upperBound
    case BinaryCodableFormat.float32: return try range(at: offset &+ 1, count: 4, key: key).upperBound
    case BinaryCodableFormat.float64: return try range(at: offset &+ 1, count: 8, key: key).upperBound
    case BinaryCodableFormat.string, BinaryCodableFormat.bytes, BinaryCodableFormat.unkeyed,
      BinaryCodableFormat.keyed:
      let (length, start) = try varint(at: offset &+ 1, key: key)
      return try range(at: start, count: length, key: key).upperBound
    default:
      throw error(.invalidTag, at: offset, key: key, "byte 0x\(String(tag, radix: 16)) starts no value")
    }
  }

  /// The body of the container whose tag (`expected`) is at `offset`: its element count, where
  /// its first element starts and where it ends.
  func containerBody(at offset: Int, expected: UInt8, key: (any CodingKey)? = nil) throws -> (
    count: Int, first: Int, end: Int
  ) {
    let tag = try byte(at: offset, key: key)
    guard tag == expected else {
      throw mismatch(
        tag, at: offset, key: key,
        expected: expected == BinaryCodableFormat.keyed ? "a keyed container" : "an unkeyed container")
    }
    let (length, bodyStart) = try varint(at: offset &+ 1, key: key)
    let body = try range(at: bodyStart, count: length, key: key)
    let (count, first) = try varint(at: body.lowerBound, key: key)
    // Every element takes at least one byte (an entry two): a count past that is a lie.
    guard first <= body.upperBound, count <= body.upperBound &- first else {
      throw error(.invalidLength, at: body.lowerBound, key: key, "\(count) elements in \(length) bytes")
    }
    return (count, first, body.upperBound)
  }

  func mismatch(_ tag: UInt8, at offset: Int, key: (any CodingKey)?, expected: String) -> BinaryCodableError {
    let found: String =
      switch tag {
      case BinaryCodableFormat.null: "nil"
      case BinaryCodableFormat.falseTag, BinaryCodableFormat.trueTag: "a Bool"
      case BinaryCodableFormat.unsigned...(BinaryCodableFormat.negative &+ 8): "an integer"
      case BinaryCodableFormat.float32, BinaryCodableFormat.float64: "a floating-point number"
      case BinaryCodableFormat.string: "a string"
      case BinaryCodableFormat.bytes: "bytes"
      case BinaryCodableFormat.unkeyed: "an unkeyed container"
      case BinaryCodableFormat.keyed: "a keyed container"
      default: "byte 0x\(String(tag, radix: 16))"
      }
    if tag == BinaryCodableFormat.null {
      return error(.valueNotFound, at: offset, key: key, "nil where \(expected) is required")
    }
    return error(.typeMismatch, at: offset, key: key, "\(found) where \(expected) is required")
  }

  // MARK: Values

  func isNil(at offset: Int, key: (any CodingKey)?) throws -> Bool {
    try byte(at: offset, key: key) == BinaryCodableFormat.null
  }

  func bool(at offset: Int, key: (any CodingKey)?) throws -> Bool {
    let tag = try byte(at: offset, key: key)
    switch tag {
    case BinaryCodableFormat.trueTag: return true
    case BinaryCodableFormat.falseTag: return false
    default: throw mismatch(tag, at: offset, key: key, expected: "a Bool")
    }
  }

  @inline(__always)
  func integer<T: FixedWidthInteger>(_ type: T.Type, at offset: Int, key: (any CodingKey)?) throws -> T {
    let tag = try byte(at: offset, key: key)
    if tag &- BinaryCodableFormat.unsigned <= 8 {
      let count = Int(tag &- BinaryCodableFormat.unsigned)
      let value = count == 0 ? 0 : try littleEndian(at: offset &+ 1, count: count, key: key)
      guard let result = T(exactly: value) else {
        throw error(.valueOutOfRange, at: offset, key: key, "\(value) does not fit \(T.self)")
      }
      return result
    }
    if tag &- (BinaryCodableFormat.negative &+ 1) < 8 {
      let count = Int(tag &- BinaryCodableFormat.negative)
      let bits = try littleEndian(at: offset &+ 1, count: count, key: key)
      let shift = UInt64(64 &- count &* 8)
      let value = Int64(bitPattern: bits << shift) >> shift
      guard let result = T(exactly: value) else {
        throw error(.valueOutOfRange, at: offset, key: key, "\(value) does not fit \(T.self)")
      }
      return result
    }
    throw mismatch(tag, at: offset, key: key, expected: "an integer (\(T.self))")
  }

  func double(at offset: Int, key: (any CodingKey)?) throws -> Double {
    let tag = try byte(at: offset, key: key)
    switch tag {
    case BinaryCodableFormat.float64:
      return Double(bitPattern: try littleEndian(at: offset &+ 1, count: 8, key: key))
    case BinaryCodableFormat.float32:
      return Double(Float(bitPattern: UInt32(try littleEndian(at: offset &+ 1, count: 4, key: key))))
    case BinaryCodableFormat.unsigned...(BinaryCodableFormat.negative &+ 8):
      let integer = try integer(Int64.self, at: offset, key: key)
      guard let value = Double(exactly: integer) else {
        throw error(.valueOutOfRange, at: offset, key: key, "\(integer) is not exactly a Double")
      }
      return value
    default:
      throw mismatch(tag, at: offset, key: key, expected: "a floating-point number")
    }
  }

  func float(at offset: Int, key: (any CodingKey)?) throws -> Float {
    let tag = try byte(at: offset, key: key)
    if tag == BinaryCodableFormat.float32 {
      return Float(bitPattern: UInt32(try littleEndian(at: offset &+ 1, count: 4, key: key)))
    }
    let double = try double(at: offset, key: key)
    let value = Float(double)
    guard value.isFinite || !double.isFinite else {
      throw error(.valueOutOfRange, at: offset, key: key, "\(double) does not fit Float")
    }
    return value
  }

  /// The bytes of the string or `Data` (tag `expected`) at `offset`.
  func lengthPrefixed(at offset: Int, expected: UInt8, key: (any CodingKey)?) throws -> UnsafeRawBufferPointer {
    let tag = try byte(at: offset, key: key)
    guard tag == expected else {
      throw mismatch(tag, at: offset, key: key, expected: expected == BinaryCodableFormat.string ? "a string" : "bytes")
    }
    let (length, start) = try varint(at: offset &+ 1, key: key)
    return UnsafeRawBufferPointer(rebasing: bytes[try range(at: start, count: length, key: key)])
  }

  func string(at offset: Int, key: (any CodingKey)?) throws -> String {
    let utf8 = try lengthPrefixed(at: offset, expected: BinaryCodableFormat.string, key: key)
    do {
      return try String(mapBufferBytes: utf8)
    } catch {
      throw self.error(.invalidUTF8, at: offset, key: key, "\(utf8.count) bytes that are not valid UTF-8")
    }
  }

  func data(at offset: Int, key: (any CodingKey)?) throws -> Data {
    Data(try lengthPrefixed(at: offset, expected: BinaryCodableFormat.bytes, key: key))
  }

  /// The value at `offset` as a `Value`: a primitive read directly, anything else through its
  /// `init(from:)` with this decoder positioned on it (`key` joining the coding path).
  @inline(__always)
  func decode<Value: Decodable>(_ type: Value.Type, at offset: Int, key: (any CodingKey)?) throws -> Value {
    func cast<T>(_ value: T) -> Value { unsafeBitCast(value, to: Value.self) }
    if Value.self == Int.self { return cast(try integer(Int.self, at: offset, key: key)) }
    if Value.self == String.self { return cast(try string(at: offset, key: key)) }
    if Value.self == Double.self { return cast(try double(at: offset, key: key)) }
    if Value.self == Float.self { return cast(try float(at: offset, key: key)) }
    if Value.self == Bool.self { return cast(try bool(at: offset, key: key)) }
    if Value.self == UInt64.self { return cast(try integer(UInt64.self, at: offset, key: key)) }
    if Value.self == UInt32.self { return cast(try integer(UInt32.self, at: offset, key: key)) }
    if Value.self == UInt16.self { return cast(try integer(UInt16.self, at: offset, key: key)) }
    if Value.self == UInt8.self { return cast(try integer(UInt8.self, at: offset, key: key)) }
    if Value.self == UInt.self { return cast(try integer(UInt.self, at: offset, key: key)) }
    if Value.self == Int64.self { return cast(try integer(Int64.self, at: offset, key: key)) }
    if Value.self == Int32.self { return cast(try integer(Int32.self, at: offset, key: key)) }
    if Value.self == Int16.self { return cast(try integer(Int16.self, at: offset, key: key)) }
    if Value.self == Int8.self { return cast(try integer(Int8.self, at: offset, key: key)) }
    if Value.self == Data.self { return cast(try data(at: offset, key: key)) }
    return try nested(type, at: offset, key: key)
  }

  private func nested<Value: Decodable>(_ type: Value.Type, at offset: Int, key: (any CodingKey)?) throws -> Value {
    if let key {
      guard path.count < maximumDepth else {
        throw error(.depthLimitExceeded, at: offset, key: key, "values nest deeper than \(maximumDepth) levels")
      }
      path.append(key)
    }
    let saved = position
    position = offset
    defer {
      position = saved
      if key != nil { path.removeLast() }
    }
    return try Value(from: self)
  }

  /// A decoder positioned on the value at `offset`, for `superDecoder()`: this one, shared.
  func superDecoder(at offset: Int, key: any CodingKey) -> any Decoder {
    SuperDecoder(decoder: self, position: offset, key: key)
  }
}

/// The decoder of `superDecoder()`: the same decoder, positioned on the `super` value.
struct SuperDecoder: Decoder {
  let decoder: ValueDecoder
  let position: Int
  let key: any CodingKey
  var codingPath: [any CodingKey] { decoder.codingPath + [key] }
  var userInfo: [CodingUserInfoKey: Any] { decoder.userInfo }

  private func positioned<T>(_ body: () throws -> T) rethrows -> T {
    let saved = decoder.position
    decoder.position = position
    defer { decoder.position = saved }
    return try body()
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
    try positioned { try decoder.container(keyedBy: type) }
  }
  func unkeyedContainer() throws -> any UnkeyedDecodingContainer { try positioned { try decoder.unkeyedContainer() } }
  func singleValueContainer() throws -> any SingleValueDecodingContainer {
    try positioned { try decoder.singleValueContainer() }
  }
}

// MARK: - Containers

struct KeyedValueContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
  let decoder: ValueDecoder
  /// The offset of the container's tag, its first entry, its end, and its entry count.
  let start: Int
  let first: Int
  let end: Int
  let entryCount: Int
  /// The nesting level, the index of this container's hint.
  let level: Int
  let codingPath: [any CodingKey]

  init(decoder: ValueDecoder, at offset: Int) throws {
    let body = try decoder.containerBody(at: offset, expected: BinaryCodableFormat.keyed)
    self.decoder = decoder
    self.start = offset
    self.first = body.first
    self.end = body.end
    self.entryCount = body.count
    self.level = decoder.depth
    self.codingPath = decoder.codingPath
    if decoder.hints.count <= level {
      decoder.hints.append(contentsOf: repeatElement((body: -1, next: -1), count: level &+ 1 &- decoder.hints.count))
    }
    decoder.hints[level] = (first, first)
  }

  /// The entry at `offset`: where its value starts, and where the next entry starts.
  @inline(__always)
  private func entry(at offset: Int) throws -> (keyStart: Int, keyCount: Int, value: Int, next: Int) {
    let (keyCount, keyStart) = try decoder.varint(at: offset)
    let key = try decoder.range(at: keyStart, count: keyCount)
    let next = try decoder.end(ofValueAt: key.upperBound)
    guard next <= end else {
      throw decoder.error(.invalidLength, at: offset, "an entry runs past the end of its container")
    }
    return (keyStart, keyCount, key.upperBound, next)
  }

  @inline(__always)
  private func matches(_ name: String, start: Int, count: Int) -> Bool {
    var name = name
    return name.withUTF8 { utf8 in
      guard utf8.count == count else { return false }
      guard count > 0, let stored = decoder.bytes.baseAddress, let wanted = utf8.baseAddress else { return true }
      return memcmp(wanted, stored + start, count) == 0
    }
  }

  /// Where the value of `key` starts, or `nil`.
  private func find(_ key: Key) throws -> Int? { try find(named: key.stringValue) }

  /// Where the value of the key named `name` starts, or `nil`: first at the entry after the last
  /// one found (keys are usually read in the order they were written), then from the first entry.
  private func find(named name: String) throws -> Int? {
    let hint = decoder.hints.count > level ? decoder.hints[level] : (body: -1, next: -1)
    if hint.body == first, hint.next < end, hint.next >= first {
      let entry = try entry(at: hint.next)
      if matches(name, start: entry.keyStart, count: entry.keyCount) {
        decoder.hints[level].next = entry.next
        return entry.value
      }
    }
    var offset = first
    for _ in 0..<entryCount {
      guard offset < end else { break }
      let entry = try entry(at: offset)
      if matches(name, start: entry.keyStart, count: entry.keyCount) {
        if decoder.hints.count > level { decoder.hints[level] = (first, entry.next) }
        return entry.value
      }
      offset = entry.next
    }
    return nil
  }

  private func value(of key: Key) throws -> Int {
    guard let offset = try find(key) else {
      throw decoder.error(.keyNotFound, at: start, key: key, "no entry for key \"\(key.stringValue)\"")
    }
    return offset
  }

  var allKeys: [Key] {
    var keys: [Key] = []
    var offset = first
    for _ in 0..<entryCount {
      guard offset < end, let entry = try? entry(at: offset) else { break }
      let name = String(
        decoding: UnsafeRawBufferPointer(rebasing: decoder.bytes[entry.keyStart..<(entry.keyStart + entry.keyCount)]),
        as: UTF8.self)
      if let key = Key(stringValue: name) { keys.append(key) }
      offset = entry.next
    }
    return keys
  }

  func contains(_ key: Key) -> Bool { (try? find(key)) != nil }

  func decodeNil(forKey key: Key) throws -> Bool { try decoder.isNil(at: value(of: key), key: key) }
  func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder.bool(at: value(of: key), key: key) }
  func decode(_ type: String.Type, forKey key: Key) throws -> String {
    try decoder.string(at: value(of: key), key: key)
  }
  func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
    try decoder.double(at: value(of: key), key: key)
  }
  func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder.float(at: value(of: key), key: key) }
  func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
    try decoder.integer(type, at: value(of: key), key: key)
  }
  func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
    try decoder.integer(type, at: value(of: key), key: key)
  }
  func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
    try decoder.integer(type, at: value(of: key), key: key)
  }
  func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
    try decoder.integer(type, at: value(of: key), key: key)
  }
  func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
    try decoder.integer(type, at: value(of: key), key: key)
  }
  func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
    try decoder.integer(type, at: value(of: key), key: key)
  }
  func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
    try decoder.integer(type, at: value(of: key), key: key)
  }
  func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
    try decoder.integer(type, at: value(of: key), key: key)
  }
  func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
    try decoder.integer(type, at: value(of: key), key: key)
  }
  func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
    try decoder.integer(type, at: value(of: key), key: key)
  }
  func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
    try decoder.decode(type, at: value(of: key), key: key)
  }

  /// The value of `key` unless it is absent or `nil`.
  private func present(_ key: Key) throws -> Int? {
    guard let offset = try find(key), try !decoder.isNil(at: offset, key: key) else { return nil }
    return offset
  }

  func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
    try present(key).map { try decoder.bool(at: $0, key: key) }
  }
  func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
    try present(key).map { try decoder.string(at: $0, key: key) }
  }
  func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
    try present(key).map { try decoder.double(at: $0, key: key) }
  }
  func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
    try present(key).map { try decoder.float(at: $0, key: key) }
  }
  func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
    try present(key).map { try decoder.integer(type, at: $0, key: key) }
  }
  func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? {
    try present(key).map { try decoder.integer(type, at: $0, key: key) }
  }
  func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? {
    try present(key).map { try decoder.integer(type, at: $0, key: key) }
  }
  func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
    try present(key).map { try decoder.integer(type, at: $0, key: key) }
  }
  func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
    try present(key).map { try decoder.integer(type, at: $0, key: key) }
  }
  func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? {
    try present(key).map { try decoder.integer(type, at: $0, key: key) }
  }
  func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? {
    try present(key).map { try decoder.integer(type, at: $0, key: key) }
  }
  func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
    try present(key).map { try decoder.integer(type, at: $0, key: key) }
  }
  func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
    try present(key).map { try decoder.integer(type, at: $0, key: key) }
  }
  func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
    try present(key).map { try decoder.integer(type, at: $0, key: key) }
  }
  func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
    try present(key).map { try decoder.decode(type, at: $0, key: key) }
  }

  func nestedContainer<NestedKey: CodingKey>(
    keyedBy type: NestedKey.Type, forKey key: Key
  ) throws -> KeyedDecodingContainer<NestedKey> {
    let offset = try value(of: key)
    return try decoder.decode(NestedKeyed<NestedKey>.self, at: offset, key: key).container
  }

  func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
    let offset = try value(of: key)
    return try decoder.decode(NestedUnkeyed.self, at: offset, key: key).container
  }

  func superDecoder() throws -> any Decoder {
    guard let offset = try find(named: "super") else {
      throw decoder.error(.keyNotFound, at: start, key: SuperKey(), "no entry for key \"super\"")
    }
    return decoder.superDecoder(at: offset, key: SuperKey())
  }

  func superDecoder(forKey key: Key) throws -> any Decoder {
    decoder.superDecoder(at: try value(of: key), key: key)
  }
}

/// A nested keyed container made through the decoder, so it joins the path and the depth limit.
struct NestedKeyed<Key: CodingKey>: Decodable {
  let container: KeyedDecodingContainer<Key>
  init(from decoder: any Decoder) throws { container = try decoder.container(keyedBy: Key.self) }
}

/// A nested unkeyed container made through the decoder.
struct NestedUnkeyed: Decodable {
  let container: any UnkeyedDecodingContainer
  init(from decoder: any Decoder) throws { container = try decoder.unkeyedContainer() }
}

struct UnkeyedValueContainer: UnkeyedDecodingContainer {
  let decoder: ValueDecoder
  let start: Int
  let end: Int
  let elementCount: Int
  let codingPath: [any CodingKey]
  /// The offset of the next element.
  private var next: Int
  private(set) var currentIndex = 0

  init(decoder: ValueDecoder, at offset: Int) throws {
    let body = try decoder.containerBody(at: offset, expected: BinaryCodableFormat.unkeyed)
    self.decoder = decoder
    self.start = offset
    self.end = body.end
    self.elementCount = body.count
    self.next = body.first
    self.codingPath = decoder.codingPath
  }

  var count: Int? { elementCount }
  var isAtEnd: Bool { currentIndex >= elementCount }

  /// The next element's offset, the container advanced past it.
  private mutating func advance<T>(_ read: (ValueDecoder, Int, any CodingKey) throws -> T) throws -> T {
    let key = IndexKey(currentIndex)
    guard !isAtEnd else {
      throw decoder.error(.endOfContainer, at: next, key: key, "the container's \(elementCount) elements are read")
    }
    let elementEnd = try decoder.end(ofValueAt: next, key: key)
    guard elementEnd <= end else {
      throw decoder.error(.invalidLength, at: next, key: key, "an element runs past the end of its container")
    }
    let value = try read(decoder, next, key)
    next = elementEnd
    currentIndex &+= 1
    return value
  }

  mutating func decodeNil() throws -> Bool {
    guard !isAtEnd, try decoder.isNil(at: next, key: IndexKey(currentIndex)) else { return false }
    _ = try advance { _, _, _ in () }
    return true
  }
  mutating func decode(_ type: Bool.Type) throws -> Bool { try advance { try $0.bool(at: $1, key: $2) } }
  mutating func decode(_ type: String.Type) throws -> String { try advance { try $0.string(at: $1, key: $2) } }
  mutating func decode(_ type: Double.Type) throws -> Double { try advance { try $0.double(at: $1, key: $2) } }
  mutating func decode(_ type: Float.Type) throws -> Float { try advance { try $0.float(at: $1, key: $2) } }
  mutating func decode(_ type: Int.Type) throws -> Int { try advance { try $0.integer(type, at: $1, key: $2) } }
  mutating func decode(_ type: Int8.Type) throws -> Int8 { try advance { try $0.integer(type, at: $1, key: $2) } }
  mutating func decode(_ type: Int16.Type) throws -> Int16 {
    try advance { try $0.integer(type, at: $1, key: $2) }
  }
  mutating func decode(_ type: Int32.Type) throws -> Int32 {
    try advance { try $0.integer(type, at: $1, key: $2) }
  }
  mutating func decode(_ type: Int64.Type) throws -> Int64 {
    try advance { try $0.integer(type, at: $1, key: $2) }
  }
  mutating func decode(_ type: UInt.Type) throws -> UInt { try advance { try $0.integer(type, at: $1, key: $2) } }
  mutating func decode(_ type: UInt8.Type) throws -> UInt8 {
    try advance { try $0.integer(type, at: $1, key: $2) }
  }
  mutating func decode(_ type: UInt16.Type) throws -> UInt16 {
    try advance { try $0.integer(type, at: $1, key: $2) }
  }
  mutating func decode(_ type: UInt32.Type) throws -> UInt32 {
    try advance { try $0.integer(type, at: $1, key: $2) }
  }
  mutating func decode(_ type: UInt64.Type) throws -> UInt64 {
    try advance { try $0.integer(type, at: $1, key: $2) }
  }
  mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
    try advance { try $0.decode(type, at: $1, key: $2) }
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<
    NestedKey
  > {
    try decode(NestedKeyed<NestedKey>.self).container
  }

  mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
    try decode(NestedUnkeyed.self).container
  }

  mutating func superDecoder() throws -> any Decoder {
    try advance { decoder, offset, key in decoder.superDecoder(at: offset, key: key) }
  }
}

struct SingleValueContainer: SingleValueDecodingContainer {
  let decoder: ValueDecoder
  let position: Int
  var codingPath: [any CodingKey] { decoder.codingPath }

  func decodeNil() -> Bool { (try? decoder.isNil(at: position, key: nil)) ?? false }
  func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool(at: position, key: nil) }
  func decode(_ type: String.Type) throws -> String { try decoder.string(at: position, key: nil) }
  func decode(_ type: Double.Type) throws -> Double { try decoder.double(at: position, key: nil) }
  func decode(_ type: Float.Type) throws -> Float { try decoder.float(at: position, key: nil) }
  func decode(_ type: Int.Type) throws -> Int { try decoder.integer(type, at: position, key: nil) }
  func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(type, at: position, key: nil) }
  func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(type, at: position, key: nil) }
  func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(type, at: position, key: nil) }
  func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(type, at: position, key: nil) }
  func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(type, at: position, key: nil) }
  func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(type, at: position, key: nil) }
  func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(type, at: position, key: nil) }
  func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(type, at: position, key: nil) }
  func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(type, at: position, key: nil) }
  func decode<T: Decodable>(_ type: T.Type) throws -> T {
    // The same value, decoded as T: no new path component, but it counts towards the depth.
    try decoder.decode(type, at: position, key: nil)
  }
}
