import AviaryStore
import AviaryWorkflow
import Foundation

/// What a built-in function may use: the project's stores, when the workflow runs in a project.
public struct BuiltinContext: Sendable {
    /// The project's blob store; nil when a workflow runs outside a project.
    public var blobs: (any BlobStore)?
    /// The project's metadata, where registered model versions are found.
    public var metadata: (any MetadataStore)?
    /// The project itself, for built-ins that run its pipelines.
    public var project: Project?
    /// Where relative paths in events are resolved.
    public var workingDirectory: URL

    public init(blobs: (any BlobStore)?, metadata: (any MetadataStore)? = nil, project: Project? = nil,
                workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) {
        self.blobs = blobs
        self.metadata = metadata
        self.project = project
        self.workingDirectory = workingDirectory
    }
}

/// A function that ships with Aviary, named `aviary.…`, callable as a Task `Resource` or as a
/// lambda:invoke `FunctionName`.
public struct BuiltinFunction: Sendable {
    public var name: String
    public var summary: String
    /// Makes the callable, or nil when the context lacks what it needs (blob functions outside a project).
    public var make: @Sendable (BuiltinContext) -> (any WorkflowFunction)?

    /// Every built-in.
    public static let all: [BuiltinFunction] = [
        BuiltinFunction(name: "aviary.blob.write", summary: "store a file, text or JSON in the blob store; returns {blob, size}") { context in
            context.blobs.map { BlobWriteFunction(blobs: $0, workingDirectory: context.workingDirectory) }
        },
        BuiltinFunction(name: "aviary.blob.read", summary: "read a blob's size and image header, text or JSON by id") { context in
            context.blobs.map { BlobReadFunction(blobs: $0) }
        },
        BuiltinFunction(name: "aviary.classify", summary: "classify an image blob with a project model or an endpoint's /invocations; returns {label, confidence, top}") { context in
            context.blobs.map { ClassifyFunction(blobs: $0, metadata: context.metadata) }
        },
        BuiltinFunction(name: "aviary.pipeline.start", summary: "run a pipeline file to its end; returns {run, status, outputs}") { context in
            context.project.map { PipelineStartFunction(project: $0, workingDirectory: context.workingDirectory) }
        },
        BuiltinFunction(name: "aviary.notify", summary: "POST a JSON payload to a webhook URL; returns {statusCode}") { _ in
            NotifyFunction()
        },
    ]
}
