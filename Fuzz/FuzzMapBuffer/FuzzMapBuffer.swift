// libFuzzer target: opening, shallow and deep validation, lookups (as Data, borrowed and as
// ValueBytes, which must agree), batch lookups and iteration of a MapBuffer, through the
// in-memory reader and through the general (non-resident) path that positional reads and remote
// sources take; and the build from one buffer of values against the dictionary build. Any trap
// or disagreement is a finding; thrown errors are not.
import Foundation
import FuzzSupport
import MapBuffer

/// Runs every read a MapBuffer offers over `map`; only a trap can fail.
func exercise(_ opened: MapBuffer, extraKeys: [UInt64]) {
  var map = opened
  // Bombs are the codec's business and tested on their own: keep each run small and fast.
  map.maximumDecodedItemSize = 1 << 20
  _ = map.count
  _ = map.dataByteCount
  _ = try? map.serialized
  _ = try? map.validate(.shallow)
  _ = try? map.validate(.deep)
  let keys = map.keys
  let probes = Array(keys.prefix(32)) + extraKeys
  // Unchecked reads matter only where there are checksums to skip.
  for verifies in map.formatVersion.hasChecksums ? [true, false] : [true] {
    map.verifiesChecksums = verifies
    for key in probes {
      _ = try? map[key]
      _ = try? map.contains(key)
      _ = try? map.storedSize(forKey: key)
      _ = try? map.storedBytes(forKey: key)
      _ = try? map.withUnsafeBytes(forKey: key) { $0.reduce(0, &+) }
      if let value = try? map[key], let bytes = try? map.valueBytes(forKey: key) {
        precondition(value == bytes.data, "valueBytes(forKey:) disagrees with the subscript")
      }
    }
    _ = try? map.values(forKeys: probes)
    var entries = map.entries()
    do { while try entries.next() != nil {} } catch {}
  }
  _ = try? map.dictionary()
}

/// Builds a map from `bytes` cut into values (each value's length is its first byte, keys from
/// the same bytes, repeats and all) both from one buffer and from a dictionary: the same bytes, or
/// the same duplicate-key error.
func buildFromOneBuffer(_ bytes: Data) {
  var keys: [UInt64] = []
  var ranges: [Range<Int>] = []
  var offset = 0
  while offset < bytes.count {
    let length = Int(bytes[bytes.startIndex + offset]) % 64
    let end = min(bytes.count, offset + 1 + length)
    keys.append(UInt64(bytes[bytes.startIndex + offset] & 0x1F) &* 0x9E37_79B9_7F4A_7C15)
    ranges.append((offset + 1)..<end)
    offset = end
  }
  let writer = MapBufferWriter(compression: .none)
  let fromBuffer = Result { try writer.encode(keys: keys, ranges: ranges, in: bytes) }
  if Set(keys).count == keys.count {
    let items = Dictionary(uniqueKeysWithValues: zip(keys, ranges.map { bytes[$0] }))
    let fromDictionary = try? writer.encode(items)
    precondition(
      (try? fromBuffer.get()) == fromDictionary, "the build from one buffer differs from the dictionary build")
  } else {
    precondition((try? fromBuffer.get()) == nil, "the build from one buffer accepted a repeated key")
  }
}

/// The entry point libFuzzer calls with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  // Keys that may or may not be present: the edges of the key space and a word of the input.
  var extraKeys: [UInt64] = [0, 1, .max, 1 << 63]
  if size >= 8 { extraKeys.append(UnsafeRawPointer(data).loadUnaligned(fromByteOffset: size - 8, as: UInt64.self)) }
  if let map = try? MapBuffer(bytes) { exercise(map, extraKeys: extraKeys) }
  if let map = try? MapBuffer(Array(bytes)) { _ = try? map.validate(.shallow) }
  if let map = try? MapBuffer(source: CopyingByteSource(bytes)) { exercise(map, extraKeys: extraKeys) }
  buildFromOneBuffer(bytes)
  return 0
}

/// The program's entry point: libFuzzer's driver, calling ``fuzz(_:_:)`` with each input.
@_cdecl("FuzzMapBuffer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
