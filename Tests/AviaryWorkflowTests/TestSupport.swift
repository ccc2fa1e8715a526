import AviaryWorkflow
import AviaryJSON

/// Runs a definition on an input with a virtual clock and a seeded random source.
func execute(
    _ definition: String, input: JSONValue = [:], invoker: any TaskInvoker = NoTaskInvoker(),
    clock: any WorkflowClock = VirtualClock()
) async throws -> (result: ExecutionResult, events: [HistoryEvent]) {
    let machine = try DefinitionParser.parse(definition)
    let history = InMemoryHistory()
    let execution = Execution(
        machine: machine, input: input, sink: history, invoker: invoker, clock: clock, random: SeededRandomSource(seed: 7))
    let result = await execution.run()
    return (result, history.events)
}

/// A one-state Pass machine whose Parameters compute `FunctionResult` from `expression`.
func evaluateIntrinsic(_ expression: String, input: JSONValue = [:]) async throws -> ExecutionResult {
    let escaped = expression.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    let definition = """
        {"StartAt": "S", "States": {"S": {"Type": "Pass", "Parameters": {"FunctionResult.$": "\(escaped)"}, "End": true}}}
        """
    return try await execute(definition, input: input).result
}

func json(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }
