// libFuzzer target: typed decoding. An input that starts with the MapBuffer magic is opened as
// a map and every item decoded as a String (strict UTF-8), as a JSON value and in the binary
// Codable layout; any other input is decoded as one item each way, directly and through a
// one-item map of each codec.
// Any trap is a finding; thrown errors are not.
import Foundation
import FuzzSupport
import MapBuffer
import MapBufferCodable

/// A JSON value of the shape the typed examples store: optional fields, nesting and arrays.
struct Record: JSONMapBufferValue, Equatable {
  /// A pre-synaptic id.
  var pre: UInt64?
  /// A post-synaptic id.
  var post: UInt64?
  /// A free-form label.
  var name: String?
  /// Some coordinates.
  var points: [[Double]]?
  /// Nested records.
  var children: [Record]?
}

/// The same shape in the binary Codable layout, with an enum and a dictionary besides.
struct BinaryRecord: BinaryCodableMapBufferValue, Equatable {
  /// A kind with an associated value.
  enum Kind: Codable, Equatable {
    case soma
    case axon(length: Double)
    case dendrite(branches: [Int32])
  }
  /// A pre-synaptic id.
  var pre: UInt64?
  /// A post-synaptic id.
  var post: Int16?
  /// A free-form label.
  var name: String?
  /// Some coordinates.
  var points: [[Float]]?
  /// What the record is.
  var kind: Kind?
  /// Raw bytes.
  var payload: Data?
  /// Named counts.
  var counts: [String: UInt8]?
  /// Nested records.
  var children: [BinaryRecord]?
}

/// Whether `value` holds a NaN anywhere, which compares unequal to itself after a round trip.
func holdsNaN(_ value: BinaryRecord) -> Bool {
  if value.points?.joined().contains(where: \.isNaN) == true { return true }
  if case .axon(let length)? = value.kind, length.isNaN { return true }
  return value.children?.contains(where: holdsNaN) == true
}

/// Decodes every item of `map` each way, by key, by cursor and all at once.
func exercise(_ opened: MapBuffer) {
  var map = opened
  map.maximumDecodedItemSize = 1 << 20
  let strings = TypedMapBuffer<String>(map)
  let records = TypedMapBuffer<Record>(map)
  let binaryRecords = TypedMapBuffer<BinaryRecord>(map)
  let keys = map.keys.prefix(32)
  for key in keys {
    _ = try? strings[key]
    _ = try? records[key]
    _ = try? binaryRecords[key]
  }
  _ = try? binaryRecords.values(forKeys: keys)
  var stringEntries = strings.entries()
  do { while try stringEntries.next() != nil {} } catch {}
  var recordEntries = records.entries()
  do { while try recordEntries.next() != nil {} } catch {}
  _ = try? strings.dictionary()
  _ = try? records.dictionary()
}

/// The entry point libFuzzer calls with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  if bytes.starts(with: Array("mapbufr".utf8)) {
    if let map = try? MapBuffer(bytes) { exercise(map) }
    return 0
  }
  if let string = try? String(mapBufferBytes: bytes) {
    // Strict UTF-8: what decodes encodes back to the same bytes.
    precondition(string.mapBufferBytes() == bytes, "a string did not round-trip")
  }
  if let record = try? Record(mapBufferBytes: bytes) {
    // What decodes must encode, and decode again to an equal value.
    let again = try? record.mapBufferBytes()
    precondition(again != nil, "a decoded record failed to encode")
    if let again, let reparsed = try? Record(mapBufferBytes: again) {
      precondition(
        reparsed == record || record.points?.joined().contains(where: \.isNaN) == true, "a record did not round-trip")
    }
  }
  if let record = try? BinaryRecord(mapBufferBytes: bytes) {
    // What decodes must encode, and decode again to an equal value.
    let again = try? record.mapBufferBytes()
    precondition(again != nil, "a decoded binary record failed to encode")
    if let again, let reparsed = try? BinaryRecord(mapBufferBytes: again) {
      precondition(reparsed == record || holdsNaN(record), "a binary record did not round-trip")
    } else {
      preconditionFailure("a binary record's own encoding did not decode")
    }
  }
  _ = bytes.withUnsafeBytes { try? BinaryRecord(mapBufferBytes: $0) }
  // The same bytes as the one item of a map, through a codec chosen by the input's length
  // (at its fastest level: the encoder is not what is under test).
  let codec = MapBuffer.Compression.allCases[size % MapBuffer.Compression.allCases.count]
  let writer = MapBufferWriter(
    compression: codec, compressionLevel: codec.levels.lowerBound, formatVersion: size & 1 == 0 ? .version0 : .version1)
  if let encoded = try? writer.encode([7: bytes]),
    let map = try? MapBuffer(encoded)
  {
    exercise(map)
    precondition((try? map[7]) == bytes, "a one-item map did not return its item")
  }
  return 0
}

/// The program's entry point: libFuzzer's driver, calling ``fuzz(_:_:)`` with each input.
@_cdecl("FuzzTyped_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
