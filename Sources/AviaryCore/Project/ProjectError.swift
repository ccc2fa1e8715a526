/// Why a project could not be found, created or opened.
public enum ProjectError: Error, Equatable, Sendable {
    /// No folder from the working directory up to `/` holds `.aviary/`.
    case notInProject(searchedFrom: String)
    /// A folder named by `--project` or `AVIARY_PROJECT` holds no `.aviary/`.
    case notAProject(path: String, source: String)
    /// `aviary init` was pointed at a regular file.
    case notADirectory(path: String)
}

extension ProjectError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notInProject(let start):
            return "not inside an Aviary project (no .aviary folder in \(start) or any parent). "
                + "Run `aviary init` to make one here, or point at one with --project DIR or AVIARY_PROJECT=DIR."
        case .notAProject(let path, let source):
            return "\(path) (from \(source)) is not an Aviary project: it has no .aviary folder. "
                + "Run `aviary init \(path)` to make it one, or fix \(source)."
        case .notADirectory(let path):
            return "\(path) is a file, not a folder; `aviary init` needs a folder (it is created when missing)"
        }
    }
}
