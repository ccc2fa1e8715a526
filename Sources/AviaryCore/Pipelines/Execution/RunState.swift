import AviaryJSON

/// What the scheduler knows about a run in progress: which steps are done, their outputs, which
/// branches conditions took, and the first failure.
struct RunState {
    var records: [String: PipelineStepRun] = [:]
    var outputs: [String: [String: JSONValue]] = [:]
    var done: Set<String> = []
    var skipped: Set<String> = []
    var failure: String?

    init(run: PipelineRun, stored: [PipelineStepRun]) {
        for record in stored {
            records[record.step] = record
            if record.status.isFinished { finish(record) }
        }
    }

    func isDone(_ step: String) -> Bool { done.contains(step) }

    func isReady(_ step: PipelineStep) -> Bool { step.dependsOn.allSatisfy(done.contains) }

    mutating func finish(_ record: PipelineStepRun) {
        records[record.step] = record
        switch record.status {
        case .succeeded, .cached:
            done.insert(record.step)
            outputs[record.step] = record.outputs
        case .skipped:
            done.insert(record.step)
            skipped.insert(record.step)
        case .failed:
            failure = failure ?? "step \(record.step) failed: \(record.error ?? "no reason given")"
        case .pending, .running:
            break
        }
    }

    /// Why a ready step does not run: a condition chose the other branch, or a step it needs was skipped.
    func skipReason(_ step: PipelineStep, in definition: PipelineDefinition) -> String? {
        for condition in definition.steps where condition.kind == .condition {
            guard case .bool(let result)? = outputs[condition.name]?["result"] else { continue }
            let branch = result ? "else" : "then"
            if definition.step(condition.name)?.settings[branch]?.arrayValue?.contains(.string(step.name)) == true {
                return "condition \(condition.name) was \(result), and this step is in its \(branch) branch"
            }
        }
        if let dependency = step.dependsOn.first(where: skipped.contains) {
            return "it depends on \(dependency), which was skipped"
        }
        return nil
    }

    /// For the run's message: each false condition and what it skipped.
    func conditionSummary(_ definition: PipelineDefinition) -> String? {
        let lines = definition.steps.compactMap { step -> String? in
            guard step.kind == .condition, case .bool(false)? = outputs[step.name]?["result"] else { return nil }
            let explanation = outputs[step.name]?["explanation"]?.stringValue ?? ""
            let skippedHere = definition.steps.filter { skipped.contains($0.name) && records[$0.name]?.message?.contains("condition \(step.name) ") == true }
            return "condition \(step.name) was false (\(explanation))" + (skippedHere.isEmpty ? "" : "; skipped \(skippedHere.map(\.name).joined(separator: ", "))")
        }
        return lines.isEmpty ? nil : lines.joined(separator: "; ")
    }
}
