import Foundation

/// The two conversions between a value and an item's bytes, carried as closures.
///
/// A codec types a map without a conformance: the same file can be read as different types,
/// and one type can be stored in several ways.
///
/// ```swift
/// let upper = MapBufferValueCodec<String>(
///   decode: { String(decoding: $0, as: UTF8.self).uppercased() },
///   encode: { Data($0.utf8) })
/// let map = try TypedMapBuffer(data, codec: upper)
/// ```
public struct MapBufferValueCodec<Value>: Sendable {
  /// Makes a value from an item's decoded bytes.
  public var decode: @Sendable (Data) throws -> Value
  /// Turns a value into the bytes to store.
  public var encode: @Sendable (Value) throws -> Data
  /// Makes a value from an item's bytes borrowed for the call, when the codec can: used instead
  /// of ``decode`` for uncompressed maps in memory, where the bytes are the map's own.
  public var decodeBorrowed: (@Sendable (UnsafeRawBufferPointer) throws -> Value)?
  /// Makes a value from an item's decoded bytes and the key it is stored under, when the value
  /// keeps its key (a skeleton's `id` is its label); `nil` to use ``decode`` alone.
  public var decodeStored: (@Sendable (_ bytes: Data, _ key: UInt64) throws -> Value)?
  /// ``decodeStored`` from borrowed bytes, for uncompressed maps in memory. A codec with
  /// ``decodeStored`` and without this reads through ``decodeStored`` (never ``decodeBorrowed``,
  /// which would lose the key).
  public var decodeStoredBorrowed: (@Sendable (_ bytes: UnsafeRawBufferPointer, _ key: UInt64) throws -> Value)?
  /// What the codec's maker recorded about its items' layout, for readers in this package that
  /// read items in place instead of through the closures (a skeleton codec's attribute
  /// descriptors, for skeleton views); `nil` for codecs made with the public initializers.
  package var layout: (any Sendable)?

  /// A codec with the given conversions; `decodeBorrowed`, if given, must make the same value
  /// as `decode` from the same bytes.
  public init(
    decode: @escaping @Sendable (Data) throws -> Value, encode: @escaping @Sendable (Value) throws -> Data,
    decodeBorrowed: (@Sendable (UnsafeRawBufferPointer) throws -> Value)? = nil
  ) {
    self.decode = decode
    self.encode = encode
    self.decodeBorrowed = decodeBorrowed
  }

  /// A codec whose values keep the key they are stored under: typed maps decode with
  /// `decodeStored` (and `decodeStoredBorrowed`, if given, from an uncompressed map's own
  /// bytes), and ``decode`` (for bytes without a key) with `decodeStored` given `nil`.
  public init(
    decodeStored: @escaping @Sendable (_ bytes: Data, _ key: UInt64?) throws -> Value,
    encode: @escaping @Sendable (Value) throws -> Data,
    decodeStoredBorrowed: (@Sendable (_ bytes: UnsafeRawBufferPointer, _ key: UInt64) throws -> Value)? = nil
  ) {
    self.decode = { try decodeStored($0, nil) }
    self.encode = encode
    self.decodeStored = { try decodeStored($0, $1) }
    self.decodeStoredBorrowed = decodeStoredBorrowed
  }

  /// The value of an item stored under `key`: ``decodeStored`` when set, else ``decode``.
  public func decode(_ bytes: Data, storedUnder key: UInt64) throws -> Value {
    if let decodeStored { return try decodeStored(bytes, key) }
    return try decode(bytes)
  }

  /// How to make the value of an item stored under a key from borrowed bytes, if the codec can
  /// without losing the key: ``decodeStoredBorrowed``, or ``decodeBorrowed`` for a codec that
  /// keeps no key.
  @usableFromInline
  package var borrowedDecoder: (@Sendable (_ bytes: UnsafeRawBufferPointer, _ key: UInt64) throws -> Value)? {
    if let decodeStoredBorrowed { return decodeStoredBorrowed }
    guard decodeStored == nil, let decodeBorrowed else { return nil }
    return { bytes, _ in try decodeBorrowed(bytes) }
  }
}

