import AviaryStore
import AviaryWorkflow
import Foundation

/// Builds the function registry an execution uses: the built-ins, then the project's user functions.
public enum ProjectFunctions {
    /// - Parameters:
    ///   - project: nil outside a project: only the built-ins that need no project are there.
    ///   - executable: the running `aviary`, passed to user functions as `AVIARY_EXECUTABLE` (with
    ///     `AVIARY_PROJECT`) so a function can read a blob with `$AVIARY_EXECUTABLE blob get ID`.
    public static func registry(project: Project?, executable: String? = nil) async throws -> FunctionRegistry {
        let registry = FunctionRegistry()
        let context = BuiltinContext(blobs: project?.blobs, metadata: project?.metadata, project: project)
        for builtin in BuiltinFunction.all {
            if let function = builtin.make(context) { registry.register(builtin.name, function) }
        }
        guard let project else { return registry }
        var environment = ["AVIARY_PROJECT": project.layout.root.path]
        environment["AVIARY_EXECUTABLE"] = executable
        let catalog = FunctionCatalog(metadata: project.metadata, blobs: project.blobs)
        for function in try await catalog.functions() {
            registry.register(function.name, try callable(function, project: project, environment: environment))
        }
        return registry
    }

    static func callable(_ function: UserFunction, project: Project, environment: [String: String]) throws -> any WorkflowFunction {
        switch function.kind {
        case .command:
            return CommandFunction(executable: "/bin/sh", arguments: ["-c", function.command ?? ""], environment: environment)
        case .python:
            guard let source = function.source else {
                throw WorkflowError.invalidFunction(name: function.name, detail: "its record names no source blob; add it again")
            }
            let file = try materialize(source, in: project)
            return PythonLambdaFunction(file: file.path, handler: function.handler ?? "lambda_handler", environment: environment)
        }
    }

    /// Python imports from a `.py` path, so the source blob is copied once to
    /// `.aviary/functions/<hex>.py` (content-addressed, written atomically, never rewritten).
    static func materialize(_ blob: BlobID, in project: Project) throws -> URL {
        let folder = project.layout.dataFolder.appendingPathComponent("functions", isDirectory: true)
        let file = folder.appendingPathComponent("\(blob.hex).py")
        if FileManager.default.fileExists(atPath: file.path) { return file }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try project.blobs.data(blob).write(to: file, options: .atomic)
        } catch {
            throw StoreError.io(path: file.path, operation: "write function source", reason: "\(error)")
        }
        return file
    }
}
