import Foundation
import MapBuffer

/// What every workload shares: where results go, the reference's plan, files, run count.
struct BenchmarkContext {
  let report: Report
  /// `nil` when the reference is not run (`--no-reference`).
  let reference: ReferenceRunner?
  let workspace: Workspace
  let runs: Int
}

extension MapBuffer.Compression {
  /// The reference's name for the codec (`compress=`), `nil` for none.
  var referenceName: String? { self == .none ? nil : name }
}
