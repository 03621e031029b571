// libFuzzer target: opening, validation, lookups and iteration of an IntMap, in memory and
// through a source that is not memory-resident. Any trap is a finding; thrown errors are not.
import Foundation
import MapBuffer

/// The fuzz input served as a source that is not memory-resident, one copied range at a time.
final class CopyingByteSource: MapBufferByteSource {
  /// The bytes served.
  let data: Data
  /// The bytes' length.
  var count: Int { data.count }
  /// Always `false`: readers must ask for each range.
  var isMemoryResident: Bool { false }

  /// A source serving `data`.
  init(_ data: Data) { self.data = data }

  /// Copies `range` into a temporary buffer and calls `body` with it.
  func withUnsafeBytes<Result>(
    in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    guard range.lowerBound >= 0, range.upperBound <= data.count else {
      throw MapBufferError.rangeOutOfBounds(lowerBound: range.lowerBound, upperBound: range.upperBound, sourceSize: data.count)
    }
    return try withUnsafeTemporaryAllocation(byteCount: range.count, alignment: 16) { buffer in
      data.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[range])) }
      return try body(UnsafeRawBufferPointer(buffer))
    }
  }
}

/// Runs every read an IntMap offers; only a trap can fail.
func exercise(_ map: IntMap, extraKeys: [UInt64]) {
  _ = map.count
  _ = try? map.serialized
  _ = try? map.validate()
  let keys = (try? map.keys) ?? []
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

/// libFuzzer's driver: parses the command line, then calls `callback` with each input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// The program's entry point. SwiftPM links an executable's `main` to `<module>_main`, so
/// libFuzzer's own `main` is never linked in; this hands the command line to its driver.
@_cdecl("FuzzIntMap_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var argc = argc
  var argv = argv
  return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
