import Foundation

/// Encodes `Encodable` values in a compact binary layout that ``BinaryCodableDecoder`` reads:
/// tagged little-endian numbers, length-prefixed strings, bytes and containers, keys as UTF-8.
///
/// ```swift
/// struct Synapse: Codable { var pre: UInt64; var post: UInt64; var weight: Float }
/// let bytes = try BinaryCodableEncoder().encode(Synapse(pre: 5, post: 9, weight: 0.5))
/// let synapse = try BinaryCodableDecoder().decode(Synapse.self, from: bytes)
/// ```
///
/// The layout is described byte by byte in <doc:BinaryCodableFormat>. An encoder holds no state
/// between calls; one can be shared by any number of threads.
public struct BinaryCodableEncoder: Sendable {
  /// Values handed to every `encode(to:)` as the encoder's `userInfo`.
  public var userInfo: [CodingUserInfoKey: any Sendable] = [:]

  /// An encoder.
  public init() {}

  /// The encoding of `value`: the layout's version byte, then the value.
  ///
  /// - Throws: ``BinaryCodableError`` with code `invalidValue` when a value encodes nothing or
  ///   two values in one single-value container, or the error `value` throws.
  public func encode<Value: Encodable>(_ value: Value) throws -> Data {
    let node = try EncodingNode.encoding(value, userInfo: userInfo, path: [])
    let size = 1 &+ node.size
    var data = Data(count: size)
    data.withUnsafeMutableBytes { raw in
      var writer = ByteWriter(raw)
      writer.byte(BinaryCodableFormat.version)
      node.write(to: &writer)
      assert(writer.offset == size, "the computed size must match what is written")
    }
    return data
  }
}

/// A value being encoded: what an encoder's containers hold until the whole value is written.
enum EncodingNode {
  case null
  case bool(Bool)
  case unsigned(UInt64)
  case negative(Int64)
  case float(Float)
  case double(Double)
  case string(String)
  case bytes(Data)
  case container(EncodingContainer)

  /// `value` encoded: a primitive directly, anything else through its `encode(to:)`.
  static func encoding<Value: Encodable>(
    _ value: Value, userInfo: [CodingUserInfoKey: any Sendable], path: [any CodingKey]
  ) throws -> EncodingNode {
    if let node = primitive(value) { return node }
    let encoder = NodeEncoder(userInfo: userInfo, codingPath: path)
    try value.encode(to: encoder)
    guard let node = encoder.node else {
      throw BinaryCodableError(
        .invalidValue, at: 0, path: path.map(\.stringValue), "\(Value.self) did not encode any value")
    }
    return node
  }

  /// The node of a value of a primitive type (compared by type, without a dynamic cast), or `nil`.
  @inline(__always)
  static func primitive<Value>(_ value: Value) -> EncodingNode? {
    func cast<T>(_: T.Type) -> T { unsafeBitCast(value, to: T.self) }
    if Value.self == Int.self { return integer(cast(Int.self)) }
    if Value.self == String.self { return .string(cast(String.self)) }
    if Value.self == Double.self { return .double(cast(Double.self)) }
    if Value.self == Float.self { return .float(cast(Float.self)) }
    if Value.self == Bool.self { return .bool(cast(Bool.self)) }
    if Value.self == UInt64.self { return .unsigned(cast(UInt64.self)) }
    if Value.self == UInt32.self { return .unsigned(UInt64(cast(UInt32.self))) }
    if Value.self == UInt16.self { return .unsigned(UInt64(cast(UInt16.self))) }
    if Value.self == UInt8.self { return .unsigned(UInt64(cast(UInt8.self))) }
    if Value.self == UInt.self { return .unsigned(UInt64(cast(UInt.self))) }
    if Value.self == Int64.self { return integer(cast(Int64.self)) }
    if Value.self == Int32.self { return integer(cast(Int32.self)) }
    if Value.self == Int16.self { return integer(cast(Int16.self)) }
    if Value.self == Int8.self { return integer(cast(Int8.self)) }
    if Value.self == Data.self { return .bytes(cast(Data.self)) }
    return nil
  }

