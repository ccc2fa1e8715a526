import AviaryWorkflow
import Foundation
import AviaryJSON

/// Throughput of the ASL interpreter: state transitions per second for a Pass chain and for an
/// inline Map over 1,000 items, and whole executions per second. Every event goes to an
/// in-memory history, as the platform's sink would receive it. The peer is the issue's goal
/// (10,000 transitions/s on 2 cores); moto's engine is not a practical peer.

let goalTransitionsPerSecond = 10_000.0
let repeats = 7

func passChain(_ length: Int) -> String {
    let states = (0..<length).map { i in
        let tail = i == length - 1 ? "\"End\": true" : "\"Next\": \"S\(i + 1)\""
        return "\"S\(i)\": {\"Type\": \"Pass\", \"Parameters\": {\"step\": \(i), \"value.$\": \"$.value\"}, \(tail)}"
    }
    return "{\"StartAt\": \"S0\", \"States\": {\(states.joined(separator: ","))}}"
}

let mapDefinition = """
    {"StartAt": "Fan", "States": {"Fan": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 0,
      "ItemSelector": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value"},
      "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Classify", "States": {
        "Classify": {"Type": "Pass", "Parameters": {"label": "cat", "index.$": "$.index"}, "Next": "Keep"},
        "Keep": {"Type": "Choice", "Choices": [{"Variable": "$.index", "NumericGreaterThanEquals": 0, "Next": "Done"}], "Default": "Done"},
        "Done": {"Type": "Succeed"}}}, "End": true}}}
    """

let smallDefinition = """
    {"StartAt": "Serialize", "States": {
      "Serialize": {"Type": "Pass", "Parameters": {"image.$": "$.image"}, "ResultPath": "$.serialized", "Next": "Check"},
      "Check": {"Type": "Choice", "Choices": [{"Variable": "$.confidence", "NumericGreaterThan": 0.5, "Next": "Keep"}], "Default": "Drop"},
      "Keep": {"Type": "Pass", "End": true}, "Drop": {"Type": "Succeed"}}}
    """

func measure(_ body: () async -> Int) async -> (perSecond: Double, runs: [Double]) {
    var rates: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        let count = await body()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        rates.append(Double(count) / seconds)
    }
    let sorted = rates.sorted()
    return (sorted[sorted.count / 2], rates)
}

func enteredCount(_ history: InMemoryHistory) -> Int {
    history.events.filter { $0.type.hasSuffix("StateEntered") }.count
}

let chain = try DefinitionParser.parse(passChain(1_000))
let map = try DefinitionParser.parse(mapDefinition)
let small = try DefinitionParser.parse(smallDefinition)
let items = JSONValue.array((0..<1_000).map { .object(JSONObject([("id", .int($0)), ("ref", .string("sha256:\($0)"))])) })

let chainRate = await measure {
    let history = InMemoryHistory()
    let result = await Execution(machine: chain, input: ["value": 1], sink: history).run()
    precondition(result.status == .succeeded)
    return enteredCount(history)
}

let mapRate = await measure {
    let history = InMemoryHistory()
    let result = await Execution(machine: map, input: .object(JSONObject([("items", items)])), sink: history).run()
    precondition(result.status == .succeeded)
    return enteredCount(history)
}

let executionRate = await measure {
    let executions = 2_000
    for i in 0..<executions {
        let input: JSONValue = .object(JSONObject([("image", .string("sha256:\(i)")), ("confidence", .double(0.9))]))
        let result = await Execution(machine: small, input: input, sink: InMemoryHistory()).run()
        precondition(result.status == .succeeded)
    }
    return executions
}

let persistedChain = try await PersistedBench.transitionsPerSecond(definition: passChain(1_000), input: #"{"value": 1}"#, repeats: repeats)
let persistedMap = try await PersistedBench.transitionsPerSecond(
    definition: mapDefinition, input: JSONValue.object(JSONObject([("items", items)])).serialized(), repeats: repeats)
let persistedExecutions = try await PersistedBench.executionsPerSecond(
    definition: smallDefinition, input: #"{"image": "sha256:0", "confidence": 0.9}"#, count: 300)

func row(_ name: String, _ value: Double, _ unit: String, ratio: Double?) -> String {
    let v = String(format: "%12.0f", value)
    let r = ratio.map { String(format: "%8.2fx", $0) } ?? "       -"
    return "\(name.padding(toLength: 34, withPad: " ", startingAt: 0)) \(v) \(unit.padding(toLength: 14, withPad: " ", startingAt: 0)) \(r)"
}

print("WorkflowBench (median of \(repeats) runs, \(ProcessInfo.processInfo.activeProcessorCount) cores, goal \(Int(goalTransitionsPerSecond)) transitions/s)")
print("benchmark                               median  unit           vs goal")
print(row("Pass chain (1,000 states)", chainRate.perSecond, "transitions/s", ratio: chainRate.perSecond / goalTransitionsPerSecond))
print(row("Map over 1,000 items (3 states)", mapRate.perSecond, "transitions/s", ratio: mapRate.perSecond / goalTransitionsPerSecond))
print(row("Executions (4-state machine)", executionRate.perSecond, "executions/s", ratio: nil))
print(row("Pass chain, SQLite history", persistedChain, "transitions/s", ratio: persistedChain / goalTransitionsPerSecond))
print(row("Map over 1,000, SQLite history", persistedMap, "transitions/s", ratio: persistedMap / goalTransitionsPerSecond))
print(row("Executions, SQLite history", persistedExecutions, "executions/s", ratio: nil))
print(
    "{\"benchmark\":\"workflow\",\"pass_chain_transitions_per_s\":\(Int(chainRate.perSecond)),\"map_1000_transitions_per_s\":\(Int(mapRate.perSecond)),\"executions_per_s\":\(Int(executionRate.perSecond)),\"persisted_pass_chain_transitions_per_s\":\(Int(persistedChain)),\"persisted_map_1000_transitions_per_s\":\(Int(persistedMap)),\"persisted_executions_per_s\":\(Int(persistedExecutions)),\"goal_transitions_per_s\":\(Int(goalTransitionsPerSecond)),\"pass_chain_vs_goal\":\(String(format: "%.2f", chainRate.perSecond / goalTransitionsPerSecond)),\"map_vs_goal\":\(String(format: "%.2f", mapRate.perSecond / goalTransitionsPerSecond))}"
)
