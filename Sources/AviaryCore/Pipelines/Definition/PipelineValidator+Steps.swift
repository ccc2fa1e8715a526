import AviaryJSON

extension PipelineValidator {
    static let retryKeys: Set<String> = ["on", "max_attempts", "interval", "backoff_rate"]

    mutating func parseStep(_ name: String, _ node: SourceNode) -> PipelineStep? {
        let field = "steps.\(name)"
        guard node.entries != nil else {
            report(node, field, "expected a mapping with at least `kind`, found \(node.kindName)")
            return nil
        }
        guard let kindNode = node["kind"] else {
            report(node, "\(field).kind", "missing; every step needs a kind: \(PipelineStepKind.allCases.map(\.rawValue).joined(separator: ", "))")
            _ = mappingEntries(node, field, allowed: nil, what: "a step")
            return nil
        }
        guard let kindText = kindNode.text, let kind = PipelineStepKind(rawValue: kindText) else {
            report(kindNode, "\(field).kind", "'\(kindNode.text ?? kindNode.kindName)' is not a step kind; use one of \(PipelineStepKind.allCases.map(\.rawValue).joined(separator: ", "))")
            _ = mappingEntries(node, field, allowed: nil, what: "a step")
            return nil
        }
        let schema = StepSchema.fields(kind)
        guard let fields = mappingEntries(node, field, allowed: StepSchema.common.union(schema.keys), what: "a \(kind.rawValue) step") else { return nil }
        var step = PipelineStep(name: name, kind: kind, description: nil, dependsOn: [], settings: [:], timeout: nil, retry: [], cache: nil)
        var valid = true
        for entry in fields {
            let key = entry.key.text ?? ""
            let path = "\(field).\(key)"
            switch key {
            case "kind": break
            case "description": step.description = string(entry.value, path)
            case "depends_on":
                step.dependsOn = stepNames(entry.value, path, from: name)
            case "timeout":
                step.timeout = duration(entry.value, path)
                if step.timeout == 0 { report(entry.value, path, "must be more than 0"); valid = false }
            case "retry": step.retry = retryRules(entry.value, path)
            case "cache":
                step.cache = cachePolicy(entry.value, path)
                if kind == .fail, step.cache?.enabled == true { report(entry.value, path, "a fail step is never cached") }
            default:
                let spec = schema[key]!
                if checkSetting(entry.value, path, spec.type, step: name) {
                    step.settings[key] = spec.type == .expression ? .string(entry.value.text ?? "") : entry.value.json
                } else {
                    valid = false
                }
            }
        }
        for (key, spec) in schema where spec.required && node[key] == nil {
            report(node, "\(field).\(key)", "missing; a \(kind.rawValue) step needs `\(key)`: \(spec.help)")
            valid = false
        }
        return valid ? step : nil
    }

    /// A list of existing step names other than `self` (a single name is accepted too).
    mutating func stepNames(_ node: SourceNode, _ field: String, from stepName: String) -> [String] {
        let nodes: [SourceNode]
        if let items = node.items { nodes = items } else if node.text != nil { nodes = [node] } else {
            report(node, field, "expected a list of step names, found \(node.kindName)")
            return []
        }
        var names: [String] = []
        for item in nodes {
            guard case .string(let text)? = item.scalarValue else {
                report(item, field, "expected a step name, found \(item.kindName)")
                continue
            }
            if text == stepName {
                report(item, field, "step '\(stepName)' cannot depend on itself")
            } else if !stepNodes.contains(where: { $0.name == text }) {
                report(item, field, "no step named '\(text)'; steps are \(stepNodes.map(\.name).joined(separator: ", "))")
            } else {
                names.append(text)
            }
        }
        return names
    }

