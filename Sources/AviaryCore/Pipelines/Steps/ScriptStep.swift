import AviaryJSON
import AviaryStore
import Crypto
import Foundation

/// Runs any command, with the contract of SageMaker training containers moved to environment
/// variables so that a user's own script (PyTorch or anything else) can be a step:
///
/// - each channel (`channels: {train: ${steps.split.outputs.train}}`) is a folder, named by
///   `AVIARY_CHANNEL_<NAME>` (a dataset version arrives as one folder per class; a stored folder as itself);
/// - `AVIARY_MODEL_DIR`: an empty folder for the model, stored as a folder blob (output `model`);
/// - `AVIARY_OUTPUT_DIR`: an empty folder for anything else; a `metrics.json` object there becomes the
///   step's outputs, and the rest is stored as a folder blob (output `output`);
/// - `params` as `AVIARY_PARAM_<NAME>` and as one JSON file, `AVIARY_PARAMS_FILE`;
/// - `AVIARY_RUN_ID`, `AVIARY_STEP`, `AVIARY_ATTEMPT`.
///
/// Its standard output and error are the step's log. Exit status 0 is success.
public struct ScriptStep: StepExecutor {
    public init() {}

    public func cacheContent(_ context: StepContext) async throws -> JSONValue {
        var content = JSONObject()
        content["command"] = context.inputs["command"] ?? .null
        content["environment"] = context.inputs["environment"] ?? .object(JSONObject())
        content["params"] = context.inputs["params"] ?? .object(JSONObject())
        var channels = JSONObject()
        for (name, value) in (context.inputs["channels"]?.objectValue ?? JSONObject()).sorted(by: { $0.key < $1.key }) {
            channels[name] = .string(try await Self.channelContent(value, context))
        }
        content["channels"] = .object(channels)
        var code = JSONObject()
        for path in Self.codePaths(context) { code[path] = .string(try Self.contentHash(of: context.baseFolder.appendingPathComponent(path))) }
        content["code"] = .object(code)
        return .object(content)
    }

