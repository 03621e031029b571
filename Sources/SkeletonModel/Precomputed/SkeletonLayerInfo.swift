import Foundation

/// The `info` JSON of a Neuroglancer precomputed skeleton layer, as cloud-volume writes it.
///
/// ```json
/// {"@type": "neuroglancer_skeletons",
///  "transform": [8, 0, 0, 0,  0, 8, 0, 0,  0, 0, 40, 0],
///  "vertex_attributes": [{"id": "radius", "data_type": "float32", "num_components": 1}],
///  "sharding": null, "spatial_index": null}
/// ```
///
/// Decode it with `JSONDecoder`; ``vertexAttributes`` is the layout of every skeleton in the
/// layer, which `MapBufferValueCodec.precomputed(_:)` decodes fragment files with. `sharding`,
/// `spatial_index` and other keys are kept as JSON so that encoding the info gives them back.
public struct SkeletonLayerInfo: Sendable, Hashable, Codable {
  /// The layer type, `neuroglancer_skeletons`.
  public static let skeletonType = "neuroglancer_skeletons"

  /// The layer's `@type`: ``skeletonType`` for a skeleton layer.
  public var type: String
  /// The affine transform from stored coordinates to physical ones (nanometres): 12 numbers,
  /// a 3×4 matrix in row-major order, or `nil` for the identity.
  public var transform: [Double]?
  /// The attributes every vertex carries, in encoding order; empty when the layer declares none.
  public var vertexAttributes: [AttributeDescriptor]
  /// The sharding specification, or `nil` for an unsharded layer.
  public var sharding: JSONValue?
  /// The spatial index, or `nil`.
  public var spatialIndex: JSONValue?
  /// The keys this type does not model (`segment_properties`, `mip`, …), kept as they are.
  public var otherKeys: [String: JSONValue]

  /// A skeleton layer's info. The defaults are an unsharded layer with osteoid's attributes.
  public init(
    transform: [Double]? = nil, vertexAttributes: [AttributeDescriptor] = AttributeDescriptor.defaults,
    sharding: JSONValue? = nil, spatialIndex: JSONValue? = nil, otherKeys: [String: JSONValue] = [:]
  ) {
    self.type = Self.skeletonType
    self.transform = transform
    self.vertexAttributes = vertexAttributes
    self.sharding = sharding
    self.spatialIndex = spatialIndex
    self.otherKeys = otherKeys
  }

  /// The info in the JSON `data`.
  ///
  /// - Throws: `DecodingError` for JSON that is not a skeleton layer's info.
  public init(json data: Data) throws {
    self = try JSONDecoder().decode(SkeletonLayerInfo.self, from: data)
  }

  /// Whether the layer is sharded: its `sharding` is present and not `null`.
  public var isSharded: Bool {
    if let sharding, sharding != .null { return true }
    return false
  }

  /// Throws unless fragment files of this layer are maps of precomputed skeletons this package reads.
  func checkReadable() throws {
    guard type == Self.skeletonType else {
      throw SkeletonError.unsupportedLayer(reason: "the layer's @type is '\(type)', not '\(Self.skeletonType)'")
    }
    guard !isSharded else {
      throw SkeletonError.unsupportedLayer(
        reason: "the layer is sharded: its skeletons are in shard files, which this package does not read")
    }
  }

  private struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    static let type = Key("@type")
    static let transform = Key("transform")
    static let vertexAttributes = Key("vertex_attributes")
    static let sharding = Key("sharding")
    static let spatialIndex = Key("spatial_index")
    static let modeled: Set<String> = ["@type", "transform", "vertex_attributes", "sharding", "spatial_index"]
  }

  /// Decodes a layer's `info`.
  ///
  /// - Throws: `DecodingError` when `@type` is missing, a `transform` is not 12 numbers, or an
  ///   attribute has an unknown `data_type` or fewer than 1 value per vertex.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Key.self)
    type = try container.decode(String.self, forKey: .type)
    transform = try container.decodeIfPresent([Double].self, forKey: .transform)
    if let transform, transform.count != 12 {
      throw DecodingError.dataCorruptedError(
        forKey: .transform, in: container,
        debugDescription: "a transform has 12 numbers (3×4), found \(transform.count)")
    }
    vertexAttributes = try container.decodeIfPresent([AttributeDescriptor].self, forKey: .vertexAttributes) ?? []
    for attribute in vertexAttributes where attribute.valuesPerVertex < 1 {
      throw DecodingError.dataCorruptedError(
        forKey: .vertexAttributes, in: container,
        debugDescription: "attribute \(attribute.name) has num_components \(attribute.valuesPerVertex)")
    }
    sharding = try container.decodeIfPresent(JSONValue.self, forKey: .sharding)
    spatialIndex = try container.decodeIfPresent(JSONValue.self, forKey: .spatialIndex)
    var others: [String: JSONValue] = [:]
    for key in container.allKeys where !Key.modeled.contains(key.stringValue) {
      others[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
    }
    otherKeys = others
  }

  /// Encodes the `info` JSON, the keys this type does not model included.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    try container.encode(type, forKey: .type)
    try container.encodeIfPresent(transform, forKey: .transform)
    try container.encode(vertexAttributes, forKey: .vertexAttributes)
    try container.encode(sharding ?? .null, forKey: .sharding)
    try container.encode(spatialIndex ?? .null, forKey: .spatialIndex)
    for (key, value) in otherKeys { try container.encode(value, forKey: Key(key)) }
  }
}