    mutating func retryRules(_ node: SourceNode, _ field: String) -> [PipelineRetryRule] {
        let nodes = node.items ?? [node]
        var rules: [PipelineRetryRule] = []
        for (index, item) in nodes.enumerated() {
            let path = node.items == nil ? field : "\(field)[\(index)]"
            guard let fields = mappingEntries(item, path, allowed: Self.retryKeys, what: "a retry rule") else { continue }
            var rule = PipelineRetryRule(errors: [.all], maxAttempts: 2, interval: 1, backoffRate: 2)
            for entry in fields {
                let key = entry.key.text ?? ""
                switch key {
                case "on":
                    var classes: [StepErrorClass] = []
                    for classNode in entry.value.items ?? [entry.value] {
                        if let text = classNode.text, let errorClass = StepErrorClass(rawValue: text) { classes.append(errorClass) } else {
                            report(classNode, "\(path).on", "'\(classNode.text ?? classNode.kindName)' is not an error class; use \(StepErrorClass.allCases.map(\.rawValue).joined(separator: ", "))")
                        }
                    }
                    rule.errors = classes
                case "max_attempts": rule.maxAttempts = integer(entry.value, "\(path).max_attempts", minimum: 0) ?? rule.maxAttempts
                case "interval": rule.interval = duration(entry.value, "\(path).interval") ?? rule.interval
                default:
                    if let rate = entry.value.scalarValue?.doubleValue, rate >= 1 { rule.backoffRate = rate } else {
                        report(entry.value, "\(path).backoff_rate", "expected a number of at least 1, found \(entry.value.text ?? entry.value.kindName)")
                    }
                }
            }
            rules.append(rule)
        }
        return rules
    }

    // MARK: Settings

    /// Checks a setting's shape and every reference in it; false when something was reported.
    mutating func checkSetting(_ node: SourceNode, _ field: String, _ type: StepSchema.FieldType, step: String) -> Bool {
        let before = problems.count
        switch type {
        case .string, .int, .number, .bool:
            checkScalar(node, field, type, step: step)
        case .strings:
            if node.items != nil {
                for item in node.items! { checkScalar(item, field, .string, step: step) }
            } else {
                checkScalar(node, field, .string, step: step)
            }
        case .stringMap, .scalarMap, .numberMap:
            if type == .numberMap, node.text != nil {
                checkScalar(node, field, .string, step: step)
                if case .string(let text)? = node.scalarValue, PipelineTemplate(text).soleReference?.step == nil {
                    report(node, field, "expected \(type.phrase)")
                }
                break
            }
            guard let entries = mappingEntries(node, field, allowed: nil, what: "\(field)") else { break }
            for entry in entries {
                let key = entry.key.text ?? ""
                if type != .scalarMap, !PipelineValidator.isIdentifier(key) {
                    report(entry.key, "\(field).\(key)", "'\(key)' is not a name: use letters, digits, '_' or '-'")
                }
                if type == .scalarMap {
                    guard entry.value.text != nil else {
                        report(entry.value, "\(field).\(key)", "expected a string, number or boolean, found \(entry.value.kindName)")
                        continue
                    }
                    checkReferences(entry.value, "\(field).\(key)", step: step)
                } else {
                    checkScalar(entry.value, "\(field).\(key)", type == .stringMap ? .string : .number, step: step)
                }
            }
        case .stepList:
            _ = stepNames(node, field, from: step)
        case .expression:
            checkExpression(node, field, step: step)
        }
        return problems.count == before
    }

    /// A scalar of `type`; a string that is one `${…}` stands for a value of the referenced parameter's
    /// type (a step's output is only known at run time).
    mutating func checkScalar(_ node: SourceNode, _ field: String, _ type: StepSchema.FieldType, step: String) {
        guard let value = node.scalarValue, node.text != nil else {
            report(node, field, "expected \(type.phrase), found \(node.kindName)")
            return
        }
        if case .string(let text) = value {
            let template = PipelineTemplate(text)
            checkReferences(node, field, step: step)
            if let reference = template.soleReference {
                if case .parameter(let name) = reference, let parameter = parameters.first(where: { $0.name == name }),
                   !Self.compatible(parameter.type, type) {
                    report(node, field, "expected \(type.phrase), but params.\(name) is \(parameter.type.phrase)")
                }
                return
            }
            if type != .string { report(node, field, "expected \(type.phrase), found \(node.kindName)") }
            return
        }
        let ok = switch (type, value) {
            case (.int, .int), (.number, .int), (.number, .double), (.bool, .bool): true
            default: false
        }
        if !ok { report(node, field, "expected \(type.phrase), found \(node.kindName)") }
    }

