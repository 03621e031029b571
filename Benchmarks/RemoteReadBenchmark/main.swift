// Remote reads over HTTP range requests against nginx on loopback, beside the Python reference
// reading the same files through an object that sends one range request per slice.
//
//     swift run -c release RemoteReadBenchmark [--quick]
//
// For each map size: the first lookup of a fresh reader (cold, and warm with an index cache), a
// lookup through an open map, and a batch of 100 keys; each the median of repeated runs, with the
// requests each made. Loopback has no network latency, so the times are the readers' own
// overhead plus nginx's; over a real network the request counts dominate.

import Foundation
import MapBuffer
import MapBufferHTTP
import MapBufferTestSupport

let quick = CommandLine.arguments.contains("--quick")
let sizes = quick ? [1_000] : [1_000, 100_000]
let runs = quick ? 5 : 21
let lookupCount = quick ? 50 : 300
let batchCount = 100

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

let server = try NginxServer()
let folder = try Fixtures.temporaryDirectory()
defer { try? FileManager.default.removeItem(at: folder) }
var lines: [String] = []
var json: [String: [String: [String: Measurement]]] = [:]
lines.append("| workload | keys | ours | requests | reference | requests | ref/ours |")
lines.append("|---|---:|---:|---:|---:|---:|---:|")

for size in sizes {
  var generator = SeededGenerator(seed: UInt64(size))
  var values: [UInt64: Data] = [:]
  while values.count < size {
    values[UInt64.random(in: 0..<UInt64(size) * 1000, using: &generator)] = Data.random(count: 1000, using: &generator)
  }
  let bytes = try MapBufferWriter(compression: .none, formatVersion: .version1).encode(values)
  let url = try server.publish(bytes, at: "map-\(size).mb")
  let allKeys = Array(values.keys)
  let keys = (0..<lookupCount).map { _ in allKeys.randomElement(using: &generator)! }
  let batch = (0..<batchCount).map { _ in allKeys.randomElement(using: &generator)! }

  var ours: [String: Measurement] = [:]
  ours["first lookup, cold"] = try await measure {
    let remote = try await RemoteMapBuffer(url: url)
    guard try await remote[keys[0]] != nil else { fatalError("missing key") }
    return remote.statistics.requests
  }
  var cached = RemoteMapBuffer.Configuration()
  cached.indexCache = RemoteIndexCache(directory: folder.appendingPathComponent("cache-\(size)"))
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
    let fetched = try await open.values(forKeys: batch)
    guard fetched.allSatisfy({ $0 != nil }) else { fatalError("missing key") }
    return open.statistics.requests - start
  }

  // The reference on the same file.
  let plan: [String: Any] = [
    "url": url.absoluteString, "keys": keys, "batch": batch, "runs": runs, "cache": folder.path,
  ]
  let planURL = folder.appendingPathComponent("plan.json")
  let resultsURL = folder.appendingPathComponent("reference.json")
  try JSONSerialization.data(withJSONObject: plan).write(to: planURL)
  let python = Process()
  python.executableURL = Fixtures.packageRoot.appendingPathComponent(".venv/bin/python")
  python.arguments = [
    Fixtures.packageRoot.appendingPathComponent("Benchmarks/reference_remote_benchmark.py").path, planURL.path,
    resultsURL.path,
  ]
  try python.run()
  python.waitUntilExit()
  guard python.terminationStatus == 0 else { fatalError("the reference benchmark failed (run Scripts/setup)") }
  let reference = try JSONDecoder().decode([String: Measurement].self, from: Data(contentsOf: resultsURL))

  let label = size >= 1000 ? "\(size / 1000)k" : "\(size)"
  for workload in ["first lookup, cold", "first lookup, warm (index cache)", "lookup, open map", "batch of keys"] {
    let mine = ours[workload]!
    let theirs = reference[workload]!
    let name = workload == "batch of keys" ? "batch of \(batchCount) keys" : workload
    lines.append(
      "| \(name) | \(label) | \(format(mine.ns)) | \(formatRequests(mine.requests)) | \(format(theirs.ns)) | "
        + "\(formatRequests(theirs.requests)) | \(String(format: "%.1fx", theirs.ns / mine.ns)) |")
  }
  json[label] = ["ours": ours, "reference": reference]
}

let table = lines.joined(separator: "\n")
print(table)
if !quick {
  let results = Fixtures.packageRoot.appendingPathComponent("Benchmarks/results")
  try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
  try (table + "\n").write(to: results.appendingPathComponent("remote.txt"), atomically: true, encoding: .utf8)
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
  try encoder.encode(json).write(to: results.appendingPathComponent("remote.json"))
}
server.stop()
