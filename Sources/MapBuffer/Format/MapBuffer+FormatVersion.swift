extension MapBuffer {
  /// The version of the byte format a map is written in: whether each item carries a checksum.
  ///
  /// The header's eighth byte. The Python reference writes version 1 unless told otherwise, and
  /// reads both; so do this package's writers and readers. A version is an enum so that a value
  /// no reader accepts cannot be asked for.
  ///
  /// ```swift
  /// let map = try MapBuffer(encoding: [1: Data("one".utf8)], formatVersion: .version0)
  /// print(map.formatVersion, map.formatVersion.hasChecksums)  // prints: 0 false
  /// ```
  public enum FormatVersion: UInt8, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// Items stored without checksums (byte 7 of the header is 0).
    case version0 = 0
    /// Each item followed by the CRC-32C of its stored bytes, 4 bytes little-endian (byte 7 is 1).
    /// What writers write by default.
    case version1 = 1

    /// The version writers use when none is given: ``version1``.
    public static let `default`: FormatVersion = .version1

    /// Whether each item ends with a 4-byte CRC-32C.
    public var hasChecksums: Bool { self == .version1 }

    /// The number of bytes after each item's payload: 4 for the checksum in version 1, else 0.
    package var trailerByteCount: Int { hasChecksums ? 4 : 0 }

    /// The version number, as the header and the Python reference give it: `0` or `1`.
    public var description: String { String(rawValue) }

    /// Orders versions by number.
    public static func < (lhs: FormatVersion, rhs: FormatVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The version numbered `number`, or a ``MapBufferError`` with code
    /// ``MapBufferErrorCode/invalidFormatVersion`` that names it.
    ///
    /// For version numbers that come from outside the program (an option, a configuration file);
    /// in code, write ``version0`` or ``version1``.
    public init(validating number: UInt8) throws {
      guard let version = FormatVersion(rawValue: number) else { throw MapBufferError.invalidFormatVersion(number) }
      self = version
    }
  }
}

extension MapBuffer.FormatVersion {
  /// Whether `version` is this version's number.
  ///
  /// Kept so that `map.formatVersion == 1`, written when the version was a `UInt8`, compiles.
  @available(*, deprecated, message: "compare with .version0 or .version1")
  public static func == (version: MapBuffer.FormatVersion, number: UInt8) -> Bool { version.rawValue == number }
}
