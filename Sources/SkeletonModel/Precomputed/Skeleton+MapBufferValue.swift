import Foundation
import MapBufferCodable

/// Skeletons are stored in maps in the precomputed encoding, so
/// `try TypedMapBuffer<Skeleton>(data)[label]` reads a fragment file.
extension Skeleton: MapBufferValue {
  /// Decodes the precomputed encoding with osteoid's default attributes.
  public init(mapBufferBytes bytes: Data) throws {
    try self.init(precomputed: bytes)
  }

  /// Decodes the precomputed encoding from borrowed bytes (a mapped item's own memory): each
  /// array is copied once, straight from them.
  public init(mapBufferBytes bytes: UnsafeRawBufferPointer) throws {
    try self.init(precomputed: bytes)
  }

  /// The precomputed encoding.
  public func mapBufferBytes() throws -> Data {
    try precomputed()
  }
}