/// A ``MapBufferValue`` that keeps the key it is stored under, as a skeleton keeps its label as
/// its `id`: typed maps decode it with ``init(mapBufferBytes:storedUnder:)-(Data,_)``.
public protocol KeyedMapBufferValue: MapBufferValue {
  /// Makes a value from the decoded bytes of the item stored under `key`.
  init(mapBufferBytes bytes: Data, storedUnder key: UInt64) throws

  /// Makes a value from the bytes of the item stored under `key`, borrowed for the call. The
  /// default copies them into a `Data` for ``init(mapBufferBytes:storedUnder:)-(Data,_)``.
  init(mapBufferBytes bytes: UnsafeRawBufferPointer, storedUnder key: UInt64) throws
}

extension KeyedMapBufferValue {
  /// Copies the borrowed bytes into a `Data` for ``init(mapBufferBytes:storedUnder:)-(Data,_)``.
  public init(mapBufferBytes bytes: UnsafeRawBufferPointer, storedUnder key: UInt64) throws {
    try self.init(mapBufferBytes: Data(bytes), storedUnder: key)
  }
}

extension KeyedMapBufferValue {
  /// The keyed initializers as decoders of `Value`, which must be this type (else `nil`): typed
  /// closures, so a lookup neither boxes the value in an existential nor casts it back.
  static func storedDecoders<Value>(
    as type: Value.Type
  ) -> (
    data: @Sendable (Data, UInt64) throws -> Value, borrowed: @Sendable (UnsafeRawBufferPointer, UInt64) throws -> Value
  )? {
    guard Self.self == Value.self else { return nil }
    return (
      { bytes, key in unsafeBitCast(try Self(mapBufferBytes: bytes, storedUnder: key), to: Value.self) },
      { bytes, key in unsafeBitCast(try Self(mapBufferBytes: bytes, storedUnder: key), to: Value.self) }
    )
  }
}

extension MapBufferValueCodec where Value: MapBufferValue {
  /// The conversions of the value's ``MapBufferValue`` conformance, borrowed form included.
  /// A ``KeyedMapBufferValue`` is also given the key it is stored under.
  public static var conformance: Self {
    var codec = Self(
      decode: { try Value(mapBufferBytes: $0) }, encode: { try $0.mapBufferBytes() },
      decodeBorrowed: { try Value(mapBufferBytes: $0) })
    if let keyed = Value.self as? any KeyedMapBufferValue.Type,
      let stored = keyed.storedDecoders(as: Value.self)
    {
      codec.decodeStored = stored.data
      codec.decodeStoredBorrowed = stored.borrowed
    }
    return codec
  }
}

extension MapBufferValueCodec where Value == String {
  /// Strict UTF-8, as `String`'s conformance.
  public static var utf8: Self { .conformance }
}

extension MapBufferValueCodec where Value: Codable & SendableMetatype {
  /// JSON through `encoder` and `decoder`, which are configured once and reused for every item.
  public static func json(encoder: JSONEncoder = JSONEncoder(), decoder: JSONDecoder = JSONDecoder()) -> Self {
    let coders = JSONCoders(encoder: encoder, decoder: decoder)
    return Self(decode: { try coders.decode(Value.self, from: $0) }, encode: { try coders.encode($0) })
  }

  /// Property lists (binary by default) through `encoder` and `decoder`, configured once and reused.
  public static func propertyList(
    encoder: PropertyListEncoder = .binary(), decoder: PropertyListDecoder = PropertyListDecoder()
  ) -> Self {
    let coders = PropertyListCoders(encoder: encoder, decoder: decoder)
    return Self(decode: { try coders.decode(Value.self, from: $0) }, encode: { try coders.encode($0) })
  }
}
