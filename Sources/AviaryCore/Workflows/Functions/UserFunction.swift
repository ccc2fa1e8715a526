import AviaryStore
import Foundation

/// A function registered by name in a project (`workflow.function` records), callable from Task
/// states by name or through `arn:aws:states:::lambda:invoke` with that `FunctionName`.
public struct UserFunction: Codable, Sendable, Equatable {
    public static let recordKind = "workflow.function"

    public enum Kind: String, Codable, Sendable {
        /// `/bin/sh -c COMMAND`: reads the event as JSON on stdin, writes the result as JSON on stdout.
        case command
        /// A Python file with `lambda_handler(event, context)`, run through a small bootstrap.
        case python
    }

    public var name: String
    public var kind: Kind
    /// For `.command`.
    public var command: String?
    /// For `.python`: the source, stored as a blob so the project holds everything the function needs.
    public var source: BlobID?
    /// For `.python`: the file name it was added from, for listings.
    public var fileName: String?
    public var handler: String?
    public var createdAt: Date

    /// What it runs, in one line for `aviary function ls`.
    public var summary: String {
        switch kind {
        case .command: command ?? ""
        case .python: "python \(fileName ?? "?"):\(handler ?? "lambda_handler") (\(source?.description ?? "?"))"
        }
    }
}
