extension Skeleton {
  /// Choices for reading SWC text that the format leaves open.
  public struct SWCReadingOptions: Sendable, Hashable {
    /// What to do with a radius that is not a number (`NA`, `N/A`, empty exports).
    public enum UnparsableRadius: Sendable, Hashable {
      /// Throw ``SkeletonError/invalidSWC(line:reason:)`` naming the line and the column.
      case reject
      /// Use this radius instead; osteoid uses `-1`.
      case substitute(Float)
    }

    /// What to do with a radius that is not a number. Defaults to ``UnparsableRadius/reject``.
    public var unparsableRadius: UnparsableRadius

    /// Options; the defaults reject anything that is not a number.
    public init(unparsableRadius: UnparsableRadius = .reject) {
      self.unparsableRadius = unparsableRadius
    }

    /// Reject anything that is not a number.
    public static let strict = SWCReadingOptions()

    /// osteoid's choice for a radius that is not a number: `-1`.
    public static let osteoidCompatible = SWCReadingOptions(unparsableRadius: .substitute(-1))
  }
}