  static func integer<T: FixedWidthInteger & SignedInteger>(_ value: T) -> EncodingNode {
    value < 0 ? .negative(Int64(value)) : .unsigned(UInt64(value))
  }

  /// The number of bytes the node takes, tag included.
  var size: Int {
    switch self {
    case .null, .bool: 1
    case .unsigned(let value): 1 &+ BinaryCodableFormat.unsignedByteCount(value)
    case .negative(let value): 1 &+ BinaryCodableFormat.negativeByteCount(value)
    case .float: 5
    case .double: 9
    case .string(let string):
      1 &+ BinaryCodableFormat.varintSize(string.utf8.count) &+ string.utf8.count
    case .bytes(let data): 1 &+ BinaryCodableFormat.varintSize(data.count) &+ data.count
    case .container(let container):
      1 &+ BinaryCodableFormat.varintSize(container.bodySize) &+ container.bodySize
    }
  }

  func write(to writer: inout ByteWriter) {
    switch self {
    case .null: writer.byte(BinaryCodableFormat.null)
    case .bool(let value): writer.byte(value ? BinaryCodableFormat.trueTag : BinaryCodableFormat.falseTag)
    case .unsigned(let value):
      let count = BinaryCodableFormat.unsignedByteCount(value)
      writer.byte(BinaryCodableFormat.unsigned &+ UInt8(count))
      writer.littleEndian(value, byteCount: count)
    case .negative(let value):
      let count = BinaryCodableFormat.negativeByteCount(value)
      writer.byte(BinaryCodableFormat.negative &+ UInt8(count))
      writer.littleEndian(UInt64(bitPattern: value), byteCount: count)
    case .float(let value):
      writer.byte(BinaryCodableFormat.float32)
      writer.littleEndian(UInt64(value.bitPattern), byteCount: 4)
    case .double(let value):
      writer.byte(BinaryCodableFormat.float64)
      writer.littleEndian(value.bitPattern, byteCount: 8)
    case .string(var string):
      writer.byte(BinaryCodableFormat.string)
      string.withUTF8 { writer.lengthPrefixed(UnsafeRawBufferPointer($0)) }
    case .bytes(let data):
      writer.byte(BinaryCodableFormat.bytes)
      data.withUnsafeBytes { writer.lengthPrefixed($0) }
    case .container(let container):
      container.write(to: &writer)
    }
  }
}

/// A keyed or unkeyed container being encoded; a class so that nested containers can be
/// filled after they are attached, in any order, as Swift's `Encoder` allows.
final class EncodingContainer {
  let isKeyed: Bool
  private(set) var keys: [String] = []
  private(set) var values: [EncodingNode] = []
  /// Where each key is, once a keyed container has enough entries for a search to cost.
  private var index: [String: Int]?
  private var cachedBodySize: Int?

  init(keyed: Bool) { isKeyed = keyed }

  var count: Int { values.count }

  /// Appends an element of an unkeyed container.
  func append(_ node: EncodingNode) {
    values.append(node)
    cachedBodySize = nil
  }

  /// Sets the value of `key` in a keyed container: a key encoded twice keeps its last value, in
  /// its first place.
  func set(_ node: EncodingNode, forKey key: String) {
    cachedBodySize = nil
    if let position = position(of: key) {
      values[position] = node
      return
    }
    keys.append(key)
    values.append(node)
    if index != nil {
      index![key] = values.count &- 1
    } else if keys.count > 16 {
      index = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
  }

  private func position(of key: String) -> Int? {
    if let index { return index[key] }
    return keys.firstIndex(of: key)
  }

  /// The value of `key`, if set.
  func node(forKey key: String) -> EncodingNode? {
    position(of: key).map { values[$0] }
  }

  /// The bytes after the container's length: the count, then the entries.
  var bodySize: Int {
    if let cachedBodySize { return cachedBodySize }
    var size = BinaryCodableFormat.varintSize(values.count)
    for node in values { size &+= node.size }
    if isKeyed {
      for key in keys { size &+= BinaryCodableFormat.varintSize(key.utf8.count) &+ key.utf8.count }
    }
    cachedBodySize = size
    return size
  }

  func write(to writer: inout ByteWriter) {
    writer.byte(isKeyed ? BinaryCodableFormat.keyed : BinaryCodableFormat.unkeyed)
    writer.varint(bodySize)
    writer.varint(values.count)
    if isKeyed {
      for (key, node) in zip(keys, values) {
        var key = key
        key.withUTF8 { writer.lengthPrefixed(UnsafeRawBufferPointer($0)) }
        node.write(to: &writer)
      }
    } else {
      for node in values { node.write(to: &writer) }
    }
  }
}

/// Writes into a buffer sized beforehand.
struct ByteWriter {
  private let buffer: UnsafeMutableRawBufferPointer
  private(set) var offset = 0

