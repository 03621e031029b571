import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferTestSupport
import Testing

/// Every kind of value the binary layout carries.
struct Everything: Codable, Equatable {
  enum Kind: String, Codable { case axon, dendrite }
  enum Shape: Codable, Equatable {
    case point
    case sphere(radius: Double)
    case box(Float, Float, label: String?)
  }
  struct Inner: Codable, Equatable {
    var name: String
    var values: [Int16]
    var child: [Inner]
  }

  var int = Int.min
  var int8 = Int8.min
  var int16 = Int16.max
  var int32 = Int32.min
  var int64 = Int64.max
  var uint = UInt.max
  var uint8 = UInt8.max
  var uint16 = UInt16(0)
  var uint32 = UInt32.max
  var uint64 = UInt64.max
  var float = Float.leastNonzeroMagnitude
  var double = -Double.greatestFiniteMagnitude
  var nan = Double.nan
  var infinity = -Float.infinity
  var bool = true
  var string = "axon 🧠 dendrite"
  var empty = ""
  var data = Data([0, 1, 2, 255])
  var optional: UInt64? = nil
  var present: String? = "here"
  var nestedOptional: [Int?] = [1, nil, -3]
  var kind = Kind.dendrite
  var shapes: [Shape] = [.point, .sphere(radius: 2.5), .box(1, 2, label: nil), .box(3, 4, label: "b")]
  var byName: [String: [Double]] = ["a": [1, 2], "": [], "long key": [-0.0]]
  var byNumber: [Int: String] = [-7: "minus seven", 0: "zero", 1 << 40: "big"]
  var byKind: [Kind: Int] = [.axon: 1]
  var inner = Inner(name: "root", values: [1, -1], child: [Inner(name: "leaf", values: [], child: [])])
  var date = Date(timeIntervalSince1970: 1_700_000_000.25)
  var url = URL(string: "https://example.com/a?b=c")!
  var set: Set<UInt8> = [3]

  static func == (lhs: Everything, rhs: Everything) -> Bool {
    // NaN is not equal to itself: compare its bits.
    var left = lhs
    var right = rhs
    guard left.nan.bitPattern == right.nan.bitPattern else { return false }
    left.nan = 0
    right.nan = 0
    return left.isEqualIgnoringNaN(right)
  }

  private func isEqualIgnoringNaN(_ other: Everything) -> Bool {
    int == other.int && int8 == other.int8 && int16 == other.int16 && int32 == other.int32
      && int64 == other.int64 && uint == other.uint && uint8 == other.uint8 && uint16 == other.uint16
      && uint32 == other.uint32 && uint64 == other.uint64 && float == other.float && double == other.double
      && infinity == other.infinity && bool == other.bool && string == other.string && empty == other.empty
      && data == other.data && optional == other.optional && present == other.present
      && nestedOptional == other.nestedOptional && kind == other.kind && shapes == other.shapes
      && byName == other.byName && byNumber == other.byNumber && byKind == other.byKind && inner == other.inner
      && date == other.date && url == other.url && set == other.set
  }
}

struct Record: BinaryCodableMapBufferValue, Equatable {
  var pre: UInt64
  var post: UInt64
  var weight: Float
}

/// A later version of `Record`: one field more, optional.
struct RecordV2: Codable, Equatable {
  var pre: UInt64
  var post: UInt64
  var weight: Float
  var note: String?
}

/// Decodes its keys in another order than it encodes them.
struct Reordered: Codable, Equatable {
  var a: Int
  var b: String
  enum CodingKeys: String, CodingKey { case a, b }
  init(a: Int, b: String) {
    self.a = a
    self.b = b
  }
  init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    b = try container.decode(String.self, forKey: .b)
    a = try container.decode(Int.self, forKey: .a)
    #expect(container.contains(.a) && container.allKeys.count == 2)
  }
}

/// A class hierarchy through superEncoder / superDecoder.
class Base: Codable {
  var id: Int
  init(id: Int) { self.id = id }
}