    public func run(_ context: StepContext) async throws -> StepResult {
        let work = context.workFolder
        let model = work.appendingPathComponent("model", isDirectory: true)
        let output = work.appendingPathComponent("output", isDirectory: true)
        let inputs = work.appendingPathComponent("input", isDirectory: true)
        for folder in [model, output, inputs] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        // Channels are copies of stored content and the model and output folders end up as blobs: only
        // the log and params.json stay in the working folder once the attempt is over.
        defer { for folder in [model, output, inputs] { try? FileManager.default.removeItem(at: folder) } }

        var environment = ProcessInfo.processInfo.environment
        let channels = context.inputs["channels"]?.objectValue ?? JSONObject()
        for (name, value) in channels {
            let folder = inputs.appendingPathComponent(name, isDirectory: true)
            try await Self.materialize(value, into: folder, context)
            environment["AVIARY_CHANNEL_\(Self.variableName(name))"] = folder.path
        }
        environment["AVIARY_CHANNELS"] = channels.map(\.key).sorted().joined(separator: ",")
        let params = context.inputs["params"]?.objectValue ?? JSONObject()
        for (name, value) in params { environment["AVIARY_PARAM_\(Self.variableName(name))"] = value.stringValue ?? value.serialized() }
        let paramsFile = work.appendingPathComponent("params.json")
        try Data(JSONValue.object(params).serialized().utf8).write(to: paramsFile)
        for (name, value) in context.inputs["environment"]?.objectValue ?? JSONObject() {
            environment[name] = value.stringValue ?? value.serialized()
        }
        environment["AVIARY_MODEL_DIR"] = model.path
        environment["AVIARY_OUTPUT_DIR"] = output.path
        environment["AVIARY_PARAMS_FILE"] = paramsFile.path
        environment["AVIARY_RUN_ID"] = context.run.id
        environment["AVIARY_STEP"] = context.step.name
        environment["AVIARY_ATTEMPT"] = "\(context.attempt)"

        let arguments = Self.arguments(context.inputs["command"])
        context.log("$ \(arguments.joined(separator: " "))")
        let status = try await ChildProcess(arguments: arguments, environment: environment, workingDirectory: context.baseFolder,
                                            logFile: context.logFile).run()
        guard status == 0 else {
            let tail = (try? String(contentsOf: context.logFile, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            throw StepFailure(.exitCode, "the command exited with status \(status)" + (tail.isEmpty ? "" : "; the end of its log:\n\(tail)"))
        }

        var outputs: [String: JSONValue] = [:]
        let metricsFile = output.appendingPathComponent("metrics.json")
        if FileManager.default.fileExists(atPath: metricsFile.path) {
            let text = try String(contentsOf: metricsFile, encoding: .utf8)
            guard case .object(let metrics)? = try? JSONParser.parse(text) else {
                throw StepFailure(.input, "metrics.json in the output folder must be one JSON object, such as {\"accuracy\": 0.91}")
            }
            for (key, value) in metrics { outputs[key] = value }
        }
        var artifacts: [BlobID] = []
        for (name, folder) in [("model", model), ("output", output)] where !(try FileManager.default.contentsOfDirectory(atPath: folder.path)).isEmpty {
            let stored = try FolderArchive.store(folder, in: context.project.blobs)
            outputs[name] = .string(stored.id.description)
            artifacts += stored.blobs
        }
        return StepResult(outputs: outputs, artifacts: artifacts)
    }

    /// A list of words runs as it is; one string runs through `/bin/sh -c`.
    static func arguments(_ command: JSONValue?) -> [String] {
        switch command {
        case .array(let words)?: words.map { $0.stringValue ?? $0.serialized() }
        case .string(let text)?: ["/bin/sh", "-c", text]
        default: []
        }
    }

    static func variableName(_ name: String) -> String {
        String(name.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// `code` paths, or else the command's words that name files beside the pipeline: editing the
    /// script then misses the cache, as it should.
    static func codePaths(_ context: StepContext) -> [String] {
        if let code = context.inputs["code"] {
            return code.arrayValue?.compactMap(\.stringValue) ?? code.stringValue.map { [$0] } ?? []
        }
        return arguments(context.inputs["command"]).filter { word in
            !word.hasPrefix("-") && !word.hasPrefix("/") && word.contains(".")
                && FileManager.default.fileExists(atPath: context.baseFolder.appendingPathComponent(word).path)
        }
    }

    /// SHA-256 of a file, or of a folder's sorted paths and file hashes.
    static func contentHash(of url: URL) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw StepFailure(.input, "code path \(url.path) does not exist")
        }
        if !isDirectory.boolValue { return BlobID.digest(of: try Data(contentsOf: url)).hex }
        let paths = (FileManager.default.subpaths(atPath: url.path) ?? []).sorted()
        var listing = ""
        for path in paths {
            var nested: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(path).path, isDirectory: &nested), !nested.boolValue { listing += "\(path)\t\(BlobID.digest(of: try Data(contentsOf: url.appendingPathComponent(path))).hex)\n" }
        }
        return BlobID.digest(of: Data(listing.utf8)).hex
    }

    /// A channel's content id: the blob id of a stored folder, or the manifest id of a dataset version.
    static func channelContent(_ value: JSONValue, _ context: StepContext) async throws -> String {
        guard let text = value.stringValue else { throw StepFailure(.input, "a channel must name a dataset version or a folder blob, not \(value.serialized())") }
        if let blob = try? BlobID(parsing: text) { return blob.description }
        do {
            return "dataset:" + (try await context.datasetVersion(text)).id
        } catch let failure as StepFailure {
            throw StepFailure(.input, "channel '\(text)': \(failure.message)")
        }
    }

    static func materialize(_ value: JSONValue, into folder: URL, _ context: StepContext) async throws {
        let content = try await channelContent(value, context)
        if content.hasPrefix("dataset:") {
            let catalog = DatasetCatalog(project: context.project)
            let version = try await context.datasetVersion(value.stringValue!)
            try DatasetExporter(blobs: context.project.blobs).export(try catalog.manifest(of: version), version: version, as: .folder, to: folder)
        } else {
            try FolderArchive.extract(try BlobID(parsing: content), from: context.project.blobs, to: folder)
        }
    }
}
