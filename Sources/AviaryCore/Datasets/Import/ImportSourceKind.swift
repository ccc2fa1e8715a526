import AviaryVision
import Foundation

/// The kinds of source `aviary data import` reads, and how to tell them apart when the user does not say.
public enum ImportSourceKind: String, CaseIterable, Sendable {
    case folder, manifest, idx

    /// Guesses from the path: a folder is class folders; `.manifest`, `.jsonl` and `.json` files are Ground
    /// Truth manifests; files that start like IDX are IDX.
    public static func detect(_ url: URL) throws -> ImportSourceKind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DatasetError.sourceNotFound(path: url.path)
        }
        if isDirectory.boolValue { return .folder }
        if ["manifest", "jsonl", "json"].contains(url.pathExtension.lowercased()) { return .manifest }
        let head = (try? FileHandle(forReadingFrom: url).read(upToCount: 4)).flatMap { $0 }.map { [UInt8]($0) } ?? []
        if IDXFile.looksLikeIDX(head, name: url.lastPathComponent) { return .idx }
        throw DatasetError.unknownFormat(path: url.path)
    }
}
