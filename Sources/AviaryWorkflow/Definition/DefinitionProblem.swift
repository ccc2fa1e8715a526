/// One defect in a definition, located by its field path (`States.Choose.Next`).
public struct DefinitionProblem: Sendable, Equatable, CustomStringConvertible {
    public let location: String
    public let message: String
    public var description: String { "\(location): \(message)" }
}

/// A definition that cannot run; lists every problem so the user can fix them in one pass.
public struct DefinitionError: Error, Sendable, CustomStringConvertible {
    public let problems: [DefinitionProblem]
    public var description: String {
        "the state machine definition has \(problems.count) problem(s):\n"
            + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
