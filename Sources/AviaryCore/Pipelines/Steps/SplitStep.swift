import AviaryJSON
import Foundation

/// Splits a dataset version with the project's stratified, seeded splitter (`DatasetSplitter`, the one
/// `aviary data split` uses). Each part becomes a version of `DATASET.PART`; the outputs name them by
/// full id (`fashion.train@3f…`) and count their items (`train_count`).
public struct SplitStep: StepExecutor {
    static let defaultFractions: [(String, Double)] = [("train", 0.8), ("validation", 0.1), ("test", 0.1)]

    public init() {}

    public func cacheContent(_ context: StepContext) async throws -> JSONValue {
        let version = try await resolve(context)
        let parts = try Self.parts(context).map { JSONValue.array([.string($0.name), .double($0.fraction)]) }
        return .object(JSONObject([("dataset", .string(version.id)), ("parts", .array(parts)), ("seed", .int(Self.seed(context)))]))
    }

    public func run(_ context: StepContext) async throws -> StepResult {
        let catalog = DatasetCatalog(project: context.project)
        let parent = try await resolve(context)
        let splitter: DatasetSplitter
        do { splitter = try DatasetSplitter(parts: try Self.parts(context), seed: UInt64(Self.seed(context))) } catch let error as DatasetError {
            throw StepFailure(.input, "\(error)")
        }
        var outputs: [String: JSONValue] = ["dataset": .string("\(parent.dataset)@\(parent.id)")]
        for (part, manifest) in zip(splitter.parts, splitter.split(try catalog.manifest(of: parent))) {
            let lineage = DatasetVersion.Lineage(operation: "split", parameters: [
                "part": part.name, "seed": "\(splitter.seed)",
                "fractions": splitter.parts.map { "\($0.name)=\($0.fraction)" }.joined(separator: ","),
                "pipeline_run": context.run.id,
            ], parents: [parent.id])
            outputs["\(part.name)_count"] = .int(manifest.items.count)
            guard !manifest.items.isEmpty else { continue }
            let saved = try await catalog.save(manifest, dataset: "\(parent.dataset).\(part.name)", lineage: lineage).version
            outputs[part.name] = .string("\(saved.dataset)@\(saved.id)")
            context.log("\(part.name): \(saved.reference), \(saved.itemCount) items")
        }
        return StepResult(outputs: outputs)
    }

    func resolve(_ context: StepContext) async throws -> DatasetVersion {
        guard let reference = context.string("dataset") else { throw StepFailure(.input, "`dataset` must be a dataset version reference") }
        return try await context.datasetVersion(reference)
    }

    /// The parts in a fixed order (train, validation, test, then the rest by name), so that a run and
    /// its resume split alike whatever order a stored mapping comes back in.
    static func parts(_ context: StepContext) throws -> [DatasetSplitter.Part] {
        guard let fractions = context.inputs["fractions"]?.objectValue else {
            return defaultFractions.map { DatasetSplitter.Part(name: $0.0, fraction: $0.1) }
        }
        let known = defaultFractions.map(\.0)
        let names = fractions.map(\.key).sorted { (known.firstIndex(of: $0) ?? 99, $0) < (known.firstIndex(of: $1) ?? 99, $1) }
        return try names.map { name in
            guard let fraction = fractions[name]?.doubleValue else { throw StepFailure(.input, "fractions.\(name) must be a number") }
            return DatasetSplitter.Part(name: name, fraction: fraction)
        }
    }

    static func seed(_ context: StepContext) -> Int {
        context.inputs["seed"]?.integerValue ?? 0
    }
}
