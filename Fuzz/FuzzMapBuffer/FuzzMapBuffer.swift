// libFuzzer target: opening, shallow and deep validation, lookups, batch lookups and iteration
// of a MapBuffer, through the in-memory reader and through the general (non-resident) path
// that positional reads and remote sources take. Any trap is a finding; thrown errors are not.
import Foundation
import MapBuffer

/// The fuzz input served as a source that is not memory-resident, so that every read goes
/// through `withUnsafeBytes(in:_:)` one range at a time, as `pread` and remote sources do.
final class CopyingByteSource: MapBufferByteSource {
  /// The bytes served.
  let data: Data
  /// The bytes' length.
  var count: Int { data.count }
  /// Always `false`: readers must ask for each range.
  var isMemoryResident: Bool { false }

  /// A source serving `data`.
  init(_ data: Data) { self.data = data }

  /// Copies `range` into a temporary buffer, as a positional reader does, and calls `body` with it.
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
  let keys = (try? map.keys) ?? []
  let probes = Array(keys.prefix(32)) + extraKeys
  // Unchecked reads matter only where there are checksums to skip.
  for verifies in map.formatVersion == 1 ? [true, false] : [true] {
    map.verifiesChecksums = verifies
    for key in probes {
      _ = try? map[key]
      _ = try? map.contains(key)
      _ = try? map.storedSize(forKey: key)
      _ = try? map.storedBytes(forKey: key)
      _ = try? map.withUnsafeBytes(forKey: key) { $0.reduce(0, &+) }
    }
    _ = try? map.values(forKeys: probes)
    var entries = map.entries()
    do { while try entries.next() != nil {} } catch {}
  }
  _ = try? map.dictionary()
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
@_cdecl("FuzzMapBuffer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var argc = argc
  var argv = argv
  return LLVMFuzzerRunDriver(&argc, &argv, fuzz)
}
