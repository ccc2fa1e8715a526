import AviaryJSON
/// Pass, Choice, Wait and Fail: the states that do no outside work.
extension Interpreter {
    func runPass(_ state: State, _ pass: PassState, rawInput: JSONValue, context: JSONValue) throws -> Step {
        let effective = try applyInputPath(state.inputPath, rawInput, context: context)
        let result = try pass.result ?? applyTemplate(state.parameters, effective, context: context)
        let placed = try applyResultPath(state.resultPath, result: result, rawInput: rawInput)
        return Step(output: try applyOutputPath(state.outputPath, placed, context: context), next: state.transition ?? .end)
    }

    func runChoice(_ state: State, _ choice: ChoiceState, rawInput: JSONValue, context: JSONValue) throws -> Step {
        let effective = try applyInputPath(state.inputPath, rawInput, context: context)
        var next: String? = nil
        for branch in choice.choices where try branch.rule.evaluate(effective, context: context) {
            next = branch.next
            break
        }
        guard let target = next ?? choice.defaultState else {
            throw ASLError(name: ErrorName.noChoiceMatched, cause: "No Matches!")
        }
        return Step(output: try applyOutputPath(state.outputPath, effective, context: context), next: .next(target))
    }

    func runWait(_ state: State, _ wait: WaitState, rawInput: JSONValue, context: JSONValue) async throws -> Step {
        let effective = try applyInputPath(state.inputPath, rawInput, context: context)
        let seconds: Double
        switch wait.duration {
        case .seconds(let s): seconds = Double(s)
        case .secondsPath(let path):
            let value = try pathValue(path, in: effective, context: context)
            guard case .int(let s) = value else {
                throw ASLError.runtime("The SecondsPath parameter cannot be parsed as a long value: \(path.text) == \(value.messageText)")
            }
            guard s >= 0 else {
                throw ASLError.runtime("The SecondsPath parameter references a negative value: \(path.text) == \(s)")
            }
            seconds = Double(s)
        case .timestamp(let text):
            seconds = (Timestamp.parse(text) ?? clock.now()) - clock.now()
        case .timestampPath(let path):
            let value = try pathValue(path, in: effective, context: context)
            guard let text = value.stringValue, let target = Timestamp.parse(text) else {
                throw ASLError.runtime(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: \(path.text) == \(value.messageText)")
            }
            seconds = target - clock.now()
        }
        if seconds > 0 { try await clock.sleep(seconds: seconds) }
        return Step(output: try applyOutputPath(state.outputPath, effective, context: context), next: state.transition ?? .end)
    }

    func failure(_ state: State, _ fail: FailState, rawInput: JSONValue, context: JSONValue) throws -> ASLError {
        func resolve(_ literal: String?, _ path: JSONPath?, _ call: IntrinsicCall?, field: String) throws -> String? {
            if let literal { return literal }
            if let call {
                let value = try IntrinsicFunctions(input: rawInput, context: context, random: random, expression: call.text).evaluate(call)
                return value.stringValue ?? value.serialized()
            }
            guard let path else { return nil }
            guard let value = path.evaluate(rawInput, context: context).asValue else {
                throw ASLError.runtime(
                    "The JSONPath '\(path.text)' specified for the field '\(field)' could not be found in the input '\(rawInput.serialized())'")
            }
            return value.stringValue ?? value.serialized()
        }
        let error = try resolve(fail.error, fail.errorPath, fail.errorCall, field: "ErrorPath")
        let cause = try resolve(fail.cause, fail.causePath, fail.causeCall, field: "CausePath")
        return ASLError(name: error, cause: cause)
    }

    /// A definite value at `path`, or AWS's "Invalid path" runtime error.
    func pathValue(_ path: JSONPath, in input: JSONValue, context: JSONValue) throws -> JSONValue {
        switch path.evaluate(input, context: context) {
        case .value(let v): return v
        case .list(let l): return .array(l)
        case .missing(let reason): throw ASLError.runtime("Invalid path '\(path.text)' : \(reason)")
        }
    }
}

extension JSONValue {
    /// How AWS quotes a value inside a message: strings bare, everything else as JSON.
    var messageText: String { stringValue ?? serialized() }
}
