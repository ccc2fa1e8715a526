import Foundation
import AviaryWorkflow
import AviaryJSON

/// Runs the AWS-recorded corpus in ../shared/conformance/asl and compares results the way its
/// README prescribes.
struct ConformanceHarness {
    struct Failure: CustomStringConvertible {
        let id: String
        let diff: String
        var description: String { "  FAIL \(id)\n    \(diff)" }
    }

    static var corpusDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/conformance/asl")
    }

    /// Every `.jsonl` file of the corpus folder (visible.jsonl, plus a held-out set if present),
    /// or only the file named by `ASL_CONFORMANCE_FILE`.
    static func caseFiles() -> [URL] {
        if let file = ProcessInfo.processInfo.environment["ASL_CONFORMANCE_FILE"], !file.isEmpty {
            return [URL(fileURLWithPath: file)]
        }
        let files = (try? FileManager.default.contentsOfDirectory(at: corpusDirectory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "jsonl" }.sorted { $0.path < $1.path }
    }

    static func run(line: String) async -> Failure? {
        let testCase: JSONValue
        do { testCase = try JSONParser.parse(line) } catch { return Failure(id: "(unparsable line)", diff: "\(error)") }
        let id = testCase["id"]?.stringValue ?? "(no id)"
        guard let definition = testCase["definition"], let expected = testCase["expected"] else {
            return Failure(id: id, diff: "case lacks definition or expected")
        }
        let machine: StateMachine
        do { machine = try DefinitionParser.parse(definition) } catch {
            return Failure(id: id, diff: "definition rejected: \(error)")
        }
        let history = InMemoryHistory()
        let execution = Execution(
            machine: machine, input: testCase["input"] ?? .null, sink: history, clock: VirtualClock(),
            random: SeededRandomSource(seed: 42))
        let result = await execution.run()
        if let diff = compare(result, expected: expected) { return Failure(id: id, diff: diff) }
        if case .array(let visited)? = testCase["states_visited"] {
            let actual = history.events.compactMap { event -> String? in
                if case .stateEntered(let name, _) = event.details { return name }
                return nil
            }
            let expectedNames = visited.compactMap(\.stringValue)
            let usesConcurrency = definition.serialized().contains("\"Type\":\"Map\"") || definition.serialized().contains("\"Type\":\"Parallel\"")
            let same = usesConcurrency ? actual.sorted() == expectedNames.sorted() : actual == expectedNames
            if !same { return Failure(id: id, diff: "states_visited: expected \(expectedNames), got \(actual)") }
        }
        return nil
    }

    static func compare(_ result: ExecutionResult, expected: JSONValue) -> String? {
        let status = expected["status"]?.stringValue ?? ""
        guard result.status.rawValue == status else {
            return "status: expected \(status), got \(result.status.rawValue) (output \(result.output?.serialized() ?? "-"), error \(result.error ?? "-"), cause \(result.cause ?? "-"))"
        }
        if status == "SUCCEEDED" {
            let want = expected["output"] ?? .null
            guard let got = result.output, got.semanticallyEquals(want) else {
                return "output: expected \(want.serialized()), got \(result.output?.serialized() ?? "nothing")"
            }
            return nil
        }
        let wantError = expected["error"]?.stringValue
        guard result.error == wantError else { return "error: expected \(wantError ?? "null"), got \(result.error ?? "null")" }
        let wantCause = expected["cause"]?.stringValue
        guard causeMatches(result.cause, wantCause) else {
            return "cause:\n      expected \(wantCause ?? "null")\n      got      \(result.cause ?? "null")"
        }
        return nil
    }

    /// Exact match, with `<json-input:N>` standing for any text.
    static func causeMatches(_ actual: String?, _ expected: String?) -> Bool {
        guard let expected, let actual else { return actual == expected }
        var pattern = "^"
        var rest = Substring(expected)
        while let range = rest.range(of: #"<json-input:\d+>"#, options: .regularExpression) {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<range.lowerBound])) + "[\\s\\S]*"
            rest = rest[range.upperBound...]
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        return actual.range(of: pattern, options: .regularExpression) != nil
    }
}