final class Derived: Base, @unchecked Sendable {
  var extra: String
  init(id: Int, extra: String) {
    self.extra = extra
    super.init(id: id)
  }
  enum CodingKeys: String, CodingKey { case extra }
  required init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    extra = try container.decode(String.self, forKey: .extra)
    try super.init(from: container.superDecoder())
  }
  override func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(extra, forKey: .extra)
    try super.encode(to: container.superEncoder())
  }
}

/// A tree as deep as its input.
indirect enum Tree: Codable, Equatable {
  case leaf
  case node([Tree])

  static func chain(_ depth: Int) -> Tree {
    var tree = Tree.leaf
    for _ in 0..<depth { tree = .node([tree]) }
    return tree
  }
}

@Suite("Binary Codable")
struct BinaryCodableTests {
  let encoder = BinaryCodableEncoder()
  let decoder = BinaryCodableDecoder()

  func roundTrip<T: Codable & Equatable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let bytes = try encoder.encode(value)
    let decoded = try decoder.decode(T.self, from: bytes)
    #expect(decoded == value, "\(Self.difference(decoded, value))", sourceLocation: sourceLocation)
    let borrowed = try bytes.withUnsafeBytes { try decoder.decode(T.self, from: $0) }
    #expect(borrowed == value, sourceLocation: sourceLocation)
  }

  /// The fields whose descriptions differ, for a failure's message.
  static func difference<T>(_ left: T, _ right: T) -> String {
    let rightFields = Dictionary(
      Mirror(reflecting: right).children.map { ($0.label ?? "", String(describing: $0.value)) },
      uniquingKeysWith: { first, _ in first })
    return Mirror(reflecting: left).children.compactMap { child in
      let label = child.label ?? ""
      let description = String(describing: child.value)
      return rightFields[label] == description ? nil : "\(label): \(description) vs \(rightFields[label] ?? "-")"
    }.joined(separator: "; ")
  }

  @Test("Every kind of value round-trips")
  func everything() throws {
    try roundTrip(Everything())
    try roundTrip(Everything.Shape.box(1, 2, label: "x"))
    try roundTrip([UInt8](0...255))
    try roundTrip(Data())
    try roundTrip(Data(repeating: 7, count: 1000))
    try roundTrip([[Int]]([[], [1], [2, 3]]))
    try roundTrip(Optional<Int>.none)
    // As in JSON, an optional's nil is one nil: a double optional's inner nil reads as the outer.
    let doubleOptional: String?? = .some(.none)
    #expect(try decoder.decode(String??.self, from: encoder.encode(doubleOptional)) == .none)
    try roundTrip("")
    try roundTrip(Tree.chain(100))
  }

  @Test("Integers of every width and sign, at their edges, decode into any type they fit")
  func integers() throws {
    var values: [Int64] = [0, 1, -1, 127, 128, -128, -129, 255, 256, 32767, -32768, -32769, 65535, 65536]
    values += [Int64(Int32.max), Int64(Int32.min), Int64(UInt32.max), Int64.max, Int64.min, Int64.min + 1]
    for value in values {
      try roundTrip(value)
      let bytes = try encoder.encode(value)
      if let narrow = Int8(exactly: value) { #expect(try decoder.decode(Int8.self, from: bytes) == narrow) }
      if let narrow = Int16(exactly: value) { #expect(try decoder.decode(Int16.self, from: bytes) == narrow) }
      if let unsigned = UInt32(exactly: value) { #expect(try decoder.decode(UInt32.self, from: bytes) == unsigned) }
      if Int8(exactly: value) == nil {
        #expect(throws: BinaryCodableError.self) { try decoder.decode(Int8.self, from: bytes) }
      }
      if value < 0 {
        #expect(throws: BinaryCodableError.self) { try decoder.decode(UInt64.self, from: bytes) }
      }
    }
    for value in [UInt64.max, UInt64(Int64.max) + 1, 0] { try roundTrip(value) }
    // A small integer takes its tag and the bytes it needs.
    #expect(try encoder.encode(UInt64(0)) == Data([1, 0x10]))
    #expect(try encoder.encode(Int64(-1)) == Data([1, 0x21, 0xFF]))
    #expect(try encoder.encode(UInt16(300)) == Data([1, 0x12, 0x2C, 0x01]))
    #expect(try decoder.decode(Double.self, from: encoder.encode(Int32(-5))) == -5)
  }

  @Test("Floating-point values keep their bits; a Double that overflows Float is refused")
  func floats() throws {
    for value in [Float.pi, -0.0, .infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude] {
      try roundTrip(value)
      #expect(try decoder.decode(Double.self, from: encoder.encode(value)) == Double(value))
    }
    let nan = try decoder.decode(Double.self, from: encoder.encode(Double.nan))
    #expect(nan.isNaN)
    #expect(try decoder.decode(Float.self, from: encoder.encode(0.5 as Double)) == 0.5)
    #expect(throws: BinaryCodableError.self) { try decoder.decode(Float.self, from: encoder.encode(1e300)) }
  }

  @Test("Keys are matched in any order; absent optional keys decode as nil; a class keeps its super")
  func keys() throws {
    try roundTrip(Reordered(a: 1, b: "two"))
    let v1 = Record(pre: 1, post: 2, weight: 0.5)
    let v2 = try decoder.decode(RecordV2.self, from: encoder.encode(v1))
    #expect(v2 == RecordV2(pre: 1, post: 2, weight: 0.5, note: nil))
    #expect(try decoder.decode(Record.self, from: encoder.encode(v2)) == v1)
    let derived = try decoder.decode(Derived.self, from: encoder.encode(Derived(id: 4, extra: "e")))
    #expect(derived.id == 4 && derived.extra == "e")
  }

  @Test("Errors name the code, the path and the byte")
  func errors() throws {
    let bytes = try encoder.encode(Record(pre: 1, post: 300, weight: 0))
    struct Narrow: Codable {
      var pre: UInt64
      var post: UInt8
    }
    do {
      _ = try decoder.decode(Narrow.self, from: bytes)
      Issue.record("no error")
    } catch let error as BinaryCodableError {
      #expect(error.code == .valueOutOfRange)
      #expect(error.codingPath == ["post"])
      #expect(error.description.contains("post"))
    }
    struct Missing: Codable { var absent: Int }
    #expect(throws: BinaryCodableError.self) { try decoder.decode(Missing.self, from: bytes) }
    do {
      _ = try decoder.decode(
        [Record].self,
        from: encoder.encode([Record(pre: 1, post: 2, weight: 3), Record(pre: 1, post: 2, weight: 3)]) + Data([0]))
      Issue.record("no error")
    } catch let error as BinaryCodableError {
      #expect(error.code == .trailingBytes)
    }
    do {
      _ = try decoder.decode([String].self, from: encoder.encode([1, 2]))
      Issue.record("no error")
    } catch let error as BinaryCodableError {
      #expect(error.code == .typeMismatch)
      #expect(error.pathDescription == "[0]")
    }
    #expect(throws: BinaryCodableError.self) { try decoder.decode(Int.self, from: Data()) }
    #expect(throws: BinaryCodableError.self) { try decoder.decode(Int.self, from: Data([2, 0x10])) }
    #expect(throws: BinaryCodableError.self) { try decoder.decode(String.self, from: Data([1, 0x40, 2, 0xC3, 0x28])) }
  }

  @Test("Nesting past the decoder's depth limit throws instead of exhausting the stack")
  func depth() throws {
    let bytes = try encoder.encode(Tree.chain(300))
    do {
      _ = try decoder.decode(Tree.self, from: bytes)
      Issue.record("no error")
    } catch let error as BinaryCodableError {
      #expect(error.code == .depthLimitExceeded)
    }
    var deep = decoder
    deep.maximumDepth = 1000
    #expect(try deep.decode(Tree.self, from: bytes) == Tree.chain(300))
  }

  @Test("Every truncation and every damaged byte throws or decodes; none traps")
  func corrupted() throws {
    let value = Everything()
    let bytes = try encoder.encode(value)
    for count in 0..<bytes.count {
      #expect(throws: BinaryCodableError.self) { try decoder.decode(Everything.self, from: bytes.prefix(count)) }
    }
    var generator = SeededGenerator(seed: 17)
    for offset in 0..<bytes.count {
      for _ in 0..<3 {
        var damaged = bytes
        damaged[offset] = UInt8.random(in: 0...255, using: &generator)
        _ = try? decoder.decode(Everything.self, from: damaged)
      }
    }
    // Random bytes after a valid version byte.
    for _ in 0..<2000 {
      let count = Int.random(in: 1...64, using: &generator)
      var random = Data([1])
      for _ in 0..<count { random.append(UInt8.random(in: 0...255, using: &generator)) }
      _ = try? decoder.decode(Everything.self, from: random)
      _ = try? decoder.decode([String: [Int?]].self, from: random)
      _ = try? decoder.decode(Tree.self, from: random)
    }
    // Lengths and counts larger than the bytes are refused before anything is allocated.
    let hugeString = Data([1, 0x40, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
    #expect(throws: BinaryCodableError.self) { try decoder.decode(String.self, from: hugeString) }
    let hugeCount = Data([1, 0x50, 0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
    #expect(throws: BinaryCodableError.self) { try decoder.decode([Int].self, from: hugeCount) }
    let overlong = Data([1, 0x40] + [UInt8](repeating: 0x80, count: 12) + [0])
    #expect(throws: BinaryCodableError.self) { try decoder.decode(String.self, from: overlong) }
  }

  @Test("A decoder kept past its decode stops reading the borrowed bytes")
  func escapedDecoder() throws {
    final class Keeper: Decodable, @unchecked Sendable {
      let decoder: any Decoder
      init(from decoder: any Decoder) throws { self.decoder = decoder }
    }
    let bytes = try encoder.encode(["a": 1])
    let keeper = try bytes.withUnsafeBytes { try decoder.decode(Keeper.self, from: $0) }
    do {
      _ = try keeper.decoder.container(keyedBy: AnyKey.self)
      Issue.record("an expired decoder read")
    } catch let error as BinaryCodableError {
      #expect(error.code == .decoderExpired)
    }
  }

  @Test("Typed maps store binary Codable values, borrowed or through Data, and through a codec")
  func typedMaps() throws {
    let values: [UInt64: Record] = [1: Record(pre: 1, post: 2, weight: 3), 99: Record(pre: 9, post: 8, weight: -1)]
    for compression in [MapBuffer.Compression.none, .zstd] {
      let typed = try TypedMapBuffer(encoding: values, compression: compression)
      #expect(try typed[1] == values[1])
      #expect(try typed[99] == values[99])
      #expect(try typed[2] == nil)
      #expect(try typed.dictionary() == values)
    }
    let wrapped = try TypedMapBuffer(encoding: [7: BinaryCodableValue(["axon": 3])])
    #expect(try wrapped[7]?.value == ["axon": 3])
    struct Plain: Codable, Equatable { var name: String }
    let codec = MapBufferValueCodec<Plain>.binaryCodable()
    let plain = try TypedMapBuffer(encoding: [3: Plain(name: "soma")], codec: codec)
    #expect(try plain[3] == Plain(name: "soma"))
    // Bytes that are not the layout fail naming the key.
    let strings = try TypedMapBuffer<String>.encode([5: "not binary"])
    do {
      _ = try TypedMapBuffer<Record>(strings)[5]
      Issue.record("no error")
    } catch let error as TypedMapBufferError {
      #expect(error.key == 5)
      #expect(error.underlying is BinaryCodableError)
    }
  }
}

struct AnyKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}
