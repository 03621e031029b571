// What every libFuzzer target shares: the hand-off to libFuzzer's driver, and a byte source
// that is not memory-resident, so that readers take their range-by-range path too.
import Foundation
import MapBuffer

/// The fuzz input served as a source that is not memory-resident, one copied range at a time.
public final class CopyingByteSource: MapBufferByteSource {
  /// The bytes served.
  public let data: Data
  /// The bytes' length.
  public var count: Int { data.count }
  /// Always `false`: readers must ask for each range.
  public var isMemoryResident: Bool { false }

  /// A source serving `data`.
  public init(_ data: Data) { self.data = data }

  /// Copies `range` into a temporary buffer and calls `body` with it.
  public func withUnsafeBytes<Result>(
    in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    guard range.lowerBound >= 0, range.upperBound <= data.count else {
      throw MapBufferError.rangeOutOfBounds(
        lowerBound: range.lowerBound, upperBound: range.upperBound, sourceSize: data.count)
    }
    return try withUnsafeTemporaryAllocation(byteCount: range.count, alignment: 16) { buffer in
      data.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[range])) }
      return try body(UnsafeRawBufferPointer(buffer))
    }
  }
}

/// libFuzzer's driver: parses the command line, then calls `callback` with each input.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>,
  _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Hands the command line to libFuzzer's driver, which calls `testOneInput` with each input.
///
/// SwiftPM links an executable's `main` to `<module>_main`, so libFuzzer's own `main` is never
/// linked in: each target defines `@_cdecl("<module>_main")` and calls this.
public func runFuzzer(
  _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
  _ testOneInput: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt {
  var argc = argc
  var argv = argv
  return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
}
