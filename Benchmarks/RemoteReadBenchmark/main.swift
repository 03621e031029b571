// Remote reads over HTTP range requests against nginx on loopback, beside the Python reference
// reading the same files through an object that sends one range request per slice.
//
//     swift run -c release RemoteReadBenchmark [--quick] [--size KEYS]
//
// For each map size, on loopback and through a proxy adding 2 ms to every round trip: the first
// lookup of a fresh reader (cold, and warm with an index cache), a lookup through an open map, a
// batch of 100 keys, and lookups from 8 concurrent tasks (the reference: 8 threads, one connection
// and open map each); with the requests each made. Loopback on shared cores is noisy, so ours
// and the reference's run in alternating rounds: each figure is the median of the rounds'
// medians, and the spread is the range of the rounds' ratios. On loopback the times are the
// readers' own overhead plus nginx's; with latency the requests (and round trips) dominate.

import Foundation
import MapBuffer
import MapBufferHTTP
import MapBufferTestSupport

let quick = CommandLine.arguments.contains("--quick")
/// `--size N`: one map of N keys only (results are then not written).
let onlySize = CommandLine.arguments.firstIndex(of: "--size").flatMap {
  CommandLine.arguments.indices.contains($0 + 1) ? Int(CommandLine.arguments[$0 + 1]) : nil
}
let sizes = onlySize.map { [$0] } ?? (quick ? [1_000] : [1_000, 100_000])
/// Rounds, each measuring ours then the reference's.
let rounds = quick ? 3 : 5
/// Runs of a workload per round (lookups through an open map: `lookupCount` each).
let runs = quick ? 5 : 11
let lookupCount = quick ? 50 : 200
let batchCount = 100
let concurrentTasks = 8
let lookupsPerTask = quick ? 10 : 25
/// The delay the proxy adds in each direction, in milliseconds: 2 ms a round trip.
let proxyDelay = 1.0

struct Measurement: Codable {
  var ns: Double
  var requests: Double
}

func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.count % 2 == 1
    ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func nanoseconds(_ duration: Duration) -> Double {
  Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
}

let clock = ContinuousClock()

/// Median time of `runs` runs of `body`, and the requests the last run made.
func measure(_ body: () async throws -> Int) async throws -> Measurement {
  var times: [Double] = []
  var requests = 0
  for _ in 0..<runs {
    let start = clock.now
    requests = try await body()
    times.append(nanoseconds(clock.now - start))
  }
  return Measurement(ns: median(times), requests: Double(requests))
}

func format(_ ns: Double) -> String {
  ns >= 1e6 ? String(format: "%.2f ms", ns / 1e6) : String(format: "%.0f µs", ns / 1e3)
}

func formatRequests(_ requests: Double) -> String {
  requests == requests.rounded() ? String(Int(requests)) : String(format: "%.2f", requests)
}

let workloads = [
  "first lookup, cold", "first lookup, warm (index cache)", "lookup, open map", "batch of keys",
  "concurrent lookups",
]

/// What one map's workloads read.
struct Plan {
  var url: URL
  var keys: [UInt64]
  var batch: [UInt64]
  var concurrent: [[UInt64]]
  var cache: URL
}

