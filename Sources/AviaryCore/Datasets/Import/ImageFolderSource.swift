import Foundation

/// A folder with one sub-folder per class (`train/cat/001.jpg`), the layout torchvision's ImageFolder
/// and Create ML read. Files directly in the folder are imported unlabeled; hidden files are skipped.
/// Folder names are percent-decoded (`T-shirt%2Ftop` is the class `T-shirt/top`).
public struct ImageFolderSource: Sendable {
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public func listing() throws -> ImportListing {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey],
                                                  options: [.skipsHiddenFiles]) else {
            throw DatasetError.sourceNotFound(path: root.path)
        }
        var candidates: [ImportCandidate] = []
        for case let file as URL in enumerator {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let relative = String(file.standardizedFileURL.path.dropFirst(root.path.count + 1))
            let components = relative.split(separator: "/")
            let labels = components.count > 1 ? [ClassFolderName.decode(String(components[0]))] : []
            candidates.append(ImportCandidate(origin: relative, key: file.standardizedFileURL.path, content: .file(file), labels: labels))
        }
        candidates.sort { $0.key < $1.key }
        return ImportListing(candidates: candidates, parameters: ["format": "folder", "source": root.path])
    }
}
