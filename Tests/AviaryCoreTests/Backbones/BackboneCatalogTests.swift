@testable import AviaryCore
import AviaryNN
import AviaryStore
import AviaryTensor
import AviaryTestSupport
import Foundation
import Testing

@Suite struct BackboneCatalogTests {
    static func catalog() throws -> BackboneCatalog {
        let directory = TemporaryDirectory()
        return BackboneCatalog(metadata: try SQLiteMetadataStore(path: directory.file("aviary.sqlite").path),
                               blobs: try FileSystemBlobStore(root: directory.file("blobs")))
    }

    static func sample(_ catalog: BackboneCatalog, name: String = "tiny", bytes: String = "weights") throws -> Backbone {
        let blob = try catalog.blobs.put(Data(bytes.utf8))
        return Backbone(name: name, source: .onnx, weights: blob.id, size: blob.size, preprocessing: .imageNet(),
                        featureDimension: 8, inputName: "x", featureOutput: "f", origin: "tiny.onnx",
                        addedAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    @Test func aZooNameNotPulledSaysHowToPullIt() async throws {
        let catalog = try Self.catalog()
        await #expect(throws: BackboneError.notPulled(name: "efficientnet-lite0")) { try await catalog.resolve("efficientnet-lite0") }
        #expect(BackboneError.notPulled(name: "efficientnet-lite0").description
            == "backbone 'efficientnet-lite0' is not in this project yet: run `aviary backbone pull efficientnet-lite0`")
    }

    @Test func anUnknownNameListsTheKnownOnes() async throws {
        let catalog = try Self.catalog()
        try await catalog.register(try Self.sample(catalog))
        await #expect(throws: BackboneError.unknown(name: "resnet", known: ["efficientnet-lite0", "tiny"])) { try await catalog.resolve("resnet") }
    }

    @Test func registersOnceAndRefusesOtherWeightsUnderATakenName() async throws {
        let catalog = try Self.catalog()
        let backbone = try Self.sample(catalog)
        #expect(try await catalog.register(backbone).isNew)
        #expect(try await catalog.register(backbone).isNew == false)
        #expect(try await catalog.resolve("tiny") == backbone)
        #expect(try await catalog.list() == [backbone])
        let record = try #require(try await catalog.metadata.record(kind: "backbone", id: "tiny"))
        #expect(record.blobs == [backbone.weights])
        let other = try Self.sample(catalog, bytes: "other weights")
        await #expect(throws: BackboneError.nameTaken(name: "tiny")) { try await catalog.register(other) }
    }

    @Test func refusesNamesThatAreNotSafeIdentifiers() throws {
        #expect(throws: BackboneError.self) { try BackboneCatalog.validate(name: "../up") }
        #expect(throws: BackboneError.self) { try BackboneCatalog.validate(name: "-flag") }
        #expect(throws: BackboneError.self) { try BackboneCatalog.validate(name: "") }
        try BackboneCatalog.validate(name: "mobilenet_v3.small-1")
    }

    @Test func missingWeightsAreReportedByName() async throws {
        let catalog = try Self.catalog()
        var backbone = try Self.sample(catalog)
        backbone.weights = BlobID.digest(of: Data("never stored".utf8))
        try await catalog.register(backbone)
        await #expect(throws: BackboneError.weightsMissing(name: "tiny", blob: backbone.weights.description)) { try await catalog.resolve("tiny") }
    }
}