/// Every workload of ours once, each the median of `runs` runs.
func measureOurs(_ plan: Plan) async throws -> [String: Measurement] {
  let url = plan.url
  let keys = plan.keys
  var ours: [String: Measurement] = [:]
  ours["first lookup, cold"] = try await measure {
    let remote = try await RemoteMapBuffer(url: url)
    guard try await remote[keys[0]] != nil else { fatalError("missing key") }
    return remote.statistics.requests
  }
  var cached = RemoteMapBuffer.Configuration()
  cached.indexCache = RemoteIndexCache(directory: plan.cache)
  _ = try await RemoteMapBuffer(url: url, configuration: cached)
  ours["first lookup, warm (index cache)"] = try await measure {
    let remote = try await RemoteMapBuffer(url: url, configuration: cached)
    guard try await remote[keys[0]] != nil else { fatalError("missing key") }
    return remote.statistics.requests
  }
  let open = try await RemoteMapBuffer(url: url)
  _ = try await open[keys[0]]
  var lookupTimes: [Double] = []
  let before = open.statistics.requests
  for key in keys {
    let start = clock.now
    guard try await open[key] != nil else { fatalError("missing key") }
    lookupTimes.append(nanoseconds(clock.now - start))
  }
  ours["lookup, open map"] = Measurement(
    ns: median(lookupTimes), requests: Double(open.statistics.requests - before) / Double(keys.count))
  ours["batch of keys"] = try await measure {
    let start = open.statistics.requests
    let fetched = try await open.values(forKeys: plan.batch)
    guard fetched.allSatisfy({ $0 != nil }) else { fatalError("missing key") }
    return open.statistics.requests - start
  }
  // Many lookups at once through one open map, from concurrent tasks.
  let concurrent = plan.concurrent
  ours["concurrent lookups"] = try await measure {
    let start = open.statistics.requests
    try await withThrowingTaskGroup(of: Void.self) { group in
      for taskKeys in concurrent {
        group.addTask {
          for key in taskKeys {
            guard try await open[key] != nil else { fatalError("missing key") }
          }
        }
      }
      try await group.waitForAll()
    }
    return open.statistics.requests - start
  }
  return ours
}

/// Every workload of the reference's once, in a process of its own.
func measureReference(_ plan: Plan, in folder: URL) throws -> [String: Measurement] {
  let json: [String: Any] = [
    "url": plan.url.absoluteString, "keys": plan.keys, "batch": plan.batch, "runs": runs,
    "cache": plan.cache.path, "concurrent": plan.concurrent,
  ]
  let planURL = folder.appendingPathComponent("plan.json")
  let resultsURL = folder.appendingPathComponent("reference.json")
  try JSONSerialization.data(withJSONObject: json).write(to: planURL)
  let python = Process()
  python.executableURL = Fixtures.packageRoot.appendingPathComponent(".venv/bin/python")
  python.arguments = [
    Fixtures.packageRoot.appendingPathComponent("Benchmarks/reference_remote_benchmark.py").path, planURL.path,
    resultsURL.path,
  ]
  // Waited for on a semaphore: `waitUntilExit()` from a task spins a run loop with nothing to
  // wait on, a whole core of the two the reference, nginx and the proxy share while it runs.
  let exited = DispatchSemaphore(value: 0)
  python.terminationHandler = { _ in exited.signal() }
  try python.run()
  exited.wait()
  guard python.terminationStatus == 0 else { fatalError("the reference benchmark failed (run Scripts/setup)") }
  return try JSONDecoder().decode([String: Measurement].self, from: Data(contentsOf: resultsURL))
}

/// Starts the reference script's delaying proxy in front of `port`; returns it and its port.
func startProxy(to port: Int) throws -> (Process, Int) {
  let proxy = Process()
  proxy.executableURL = Fixtures.packageRoot.appendingPathComponent(".venv/bin/python")
  proxy.arguments = [
    Fixtures.packageRoot.appendingPathComponent("Benchmarks/reference_remote_benchmark.py").path, "--proxy",
    "127.0.0.1", String(port), String(proxyDelay),
  ]
  let output = Pipe()
  proxy.standardOutput = output
  // Never holding this process's output open: a pipe reading it ends when this process does.
  proxy.standardError = FileHandle.nullDevice
  try proxy.run()
  var line = Data()
  while true {
    let byte = output.fileHandleForReading.readData(ofLength: 1)
    guard let first = byte.first, first != UInt8(ascii: "\n") else { break }
    line.append(first)
  }
  guard let proxyPort = Int(String(decoding: line, as: UTF8.self)) else { fatalError("the proxy did not start") }
  return (proxy, proxyPort)
}

/// `url` with another port.
func withPort(_ url: URL, _ port: Int) -> URL {
  var components = URLComponents(url: url, resolvingAgainstBaseURL: false)!
  components.port = port
  return components.url!
}

let server = try NginxServer()
let folder = try Fixtures.temporaryDirectory()
defer { try? FileManager.default.removeItem(at: folder) }
var lines: [String] = []
var json: [String: [String: [String: [String: Measurement]]]] = [:]
var ratioSpread: [String: [String: [String: [Double]]]] = [:]
lines.append("| workload | keys | link | ours | requests | reference | requests | ref/ours | spread of rounds |")
lines.append("|---|---:|---|---:|---:|---:|---:|---:|---:|")

