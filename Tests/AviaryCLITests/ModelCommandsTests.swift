import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

@Suite("aviary model")
struct ModelCommandsTests {
    @Test("register, list, approve, reject and show, in text and JSON")
    func lifecycle() async throws {
        let project = try await AviaryProcess.initializedProject()
        let artifact = project.url.appendingPathComponent("model.onnx")
        try Data("not really onnx, but bytes to keep".utf8).write(to: artifact)
        let env = ["AVIARY_USER": "ana"]
        let registered = try await AviaryProcess.run(
            ["model", "register", "birds", "--artifact", artifact.path, "--metric", "accuracy=0.91", "--metric", "f1=0.88",
             "--param", "epochs=5", "--pipeline-run", "run-7", "--reason", "first candidate"], in: project.url, environment: env)
        #expect(registered.status == 0, "\(registered.standardError)")
        #expect(registered.standardOutput == "registered birds/1 (PendingManualApproval)\n")
        #expect(try await AviaryProcess.run(["model", "register", "birds"], in: project.url, environment: env).standardOutput
            == "registered birds/2 (PendingManualApproval)\n")

        let approve = try await AviaryProcess.run(["model", "approve", "birds/1", "--reason", "beats the baseline", "--by", "bo"],
                                                  in: project.url, environment: env)
        #expect(approve.standardOutput == "birds/1 is Approved\n")
        let again = try await AviaryProcess.run(["model", "approve", "birds/1"], in: project.url, environment: env)
        #expect(again.status == 65)
        #expect(again.standardError.contains("the version is already Approved; nothing to change"))
        #expect(try await AviaryProcess.run(["model", "reject", "birds/2", "--reason", "worse"], in: project.url, environment: env).status == 0)
        let missing = try await AviaryProcess.run(["model", "approve", "birds/9"], in: project.url, environment: env)
        #expect(missing.status == 66 && missing.standardError.contains("model group 'birds' has no version 9"))

        let list = try await AviaryProcess.run(["model", "ls", "birds"], in: project.url)
        let lines = list.standardOutput.split(separator: "\n")
        #expect(lines.count == 3 && lines[1].hasPrefix("birds/1  Approved") && lines[2].hasPrefix("birds/2  Rejected"))
        #expect(lines[1].hasSuffix("accuracy=0.91 f1=0.88"))

        let show = try await AviaryProcess.run(["model", "show", "birds/1", "--json"], in: project.url)
        let version = try JSONDecoder.iso8601.decode(ModelVersion.self, from: Data(show.standardOutput.utf8))
        #expect(version.status == .approved && version.metrics == ["accuracy": 0.91, "f1": 0.88])
        #expect(version.lineage.parameters == ["epochs": "5"] && version.lineage.pipelineRun == "run-7")
        #expect(version.history.map(\.by) == ["ana", "bo"] && version.history.map(\.reason) == ["first candidate", "beats the baseline"])
        let blob = try #require(version.artifact)
        #expect(try await AviaryProcess.run(["blob", "get", blob.description], in: project.url).standardOutput == "not really onnx, but bytes to keep")

        let text = try await AviaryProcess.run(["model", "show", "birds/1"], in: project.url).standardOutput
        #expect(text.contains("status:     Approved") && text.contains("Approved  by bo: beats the baseline"))
        let today = try await AviaryProcess.run(["model", "show", "birds", "--approved-at", DisplayDay.today], in: project.url)
        #expect(today.standardOutput.contains("birds/1") && !today.standardOutput.contains("birds/2"))
        let before = try await AviaryProcess.run(["model", "show", "birds", "--approved-at", "2020-01-01"], in: project.url)
        #expect(before.standardOutput.hasPrefix("no version of birds was approved at 2020-01-01"))

        let events = try await AviaryProcess.run(["status", "--json"], in: project.url)
        #expect(events.standardOutput.contains("model.version"))
        #expect(try await FsckReport.check(Project.open(ProjectLayout(root: project.url), environment: [:])).isHealthy)
    }

    @Test("two processes registering at once get distinct numbers without gaps")
    func concurrentProcesses() async throws {
        let project = try await AviaryProcess.initializedProject()
        async let a: [CommandResult] = Self.register(5, in: project.url)
        async let b: [CommandResult] = Self.register(5, in: project.url)
        let results = try await a + b
        #expect(results.allSatisfy { $0.status == 0 })
        let list = try await AviaryProcess.run(["model", "ls", "birds", "--json"], in: project.url)
        let versions = try JSONDecoder.iso8601.decode([ModelVersion].self, from: Data(list.standardOutput.utf8))
        #expect(versions.map(\.number) == Array(1...10))
    }

    static func register(_ count: Int, in directory: URL) async throws -> [CommandResult] {
        var results: [CommandResult] = []
        for _ in 0..<count { results.append(try await AviaryProcess.run(["model", "register", "birds"], in: directory)) }
        return results
    }
}

enum DisplayDay {
    static var today: String { Date().formatted(.iso8601.year().month().day()) }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
