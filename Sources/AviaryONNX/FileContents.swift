import Foundation

/// Reads a whole input file for the ONNX, .npy and .pth readers, telling a missing file from a
/// folder from an unreadable one, so that each format's typed error can say which.
enum FileContents {
    enum Failure: Error {
        case missing
        case directory
        case unreadable(String)

        var reason: String {
            switch self {
            case .missing: "no such file"
            case .directory: "it is a directory"
            case .unreadable(let reason): reason
            }
        }
    }

    static func read(_ url: URL) -> Result<Data, Failure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return .failure(.missing) }
        guard !isDirectory.boolValue else { return .failure(.directory) }
        do {
            return .success(try Data(contentsOf: url))
        } catch {
            return .failure(.unreadable(error.localizedDescription))
        }
    }
}
