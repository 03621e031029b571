// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

/// A parsed `Content-Range` header: `bytes FIRST-LAST/TOTAL`, or `bytes */TOTAL` in a 416.
struct ContentRange: Equatable {
  /// The bytes the body holds, or `nil` for the unsatisfied form `bytes */TOTAL`.
  var range: Range<Int>?
  /// The object's whole size, or `nil` when the server wrote `*`.
  var totalSize: Int?

  /// Parses `header`, or returns `nil` for anything malformed (including a range whose last byte
  /// precedes its first, or lies past the total).
  init?(_ header: String) {
    let trimmed = header.trimmingCharacters(in: .whitespaces)
    guard trimmed.lowercased().hasPrefix("bytes ") else { return nil }
    let spec = trimmed.dropFirst(6).trimmingCharacters(in: .whitespaces)
    guard let slash = spec.firstIndex(of: "/") else { return nil }
    let rangePart = spec[..<slash]
    let totalPart = spec[spec.index(after: slash)...]
    if totalPart == "*" {
      totalSize = nil
    } else {
      guard let total = Self.number(totalPart) else { return nil }
      totalSize = total
    }
    if rangePart == "*" {
      guard totalSize != nil else { return nil }
      range = nil
      return
    }
    let bounds = rangePart.split(separator: "-", omittingEmptySubsequences: false)
    guard bounds.count == 2, let first = Self.number(bounds[0]), let last = Self.number(bounds[1]),
      first <= last, last < Int.max
    else { return nil }
    if let totalSize, last >= totalSize { return nil }
    range = first..<(last + 1)
  }

  /// A non-negative decimal number of at most 18 digits (so that it fits an `Int`), or `nil`.
  private static func number(_ text: Substring) -> Int? {
    guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return Int(text)
  }
}

import Foundation

#endif
