import Foundation

extension Skeleton {
  /// The skeleton as the JSON of its `Codable` form (what `mapbuffer skeleton --json` prints),
  /// on one line with a newline at the end; the closure form of `writeJSON(to:)` streams it.
  public func jsonText() -> String {
    // The sink only appends to memory; nothing else throws.
    (try? collectText { try writeJSON(to: $0) }) ?? ""
  }

  /// Writes the JSON of the skeleton's `Codable` form to `output` in chunks of at most 64 KiB,
  /// as it is produced: the text is never held whole, and no array of values is copied.
  ///
  /// Numbers are written in their shortest exact form (floats as Swift's round-tripping text),
  /// NaN and infinite floats as `null`; `JSONDecoder` reads the text back to an equal skeleton
  /// (NaNs aside).
  ///
  /// - Throws: What `output` throws; the write stops there.
  public func writeJSON(to output: (UnsafeRawBufferPointer) throws -> Void) throws {
    try withTextChunks(output) { out in
      try out.write("{\"id\": ")
      try out.write(id.map { String($0) } ?? "null")
      try out.write(", \"vertices\": [")
      for (index, vertex) in vertices.enumerated() {
        try out.write(
          "\(index == 0 ? "" : ", ")[\(Self.jsonNumber(vertex.x)), \(Self.jsonNumber(vertex.y)), \(Self.jsonNumber(vertex.z))]"
        )
      }
      try out.write("], \"edges\": [")
      for (index, edge) in edges.enumerated() {
        try out.write("\(index == 0 ? "" : ", ")[\(edge.a), \(edge.b)]")
      }
      let inlined = inlinedAttributeIndices
      try out.write("], \"radii\": ")
      if let index = inlined.first(where: { attributes[$0].name == VertexAttribute.radiusName }) {
        try Self.writeValues(of: attributes[index], to: &out)
      } else {
        try out.write("null")
      }
      try out.write(", \"vertex_types\": ")
      if let index = inlined.first(where: { attributes[$0].name == VertexAttribute.vertexTypesName }) {
        try Self.writeValues(of: attributes[index], to: &out)
      } else {
        try out.write("null")
      }
      try out.write(", \"attributes\": [")
      for (index, attribute) in attributes.enumerated() {
        if index > 0 { try out.write(", ") }
        try out.write(
          "{\"id\": \(Self.jsonString(attribute.name)), \"data_type\": \"\(attribute.dataType.rawValue)\", ")
        try out.write("\"num_components\": \(attribute.valuesPerVertex)")
        if !inlined.contains(index) {
          try out.write(", \"values\": ")
          try Self.writeValues(of: attribute, to: &out)
        }
        try out.write(ascii: UInt8(ascii: "}"))
      }
      try out.write("]}\n")
    }
  }

  /// Writes the JSON text to the file at `url`, streamed; see the closure form of `writeJSON(to:)`.
  public func writeJSON(to url: URL) throws {
    try writeText(to: url) { try writeJSON(to: $0) }
  }

  /// Writes the JSON text to `handle` (standard output, a pipe, a file), streamed.
  public func writeJSON(to handle: FileHandle) throws {
    try writeText(to: handle) { try writeJSON(to: $0) }
  }

  /// `[v0, v1, …]`: an attribute's values straight from its bytes, vertex-major.
  private static func writeValues(of attribute: VertexAttribute, to out: inout TextChunks) throws {
    try out.write(ascii: UInt8(ascii: "["))
    try attribute.bytes.withUnsafeBytes { raw in
      let count = raw.count / attribute.dataType.byteWidth
      for index in 0..<count {
        if index > 0 { try out.write(", ") }
        let offset = index * attribute.dataType.byteWidth
        switch attribute.dataType {
        case .int8: try out.write(String(raw.loadUnaligned(fromByteOffset: offset, as: Int8.self)))
        case .uint8: try out.write(String(raw.loadUnaligned(fromByteOffset: offset, as: UInt8.self)))
        case .int16: try out.write(String(raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
        case .uint16: try out.write(String(raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        case .int32: try out.write(String(raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
        case .uint32: try out.write(String(raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case .int64: try out.write(String(raw.loadUnaligned(fromByteOffset: offset, as: Int64.self)))
        case .uint64: try out.write(String(raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
        case .float32: try out.write(jsonNumber(raw.loadUnaligned(fromByteOffset: offset, as: Float.self)))
        case .float64:
          let value = raw.loadUnaligned(fromByteOffset: offset, as: Double.self)
          try out.write(value.isFinite ? value.description : "null")
        }
      }
    }
    try out.write(ascii: UInt8(ascii: "]"))
  }

  /// A float as the shortest JSON number that reads back as the same `Float`; `null` when not finite.
  private static func jsonNumber(_ value: Float) -> String {
    value.isFinite ? value.description : "null"
  }

  /// `text` as a JSON string literal.
  static func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20:
        let digits = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
