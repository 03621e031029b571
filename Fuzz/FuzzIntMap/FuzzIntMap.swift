// libFuzzer target: opening, validation, lookups and iteration of an IntMap, in memory and
// through a source that is not memory-resident. Any trap is a finding; thrown errors are not.
import Foundation
import FuzzSupport
import MapBuffer

/// Runs every read an IntMap offers; only a trap can fail.
func exercise(_ map: IntMap, extraKeys: [UInt64]) {
  _ = map.count
  _ = try? map.serialized
  _ = try? map.validate()
  let keys = map.keys
  for key in Array(keys.prefix(32)) + extraKeys {
    _ = try? map[key]
    _ = try? map.contains(key)
  }
  _ = try? map.sortedEntries()
  _ = try? map.dictionary()
  var sum: UInt64 = 0
  _ = try? map.forEach { sum &+= $0 &+ $1 }
}

/// The entry point libFuzzer calls with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  var extraKeys: [UInt64] = [0, 1, .max, 1 << 63]
  if size >= 8 { extraKeys.append(UnsafeRawPointer(data).loadUnaligned(fromByteOffset: size - 8, as: UInt64.self)) }
  if let map = try? IntMap(bytes) { exercise(map, extraKeys: extraKeys) }
  if let map = try? IntMap(source: CopyingByteSource(bytes)) { exercise(map, extraKeys: extraKeys) }
  return 0
}

/// The program's entry point: libFuzzer's driver, calling ``fuzz(_:_:)`` with each input.
@_cdecl("FuzzIntMap_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
