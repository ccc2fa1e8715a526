import Foundation
import Yams

/// Reads a pipeline file, YAML or JSON (JSON is read by the same YAML parser, so both get positions),
/// into a `SourceNode` tree. Syntax errors become a `PipelineProblem` at the parser's position.
public enum PipelineSourceReader {
    public static func read(_ text: String, file: String) -> Result<SourceNode, PipelineProblem> {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return .failure(problem(error, file: file))
        } catch {
            return .failure(PipelineProblem(file: file, line: 1, column: 1, field: "", message: "cannot be read: \(error)"))
        }
        guard let node else {
            return .failure(PipelineProblem(file: file, line: 1, column: 1, field: "", message: "the file is empty; a pipeline needs at least `steps:`"))
        }
        return .success(convert(node))
    }

    static func convert(_ node: Node) -> SourceNode {
        let line = node.mark?.line ?? 1, column = node.mark?.column ?? 1
        switch node {
        case .scalar(let scalar):
            return SourceNode(.scalar(scalar.string, quoted: scalar.style != .plain && scalar.style != .any), line: line, column: column)
        case .mapping(let mapping):
            return SourceNode(.mapping(mapping.map { SourceNode.Entry(key: convert($0.key), value: convert($0.value)) }), line: line, column: column)
        case .sequence(let sequence):
            return SourceNode(.sequence(sequence.map(convert)), line: line, column: column)
        }
    }

    static func problem(_ error: YamlError, file: String) -> PipelineProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return PipelineProblem(file: file, line: mark.line, column: mark.column, field: "", message: "not valid YAML or JSON: \(detail)")
        default:
            return PipelineProblem(file: file, line: 1, column: 1, field: "", message: "not valid YAML or JSON: \(error)")
        }
    }
}
