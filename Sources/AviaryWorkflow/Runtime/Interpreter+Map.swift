import AviaryJSON
extension Interpreter {
    /// Runs the item processor once per item, at most MaxConcurrency at a time, keeping item order
    /// in the result. DISTRIBUTED mode runs iterations as child executions (their events stay out
    /// of this history) and may tolerate failures.
    func runMap(_ state: State, _ map: MapState, rawInput: JSONValue, context: JSONValue) async throws -> Step {
        let effective = try applyInputPath(state.inputPath, rawInput, context: context)
        let itemsValue = try map.itemsPath.map { try pathValue($0, in: effective, context: context) } ?? effective
        guard case .array(var items) = itemsValue else {
            throw ASLError.runtime(
                "Item value provided to Map state is not an array: \(map.itemsPath?.text ?? "$") == \(itemsValue.messageText)")
        }
        let limits = try MapLimits(map, input: effective, context: context, interpreter: self)
        let selectorContexts = items.enumerated().map { (index: $0, value: $1) }
        var inputs: [JSONValue] = []
        inputs.reserveCapacity(items.count)
        for item in selectorContexts {
            if let selector = map.itemSelector {
                var ctx = self.context
                ctx.mapItem = item
                let itemContext = ctx.json(stateName: state.name, enteredTime: clock.now(), retryCount: 0)
                inputs.append(try selector.evaluate(input: effective, context: itemContext, random: random))
            } else {
                inputs.append(item.value)
            }
        }
        recorder.record(HistoryEventType.mapStateStarted, .mapStarted(length: items.count), scope: scope)
        if let batcher = map.itemBatcher {
            (inputs, items) = try batch(inputs, batcher, input: effective, context: context)
        }
        let distributed = map.mode == .distributed
        if distributed { recorder.record(HistoryEventType.mapRunStarted, .none, scope: scope) }
        let outcomes = await runIterations(state, map, inputs: inputs, items: items, concurrency: limits.concurrency, distributed: distributed)
        let failures = outcomes.enumerated().compactMap { index, outcome -> (Int, ASLError)? in
            if case .failure(let e) = outcome { return (index, e) }
            return nil
        }
        if let (_, firstError) = failures.first {
            if !distributed || failures.count > limits.toleratedCount(total: items.count) {
                recorder.record(distributed ? HistoryEventType.mapRunFailed : HistoryEventType.mapStateFailed, .none, scope: scope)
                if distributed && (limits.toleratedFailureCount != nil || limits.toleratedFailurePercentage != nil) {
                    throw ASLError(
                        name: ErrorName.exceedToleratedFailureThreshold,
                        cause: "The specified tolerated failure threshold was exceeded")
                }
                throw firstError
            }
        }
        if distributed { recorder.record(HistoryEventType.mapRunSucceeded, .none, scope: scope) }
        recorder.record(HistoryEventType.mapStateSucceeded, .none, scope: scope)
        let results = outcomes.map { outcome -> JSONValue in
            switch outcome {
            case .success(let v): return v
            case .failure(let e):
                return .object(JSONObject([("Error", e.name.map(JSONValue.string) ?? .null), ("Cause", e.cause.map(JSONValue.string) ?? .null)]))
            }
        }
        return try finish(state, result: .array(results), rawInput: rawInput, context: context)
    }

    private func runIterations(
        _ state: State, _ map: MapState, inputs: [JSONValue], items: [JSONValue], concurrency: Int, distributed: Bool
    ) async -> [Result<JSONValue, ASLError>] {
        let width = concurrency <= 0 ? inputs.count : min(concurrency, inputs.count)
        var outcomes = [Result<JSONValue, ASLError>](repeating: .success(.null), count: inputs.count)
        if width <= 1 {
            // Sequential fast path: no task group, and an inline failure stops the remaining items.
            for index in inputs.indices {
                outcomes[index] = await iterate(state, map, index: index, input: inputs[index], item: items[index], distributed: distributed)
                if case .failure = outcomes[index], !distributed { return Array(outcomes[...index]) }
            }
            return outcomes
        }
        await withTaskGroup(of: (Int, Result<JSONValue, ASLError>).self) { group in
            var nextIndex = 0
            func launch() {
                let index = nextIndex
                nextIndex += 1
                group.addTask {
                    (index, await iterate(state, map, index: index, input: inputs[index], item: items[index], distributed: distributed))
                }
            }
            while nextIndex < width { launch() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                if case .failure = outcome, !distributed {
                    group.cancelAll()
                    break
                }
                if nextIndex < inputs.count { launch() }
            }
        }
        return outcomes
    }

    private func iterate(
        _ state: State, _ map: MapState, index: Int, input: JSONValue, item: JSONValue, distributed: Bool
    ) async -> Result<JSONValue, ASLError> {
        let child: Interpreter
        if distributed {
            let childRecorder = EventRecorder(sink: DiscardingHistory(), clock: clock)
            child = nested(scope: "\(state.name)/\(index)", mapItem: (index, item), recorder: childRecorder)
        } else {
            recorder.record(HistoryEventType.mapIterationStarted, .mapIteration(name: state.name, index: index), scope: scope)
            child = nested(scope: "\(state.name)/\(index)", mapItem: (index, item))
        }
        do {
            let output = try await child.run(map.processor, input: input)
            if !distributed {
                recorder.record(HistoryEventType.mapIterationSucceeded, .mapIteration(name: state.name, index: index), scope: scope)
            }
            return .success(output)
        } catch let error as ASLError {
            if !distributed {
                recorder.record(HistoryEventType.mapIterationFailed, .mapIteration(name: state.name, index: index), scope: scope)
            }
            return .failure(error)
        } catch {
            return .failure(ASLError(name: ErrorName.runtime, cause: "\(error)"))
        }
    }
}