  init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

  mutating func byte(_ value: UInt8) {
    buffer[offset] = value
    offset &+= 1
  }

  mutating func littleEndian(_ value: UInt64, byteCount: Int) {
    var value = value
    for _ in 0..<byteCount {
      buffer[offset] = UInt8(truncatingIfNeeded: value)
      value >>= 8
      offset &+= 1
    }
  }

  mutating func varint(_ value: Int) {
    var value = UInt(bitPattern: value)
    while value >= 0x80 {
      byte(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    byte(UInt8(value))
  }

  mutating func lengthPrefixed(_ bytes: UnsafeRawBufferPointer) {
    varint(bytes.count)
    guard !bytes.isEmpty else { return }
    UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset &+ bytes.count)]).copyMemory(from: bytes)
    offset &+= bytes.count
  }
}

// MARK: - The Encoder

/// The `Encoder` handed to `encode(to:)`: collects one value as a node.
final class NodeEncoder: Encoder {
  let codingPath: [any CodingKey]
  let sendableUserInfo: [CodingUserInfoKey: any Sendable]
  var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }
  /// The value encoded, once a container or a single value has been made.
  var node: EncodingNode?

  init(userInfo: [CodingUserInfoKey: any Sendable], codingPath: [any CodingKey]) {
    self.sendableUserInfo = userInfo
    self.codingPath = codingPath
  }

  /// The container already made for this value if it is of the kind asked for, else a new one.
  private func container(keyed: Bool) -> EncodingContainer {
    if case .container(let existing) = node, existing.isKeyed == keyed { return existing }
    let container = EncodingContainer(keyed: keyed)
    node = .container(container)
    return container
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    KeyedEncodingContainer(KeyedNodeContainer<Key>(encoder: self, container: container(keyed: true)))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    UnkeyedNodeContainer(encoder: self, container: container(keyed: false))
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleValueNodeContainer(encoder: self)
  }

  func encodeNested<Value: Encodable>(_ value: Value, key: any CodingKey) throws -> EncodingNode {
    try EncodingNode.encoding(value, userInfo: sendableUserInfo, path: codingPath + [key])
  }
}

/// A key for the elements of unkeyed containers in coding paths.
struct IndexKey: CodingKey {
  var intValue: Int?
  var stringValue: String { "[\(intValue ?? 0)]" }
  init(_ index: Int) { intValue = index }
  init?(stringValue: String) { nil }
  init?(intValue: Int) { self.intValue = intValue }
}

/// The key `super` of `superEncoder()` and `superDecoder()`.
struct SuperKey: CodingKey {
  var stringValue: String { "super" }
  var intValue: Int? { nil }
  init() {}
  init?(stringValue: String) { nil }
  init?(intValue: Int) { nil }
}

struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let encoder: NodeEncoder
  let container: EncodingContainer
  var codingPath: [any CodingKey] { encoder.codingPath }

  mutating func encodeNil(forKey key: Key) throws { container.set(.null, forKey: key.stringValue) }
  mutating func encode(_ value: Bool, forKey key: Key) throws { container.set(.bool(value), forKey: key.stringValue) }
  mutating func encode(_ value: String, forKey key: Key) throws {
    container.set(.string(value), forKey: key.stringValue)
  }
  mutating func encode(_ value: Double, forKey key: Key) throws {
    container.set(.double(value), forKey: key.stringValue)
  }
  mutating func encode(_ value: Float, forKey key: Key) throws { container.set(.float(value), forKey: key.stringValue) }
  mutating func encode(_ value: Int, forKey key: Key) throws {
    container.set(EncodingNode.integer(value), forKey: key.stringValue)
  }
  mutating func encode(_ value: Int8, forKey key: Key) throws {
    container.set(EncodingNode.integer(value), forKey: key.stringValue)
  }
  mutating func encode(_ value: Int16, forKey key: Key) throws {
    container.set(EncodingNode.integer(value), forKey: key.stringValue)
  }
  mutating func encode(_ value: Int32, forKey key: Key) throws {
    container.set(EncodingNode.integer(value), forKey: key.stringValue)
  }
  mutating func encode(_ value: Int64, forKey key: Key) throws {
    container.set(EncodingNode.integer(value), forKey: key.stringValue)
  }
  mutating func encode(_ value: UInt, forKey key: Key) throws {
    container.set(.unsigned(UInt64(value)), forKey: key.stringValue)
  }
  mutating func encode(_ value: UInt8, forKey key: Key) throws {
    container.set(.unsigned(UInt64(value)), forKey: key.stringValue)
  }
  mutating func encode(_ value: UInt16, forKey key: Key) throws {
    container.set(.unsigned(UInt64(value)), forKey: key.stringValue)
  }
  mutating func encode(_ value: UInt32, forKey key: Key) throws {
    container.set(.unsigned(UInt64(value)), forKey: key.stringValue)
  }
  mutating func encode(_ value: UInt64, forKey key: Key) throws {
    container.set(.unsigned(value), forKey: key.stringValue)
  }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    container.set(try encoder.encodeNested(value, key: key), forKey: key.stringValue)
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    let nested = NodeEncoder(userInfo: encoder.sendableUserInfo, codingPath: codingPath + [key])
    let keyed = nested.container(keyedBy: keyType)
    if let node = nested.node { container.set(node, forKey: key.stringValue) }
    return keyed
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let nested = NodeEncoder(userInfo: encoder.sendableUserInfo, codingPath: codingPath + [key])
    let unkeyed = nested.unkeyedContainer()
    if let node = nested.node { container.set(node, forKey: key.stringValue) }
    return unkeyed
  }

  mutating func superEncoder() -> any Encoder { superEncoder(named: SuperKey(), stringValue: "super") }

  mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key, stringValue: key.stringValue) }

  private func superEncoder(named key: any CodingKey, stringValue: String) -> any Encoder {
    // The encoder's value is attached when it makes its container: make a keyed one now, which
    // a single value or unkeyed container then replaces in place.
    let nested = ReferencingEncoder(
      userInfo: encoder.sendableUserInfo, codingPath: codingPath + [key], parent: container, key: stringValue)
    return nested
  }
}

/// The encoder of `superEncoder()`: stores its value into its parent whenever it is set.
final class ReferencingEncoder: Encoder {
  let codingPath: [any CodingKey]
  let sendableUserInfo: [CodingUserInfoKey: any Sendable]
  var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }
  private let inner: NodeEncoder
  private let parent: EncodingContainer
  private let key: String?

  init(
    userInfo: [CodingUserInfoKey: any Sendable], codingPath: [any CodingKey], parent: EncodingContainer, key: String?
  ) {
    self.sendableUserInfo = userInfo
    self.codingPath = codingPath
    self.inner = NodeEncoder(userInfo: userInfo, codingPath: codingPath)
    self.parent = parent
    self.key = key
  }

  private func attach() {
    guard let node = inner.node else { return }
    if let key { parent.set(node, forKey: key) } else { parent.append(node) }
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    defer { attach() }
    return inner.container(keyedBy: type)
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    defer { attach() }
    return inner.unkeyedContainer()
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleValueNodeContainer(encoder: inner) { [self] in attach() }
  }
}

struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
  let encoder: NodeEncoder
  let container: EncodingContainer
  var codingPath: [any CodingKey] { encoder.codingPath }
  var count: Int { container.count }

  mutating func encodeNil() throws { container.append(.null) }
  mutating func encode(_ value: Bool) throws { container.append(.bool(value)) }
  mutating func encode(_ value: String) throws { container.append(.string(value)) }
  mutating func encode(_ value: Double) throws { container.append(.double(value)) }
  mutating func encode(_ value: Float) throws { container.append(.float(value)) }
  mutating func encode(_ value: Int) throws { container.append(EncodingNode.integer(value)) }
  mutating func encode(_ value: Int8) throws { container.append(EncodingNode.integer(value)) }
  mutating func encode(_ value: Int16) throws { container.append(EncodingNode.integer(value)) }
  mutating func encode(_ value: Int32) throws { container.append(EncodingNode.integer(value)) }
  mutating func encode(_ value: Int64) throws { container.append(EncodingNode.integer(value)) }
  mutating func encode(_ value: UInt) throws { container.append(.unsigned(UInt64(value))) }
  mutating func encode(_ value: UInt8) throws { container.append(.unsigned(UInt64(value))) }
  mutating func encode(_ value: UInt16) throws { container.append(.unsigned(UInt64(value))) }
  mutating func encode(_ value: UInt32) throws { container.append(.unsigned(UInt64(value))) }
  mutating func encode(_ value: UInt64) throws { container.append(.unsigned(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    container.append(try encoder.encodeNested(value, key: IndexKey(container.count)))
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
    NestedKey
  > {
    let nested = NodeEncoder(userInfo: encoder.sendableUserInfo, codingPath: codingPath + [IndexKey(count)])
    let keyed = nested.container(keyedBy: keyType)
    if let node = nested.node { container.append(node) }
    return keyed
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let nested = NodeEncoder(userInfo: encoder.sendableUserInfo, codingPath: codingPath + [IndexKey(count)])
    let unkeyed = nested.unkeyedContainer()
    if let node = nested.node { container.append(node) }
    return unkeyed
  }

  mutating func superEncoder() -> any Encoder {
    ReferencingEncoder(
      userInfo: encoder.sendableUserInfo, codingPath: codingPath + [IndexKey(count)], parent: container, key: nil)
  }
}

struct SingleValueNodeContainer: SingleValueEncodingContainer {
  let encoder: NodeEncoder
  var onSet: (() -> Void)?
  var codingPath: [any CodingKey] { encoder.codingPath }

  init(encoder: NodeEncoder, onSet: (() -> Void)? = nil) {
    self.encoder = encoder
    self.onSet = onSet
  }

  private func set(_ node: EncodingNode) throws {
    guard encoder.node == nil else {
      throw BinaryCodableError(
        .invalidValue, at: 0, path: codingPath.map(\.stringValue), "a single-value container was encoded twice")
    }
    encoder.node = node
    onSet?()
  }

  mutating func encodeNil() throws { try set(.null) }
  mutating func encode(_ value: Bool) throws { try set(.bool(value)) }
  mutating func encode(_ value: String) throws { try set(.string(value)) }
  mutating func encode(_ value: Double) throws { try set(.double(value)) }
  mutating func encode(_ value: Float) throws { try set(.float(value)) }
  mutating func encode(_ value: Int) throws { try set(EncodingNode.integer(value)) }
  mutating func encode(_ value: Int8) throws { try set(EncodingNode.integer(value)) }
  mutating func encode(_ value: Int16) throws { try set(EncodingNode.integer(value)) }
  mutating func encode(_ value: Int32) throws { try set(EncodingNode.integer(value)) }
  mutating func encode(_ value: Int64) throws { try set(EncodingNode.integer(value)) }
  mutating func encode(_ value: UInt) throws { try set(.unsigned(UInt64(value))) }
  mutating func encode(_ value: UInt8) throws { try set(.unsigned(UInt64(value))) }
  mutating func encode(_ value: UInt16) throws { try set(.unsigned(UInt64(value))) }
  mutating func encode(_ value: UInt32) throws { try set(.unsigned(UInt64(value))) }
  mutating func encode(_ value: UInt64) throws { try set(.unsigned(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    try set(EncodingNode.encoding(value, userInfo: encoder.sendableUserInfo, path: codingPath))
  }
}
