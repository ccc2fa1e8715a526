import AviaryJSON
/// Names and ids that the context object (`$$.Execution…`, `$$.StateMachine…`) exposes.
public struct ExecutionIdentity: Sendable {
    public var executionName: String
    public var stateMachineName: String
    public var roleArn: String
    public var region: String
    public var account: String

    public init(
        executionName: String, stateMachineName: String = "aviary", roleArn: String = "arn:aws:iam::000000000000:role/aviary",
        region: String = "local", account: String = "000000000000"
    ) {
        self.executionName = executionName
        self.stateMachineName = stateMachineName
        self.roleArn = roleArn
        self.region = region
        self.account = account
    }

    var stateMachineArn: String { "arn:aws:states:\(region):\(account):stateMachine:\(stateMachineName)" }
    var executionArn: String { "arn:aws:states:\(region):\(account):execution:\(stateMachineName):\(executionName)" }
}

/// The per-state part of the context object; the execution part is built once per execution.
struct StateContext: Sendable {
    var execution: JSONValue
    var stateMachine: JSONValue
    var mapItem: (index: Int, value: JSONValue)?

    func json(stateName: String, enteredTime: Double, retryCount: Int) -> JSONValue {
        var state = JSONObject()
        state["EnteredTime"] = .string(Timestamp.format(enteredTime))
        state["Name"] = .string(stateName)
        state["RetryCount"] = .int(retryCount)
        var root = JSONObject()
        root["Execution"] = execution
        root["State"] = .object(state)
        root["StateMachine"] = stateMachine
        if let mapItem {
            root["Map"] = ["Item": .object(JSONObject([("Index", .int(mapItem.index)), ("Value", mapItem.value)]))]
        }
        return .object(root)
    }
}
