// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import Foundation

extension URL {
  /// Whether `other` has this URL's origin: the same scheme, host and port (a missing port being
  /// the scheme's default). Credentials configured for one origin are sent to no other.
  func hasSameOrigin(as other: URL) -> Bool {
    guard let scheme = scheme?.lowercased(), let host = host?.lowercased() else { return false }
    return scheme == other.scheme?.lowercased() && host == other.host?.lowercased()
      && effectivePort == other.effectivePort
  }

  /// The port, or the scheme's default one (80 for `http`, 443 for `https`).
  private var effectivePort: Int? {
    port ?? (scheme?.lowercased() == "https" ? 443 : scheme?.lowercased() == "http" ? 80 : nil)
  }
}

#endif
