import Testing

@testable import MapBuffer

@Suite("Eytzinger layout")
struct EytzingerTests {
  /// Lays out `sorted` in Eytzinger order the way the writer does.
  func layout(_ sorted: [UInt64]) -> [UInt64] {
    Eytzinger.ranks(count: sorted.count).map { sorted[$0] }
  }

  @Test("Small layouts match FORMAT.md")
  func smallLayouts() {
    #expect(layout([]) == [])
    #expect(layout([5]) == [5])
    #expect(layout([1, 2]) == [2, 1])
    #expect(layout([1, 2, 3]) == [2, 1, 3])
    #expect(layout(Array(1...7)) == [4, 2, 6, 1, 3, 5, 7])
    #expect(layout(Array(1...8)) == [5, 3, 7, 2, 4, 6, 8, 1])
  }

  @Test(
    "Search finds every present key and no absent one", arguments: [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 100, 1000])
  func search(count: Int) {
    let sorted = (0..<count).map { UInt64($0) * 2 + 1 }
    let index = layout(sorted)
    for (position, key) in index.enumerated() {
      #expect(Eytzinger.position(of: key, count: count) { index[$0] } == position)
    }
    for absent in sorted.map({ $0 - 1 }) + [UInt64(2 * count + 1), .max] {
      #expect(Eytzinger.position(of: absent, count: count) { index[$0] } == nil)
    }
  }

  @Test("Search compares keys as unsigned 64-bit integers")
  func unsignedKeys() {
    let sorted: [UInt64] = [0, 1, 1 << 32, (1 << 63) - 1, 1 << 63, .max]
    let index = layout(sorted)
    for key in sorted {
      #expect(Eytzinger.position(of: key, count: index.count) { index[$0] }.map { index[$0] } == key)
    }
    #expect(Eytzinger.position(of: (1 << 63) + 1, count: index.count) { index[$0] } == nil)
  }

  @Test(
    "The in-order walk visits every position once, in ascending order",
    arguments: Array(0...70) + [1000, 4095, 4096, 4097])
  func inOrderWalk(count: Int) {
    let sorted = (0..<count).map(UInt64.init)
    let index = layout(sorted)
    var visited: [UInt64] = []
    var position = Eytzinger.firstPosition(count: count)
    while let current = position {
      visited.append(index[current])
      position = Eytzinger.position(after: current, count: count)
    }
    #expect(visited == sorted)
  }
}
