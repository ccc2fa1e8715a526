import AviaryJSON
extension Interpreter {
    /// Runs every branch on the same input concurrently; the result lists branch outputs in
    /// branch order. The first failing branch fails the state with its error.
    func runParallel(_ state: State, _ parallel: ParallelState, rawInput: JSONValue, context: JSONValue) async throws -> Step {
        let effective = try applyInputPath(state.inputPath, rawInput, context: context)
        let branchInput = try applyTemplate(state.parameters, effective, context: context)
        recorder.record(HistoryEventType.parallelStateStarted, .none, scope: scope)
        let results: [JSONValue]
        do {
            results = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
                for (index, branch) in parallel.branches.enumerated() {
                    let child = nested(scope: "\(state.name)#\(index)", mapItem: nil)
                    group.addTask { (index, try await child.run(branch, input: branchInput)) }
                }
                var outputs = [JSONValue](repeating: .null, count: parallel.branches.count)
                for try await (index, output) in group { outputs[index] = output }
                return outputs
            }
        } catch {
            recorder.record(HistoryEventType.parallelStateFailed, .none, scope: scope)
            throw error
        }
        recorder.record(HistoryEventType.parallelStateSucceeded, .none, scope: scope)
        return try finish(state, result: .array(results), rawInput: rawInput, context: context)
    }
}
