import AviaryNN
import Foundation

enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func names(_ model: String) throws -> [String] {
        try String(contentsOf: folder.appendingPathComponent("\(model).names"), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func archive(_ name: String) throws -> TensorArchive {
        try TensorArchive(contentsOf: folder.appendingPathComponent(name))
    }
}

extension Module {
    /// "name [d0,d1]" per state entry, the format of Fixtures/*.names.
    var stateLines: [String] {
        stateDict().entries.map { "\($0.name) [\($0.tensor.shape.map(String.init).joined(separator: ","))]" }
    }
}
