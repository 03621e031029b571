// libFuzzer target: decoding a skeleton in the precomputed encoding (osteoid's default
// attributes, none, and a custom list chosen by the input), then re-encoding what decoded; the
// same bytes read as SWC text and as a skeleton layer's info JSON; and a view of the bytes in
// place, which must accept what the decoder accepts, see the same skeleton, and throw the same
// error otherwise. Any trap or disagreement is a finding; thrown errors are not.
import Foundation
import FuzzSupport
import SkeletonModel

/// Decodes `bytes` with `descriptors` both ways, owned and in place: both succeed with the same
/// skeleton, or both fail with the same error.
func compareWithView(_ bytes: Data, attributes descriptors: [AttributeDescriptor]?) {
  let decoded = Result { try Skeleton(precomputed: bytes, attributes: descriptors) }
  let viewed = Result {
    try Skeleton.withView(precomputed: bytes, attributes: descriptors) { view -> Skeleton in
      precondition(view.vertices.count == view.vertexCount && view.edges.count == view.edgeCount, "view counts")
      return view.skeleton()
    }
  }
  switch (decoded, viewed) {
  case (.success(let skeleton), .success(let fromView)):
    precondition(skeleton == fromView || skeleton.description == fromView.description, "the view saw another skeleton")
  case (.failure(let error), .failure(let viewError)):
    precondition("\(error)" == "\(viewError)", "the view failed otherwise: \(viewError) against \(error)")
  default:
    preconditionFailure("the view and the decoder disagree on whether the bytes decode")
  }
}

/// The entry point libFuzzer calls with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Data(bytes: data, count: size)
  if let skeleton = try? Skeleton(precomputed: bytes) {
    // What decodes must encode again, to the same bytes up to the attributes' end.
    if let again = try? skeleton.precomputed() {
      precondition(again.count <= bytes.count && bytes.prefix(again.count) == again, "round trip changed the bytes")
    } else {
      preconditionFailure("a decoded skeleton failed to encode")
    }
    _ = skeleton.cableLength
  }
  _ = try? Skeleton(precomputed: bytes, attributes: [])
  compareWithView(bytes, attributes: nil)
  compareWithView(bytes, attributes: [])
  // A list of attributes named by the input's last byte: component counts 0, 1, 3 and huge.
  if let selector = bytes.last {
    let counts = [0, 1, 3, Int(selector) << 24, Int.max / 2]
    let descriptors = [
      AttributeDescriptor(name: "radius", dataType: .float32, valuesPerVertex: counts[Int(selector) % counts.count]),
      AttributeDescriptor(name: "vertex_types", dataType: .uint8, valuesPerVertex: 1),
    ]
    _ = try? Skeleton(precomputed: bytes, attributes: descriptors)
    compareWithView(bytes, attributes: descriptors)
  }
  // As SWC: what parses must write again and read back with as many vertices.
  if let fromSWC = try? Skeleton(swc: bytes, options: .osteoidCompatible) {
    let text = fromSWC.swc()
    precondition((try? Skeleton(swc: text))?.vertices.count == fromSWC.vertices.count, "SWC round trip lost vertices")
  }
  _ = try? SkeletonLayerInfo(json: bytes)
  return 0
}

/// The program's entry point: libFuzzer's driver, calling ``fuzz(_:_:)`` with each input.
@_cdecl("FuzzSkeleton_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  runFuzzer(argc, argv, fuzz)
}
