import Foundation

/// One row of the results: a workload at one size, ours beside the reference or a peer.
struct Row: Codable {
  /// A unique id, also the reference task's id.
  var id: String
  /// The group the row is printed under.
  var group: String
  /// What is measured.
  var workload: String
  /// The number of keys in the map.
  var keys: Int
  /// Nanoseconds per operation, ours.
  var ours: Double
  /// Nanoseconds per operation of the Python reference on the same data, when measured.
  var reference: Double?
  /// Nanoseconds per operation of the row's peer (the C floor, a Swift Dictionary, …).
  var peer: Double?
  /// What the peer is.
  var peerName: String?
  /// The unit of an operation (`key`, `item`, `open`, …).
  var unit: String
}

/// A stated target, checked against the rows.
struct TargetCheck: Codable {
  var target: String
  var measured: String
  var met: Bool
}

/// All rows of one run, printed as a table.
final class Report {
  private(set) var rows: [Row] = []
  var checks: [TargetCheck] = []
  var notes: [String] = []

  func add(_ row: Row) {
    rows.append(row)
    let ours = Self.format(row.ours)
    let peer = row.peer.map { " | \(row.peerName ?? "peer") \(Self.format($0))" } ?? ""
    FileHandle.standardError.write(Data("  \(row.id): ours \(ours)/\(row.unit)\(peer)\n".utf8))
  }

  func setReference(_ results: [String: Double]) {
    for index in rows.indices {
      if let value = results[rows[index].id] { rows[index].reference = value }
    }
  }

  func row(_ id: String) -> Row? { rows.first { $0.id == id } }

  /// Times in the unit that keeps three significant figures readable.
  static func format(_ nanoseconds: Double) -> String {
    switch nanoseconds {
    case ..<1_000: String(format: "%.0f ns", nanoseconds)
    case ..<1_000_000: String(format: "%.2f µs", nanoseconds / 1_000)
    case ..<1_000_000_000: String(format: "%.2f ms", nanoseconds / 1_000_000)
    default: String(format: "%.2f s", nanoseconds / 1_000_000_000)
    }
  }

  /// The table: per group, each row's times and the reference's time over ours.
  func table() -> String {
    var lines: [String] = []
    let header = [
      pad("workload", 44), pad("keys", 9, right: true), pad("ours", 11, right: true),
      pad("reference", 11, right: true), pad("ref/ours", 9, right: true), "  peer",
    ].joined(separator: " ")
    var group = ""
    for row in rows {
      if row.group != group {
        group = row.group
        lines.append("")
        lines.append("## \(group)")
        lines.append(header)
        lines.append(String(repeating: "-", count: header.count + 24))
      }
      let reference = row.reference.map(Self.format) ?? "—"
      let ratio = row.reference.map { String(format: "%.1fx", $0 / row.ours) } ?? "—"
      var peer = ""
      if let value = row.peer {
        peer =
          "  \(row.peerName ?? "peer") \(Self.format(value)) (ours/peer \(String(format: "%.2f", row.ours / value)))"
      }
      lines.append(
        [
          pad("\(row.workload) [/\(row.unit)]", 44), pad(Self.count(row.keys), 9, right: true),
          pad(Self.format(row.ours), 11, right: true), pad(reference, 11, right: true), pad(ratio, 9, right: true),
        ].joined(separator: " ") + peer)
    }
    if !checks.isEmpty {
      lines.append("")
      lines.append("## Targets")
      for check in checks {
        lines.append("\(check.met ? "met " : "MISS") \(check.target): \(check.measured)")
      }
    }
    for note in notes { lines.append(note) }
    return lines.joined(separator: "\n")
  }

  static func count(_ keys: Int) -> String {
    switch keys {
    case 0: "-"
    case 10_000_000...: "\(keys / 1_000_000)M"
    case 1_000_000...: "\(keys / 1_000_000)M"
    case 1_000...: "\(keys / 1_000)k"
    default: "\(keys)"
    }
  }

  private func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
    let count = text.count
    guard count < width else { return text }
    let padding = String(repeating: " ", count: width - count)
    return right ? padding + text : text + padding
  }
}
