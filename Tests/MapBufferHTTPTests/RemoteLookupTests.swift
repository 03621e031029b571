// The MapBufferHTTP tests: compiled only with the package's HTTP trait (Scripts/test enables it).
#if HTTP

import Foundation
import MapBuffer
import MapBufferCodable
import MapBufferHTTP
import MapBufferTestSupport
import SkeletonModel
import Testing

/// Lookups over HTTP against nginx, with the requests counted from its access log.
@Suite("Remote lookups")
struct RemoteLookupTests {
  @Test("Cold: one request opens a small map; one exact range request per item; an absent key costs none")
  func coldLookupsOneRequestEach() async throws {
    let server = try NginxServer()
    // 300 items of 1,000 bytes: the index (4,800 bytes) fits the first 64 KiB request, most items do not.
    let (bytes, values) = try sampleMap(count: 300, valueBytes: 1000)
    let url = try server.publish(bytes, at: "cells.mb")

    let remote = try await RemoteMapBuffer(url: url, configuration: testConfiguration())
    #expect(remote.count == 300)
    #expect(remote.byteCount == bytes.count)
    var requests = await server.requests()
    #expect(requests.map(\.range) == ["bytes=0-65535"])
    #expect(requests.map(\.status) == [206])

    // Three items past the first 64 KiB, and one inside it, which costs no request.
    let keys = try values.keys.sorted().filter { try storedRange(of: $0, in: bytes).lowerBound >= 65536 }.prefix(3)
    let inside = try #require(try values.keys.first { try storedRange(of: $0, in: bytes).upperBound <= 65536 })
    #expect(try await remote[inside] == values[inside])
    for key in keys {
      #expect(try await remote[key] == values[key])
    }
    #expect(try await remote[5] == nil)  // no such key
    #expect(try remote.contains(keys.first!))
    requests = await server.requests()
    let expected = try keys.map { rangeHeader(try storedRange(of: $0, in: bytes)) }
    #expect(requests.dropFirst().map(\.range) == expected)
    #expect(requests.dropFirst().allSatisfy { $0.status == 206 && $0.ifMatch != nil })
    #expect(answeredRequestCount(remote.statistics) == 4)
  }

