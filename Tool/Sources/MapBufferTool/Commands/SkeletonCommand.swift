import ArgumentParser
import Foundation
import MapBuffer
import MapBufferCodable
import SkeletonModel

#if HTTP
import MapBufferHTTP
#endif

/// `mapbuffer skeleton FILE [KEY] [--info INFO] [--physical] [--json | --swc]`: a precomputed
/// skeleton, summarized or converted.
struct SkeletonCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "skeleton",
    abstract: "Decode a precomputed skeleton and summarize it, or print it as JSON or SWC.",
    // Written out because the generated one shows the key, collected as an array, as `[<key> ...]`.
    usage: "mapbuffer skeleton <file> [<key>] [--info <info>] [--physical] [--json] [--swc]",
    discussion: """
      With KEY, FILE is a MapBuffer of skeletons (a fragment file) and the skeleton is KEY's \
      item; without KEY, FILE is one skeleton in the precomputed encoding. Attributes are \
      osteoid's defaults, radius (float32) then vertex_types (uint8), unless --info names the \
      layer's info JSON (a file or an http(s) URL), whose vertex_attributes are read instead; \
      --physical then applies its transform. A sharded layer is refused.

      The summary gives the counts of vertices, edges, components, tips and branch points, \
      the cable length and the attributes. --json prints {"id", "vertices", "edges", "radii", \
      "vertex_types", "attributes"}; an absent attribute is null, and every attribute other \
      than the default radius and types carries its "values". --swc prints the standard 7 \
      columns. Both are written as they are produced.

      Examples:
        mapbuffer skeleton fragments.frags 101
        mapbuffer skeleton fragments.frags 101 --swc > 101.swc
        mapbuffer skeleton 101.skel --json | jq '.vertices | length'
        mapbuffer skeleton fragments.frags 101 --info skeletons/info --physical --swc
      """
  )

  @Argument(help: "A fragment MapBuffer, or a lone precomputed skeleton when KEY is omitted; a file or an http(s) URL.")
  var file: String

  /// The key as typed, if any: collected with `.allUnrecognized` so that `-1` is reported as a
  /// bad key, not as an unknown option; ``optionalKey(from:)`` allows at most one.
  @Argument(
    parsing: .allUnrecognized, help: ArgumentHelp("The skeleton's key (label) in the MapBuffer.", valueName: "key"))
  var key: [String] = []

  @Option(
    help: ArgumentHelp(
      "The skeleton layer's info JSON, whose vertex_attributes the skeleton has; a file or an http(s) URL.",
      valueName: "info"))
  var info: String?

  @Flag(help: "Apply the --info transform: physical coordinates.")
  var physical = false

  @Flag(help: "Print the skeleton as JSON.")
  var json = false

  @Flag(help: "Print the skeleton as SWC.")
  var swc = false

  func validate() throws {
    if json && swc { throw ValidationError("--json and --swc cannot be used together") }
    if physical && info == nil { throw ValidationError("--physical needs --info, whose transform it applies") }
  }

  func run() async throws {
    let layer = try await loadInfo()
    var skeleton = try await load(
      codec: layer.map { try MapBufferValueCodec<Skeleton>.precomputed($0) } ?? .conformance)
    if physical, let layer { skeleton = skeleton.applyingTransform(of: layer) }
    var output = StandardOutput()
    if json {
      try skeleton.writeJSON { try output.writeDirectly($0) }
    } else if swc {
      try skeleton.writeSWC(header: skeleton.id.map { "skeleton \($0)" }) { try output.writeDirectly($0) }
    } else {
      try output.write(Self.summary(skeleton))
    }
    try output.flush()
  }

  /// The layer info `--info` names, if any: read whole from a file or a URL.
  private func loadInfo() async throws -> SkeletonLayerInfo? {
    guard let info else { return nil }
    let bytes: Data
    if RemoteInput.isURL(info) {
      #if HTTP
      bytes = try await RemoteInput.wholeObject(info)
      #else
      throw RemoteInput.unsupported(info)
      #endif
    } else {
      try requireReadableFile(info)
      bytes = try readRegularFile(info)
    }
    return try describingFailures(RemoteInput.displayName(info)) {
      let layer = try SkeletonLayerInfo(json: bytes)
      _ = try MapBufferValueCodec<Skeleton>.precomputed(layer)  // a sharded layer fails here, named
      return layer
    }
  }

  private func load(codec: MapBufferValueCodec<Skeleton>) async throws -> Skeleton {
    guard let label = try optionalKey(from: key) else {
      if RemoteInput.isURL(file) {
        #if HTTP
        let bytes = try await RemoteInput.wholeObject(file)
        return try describingFailures(RemoteInput.displayName(file)) { try codec.decode(bytes) }
        #else
        throw RemoteInput.unsupported(file)
        #endif
      }
      try requireReadableFile(file)
      let bytes = try readRegularFile(file)
      return try describingFailures(printableName(file)) { try codec.decode(bytes) }
    }
    let found: Skeleton?
    switch try await MapFile.openForItems(file) {
    #if HTTP
    case .remote(let remote):
      found = try await describingFailures(RemoteInput.displayName(file)) {
        try await RemoteTypedMapBuffer(remote, codec: codec)[label]
      }
    #endif
    case .local(.mapBuffer(let map)):
      found = try describingFailures(RemoteInput.displayName(file)) { try TypedMapBuffer(map, codec: codec)[label] }
    case .local(.intMap):
      throw ToolFailure("\(RemoteInput.displayName(file)) is an IntMap; 'skeleton' works on MapBuffer files")
    }
    guard let skeleton = found else {
      throw ToolFailure("key \(label) is not in \(RemoteInput.displayName(file))")
    }
    return skeleton
  }

  static func summary(_ skeleton: Skeleton) -> String {
    var lines: [String] = []
    lines.append("id: \(skeleton.id.map(String.init) ?? "none")")
    lines.append("vertices: \(skeleton.vertices.count)")
    lines.append("edges: \(skeleton.edges.count)")
    lines.append("cable length: \(skeleton.cableLength)")
    lines.append("components: \(skeleton.connectedComponentCount())")
    lines.append("terminal vertices: \(skeleton.terminalVertices.count)")
    lines.append("branch vertices: \(skeleton.branchVertices.count)")
    if let box = skeleton.boundingBox {
      lines.append("bounding box: \(box.minimum) to \(box.maximum)")
    }
    let attributes = skeleton.attributes.map { attribute in
      attribute.valuesPerVertex == 1
        ? "\(attribute.name) (\(attribute.dataType.rawValue))"
        : "\(attribute.name) (\(attribute.dataType.rawValue) × \(attribute.valuesPerVertex))"
    }
    lines.append("attributes: \(attributes.isEmpty ? "none" : attributes.joined(separator: ", "))")
    return lines.joined(separator: "\n") + "\n"
  }
}
