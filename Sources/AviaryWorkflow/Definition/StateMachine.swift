import AviaryJSON
/// A parsed definition (or a Parallel branch, or a Map's item processor): the states and where to start.
public struct StateMachine: Sendable {
    public let comment: String?
    public let startAt: String
    public let states: [String: State]
    /// State names in definition order, for stable validation output.
    public let stateOrder: [String]
    public let timeoutSeconds: Int?

    public subscript(name: String) -> State? { states[name] }
}

/// Where a state's output goes next.
public enum Transition: Sendable, Equatable {
    case next(String)
    case end
}

/// InputPath/OutputPath: absent means `$`, JSON null means "an empty object".
public enum FilterPath: Sendable {
    case path(JSONPath)
    case discard
}

/// ResultPath: absent means `$` (the result replaces the input), null keeps the input unchanged.
public enum ResultPathSpec: Sendable {
    case path(JSONPath)
    case discard
}