  @Test("An index past the first request costs exactly one more request")
  func largeIndexTwoRequests() async throws {
    let server = try NginxServer()
    let (bytes, values) = try sampleMap(count: 1000, valueBytes: 20)  // index: 16,000 bytes
    let url = try server.publish(bytes, at: "big-index.mb")
    let remote = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 4096))
    let requests = await server.requests()
    #expect(requests.map(\.range) == ["bytes=0-4095", "bytes=4096-16015"])
    #expect(try await remote[9990] == values[9990])
    #expect(await server.requests().count == 3)
  }

  @Test("Items inside the bytes the first request brought cost no request")
  func smallMapServedFromPrefix() async throws {
    let server = try NginxServer()
    let (bytes, values) = try sampleMap(count: 50, valueBytes: 100)
    let url = try server.publish(bytes, at: "small.mb")
    let remote = try await RemoteMapBuffer(url: url, configuration: testConfiguration())
    for (key, value) in values {
      #expect(try await remote[key] == value)
    }
    #expect(await server.requests().count == 1)
  }

  @Test(
    "Every codec and both format versions read remotely as they read locally", arguments: MapBuffer.Compression.allCases
  )
  func everyCodec(compression: MapBuffer.Compression) async throws {
    let server = try NginxServer()
    for version in MapBuffer.FormatVersion.allCases {
      let (bytes, values) = try sampleMap(count: 120, valueBytes: 900, compression: compression, formatVersion: version)
      let url = try server.publish(bytes, at: "codec-\(version).mb")
      let remote = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 2048))
      #expect(remote.compression == compression)
      #expect(remote.formatVersion == version)
      for key in values.keys.sorted().prefix(12) {
        #expect(try await remote[key] == values[key])
      }
      let local = try MapBuffer(bytes)
      #expect(try await remote.storedBytes(forKey: 10) == (try local.storedBytes(forKey: 10)))
    }
  }

  @Test("The reference's files read remotely as they read locally")
  func referenceVectors() async throws {
    let server = try NginxServer()
    for name in ["large-none", "large-gzip", "large-br", "large-zstd", "large-lzma", "edge-keys-zstd"] {
      let bytes = try Fixtures.data("mapbuffer/\(name).mb")
      let url = try server.publish(bytes, at: "\(name).mb")
      let remote = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 1024))
      let local = try MapBuffer(bytes)
      let keys = local.keys
      #expect(remote.keys == keys)
      let remoteValues = try await remote.values(forKeys: keys)
      #expect(remoteValues == (try local.values(forKeys: keys)), "\(name)")
    }
  }

  @Test("A skeleton fragment file written by the reference reads remotely: typed, one request per fragment")
  func skeletonFragmentsRemotely() async throws {
    let server = try NginxServer()
    let fixture = Fixtures.url("skeleton/fragments-br.frags")
    let url = try server.publish(try Data(contentsOf: fixture), at: "fragments/0_0_0.frags")
    let local = try TypedMapBuffer<Skeleton>(contentsOf: fixture)
    let remote = RemoteTypedMapBuffer<Skeleton>(
      try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 256)))
    let labels = local.keys
    #expect(remote.keys == labels)
    server.clearLog()
    for label in labels {
      let skeleton = try #require(try await remote[label])
      #expect(skeleton == (try local[label]))
      #expect(skeleton.cableLength > 0)
    }
    #expect(await server.requests().count == labels.count)
  }

  @Test("Typed JSON values read remotely with the same codec as locally")
  func typedJSON() async throws {
    struct Cell: Codable, Equatable, Sendable {
      var label: UInt64
      var name: String
    }
    let server = try NginxServer()
    let cells = Dictionary(
      uniqueKeysWithValues: (0..<40).map { (UInt64($0), Cell(label: UInt64($0), name: "cell \($0)")) })
    let bytes = try TypedMapBuffer<Cell>.encode(cells, codec: .json(), writer: MapBufferWriter(compression: .zstd))
    let url = try server.publish(bytes, at: "cells.json.mb")
    let remote = RemoteTypedMapBuffer(try await RemoteMapBuffer(url: url), codec: MapBufferValueCodec<Cell>.json())
    #expect(try await remote[7] == cells[7])
    #expect(try await remote.values(forKeys: [3, 99, 39]) == [cells[3], nil, cells[39]])
    let text = RemoteTypedMapBuffer<String>(remote.map)
    await #expect(throws: TypedMapBufferError.self) { try await RemoteTypedMapBuffer<Skeleton>(remote.map)[1] }
    #expect(try await text[1]?.contains("cell 1") == true)
  }

  @Test("Concurrent lookups through one map all give the right values")
  func concurrentLookups() async throws {
    let server = try NginxServer()
    let (bytes, values) = try sampleMap(count: 400, valueBytes: 700, compression: .gzip)
    let url = try server.publish(bytes, at: "concurrent.mb")
    // The first request covers the header and index exactly: every item costs one request.
    let remote = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 16 + 400 * 16))
    let keys = Array(values.keys)
    let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
      for worker in 0..<8 {
        group.addTask {
          var wrong = 0
          for key in keys.enumerated().filter({ $0.offset % 8 == worker }).map(\.element).prefix(25) {
            if try await remote[key] != values[key] { wrong += 1 }
          }
          return wrong
        }
      }
      return try await group.reduce(0, +)
    }
    #expect(mismatches == 0)
    #expect(await server.requests().count == 1 + 8 * 25)
  }

  @Test("Deep validation and download read every byte in large ranges; a corrupt item is found by key")
  func validateAndDownload() async throws {
    let server = try NginxServer()
    var (bytes, _) = try sampleMap(count: 500, valueBytes: 1000, compression: .zstd)
    let url = try server.publish(bytes, at: "whole.mb")
    let remote = try await RemoteMapBuffer(url: url, configuration: testConfiguration(initialFetch: 16 + 500 * 16))
    try await remote.validate(.shallow)
    #expect(await server.requests().count == 1)
    try await remote.validate(.deep)
    let folder = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let copy = folder.appendingPathComponent("copy.mb")
    try await remote.download(to: copy)
    #expect(try Data(contentsOf: copy) == bytes)
    // The deep validation and the download: one request each for a map under 8 MiB.
    #expect(await server.requests().count == 3)

    let victim = try storedRange(of: 2500, in: bytes)
    bytes[victim.lowerBound + 3] ^= 0x40
    let damaged = try server.publish(bytes, at: "damaged.mb")
    let corrupt = try await RemoteMapBuffer(url: damaged, configuration: testConfiguration(initialFetch: 4096))
    for attempt in ["validate", "lookup"] {
      do {
        if attempt == "validate" { try await corrupt.validate(.deep) } else { _ = try await corrupt[2500] }
        Issue.record("a damaged item went unnoticed by \(attempt)")
      } catch let error as MapBufferError {
        guard case .checksumMismatch(let key, _, _, _) = error.reason else {
          Issue.record("\(attempt): \(error)")
          continue
        }
        #expect(key == 2500)
      }
    }
  }
}

#endif
