import AviaryJSON
/// One state of a machine: the fields every state may carry plus its type-specific part.
public struct State: Sendable {
    public let name: String
    public let comment: String?
    public let kind: Kind
    public let inputPath: FilterPath
    public let outputPath: FilterPath
    public let transition: Transition?
    public let parameters: PayloadTemplate?
    public let resultSelector: PayloadTemplate?
    public let resultPath: ResultPathSpec
    public let retriers: [Retrier]
    public let catchers: [Catcher]

    public enum Kind: Sendable {
        case pass(PassState)
        case task(TaskState)
        case choice(ChoiceState)
        case wait(WaitState)
        case succeed
        case fail(FailState)
        case parallel(ParallelState)
        case map(MapState)
    }

    /// The `Type` spelling, used in history event names (`PassStateEntered`).
    public var typeName: String {
        switch kind {
        case .pass: return "Pass"
        case .task: return "Task"
        case .choice: return "Choice"
        case .wait: return "Wait"
        case .succeed: return "Succeed"
        case .fail: return "Fail"
        case .parallel: return "Parallel"
        case .map: return "Map"
        }
    }
}

public struct PassState: Sendable {
    public let result: JSONValue?
}

public struct TaskState: Sendable {
    public let resource: String
    public let timeoutSeconds: Int?
    public let timeoutSecondsPath: JSONPath?
    public let heartbeatSeconds: Int?
    public let heartbeatSecondsPath: JSONPath?
}

public struct ChoiceState: Sendable {
    public let choices: [ChoiceBranch]
    public let defaultState: String?
}

public struct ChoiceBranch: Sendable {
    /// Position in the definition's Choices array, for messages.
    public let index: Int
    public let rule: ChoiceRule
    public let next: String
}

public struct WaitState: Sendable {
    public enum Duration: Sendable {
        case seconds(Int)
        case secondsPath(JSONPath)
        case timestamp(String)
        case timestampPath(JSONPath)
    }
    public let duration: Duration
}

public struct FailState: Sendable {
    public let error: String?
    public let errorPath: JSONPath?
    public let cause: String?
    public let causePath: JSONPath?
    /// ErrorPath/CausePath may also be intrinsic functions such as States.Format.
    public let errorCall: IntrinsicCall?
    public let causeCall: IntrinsicCall?
}

public struct ParallelState: Sendable {
    public let branches: [StateMachine]
}

public struct MapState: Sendable {
    public enum Mode: String, Sendable { case inline = "INLINE", distributed = "DISTRIBUTED" }
    public let itemsPath: JSONPath?
    public let itemSelector: PayloadTemplate?
    public let processor: StateMachine
    public let mode: Mode
    public let maxConcurrency: Int
    public let maxConcurrencyPath: JSONPath?
    public let toleratedFailureCount: Int?
    public let toleratedFailureCountPath: JSONPath?
    public let toleratedFailurePercentage: Double?
    public let toleratedFailurePercentagePath: JSONPath?
    public let itemBatcher: ItemBatcher?
}

/// DISTRIBUTED Map batching: each child execution receives `{"BatchInput": …, "Items": [...]}`.
public struct ItemBatcher: Sendable {
    public let maxItemsPerBatch: Int?
    public let maxItemsPerBatchPath: JSONPath?
    public let maxInputBytesPerBatch: Int?
    public let batchInput: PayloadTemplate?
}
