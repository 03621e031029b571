/// The Eytzinger (breadth-first) layout of a sorted array, as the index of both formats uses it.
///
/// Index position `p` (0-based) holds the element that an in-order walk of the implicit binary
/// tree places at node `k = p + 1`, whose children are `2k` and `2k + 1`. Nothing here reads
/// memory: callers supply the label at a position, so one search serves in-memory indexes,
/// positional reads and remote indexes.
package enum Eytzinger {
  /// The index position of `key`, or `nil`, in an index of `count` labels read by `label`.
  ///
  /// The reference's branch-free descent: walk down comparing, then drop the trailing
  /// right turns and one more step to reach the last node where the walk went left.
  @inline(__always)
  package static func position(
    of key: UInt64, count: Int, label: (Int) throws -> UInt64
  ) rethrows -> Int? {
    var node = 1
    while node <= count {
      node = 2 &* node &+ (try label(node &- 1) < key ? 1 : 0)
    }
    node >>= (~node).trailingZeroBitCount &+ 1
    guard node != 0, try label(node &- 1) == key else { return nil }
    return node &- 1
  }

  /// The index position holding the smallest label, or `nil` when `count` is 0.
  package static func firstPosition(count: Int) -> Int? {
    guard count > 0 else { return nil }
    var node = 1
    while 2 * node <= count { node *= 2 }
    return node - 1
  }

  /// The index position holding the next larger label after `position`, or `nil` after the largest.
  package static func position(after position: Int, count: Int) -> Int? {
    var node = position + 1
    if 2 * node + 1 <= count {
      node = 2 * node + 1
      while 2 * node <= count { node *= 2 }
    } else {
      while node & 1 == 1 { node >>= 1 }
      node >>= 1
    }
    return node == 0 ? nil : node - 1
  }

  /// Calls `body` with every index position and the rank (0-based, ascending) of the label it
  /// holds, in rank order: the in-order walk of the tree, without recursion.
  @inline(__always)
  package static func forEachInOrder(count: Int, _ body: (_ position: Int, _ rank: Int) throws -> Void) rethrows {
    var rank = 0
    var position = firstPosition(count: count)
    while let current = position {
      try body(current, rank)
      rank += 1
      position = self.position(after: current, count: count)
    }
    precondition(rank == count, "in-order walk visited \(rank) of \(count) nodes")
  }

  /// For each index position, the rank (0-based, ascending) of the label it holds.
  ///
  /// `ranks[p] == r` means position `p` holds the `r`-th smallest label.
  package static func ranks(count: Int) -> [Int] {
    [Int](unsafeUninitializedCapacity: count) { buffer, initialized in
      forEachInOrder(count: count) { position, rank in buffer[position] = rank }
      initialized = count
    }
  }
}
