import Foundation
import MapBuffer
import MapBufferCodable

extension Skeleton {
  /// The skeleton of `label` gathered from fragment files: the pipeline's fragment step.
  ///
  /// Each file is a map of precomputed skeletons keyed by label, opened in turn with `access`
  /// and decoded with `codec`: osteoid's default attributes, or a layer's with
  /// `try .precomputed(info)`.
  /// The fragments of `label` found in them are joined with ``merged(_:)`` in file order and the
  /// result's ``id`` is `label`. Duplicated boundary vertices are not joined: call
  /// ``consolidated()`` on the result for that.
  ///
  /// - Returns: `nil` when no file has `label`.
  /// - Throws: A `MapBufferError` for a file that cannot be opened or read, a
  ///   `TypedMapBufferError` naming the label when a fragment does not decode, or the
  ///   ``SkeletonError`` of ``merged(_:)``.
  public static func gatherFragments(
    label: UInt64, from files: [URL], access: MapBuffer.FileAccess = .memoryMapped,
    codec: MapBufferValueCodec<Skeleton> = .conformance
  ) throws -> Skeleton? {
    var fragments: [Skeleton] = []
    for file in files {
      if let fragment = try TypedMapBuffer(contentsOf: file, access: access, codec: codec)[label] {
        fragments.append(fragment)
      }
    }
    return try joinFragments(fragments, label: label)
  }

  /// The skeleton of `label` gathered from maps that are already open, as the overload taking
  /// file URLs gathers it: the fragments found, in map order, joined with ``merged(_:)``, with
  /// ``id`` set to `label`, each decoded with `codec`.
  ///
  /// - Returns: `nil` when no map has `label`.
  public static func gatherFragments(
    label: UInt64, from maps: [MapBuffer], codec: MapBufferValueCodec<Skeleton> = .conformance
  ) throws -> Skeleton? {
    var fragments: [Skeleton] = []
    for map in maps {
      if let fragment = try TypedMapBuffer(map, codec: codec)[label] {
        fragments.append(fragment)
      }
    }
    return try joinFragments(fragments, label: label)
  }

  private static func joinFragments(_ fragments: [Skeleton], label: UInt64) throws -> Skeleton? {
    guard !fragments.isEmpty else { return nil }
    var skeleton = try merged(fragments)
    skeleton.id = label
    return skeleton
  }
}
