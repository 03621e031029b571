import Foundation

/// The Python reference, run once per benchmark run on every task the workloads planned.
final class ReferenceRunner {
  /// A task for `reference_benchmark.py`: a kind and its parameters, as JSON.
  private(set) var tasks: [[String: Any]] = []
  let runs: Int

  init(runs: Int) {
    self.runs = runs
  }

  /// Plans a task whose result goes in the row with id `id`.
  func plan(_ id: String, kind: String, _ parameters: [String: Any]) {
    var task = parameters
    task["id"] = id
    task["kind"] = kind
    task["runs"] = runs
    tasks.append(task)
  }

  /// The Python interpreter with the reference installed: `$MAPBUFFER_PYTHON` or the project's venv.
  static var python: URL? {
    if let path = ProcessInfo.processInfo.environment["MAPBUFFER_PYTHON"] { return URL(fileURLWithPath: path) }
    let venv = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".venv/bin/python")
    return FileManager.default.isExecutableFile(atPath: venv.path) ? venv : nil
  }

  /// Runs every planned task and returns nanoseconds per operation by task id.
  func run(in workspace: Workspace, script: URL) throws -> [String: Double] {
    guard !tasks.isEmpty else { return [:] }
    guard let python = Self.python else {
      throw BenchmarkFailure("no Python with the reference: run Scripts/setup, or set MAPBUFFER_PYTHON")
    }
    let plan = workspace.url("plan.json")
    let results = workspace.url("results.json")
    try JSONSerialization.data(withJSONObject: ["tasks": tasks], options: [.prettyPrinted]).write(to: plan)
    let process = Process()
    process.executableURL = python
    process.arguments = [script.path, plan.path, results.path]
    // Waited for on a semaphore: `waitUntilExit()` spins a run loop with nothing to wait on
    // (a whole core, with only two) when called on a thread other than the one that launched.
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    try process.run()
    exited.wait()
    guard process.terminationStatus == 0 else {
      throw BenchmarkFailure("the reference benchmark exited with status \(process.terminationStatus)")
    }
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: results))
    guard let dictionary = object as? [String: Double] else {
      throw BenchmarkFailure("the reference benchmark wrote results of an unexpected shape")
    }
    return dictionary
  }
}

/// A benchmark run that cannot go on.
struct BenchmarkFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
