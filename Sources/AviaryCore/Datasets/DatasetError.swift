/// Why a dataset operation could not be done. Each case names the file, line, dataset or version involved.
public enum DatasetError: Error, Equatable, Sendable {
    case malformedManifest(name: String, line: Int, reason: String)
    case sourceNotFound(path: String)
    case unknownFormat(path: String)
    case invalidSourceLine(path: String, line: Int, reason: String)
    case invalidDatasetName(String)
    case versionNotFound(reference: String)
    case ambiguousVersion(reference: String, candidates: [String])
    case nothingImported(source: String, problems: Int)
    case invalidSplit(reason: String)
    case invalidPrefixMap(String)
    case exportTargetNotEmpty(path: String)
    case cannotExport(format: String, reason: String)
}

extension DatasetError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .malformedManifest(let name, let line, let reason):
            return "\(name):\(line): not a valid dataset manifest line: \(reason)"
        case .sourceNotFound(let path):
            return "\(path) does not exist; give a folder of class folders, a Ground Truth manifest (.manifest/.jsonl) or an IDX file"
        case .unknownFormat(let path):
            return "cannot tell what \(path) is; pass --format folder, manifest or idx"
        case .invalidSourceLine(let path, let line, let reason):
            return "\(path):\(line): \(reason)"
        case .invalidDatasetName(let name):
            return "'\(name)' is not a valid dataset name: use letters, digits, '-', '_' and '.', starting with a letter or digit"
        case .versionNotFound(let reference):
            return "no dataset version matches '\(reference)'; `aviary data ls` lists datasets and versions"
        case .ambiguousVersion(let reference, let candidates):
            return "'\(reference)' matches several versions (\(candidates.joined(separator: ", "))); give more of the id"
        case .nothingImported(let source, let problems):
            return "nothing could be imported from \(source) (\(problems) problem(s) reported above)"
        case .invalidSplit(let reason):
            return "invalid split: \(reason)"
        case .invalidPrefixMap(let text):
            return "'\(text)' is not a prefix mapping; write s3://bucket/prefix=/local/folder"
        case .exportTargetNotEmpty(let path):
            return "\(path) exists and is not empty; export into a new or empty folder"
        case .cannotExport(let format, let reason):
            return "cannot export as \(format): \(reason)"
        }
    }
}
