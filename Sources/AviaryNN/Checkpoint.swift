import Foundation

/// A training checkpoint: model parameters and buffers, optimizer state and the step, in one
/// `TensorArchive` (magic `AVTA`, version checked on load) written atomically.
/// Entry names: `model.<state-dict name>`, `optimizer.<name>`, `meta.step`, `meta.format`.
public enum Checkpoint {
    /// Bumped when the entry layout changes; a mismatch tells the user what to do.
    public static let formatVersion: Float = 1

    public static func save(model: any Module, optimizer: (any Optimizer)?, step: Int, to url: URL) throws {
        var entries: [(name: String, tensor: Tensor)] = [("meta.format", Tensor(scalar: formatVersion)), ("meta.step", Tensor(scalar: Float(step)))]
        entries += model.stateDict().entries.map { ("model.\($0.name)", $0.tensor) }
        if let optimizer { entries += optimizer.stateDict().entries.map { ("optimizer.\($0.name)", $0.tensor) } }
        try TensorArchive(entries: entries).write(to: url)
    }

    /// Restores in place and returns the step the checkpoint was taken at.
    @discardableResult
    public static func load(model: any Module, optimizer: (any Optimizer)?, from url: URL) throws -> Int {
        let archive = try TensorArchive(contentsOf: url)
        let format = try archive.require("meta.format", source: url.path).scalars[0]
        guard format == formatVersion else {
            throw TensorArchiveError.unsupportedVersion(source: url.path, found: UInt32(format), supported: UInt32(formatVersion))
        }
        let modelPart = TensorArchive(entries: archive.entries.filter { $0.name.hasPrefix("model.") })
        try model.load(stateDict: modelPart, prefix: "model.")
        if let optimizer {
            try optimizer.load(stateDict: TensorArchive(entries: archive.entries.filter { $0.name.hasPrefix("optimizer.") }.map { (String($0.name.dropFirst("optimizer.".count)), $0.tensor) }))
        }
        return Int(try archive.require("meta.step", source: url.path).scalars[0])
    }
}
