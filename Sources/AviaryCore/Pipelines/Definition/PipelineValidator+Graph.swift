import AviaryJSON

extension PipelineValidator {
    /// Adds the dependencies that references and condition branches imply, then reports cycles.
    mutating func resolveDependencies(_ steps: [PipelineStep]) -> [PipelineStep] {
        var steps = steps
        var branchOwner: [String: String] = [:]
        for step in steps where step.kind == .condition {
            for branch in ["then", "else"] {
                for case .string(let target) in step.settings[branch]?.arrayValue ?? [] {
                    if let owner = branchOwner[target] {
                        let node = stepNodes.first { $0.name == step.name }!.node[branch] ?? stepNodes.first { $0.name == step.name }!.node
                        report(node, "steps.\(step.name).\(branch)", "step '\(target)' is already in a branch of '\(owner)'; a step belongs to one branch")
                    } else {
                        branchOwner[target] = step.name
                    }
                }
            }
        }
        for index in steps.indices {
            var dependencies = Set(steps[index].dependsOn)
            for value in steps[index].settings.values {
                for reference in PipelineTemplate.references(in: value) { if let step = reference.step { dependencies.insert(step) } }
            }
            if steps[index].kind == .condition, case .string(let text)? = steps[index].settings["if"],
               let expression = try? PipelineExpression.parse(text) {
                for reference in expression.references { if let step = reference.step { dependencies.insert(step) } }
            }
            if let owner = branchOwner[steps[index].name] { dependencies.insert(owner) }
            dependencies.remove(steps[index].name)
            steps[index].dependsOn = dependencies.sorted()
        }
        reportCycles(steps)
        return steps
    }

    /// Depth-first search; each cycle is reported once, at the first of its steps in the file.
    mutating func reportCycles(_ steps: [PipelineStep]) {
        let byName = Dictionary(steps.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var state: [String: Int] = [:]  // 1: on the path, 2: done
        var path: [String] = []
        var cycles: [[String]] = []
        func visit(_ name: String) {
            state[name] = 1
            path.append(name)
            for next in byName[name]?.dependsOn ?? [] where byName[next] != nil {
                if state[next] == 1 {
                    cycles.append(Array(path[path.lastIndex(of: next)!...]))
                } else if state[next] == nil {
                    visit(next)
                }
            }
            path.removeLast()
            state[name] = 2
        }
        for step in steps where state[step.name] == nil { visit(step.name) }
        let order = Dictionary(stepNodes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        for cycle in cycles {
            // Dependencies point backwards: show the cycle in the order work would flow.
            let flow = Array(cycle.reversed())
            let first = flow.indices.min { order[flow[$0]]! < order[flow[$1]]! }!
            let rotated = Array(flow[first...] + flow[..<first])
            let node = stepNodes.first { $0.name == rotated[0] }!
            report(node.key, "steps.\(rotated[0])", "steps form a cycle: \((rotated + [rotated[0]]).joined(separator: " → ")); remove one of these dependencies")
        }
    }
}
