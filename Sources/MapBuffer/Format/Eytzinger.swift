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
  /// right turns and one more step to reach the last node where the walk went left. The one
  /// search of the package: lookups in memory, in a copied index and in an IntMap use it, and
  /// the batch lookup interleaves its two steps, ``child(of:label:key:)`` and
  /// ``candidate(afterDescentTo:)``.
  ///
  /// - Parameter prefetch: called with node `k` (1-based) before its label is compared when
  ///   its four grandchildren exist, so that a caller in memory can ask for the 64-byte line at
  ///   byte `64 * k` that holds them.
  @inline(__always)
  package static func position(
    of key: UInt64, count: Int, label: (Int) throws -> UInt64, prefetch: (Int) -> Void = { _ in }
  ) rethrows -> Int? {
    var node = 1
    while node <= count {
      if 4 &* node <= count { prefetch(node) }
      node = child(of: node, label: try label(node &- 1), key: key)
    }
    node = candidate(afterDescentTo: node)
    guard node != 0, try label(node &- 1) == key else { return nil }
    return node &- 1
  }

  /// One step of the descent: the child of tree node `node` (1-based) whose label is `label`
  /// toward `key`.
  @inline(__always)
  package static func child(of node: Int, label: UInt64, key: UInt64) -> Int {
    2 &* node &+ (label < key ? 1 : 0)
  }

  /// The node whose label is the only candidate for the key, once the descent has fallen off
  /// the tree at `node`: the last node where the walk went left, or 0 when it never did.
  @inline(__always)
  package static func candidate(afterDescentTo node: Int) -> Int {
    node >> ((~node).trailingZeroBitCount &+ 1)
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

  /// The index position holding the largest label, or `nil` when `count` is 0.
  package static func lastPosition(count: Int) -> Int? {
    guard count > 0 else { return nil }
    var node = 1
    while 2 * node + 1 <= count { node = 2 * node + 1 }
    return node - 1
  }

  /// The index position holding the next smaller label before `position`, or `nil` before the smallest.
  package static func position(before position: Int, count: Int) -> Int? {
    var node = position + 1
    if 2 * node <= count {
      node = 2 * node
      while 2 * node + 1 <= count { node = 2 * node + 1 }
    } else {
      while node & 1 == 0 { node >>= 1 }
      node >>= 1
    }
    return node == 0 ? nil : node - 1
  }

  /// The index position holding the label of rank `rank` (0-based, ascending), in O(log count):
  /// a descent that counts the nodes of each left subtree.
  package static func position(ofRank rank: Int, count: Int) -> Int {
    precondition(rank >= 0 && rank < count, "rank \(rank) outside 0..<\(count)")
    var node = 1
    var remaining = rank
    while true {
      let left = subtreeSize(of: 2 * node, count: count)
      if remaining < left {
        node = 2 * node
      } else if remaining == left {
        return node - 1
      } else {
        remaining -= left + 1
        node = 2 * node + 1
      }
    }
  }

  /// The number of nodes in the subtree rooted at `node` (1-based) of a tree of `count` nodes.
  private static func subtreeSize(of node: Int, count: Int) -> Int {
    var size = 0
    var first = node
    var last = node
    while first <= count {
      size += min(last, count) - first + 1
      first = 2 * first
      last = 2 * last + 1
    }
    return size
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
