import Foundation
import MapBufferTestSupport
import SkeletonModel
import Testing

/// The SWC dialects real files use, each on its own: what MorphIO and NeuroM accept and osteoid refuses.
@Suite("SWC dialects")
struct SWCDialectTests {
  @Test("Ids from 0 (Allen Institute exports), sparse ids and parents after children")
  func idsFromZero() throws {
    let skeleton = try Skeleton(swc: "#n,type,x,y,z,radius,parent\n0 1 0 0 0 5 -1\n1 3 1 0 0 1 0\n2 3 2 0 0 1 1\n")
    #expect(skeleton.vertices.count == 3)
    #expect(skeleton.edges == [Edge(1, 0), Edge(2, 1)])
    let sparse = try Skeleton(swc: "900 3 2 0 0 1 7\n7 1 0 0 0 5 -1\n31 3 5 0 0 1 900\n")
    #expect(sparse.edges == [Edge(0, 1), Edge(2, 0)])
    #expect(sparse.cableLength == 5)
  }

  @Test("A # starts a comment anywhere on a line; blank lines, tabs, runs of spaces, CRLF and a BOM are accepted")
  func commentsAndBlanks() throws {
    let text = "\u{FEFF}# header\r\n\r\n  1\t1  0 0 0\t1 -1   # soma\r\n 2 3 3 4 0 1 1# no space\r\n\t\r\n"
    let skeleton = try Skeleton(swc: text)
    #expect(skeleton.vertices == [Vertex(0, 0, 0), Vertex(3, 4, 0)])
    #expect(skeleton.vertexTypes == [1, 3])
    #expect(skeleton.cableLength == 5)
    // The same bytes as Data and from a file.
    #expect(try Skeleton(swc: Data(text.utf8)) == skeleton)
  }

  @Test("Any negative parent marks a root; several roots make a forest")
  func negativeParents() throws {
    let skeleton = try Skeleton(swc: "1 1 0 0 0 1 -1\n2 3 1 0 0 1 1\n3 2 9 9 9 1 -2\n4 2 9 9 8 1 3\n5 0 0 0 0 1 -100\n")
    #expect(skeleton.edges == [Edge(1, 0), Edge(3, 2)])
    #expect(skeleton.connectedComponentCount() == 3)
  }

  @Test("Columns after the seventh are ignored, as MorphIO ignores them")
  func extraColumns() throws {
    let skeleton = try Skeleton(swc: "1 1 0 0 0 1 -1 0.5 extra\n2 3 1 0 0 1 1 7\n")
    #expect(skeleton.edges == [Edge(1, 0)])
    #expect(skeleton.radii == [1, 1])
  }

  @Test("A radius that is not a number: an error naming line and column, or the value the caller chooses")
  func unparsableRadius() throws {
    let text = "1 1 0 0 0 2 -1\n2 3 1 0 0 NA 1\n3 3 2 0 0 N/A 2\n"
    #expect(throws: SkeletonError.invalidSWC(line: 2, reason: "column 6 (radius) 'NA' is not a number")) {
      try Skeleton(swc: text)
    }
    let osteoidLike = try Skeleton(swc: text, options: .osteoidCompatible)
    #expect(osteoidLike.radii == [2, -1, -1])
    let zero = try Skeleton(swc: text, options: Skeleton.SWCReadingOptions(unparsableRadius: .substitute(0)))
    #expect(zero.radii == [2, 0, 0])
    // Coordinates are never substituted.
    #expect(throws: SkeletonError.invalidSWC(line: 1, reason: "column 4 (y) 'NA' is not a number")) {
      try Skeleton(swc: "1 1 0 NA 0 2 -1\n", options: .osteoidCompatible)
    }
  }

  @Test("A repeated id, a missing parent and a cycle name their line")
  func structuralErrors() {
    #expect(throws: SkeletonError.invalidSWC(line: 3, reason: "id 1 is repeated: line 1 has it already")) {
      try Skeleton(swc: "1 1 0 0 0 1 -1\n2 3 0 0 0 1 1\n1 3 0 0 0 1 2\n")
    }
    #expect(throws: SkeletonError.invalidSWC(line: 2, reason: "parent id 9 is not in the file")) {
      try Skeleton(swc: "1 1 0 0 0 1 -1\n2 3 0 0 0 1 9\n")
    }
    #expect(
      throws: SkeletonError.invalidSWC(
        line: 3, reason: "samples form a cycle of 3 parents: following parents never reaches a root")
    ) {
      try Skeleton(swc: "1 1 0 0 0 1 -1\n2 3 0 0 0 1 1\n5 3 0 0 0 1 7\n6 3 0 0 0 1 5\n7 3 0 0 0 1 6\n")
    }
  }

  @Test("A long chain given children first is checked without recursion")
  func longChain() throws {
    let count = 200_000
    var text = ""
    for id in stride(from: count, through: 1, by: -1) {
      text += "\(id) 3 \(id) 0 0 1 \(id == 1 ? -1 : id - 1)\n"
    }
    let skeleton = try Skeleton(swc: text)
    #expect(skeleton.edges.count == count - 1)
    #expect(skeleton.connectedComponentCount() == 1)
  }
}
