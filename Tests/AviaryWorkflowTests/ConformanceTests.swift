import Foundation
import Testing
import AviaryWorkflow

@Suite("ASL conformance corpus (recorded against AWS)")
struct ConformanceTests {
    @Test("every recorded case passes")
    func corpus() async throws {
        let files = ConformanceHarness.caseFiles()
        #expect(!files.isEmpty, "no corpus found at \(ConformanceHarness.corpusDirectory.path)")
        var passed = 0
        var failures: [ConformanceHarness.Failure] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(separator: "\n") where !line.isEmpty {
                if let failure = await ConformanceHarness.run(line: String(line)) {
                    failures.append(failure)
                } else {
                    passed += 1
                }
            }
        }
        for failure in failures { print(failure) }
        print("ASL conformance: \(passed) passed, \(failures.count) failed")
        #expect(failures.isEmpty, "\(failures.count) conformance case(s) failed: \(failures.map(\.id).joined(separator: ", "))")
    }
}
