import AviaryStore
import Foundation

/// Predictions made elsewhere (ONNX Runtime, a PyTorch script), to evaluate like Aviary's own:
/// JSON Lines whose first line names the classes and whose other lines give one image each.
///
///     {"classes": ["cat", "dog"]}
///     {"image": "sha256:…", "probabilities": [0.9, 0.1]}
public struct PredictionsFile: Sendable {
    public var classes: [String]
    public var probabilities: [BlobID: [Float]]

    public static func read(_ url: URL) throws -> PredictionsFile {
        let name = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw DatasetError.sourceNotFound(path: name) }
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        struct Header: Decodable { var classes: [String] }
        struct Line: Decodable { var image: String; var probabilities: [Float] }
        guard let first = lines.first, let header = try? CanonicalJSON.decode(Header.self, from: Data(first)), !header.classes.isEmpty else {
            throw DatasetError.invalidSourceLine(path: name, line: 1, reason: #"the first line must be {"classes": ["…", …]}"#)
        }
        var probabilities: [BlobID: [Float]] = [:]
        for (offset, text) in lines.enumerated().dropFirst() where !text.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
            let number = offset + 1
            guard let line = try? CanonicalJSON.decode(Line.self, from: Data(text)) else {
                throw DatasetError.invalidSourceLine(path: name, line: number, reason: #"expected {"image": "sha256:…", "probabilities": […]}"#)
            }
            guard let image = try? BlobID(parsing: line.image) else {
                throw DatasetError.invalidSourceLine(path: name, line: number, reason: "\"\(line.image)\" is not a blob id")
            }
            guard line.probabilities.count == header.classes.count else {
                throw DatasetError.invalidSourceLine(path: name, line: number,
                    reason: "\(line.probabilities.count) probabilities for \(header.classes.count) classes")
            }
            probabilities[image] = line.probabilities
        }
        return PredictionsFile(classes: header.classes, probabilities: probabilities)
    }
}