for size in sizes {
  var generator = SeededGenerator(seed: UInt64(size))
  var values: [UInt64: Data] = [:]
  while values.count < size {
    values[UInt64.random(in: 0..<UInt64(size) * 1000, using: &generator)] = Data.random(count: 1000, using: &generator)
  }
  let bytes = try MapBufferWriter(compression: .none, formatVersion: .version1).encode(values)
  let direct = try server.publish(bytes, at: "map-\(size).mb")
  let allKeys = Array(values.keys)
  let keys = (0..<lookupCount).map { _ in allKeys.randomElement(using: &generator)! }
  let batch = (0..<batchCount).map { _ in allKeys.randomElement(using: &generator)! }
  let concurrent = (0..<concurrentTasks).map { _ in
    (0..<lookupsPerTask).map { _ in allKeys.randomElement(using: &generator)! }
  }
  let (proxy, proxyPort) = try startProxy(to: direct.port!)
  defer {
    // SIGKILL: the proxy inherits a signal mask with SIGTERM blocked from the thread that starts
    // it, so `terminate()` left it running and `waitUntilExit()` waiting for ever.
    kill(proxy.processIdentifier, SIGKILL)
    proxy.waitUntilExit()
  }
  let label = size >= 1000 ? "\(size / 1000)k" : "\(size)"
  for (link, url) in [("loopback", direct), ("+2 ms RTT", withPort(direct, proxyPort))] {
    let cache = folder.appendingPathComponent("cache-\(size)-\(url.port!)")
    let plan = Plan(
      url: url, keys: link == "loopback" ? keys : Array(keys.prefix(lookupCount / 2)), batch: batch,
      concurrent: concurrent, cache: cache)
    var ours: [String: [Measurement]] = [:]
    var reference: [String: [Measurement]] = [:]
    for _ in 0..<rounds {
      for (workload, measurement) in try await measureOurs(plan) { ours[workload, default: []].append(measurement) }
      for (workload, measurement) in try measureReference(plan, in: folder) {
        reference[workload, default: []].append(measurement)
      }
    }
    var summary: [String: [String: Measurement]] = ["ours": [:], "reference": [:]]
    for workload in workloads {
      let mine = ours[workload]!
      let theirs = reference[workload]!
      let ratios = zip(mine, theirs).map { $1.ns / $0.ns }
      let oursMedian = Measurement(ns: median(mine.map(\.ns)), requests: median(mine.map(\.requests)))
      let theirsMedian = Measurement(ns: median(theirs.map(\.ns)), requests: median(theirs.map(\.requests)))
      summary["ours"]![workload] = oursMedian
      summary["reference"]![workload] = theirsMedian
      ratioSpread[label, default: [:]][link, default: [:]][workload] = ratios
      let name =
        switch workload {
        case "batch of keys": "batch of \(batchCount) keys"
        case "concurrent lookups": "\(concurrentTasks * lookupsPerTask) lookups, \(concurrentTasks) tasks"
        default: workload
        }
      lines.append(
        "| \(name) | \(label) | \(link) | \(format(oursMedian.ns)) | \(formatRequests(oursMedian.requests)) | "
          + "\(format(theirsMedian.ns)) | \(formatRequests(theirsMedian.requests)) | "
          + "\(String(format: "%.2fx", median(ratios))) | "
          + "\(String(format: "%.2f–%.2fx", ratios.min()!, ratios.max()!)) |")
    }
    json[label, default: [:]][link] = summary
  }
}

let table = lines.joined(separator: "\n")
print(table)
if !quick && onlySize == nil {
  struct Results: Codable {
    var medians: [String: [String: [String: [String: Measurement]]]]
    var ratiosOfRounds: [String: [String: [String: [Double]]]]
  }
  let results = Fixtures.packageRoot.appendingPathComponent("Benchmarks/results")
  try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
  try (table + "\n").write(to: results.appendingPathComponent("remote.txt"), atomically: true, encoding: .utf8)
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  try encoder.encode(Results(medians: json, ratiosOfRounds: ratioSpread))
    .write(to: results.appendingPathComponent("remote.json"))
}
server.stop()
