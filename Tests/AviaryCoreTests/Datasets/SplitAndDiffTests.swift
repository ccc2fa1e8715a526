import AviaryCore
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

@Suite struct SplitAndDiffTests {
    func manifest(_ classes: [String: Int]) -> DatasetManifest {
        var items: [DatasetItem] = []
        for (name, count) in classes {
            for index in 0..<count {
                items.append(DatasetItem(image: BlobID.digest(of: Data("\(name)-\(index)".utf8)), labels: [name], width: 1, height: 1))
            }
        }
        return DatasetManifest(items: items)
    }

    let threeWay = try! DatasetSplitter(parts: [.init(name: "train", fraction: 0.8), .init(name: "validation", fraction: 0.1),
                                                .init(name: "test", fraction: 0.1)], seed: 42)

    @Test func countsAreExactPerClassAndAddUp() {
        #expect(threeWay.counts(for: 10) == [8, 1, 1])
        #expect(threeWay.counts(for: 7) == [5, 1, 1])
        #expect(threeWay.counts(for: 3) == [3, 0, 0])
        #expect(threeWay.counts(for: 1001) == [801, 100, 100])
        let parts = threeWay.split(manifest(["a": 10, "b": 7, "c": 1001]))
        #expect(parts.map(\.classCounts) == [["a": 8, "b": 5, "c": 801], ["a": 1, "b": 1, "c": 100], ["a": 1, "b": 1, "c": 100]])
    }

    @Test func theSameSeedGivesTheSameSplitAndPartsPartitionTheItems() throws {
        let whole = manifest(["a": 50, "b": 30])
        let parts = threeWay.split(whole)
        #expect(parts == threeWay.split(whole))
        #expect(parts != (try DatasetSplitter(parts: threeWay.parts, seed: 43)).split(whole))
        let images = parts.flatMap { $0.items.map(\.image) }
        #expect(images.count == whole.items.count)
        #expect(Set(images) == Set(whole.items.map(\.image)))
    }

    @Test func fractionsMustAddUpToOne() {
        #expect(throws: DatasetError.invalidSplit(reason: "fractions add up to 0.9, not 1 (train 0.8, test 0.1)")) {
            try DatasetSplitter(parts: [.init(name: "train", fraction: 0.8), .init(name: "test", fraction: 0.1)], seed: 0)
        }
    }

    @Test func splitsAreRecordedAsLineageOfTheirParent() async throws {
        let fixture = try DatasetFixture()
        let parent = try await fixture.catalog.save(manifest(["a": 10]), dataset: "d", lineage: .init(operation: "import")).version
        let train = threeWay.split(manifest(["a": 10]))[0]
        let child = try await fixture.catalog.save(train, dataset: "d.train", lineage: .init(operation: "split", parameters: ["part": "train"], parents: [parent.id])).version
        #expect(try await fixture.catalog.resolve("d.train").lineage.parents == [parent.id])
        #expect(try await fixture.catalog.resolve("d.train@\(child.id.prefix(8))") == child)
        #expect(try await fixture.catalog.resolve(String(parent.id.prefix(10))) == parent)
        await #expect(throws: DatasetError.versionNotFound(reference: "nope")) { try await fixture.catalog.resolve("nope") }
    }

    @Test func diffFindsAddedRemovedAndRelabelledImages() {
        let a = BlobID.digest(of: Data("a".utf8)), b = BlobID.digest(of: Data("b".utf8)), c = BlobID.digest(of: Data("c".utf8))
        let old = DatasetManifest(items: [DatasetItem(image: a, labels: ["cat"], width: 1, height: 1), DatasetItem(image: b, labels: ["dog"], width: 1, height: 1)])
        let new = DatasetManifest(items: [DatasetItem(image: a, labels: ["dog"], width: 1, height: 1), DatasetItem(image: c, labels: ["cat"], width: 1, height: 1)])
        let diff = DatasetDiff(from: old, to: new)
        #expect(diff.added.map(\.image) == [c])
        #expect(diff.removed.map(\.image) == [b])
        #expect(diff.relabelled == [DatasetDiff.Relabel(image: a, from: ["cat"], to: ["dog"])])
        #expect(diff.text.hasPrefix("1 added, 1 removed, 1 relabelled\n"))
        #expect(DatasetDiff(from: old, to: old).isEmpty)
    }

    @Test func manifestsAreCanonicalAndVersioned() throws {
        let items = manifest(["a": 3, "b": 2]).items
        let forwards = try DatasetManifest(items: items).encoded()
        #expect(forwards == (try DatasetManifest(items: items.reversed()).encoded()))
        #expect(String(decoding: forwards.prefix(54), as: UTF8.self) == #"{"format":"aviary.dataset-manifest","version":1}"# + "\n" + #"{"hei"#)
        #expect(try DatasetManifest.decode(forwards, name: "m") == DatasetManifest(items: items))
        #expect(throws: DatasetError.malformedManifest(name: "m", line: 1, reason: "format version 9 is newer than this aviary's 1; upgrade aviary")) {
            try DatasetManifest.decode(Data(#"{"format":"aviary.dataset-manifest","version":9}"#.utf8), name: "m")
        }
    }
}
