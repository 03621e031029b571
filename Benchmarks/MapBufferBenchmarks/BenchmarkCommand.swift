import ArgumentParser
import Foundation
import MapBuffer

/// Runs every benchmark workload, ours and the Python reference's on the same data, and prints
/// a table of medians and ratios, then checks the stated targets.
@main
struct BenchmarkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "MapBufferBenchmarks",
    abstract: "MapBuffer against the Python reference, the C floor and a Swift Dictionary, in one run.",
    discussion: """
      Run in release mode from the package root (the reference comes from .venv):
        swift run -c release MapBufferBenchmarks                 # the full run, 10^3 to 10^7 keys
        swift run -c release MapBufferBenchmarks --quick         # a smoke run of every workload
        swift run -c release MapBufferBenchmarks --keys 1000000 --no-reference
      """
  )

  @Option(help: "Comma-separated key counts.")
  var keys: String = "1000,10000,100000,1000000,10000000"

  @Option(help: "Timed runs per row; each row is their median.")
  var runs: Int = 5

  @Flag(help: "A smoke run: 1000 and 10000 keys, 3 runs, a small large file.")
  var quick = false

  @Flag(help: "Do not run the Python reference.")
  var noReference = false

  @Option(
    name: .customLong("large-file-mib"),
    help: "Size of the large mapped file for the open and resident-memory checks, in MiB.")
  var largeFileMiB: Int = 1024

  @Option(help: "Comma-separated workloads to run (lookup, peers, whole, intmap, build, typed, large); all by default.")
  var only: String?

  @Option(help: "Write the rows and target checks as JSON to this file.")
  var json: String?

  func run() throws {
    let keyCounts = quick ? [1_000, 10_000] : keys.split(separator: ",").compactMap { Int($0) }
    let runs = quick ? 3 : self.runs
    let workspace = try Workspace()
    defer { workspace.remove() }
    let report = Report()
    let reference = noReference ? nil : ReferenceRunner(runs: runs)
    let context = BenchmarkContext(report: report, reference: reference, workspace: workspace, runs: runs)
    let allCodecs = MapBuffer.Compression.allCases
    log("machine: \(Machine.description)")

    let selected = Set((only ?? "lookup,peers,whole,intmap,build,typed,large").split(separator: ",").map(String.init))
    // Typed lookups and the large file make their own data: with only those, build no dataset.
    let usesDatasets = !selected.isSubset(of: ["typed", "large"])
    for n in keyCounts where usesDatasets {
      log("dataset: \(n) keys, values of 0 to 200 bytes")
      let dataset = Dataset(keyCount: n, valueSizes: 0...200, seed: UInt64(n))
      if selected.contains("lookup") {
        try LookupWorkloads.run(dataset, codecs: n <= 1_000_000 ? allCodecs : [.none], context: context)
      }
      if selected.contains("peers") {
        try LookupWorkloads.runPeers(dataset, includeDictionary: n <= 1_000_000, context: context)
      }
      guard n <= 1_000_000 else { continue }
      if selected.contains("whole") { try LookupWorkloads.runWholeMap(dataset, context: context) }
      if selected.contains("intmap") { try LookupWorkloads.runIntMap(dataset, context: context) }
      if selected.contains("build") {
        // lzma builds at about 150 µs an item: only the small maps, to keep the run short.
        let codecs: [MapBuffer.Compression] =
          switch n {
          case ...10_000: allCodecs
          case ...100_000: [.none, .gzip, .brotli, .zstd]
          default: [.none, .zstd]
          }
        try BuildWorkloads.run(dataset, codecs: codecs, referenceCodecs: Set(codecs), context: context)
      }
    }
    if selected.contains("typed") {
      log("typed lookups")
      try TypedWorkloads.run(keyCount: quick ? 1_000 : 10_000, skeletonCount: quick ? 100 : 1_000, context: context)
    }
    if selected.contains("large") {
      log("large file")
      try LargeFileWorkloads.run(
        smallBytes: 1 << 20, largeBytes: (quick ? 16 : largeFileMiB) << 20, context: context)
    }

    if let reference {
      log("the Python reference: \(reference.tasks.count) tasks")
      report.setReference(try reference.run(in: workspace, script: Self.referenceScript))
    }
    Targets.checkLookupOverhead(report, keyCount: 1_000)
    Targets.check(report, keyCount: 1_000_000)
    print("# MapBuffer benchmarks: median of \(runs) runs; \(Machine.description)")
    print(
      "# ref/ours: the reference's time over ours (above 1: we are faster); peer: ours/peer (below 1: we are faster)")
    print(report.table())
    print("\n(sink \(String(benchmarkSink, radix: 16)))")
    if let json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      let document = ResultsDocument(machine: Machine.description, runs: runs, rows: report.rows, checks: report.checks)
      try encoder.encode(document).write(to: URL(fileURLWithPath: json))
      log("wrote \(json)")
    }
  }

  static var referenceScript: URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("reference_benchmark.py")
  }
}

/// The JSON a run writes, which Scripts/plot-benchmarks reads.
struct ResultsDocument: Codable {
  var machine: String
  var runs: Int
  var rows: [Row]
  var checks: [TargetCheck]
}

/// Progress on standard error, so standard output is the table alone.
func log(_ message: String) {
  FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// The machine the run is on.
enum Machine {
  static let description: String = {
    var model = "unknown CPU"
    if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
      let name = line.split(separator: ":", maxSplits: 1).last
    {
      model = name.trimmingCharacters(in: .whitespaces)
    }
    let memory = Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30)
    return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(String(format: "%.0f", memory)) GiB"
  }()
}
