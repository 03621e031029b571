import ArgumentParser
import Foundation
import MapBuffer
import MapBufferCodable
import SkeletonModel

#if HTTP
import MapBufferHTTP
#endif

/// `mapbuffer skeleton FILE [KEY] [--json | --swc]`: a precomputed skeleton, summarized or converted.
struct SkeletonCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "skeleton",
    abstract: "Decode a precomputed skeleton and summarize it, or print it as JSON or SWC.",
    // Written out because the generated one shows the key, collected as an array, as `[<key> ...]`.
    usage: "mapbuffer skeleton <file> [<key>] [--json] [--swc]",
    discussion: """
      With KEY, FILE is a MapBuffer of skeletons (a fragment file) and the skeleton is KEY's \
      item; without KEY, FILE is one skeleton in the precomputed encoding. Attributes are \
      osteoid's defaults: radius (float32) then vertex_types (uint8).

      The summary gives the counts of vertices, edges, components, tips and branch points, \
      the cable length and the attributes. --json prints {"id", "vertices", "edges", "radii", \
      "vertex_types"}; an absent attribute is null. --swc prints the standard 7 columns.

      Examples:
        mapbuffer skeleton fragments.frags 101
        mapbuffer skeleton fragments.frags 101 --swc > 101.swc
        mapbuffer skeleton 101.skel --json | jq '.vertices | length'
      """
  )

  @Argument(help: "A fragment MapBuffer, or a lone precomputed skeleton when KEY is omitted; a file or an http(s) URL.")
  var file: String

  /// The key as typed, if any: collected with `.allUnrecognized` so that `-1` is reported as a
  /// bad key, not as an unknown option; ``optionalKey(from:)`` allows at most one.
  @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The skeleton's key (label) in the MapBuffer.", valueName: "key"))
  var key: [String] = []

  @Flag(help: "Print the skeleton as JSON.")
  var json = false

  @Flag(help: "Print the skeleton as SWC.")
  var swc = false

  func validate() throws {
    if json && swc { throw ValidationError("--json and --swc cannot be used together") }
  }

  func run() async throws {
    let skeleton = try await load()
    var output = StandardOutput()
    if json {
      try output.write(Self.json(skeleton))
    } else if swc {
      try output.write(skeleton.swc(header: skeleton.id.map { "skeleton \($0)" }))
    } else {
      try output.write(Self.summary(skeleton))
    }
    try output.flush()
  }

  private func load() async throws -> Skeleton {
    guard let label = try optionalKey(from: key) else {
      if RemoteInput.isURL(file) {
        #if HTTP
        let bytes = try await RemoteInput.wholeObject(file)
        return try describingFailures(RemoteInput.displayName(file)) { try Skeleton(precomputed: bytes) }
        #else
        throw RemoteInput.unsupported(file)
        #endif
      }
      try requireReadableFile(file)
      let bytes = try readRegularFile(file)
      return try describingFailures(printableName(file)) { try Skeleton(precomputed: bytes) }
    }
    let found: Skeleton?
    switch try await MapFile.openForItems(file) {
    #if HTTP
    case .remote(let remote):
      found = try await describingFailures(RemoteInput.displayName(file)) { try await RemoteTypedMapBuffer<Skeleton>(remote)[label] }
    #endif
    case .local(.mapBuffer(let map)):
      found = try describingFailures(RemoteInput.displayName(file)) { try TypedMapBuffer<Skeleton>(map)[label] }
    case .local(.intMap):
      throw ToolFailure("\(RemoteInput.displayName(file)) is an IntMap; 'skeleton' works on MapBuffer files")
    }
    guard var skeleton = found else {
      throw ToolFailure("key \(label) is not in \(RemoteInput.displayName(file))")
    }
    skeleton.id = label
    return skeleton
  }

  static func summary(_ skeleton: Skeleton) -> String {
    var lines: [String] = []
    lines.append("id: \(skeleton.id.map(String.init) ?? "none")")
    lines.append("vertices: \(skeleton.vertices.count)")
    lines.append("edges: \(skeleton.edges.count)")
    lines.append("cable length: \(skeleton.cableLength)")
    lines.append("components: \(skeleton.componentCount)")
    lines.append("terminal vertices: \(skeleton.terminalVertices.count)")
    lines.append("branch vertices: \(skeleton.branchVertices.count)")
    if let box = skeleton.boundingBox {
      lines.append("bounding box: \(box.minimum) to \(box.maximum)")
    }
    let attributes = skeleton.attributes.map { attribute in
      attribute.componentCount == 1
        ? "\(attribute.name) (\(attribute.dataType.rawValue))"
        : "\(attribute.name) (\(attribute.dataType.rawValue) × \(attribute.componentCount))"
    }
    lines.append("attributes: \(attributes.isEmpty ? "none" : attributes.joined(separator: ", "))")
    return lines.joined(separator: "\n") + "\n"
  }

  static func json(_ skeleton: Skeleton) -> String {
    var out = "{\"id\": \(skeleton.id.map(String.init) ?? "null"), \"vertices\": ["
    for (index, vertex) in skeleton.vertices.enumerated() {
      if index > 0 { out += ", " }
      out += "[\(JSONText.number(vertex.x)), \(JSONText.number(vertex.y)), \(JSONText.number(vertex.z))]"
    }
    out += "], \"edges\": ["
    for (index, edge) in skeleton.edges.enumerated() {
      if index > 0 { out += ", " }
      out += "[\(edge.a), \(edge.b)]"
    }
    out += "], \"radii\": "
    if let radii = skeleton.radii {
      out += "[" + radii.map(JSONText.number).joined(separator: ", ") + "]"
    } else {
      out += "null"
    }
    out += ", \"vertex_types\": "
    if let types = skeleton.vertexTypes {
      out += "[" + types.map { String($0) }.joined(separator: ", ") + "]"
    } else {
      out += "null"
    }
    return out + "}\n"
  }
}
