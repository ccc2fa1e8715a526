/// `aviary workflow validate`: every problem of a definition at once, each naming its state and field.
public enum Validator {
    /// Returns all problems; an empty list means the definition can run.
    public static func validate(_ text: String) -> [DefinitionProblem] {
        do {
            _ = try DefinitionParser.parse(text)
            return []
        } catch let error as DefinitionError {
            return error.problems
        } catch {
            return [DefinitionProblem(location: "(definition)", message: "\(error)")]
        }
    }

    /// Cross-state checks: every transition names an existing state and every state is reachable.
    static func graphProblems(_ machine: StateMachine, location: String) -> [DefinitionProblem] {
        var problems: [DefinitionProblem] = []
        func at(_ field: String) -> String { DefinitionParser.join(location, field) }
        func check(_ target: String, _ field: String) {
            if machine.states[target] == nil {
                problems.append(DefinitionProblem(location: at(field), message: "state \"\(target)\" does not exist"))
            }
        }
        if !machine.startAt.isEmpty { check(machine.startAt, "StartAt") }
        for name in machine.stateOrder {
            guard let state = machine.states[name] else { continue }
            let base = "States.\(name)"
            if case .next(let next)? = state.transition { check(next, "\(base).Next") }
            for (i, catcher) in state.catchers.enumerated() { check(catcher.next, "\(base).Catch[\(i)].Next") }
            switch state.kind {
            case .choice(let choice):
                for branch in choice.choices { check(branch.next, "\(base).Choices[\(branch.index)].Next") }
                if let d = choice.defaultState { check(d, "\(base).Default") }
            case .parallel(let parallel):
                for (i, branch) in parallel.branches.enumerated() {
                    problems += graphProblems(branch, location: at("\(base).Branches[\(i)]"))
                }
            case .map(let map):
                problems += graphProblems(map.processor, location: at("\(base).ItemProcessor"))
            default: break
            }
        }
        guard !machine.startAt.isEmpty else { return problems }
        let reachable = reachableStates(machine)
        for name in machine.stateOrder where !reachable.contains(name) && machine.states[name] != nil {
            problems.append(DefinitionProblem(
                location: at("States.\(name)"), message: "state is unreachable from StartAt; remove it or add a transition to it"))
        }
        return problems
    }

    static func successors(_ state: State) -> [String] {
        var out: [String] = []
        if case .next(let n)? = state.transition { out.append(n) }
        out += state.catchers.map(\.next)
        if case .choice(let c) = state.kind {
            out += c.choices.map(\.next)
            if let d = c.defaultState { out.append(d) }
        }
        return out
    }

    private static func reachableStates(_ machine: StateMachine) -> Set<String> {
        var seen: Set<String> = []
        var stack = [machine.startAt]
        while let name = stack.popLast() {
            guard !seen.contains(name), let state = machine.states[name] else { continue }
            seen.insert(name)
            stack += successors(state)
        }
        return seen
    }
}
