// Without the package's HTTP trait, MapBufferHTTP is empty but for these names, which explain
// how to turn it on instead of leaving the compiler to say that nothing is there.
#if !HTTP

/// Remote maps need the package's `HTTP` trait, which brings in AsyncHTTPClient:
/// `.package(url: "…/mapbuffer-swift", from: "…", traits: ["HTTP"])`.
@available(
  *, unavailable,
  message: "MapBufferHTTP needs the MapBuffer package's HTTP trait: .package(url: …, from: …, traits: [\"HTTP\"])"
)
public struct RemoteMapBuffer {}

/// Remote typed maps need the package's `HTTP` trait, which brings in AsyncHTTPClient:
/// `.package(url: "…/mapbuffer-swift", from: "…", traits: ["HTTP"])`.
@available(
  *, unavailable,
  message: "MapBufferHTTP needs the MapBuffer package's HTTP trait: .package(url: …, from: …, traits: [\"HTTP\"])"
)
public struct RemoteTypedMapBuffer<Value> {}

#endif
