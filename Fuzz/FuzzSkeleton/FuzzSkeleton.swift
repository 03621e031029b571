// libFuzzer target: decoding a skeleton in the precomputed encoding (osteoid's default
// attributes, none, and a custom list chosen by the input), then re-encoding what decoded; the
// same bytes read as SWC text and as a skeleton layer's info JSON.
// Any trap is a finding; thrown errors are not.
import Foundation
import FuzzSupport
import SkeletonModel

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
  // A list of attributes named by the input's last byte: component counts 0, 1, 3 and huge.
  if let selector = bytes.last {
    let counts = [0, 1, 3, Int(selector) << 24, Int.max / 2]
    let descriptors = [
      AttributeDescriptor(name: "radius", dataType: .float32, valuesPerVertex: counts[Int(selector) % counts.count]),
      AttributeDescriptor(name: "vertex_types", dataType: .uint8, valuesPerVertex: 1),
    ]
    _ = try? Skeleton(precomputed: bytes, attributes: descriptors)
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