    static func compatible(_ parameter: PipelineParameterType, _ type: StepSchema.FieldType) -> Bool {
        switch (parameter, type) {
        case (_, .string), (.int, .int), (.int, .number), (.float, .number), (.bool, .bool): true
        default: false
        }
    }

    /// Every `${…}` in a scalar names a declared parameter or another step.
    mutating func checkReferences(_ node: SourceNode, _ field: String, step: String) {
        guard case .string(let text)? = node.scalarValue else { return }
        for piece in PipelineTemplate(text).pieces {
            switch piece {
            case .literal: break
            case .invalid(let text):
                report(node, field, "'\(text)' is not a reference; write ${params.NAME}, ${steps.STEP.outputs.KEY} or ${run.id}")
            case .reference(let reference):
                checkReference(reference, node, field, step: step)
            }
        }
    }

    mutating func checkReference(_ reference: PipelineReference, _ node: SourceNode, _ field: String, step: String) {
        switch reference {
        case .parameter(let name) where !parameters.contains { $0.name == name }:
            let declared = parameters.isEmpty ? "none are declared" : "declared: \(parameters.map(\.name).joined(separator: ", "))"
            report(node, field, "\(reference) refers to no parameter (\(declared))")
        case .output(let other, _) where other == step:
            report(node, field, "\(reference): a step cannot use its own outputs")
        case .output(let other, _) where !stepNodes.contains { $0.name == other }:
            report(node, field, "\(reference) refers to no step; steps are \(stepNodes.map(\.name).joined(separator: ", "))")
        default: break
        }
    }

    mutating func checkExpression(_ node: SourceNode, _ field: String, step: String) {
        guard case .string(let text)? = node.scalarValue else {
            report(node, field, "expected \(StepSchema.FieldType.expression.phrase), found \(node.kindName)")
            return
        }
        let expression: PipelineExpression
        do { expression = try PipelineExpression.parse(text) } catch {
            // Point at the character: a plain scalar starts at its node, a quoted one a character later.
            var at = node
            if case .scalar(_, let quoted) = node.content, !text.contains("\n") { at.column += error.offset + (quoted ? 1 : 0) }
            report(at, field, error.message)
            return
        }
        for reference in expression.references { checkReference(reference, node, field, step: step) }
        checkTypes(expression, node, field)
    }

    /// What a comparison's operand is known to be before the run: literals and parameters have types;
    /// step outputs are known only when the step has run.
    func staticType(_ expression: PipelineExpression) -> String? {
        switch expression {
        case .literal(let value): return value.isNumber ? "number" : value.typeName
        case .reference(.parameter(let name)):
            guard let parameter = parameters.first(where: { $0.name == name }) else { return nil }
            return parameter.type == .string ? "string" : parameter.type == .bool ? "boolean" : "number"
        case .not, .and, .or, .compare: return "boolean"
        default: return nil
        }
    }

    mutating func checkTypes(_ expression: PipelineExpression, _ node: SourceNode, _ field: String) {
        switch expression {
        case .not(let inner): checkTypes(inner, node, field)
        case .and(let a, let b), .or(let a, let b):
            for side in [a, b] { checkTypes(side, node, field) }
        case .compare(let a, let op, let b):
            guard let left = staticType(a), let right = staticType(b) else { return }
            if left != right {
                report(node, field, "\(a) is a \(left) and \(b) is a \(right); they cannot be compared with \(op.rawValue)")
            } else if left == "boolean", op != .equal, op != .notEqual {
                report(node, field, "booleans can only be compared with == or !=, not \(op.rawValue)")
            }
        case .literal, .reference:
            checkCondition(expression, node, field)
        }
    }

    /// An operand used as a condition on its own must be a boolean.
    mutating func checkCondition(_ expression: PipelineExpression, _ node: SourceNode, _ field: String) {
        if let type = staticType(expression), type != "boolean" {
            report(node, field, "\(expression) is a \(type), not a condition; compare it, as in \(expression) >= …")
        }
    }
}
