/// What can go wrong in the model registry, with what to do about it.
public enum RegistryError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidName(String)
    case groupNotFound(String)
    case versionNotFound(group: String, version: Int)
    case invalidReference(String)
    case illegalTransition(from: ApprovalStatus, to: ApprovalStatus)
    case invalidMetric(String)
    case busy(group: String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            "'\(name)' is not a model group name: use 1 to 80 letters, digits, '-', '_' or '.', starting with a letter or digit"
        case .groupNotFound(let group):
            "no model group '\(group)'; `aviary model ls` lists the groups"
        case .versionNotFound(let group, let version):
            "model group '\(group)' has no version \(version); `aviary model ls \(group)` lists its versions"
        case .invalidReference(let text):
            "'\(text)' is not a model version: write GROUP/VERSION, such as birds/3"
        case .illegalTransition(let from, let to):
            from == to
                ? "the version is already \(to.rawValue); nothing to change"
                : "a version cannot go from \(from.rawValue) to \(to.rawValue): approve or reject it instead"
        case .invalidMetric(let text):
            "'\(text)' is not a metric: write NAME=NUMBER, such as accuracy=0.91"
        case .busy(let group):
            "model group '\(group)' is being changed by other writers; try again"
        }
    }
}
