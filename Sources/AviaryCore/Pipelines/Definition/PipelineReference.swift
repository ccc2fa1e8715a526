import AviaryJSON
import Foundation

/// A `${…}` reference inside a setting: `${params.NAME}`, `${steps.STEP.outputs.KEY}`,
/// `${steps.STEP.outputs}` (all of a step's outputs) or `${run.id}`.
public enum PipelineReference: Sendable, Hashable, CustomStringConvertible {
    case parameter(String)
    case output(step: String, key: String?)
    case runID

    public var description: String {
        switch self {
        case .parameter(let name): "params.\(name)"
        case .output(let step, let key?): "steps.\(step).outputs.\(key)"
        case .output(let step, nil): "steps.\(step).outputs"
        case .runID: "run.id"
        }
    }

    /// Parses the inside of `${…}` (or a path in a condition): nil when it is none of the forms.
    public static func parse(_ path: String) -> PipelineReference? {
        let parts = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } }) else { return nil }
        switch (parts.first, parts.count) {
        case ("params", 2): return .parameter(parts[1])
        case ("steps", 3) where parts[2] == "outputs": return .output(step: parts[1], key: nil)
        case ("steps", 4) where parts[2] == "outputs": return .output(step: parts[1], key: parts[3])
        case ("run", 2) where parts[1] == "id": return .runID
        default: return nil
        }
    }

    public var step: String? {
        if case .output(let step, _) = self { return step }
        return nil
    }
}

/// A setting's text split into literal pieces and references.
public struct PipelineTemplate: Sendable, Hashable {
    public enum Piece: Sendable, Hashable {
        case literal(String)
        case reference(PipelineReference)
        /// `${…}` whose inside is not a reference; the validator reports it.
        case invalid(String)
    }

    public var pieces: [Piece]

    public init(_ text: String) {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            if start.lowerBound > rest.startIndex { pieces.append(.literal(String(rest[..<start.lowerBound]))) }
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                pieces.append(.invalid(String(rest[start.lowerBound...])))
                rest = ""
                break
            }
            let inside = String(rest[start.upperBound..<end]).trimmingCharacters(in: .whitespaces)
            pieces.append(PipelineReference.parse(inside).map(Piece.reference) ?? .invalid("${\(inside)}"))
            rest = rest[rest.index(after: end)...]
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        self.pieces = pieces
    }

    public var references: [PipelineReference] {
        pieces.compactMap { if case .reference(let reference) = $0 { reference } else { nil } }
    }

    /// The reference when the whole text is one `${…}`: its value keeps its type (a number stays a number).
    public var soleReference: PipelineReference? {
        if pieces.count == 1, case .reference(let reference) = pieces[0] { return reference }
        return nil
    }

    /// Every reference found anywhere in a setting's value.
    public static func references(in value: JSONValue) -> [PipelineReference] {
        switch value {
        case .string(let text): PipelineTemplate(text).references
        case .array(let items): items.flatMap(references(in:))
        case .object(let object): object.flatMap { references(in: $0.value) }
        default: []
        }
    }
}
