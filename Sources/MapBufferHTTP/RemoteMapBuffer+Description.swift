// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import Foundation
import MapBuffer

extension RemoteMapBuffer: CustomStringConvertible {
  /// A one-line summary, the URL's query (a presigned URL's signature) left out:
  /// `RemoteMapBuffer(https://example.org/cells.mb, 2 keys, codec br, format version 1, 83 bytes)`.
  public var description: String {
    "RemoteMapBuffer(\(url.redactedForDisplay), \(count == 1 ? "1 key" : "\(count) keys"), codec \(compression), "
      + "format version \(formatVersion), \(byteCount == 1 ? "1 byte" : "\(byteCount) bytes"))"
  }
}

extension RemoteTypedMapBuffer: CustomStringConvertible {
  /// A one-line summary: `RemoteTypedMapBuffer<Skeleton>(https://…, 64 keys, …)`.
  public var description: String {
    "RemoteTypedMapBuffer<\(Value.self)>" + String(map.description.dropFirst("RemoteMapBuffer".count))
  }
}

#endif
