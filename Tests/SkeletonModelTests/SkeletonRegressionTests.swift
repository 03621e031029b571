import Foundation
import MapBufferTestSupport
import SkeletonModel
import Testing

@Suite("Fuzzer regressions: skeletons")
struct SkeletonRegressionTests {
  @Test("Every saved FuzzSkeleton input decodes or throws a SkeletonError, and what decodes re-encodes")
  func savedInputs() throws {
    let folder = Fixtures.url("regressions/FuzzSkeleton")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    #expect(!names.isEmpty)
    for name in names {
      let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
      do {
        let skeleton = try Skeleton(precomputed: bytes)
        let again = try skeleton.precomputed()
        #expect(bytes.prefix(again.count) == again, "\(name)")
      } catch {
        #expect(error is SkeletonError, "\(name): \(error)")
      }
      for descriptors in [[], [AttributeDescriptor(name: "radius", dataType: .float32, valuesPerVertex: Int.max / 2)]] {
        do { _ = try Skeleton(precomputed: bytes, attributes: descriptors) } catch {
          #expect(error is SkeletonError, "\(name): \(error)")
        }
      }
    }
  }
}
