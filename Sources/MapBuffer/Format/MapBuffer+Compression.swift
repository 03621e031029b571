import CMapBufferCodecs

extension MapBuffer {
  /// The codec applied to every item of a map, named by the header's 4-byte tag.
  ///
  /// A codec has one spelling, its ``name`` (`none`, `gzip`, `br`, `zstd`, `lzma`), which is also
  /// what string interpolation prints; ``tag`` is the header's bytes.
  public enum Compression: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Items stored as they are (tag `none`).
    case none
    /// One gzip member per item (tag `gzip`).
    case gzip
    /// A raw brotli stream per item (tag `00br`; the Python reference calls it `br`).
    case brotli
    /// One Zstandard frame per item (tag `zstd`).
    case zstd
    /// An `.xz` stream per item (tag `lzma`).
    case lzma

    /// The four header bytes that name this codec.
    public var tag: [UInt8] {
      switch self {
      case .none: Array("none".utf8)
      case .gzip: Array("gzip".utf8)
      case .brotli: Array("00br".utf8)
      case .zstd: Array("zstd".utf8)
      case .lzma: Array("lzma".utf8)
      }
    }

    /// The codec whose header tag is `tag`, or `nil` for an unknown tag.
    public init?<Bytes: Collection<UInt8>>(tag: Bytes) {
      guard let match = Self.allCases.first(where: { $0.tag.elementsEqual(tag) }) else { return nil }
      self = match
    }

    /// The codec's short name as the Python reference and the command line spell it:
    /// `none`, `gzip`, `br`, `zstd` or `lzma`.
    public var name: String {
      switch self {
      case .none: "none"
      case .gzip: "gzip"
      case .brotli: "br"
      case .zstd: "zstd"
      case .lzma: "lzma"
      }
    }

    /// The codec with the short name `name` (`none`, `gzip`, `br`, `zstd`, `lzma`;
    /// `brotli` and `xz` are accepted too), or `nil`.
    public init?(name: String) {
      let lowercased = name.lowercased()
      switch lowercased {
      case "brotli": self = .brotli
      case "xz": self = .lzma
      default:
        guard let match = Self.allCases.first(where: { $0.name == lowercased }) else { return nil }
        self = match
      }
    }

    /// The level the Python reference compresses with: gzip 9, brotli 5, zstd 3, lzma (xz preset) 6.
    public var defaultLevel: Int { Int(mb_default_level(cCodec)) }

    /// The levels the codec accepts.
    public var levels: ClosedRange<Int> {
      var low: Int32 = 0
      var high: Int32 = 0
      _ = mb_level_range(cCodec, &low, &high)
      return Int(low)...Int(high)
    }

    /// The codec's ``name``, so that `"\(compression)"` prints it.
    public var description: String { name }

    var cCodec: mb_codec {
      switch self {
      case .none: MB_CODEC_NONE
      case .gzip: MB_CODEC_GZIP
      case .brotli: MB_CODEC_BROTLI
      case .zstd: MB_CODEC_ZSTD
      case .lzma: MB_CODEC_LZMA
      }
    }
  }
}

extension MapBuffer.Compression {
  /// The codec's ``name``.
  @available(*, deprecated, renamed: "name")
  public var rawValue: String { name }

  /// The codec named exactly `rawValue`, or `nil`.
  @available(*, deprecated, renamed: "init(name:)")
  public init?(rawValue: String) {
    guard let match = Self.allCases.first(where: { $0.name == rawValue }) else { return nil }
    self = match
  }
}
