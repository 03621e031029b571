// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

import MapBuffer

/// Groups item ranges into fewer, larger requests.
enum RangeCoalescing {
  /// Items fetched by one request.
  struct Group: Sendable, Equatable {
    /// The bytes the request asks for: from the first member's start to the last member's end.
    var range: Range<Int>
    /// The items inside `range`.
    var members: [ItemLocation]
  }

  /// Sorts `locations` by offset and groups neighbours: an item joins the group before it when
  /// the bytes between them are at most `gap` and the group would span at most `maximumLength`
  /// (an item longer than that is a group by itself). An item overlapping the group before it
  /// (only a damaged index has such) starts a group of its own. Empty items are left out: they
  /// need no bytes.
  static func groups(of locations: [ItemLocation], gap: Int, maximumLength: Int) -> [Group] {
    let sorted = locations.filter { !$0.range.isEmpty }.sorted { $0.range.lowerBound < $1.range.lowerBound }
    var groups: [Group] = []
    for location in sorted {
      if var last = groups.last,
        location.range.lowerBound >= last.range.upperBound,
        location.range.lowerBound - last.range.upperBound <= gap,
        location.range.upperBound - last.range.lowerBound <= maximumLength
      {
        last.range = last.range.lowerBound..<location.range.upperBound
        last.members.append(location)
        groups[groups.count - 1] = last
      } else {
        groups.append(Group(range: location.range, members: [location]))
      }
    }
    return groups
  }
}

#endif
