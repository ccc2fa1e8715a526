import AviaryJSON
/// AWS's GetExecutionHistory shape (`stateEnteredEventDetails`, `executionFailedEventDetails`…)
/// so the platform can persist one JSON document per event and read it back to resume.
extension HistoryEvent {
    public var awsJSON: JSONValue {
        var object = JSONObject()
        object["id"] = .int(id)
        object["previousEventId"] = .int(previousEventId)
        object["timestamp"] = .double(timestamp)
        object["type"] = .string(type)
        if !scope.isEmpty { object["aviaryScope"] = .string(scope) }
        if let (key, details) = detailsJSON { object[key] = details }
        return .object(object)
    }

    private var detailsJSON: (String, JSONValue)? {
        func obj(_ pairs: [(String, JSONValue?)]) -> JSONValue {
            .object(JSONObject(pairs.compactMap { key, value in value.map { (key, $0) } }))
        }
        let str: (String?) -> JSONValue? = { $0.map(JSONValue.string) }
        switch details {
        case .none: return nil
        case .executionStarted(let input):
            return ("executionStartedEventDetails", obj([("input", .string(input.serialized()))]))
        case .executionSucceeded(let output):
            return ("executionSucceededEventDetails", obj([("output", .string(output.serialized()))]))
        case .executionFailed(let error, let cause):
            return ("executionFailedEventDetails", obj([("error", str(error)), ("cause", str(cause))]))
        case .stateEntered(let name, let input):
            return ("stateEnteredEventDetails", obj([("name", .string(name)), ("input", .string(input.serialized()))]))
        case .stateExited(let name, let output):
            return ("stateExitedEventDetails", obj([("name", .string(name)), ("output", .string(output.serialized()))]))
        case .mapStarted(let length):
            return ("mapStateStartedEventDetails", obj([("length", .int(length))]))
        case .mapIteration(let name, let index):
            let key = type.prefix(1).lowercased() + type.dropFirst() + "EventDetails"
            return (key, obj([("name", .string(name)), ("index", .int(index))]))
        case .taskScheduled(let resource, let parameters, let timeout, let heartbeat):
            return ("taskScheduledEventDetails", obj([
                ("resource", .string(resource)), ("parameters", .string(parameters.serialized())),
                ("timeoutInSeconds", timeout.map(JSONValue.int)), ("heartbeatInSeconds", heartbeat.map(JSONValue.int)),
            ]))
        case .taskSucceeded(let resource, let output):
            return ("taskSucceededEventDetails", obj([("resource", .string(resource)), ("output", .string(output.serialized()))]))
        case .taskFailed(let resource, let error, let cause):
            let key = type == HistoryEventType.taskTimedOut ? "taskTimedOutEventDetails" : "taskFailedEventDetails"
            return (key, obj([("resource", .string(resource)), ("error", str(error)), ("cause", str(cause))]))
        case .failure(let error, let cause):
            return ("failureEventDetails", obj([("error", str(error)), ("cause", str(cause))]))
        }
    }

    /// Reads an event written by `awsJSON`; nil when the document is not one.
    public init?(awsJSON json: JSONValue) {
        guard case .int(let id)? = json["id"], let type = json["type"]?.stringValue else { return nil }
        let previous: Int
        if case .int(let p)? = json["previousEventId"] { previous = p } else { previous = id - 1 }
        func parsed(_ v: JSONValue?) -> JSONValue {
            guard let text = v?.stringValue else { return .null }
            return (try? JSONParser.parse(text)) ?? .null
        }
        let details: Details
        if let d = json["executionStartedEventDetails"] {
            details = .executionStarted(input: parsed(d["input"]))
        } else if let d = json["executionSucceededEventDetails"] {
            details = .executionSucceeded(output: parsed(d["output"]))
        } else if let d = json["executionFailedEventDetails"] {
            details = .executionFailed(error: d["error"]?.stringValue, cause: d["cause"]?.stringValue)
        } else if let d = json["stateEnteredEventDetails"] {
            details = .stateEntered(name: d["name"]?.stringValue ?? "", input: parsed(d["input"]))
        } else if let d = json["stateExitedEventDetails"] {
            details = .stateExited(name: d["name"]?.stringValue ?? "", output: parsed(d["output"]))
        } else if let d = json["mapStateStartedEventDetails"], case .int(let n)? = d["length"] {
            details = .mapStarted(length: n)
        } else if let d = json["taskScheduledEventDetails"] {
            var timeout: Int? = nil, heartbeat: Int? = nil
            if case .int(let t)? = d["timeoutInSeconds"] { timeout = t }
            if case .int(let h)? = d["heartbeatInSeconds"] { heartbeat = h }
            details = .taskScheduled(
                resource: d["resource"]?.stringValue ?? "", parameters: parsed(d["parameters"]), timeoutSeconds: timeout,
                heartbeatSeconds: heartbeat)
        } else if let d = json["taskSucceededEventDetails"] {
            details = .taskSucceeded(resource: d["resource"]?.stringValue ?? "", output: parsed(d["output"]))
        } else if let d = json["taskFailedEventDetails"] ?? json["taskTimedOutEventDetails"] {
            details = .taskFailed(resource: d["resource"]?.stringValue ?? "", error: d["error"]?.stringValue, cause: d["cause"]?.stringValue)
        } else if let d = json["failureEventDetails"] {
            details = .failure(error: d["error"]?.stringValue, cause: d["cause"]?.stringValue)
        } else if let key = json.objectValue?.keys.first(where: { $0.hasPrefix("mapIteration") }), let d = json[key],
            case .int(let index)? = d["index"]
        {
            details = .mapIteration(name: d["name"]?.stringValue ?? "", index: index)
        } else {
            details = .none
        }
        self.init(
            id: id, previousEventId: previous, timestamp: json["timestamp"]?.doubleValue ?? 0, type: type, details: details,
            scope: json["aviaryScope"]?.stringValue ?? "")
    }
}
