import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// `aviary init`, `status`, `config` and project discovery, through the real executable.
@Suite struct ProjectCommandsTests {
    @Test func initThenStatusJSONDescribesAnEmptyProject() async throws {
        let directory = TemporaryDirectory()
        let initialized = try await AviaryProcess.run(["init", "p"], in: directory.url)
        #expect(initialized.status == 0)
        #expect(initialized.standardOutput == "Initialized empty Aviary project in \(directory.file("p/.aviary").path)\n")

        let status = try await AviaryProcess.run(["status", "--json"], in: directory.file("p"))
        #expect(status.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(status.standardOutput.utf8)) as? [String: Any])
        #expect(object["project"] as? String == directory.file("p").path)
        let blobs = try #require(object["blobs"] as? [String: Any])
        #expect(blobs["count"] as? Int == 0)
        let metadata = try #require(object["metadata"] as? [String: Any])
        #expect(metadata["schemaVersion"] as? Int == SQLiteMetadataStore.supportedSchemaVersion)
        #expect(metadata["location"] as? String == "sqlite://" + directory.file("p/.aviary/aviary.sqlite").path)
    }

    @Test func initCreatesTheDocumentedLayout() async throws {
        let directory = TemporaryDirectory()
        #expect(try await AviaryProcess.run(["init"], in: directory.url).status == 0)
        for path in [".aviary/aviary.sqlite", ".aviary/blobs/sha256", ".aviary/blobs/tmp", ".aviary/config.toml"] {
            #expect(FileManager.default.fileExists(atPath: directory.file(path).path), "\(path)")
        }
        let again = try await AviaryProcess.run(["init"], in: directory.url)
        #expect(again.standardOutput == "Aviary project already exists in \(directory.file(".aviary").path); left unchanged\n")
    }

    @Test func outsideAProjectCommandsSaySoAndHowToFixIt() async throws {
        let directory = TemporaryDirectory()
        let result = try await AviaryProcess.run(["status"], in: directory.url)
        #expect(result.status == 66)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError == "error: not inside an Aviary project (no .aviary folder in \(directory.url.path) or any parent). Run `aviary init` to make one here, or point at one with --project DIR or AVIARY_PROJECT=DIR.\n")
    }

    @Test func findsTheProjectFromASubfolderFromTheEnvironmentAndFromTheFlag() async throws {
        let directory = TemporaryDirectory()
        #expect(try await AviaryProcess.run(["init", "p"], in: directory.url).status == 0)
        let nested = directory.file("p/images/train")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        #expect(try await AviaryProcess.run(["status"], in: nested).standardOutput.hasPrefix("Project   \(directory.file("p").path)\n"))
        #expect(try await AviaryProcess.run(["status"], in: directory.url, environment: ["AVIARY_PROJECT": "p"]).status == 0)
        #expect(try await AviaryProcess.run(["status", "--project", "p"], in: directory.url).status == 0)
    }

    @Test func configurationComesFromFileEnvironmentAndFlags() async throws {
        let directory = TemporaryDirectory()
        #expect(try await AviaryProcess.run(["init"], in: directory.url).status == 0)
        let listed = try await AviaryProcess.run(["config", "list", "--json", "--log-level", "error"], in: directory.url,
                                           environment: ["AVIARY_LOG_FORMAT": "json"])
        let values = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: String]])
        #expect(values.first { $0["key"] == "log.level" } == ["key": "log.level", "value": "error", "source": "flag"])
        #expect(values.first { $0["key"] == "log.format" } == ["key": "log.format", "value": "json", "source": "environment"])
        #expect(values.first { $0["key"] == "store.busy_timeout_seconds" }?["source"] == "file")

        let bad = try await AviaryProcess.run(["status"], in: directory.url, environment: ["AVIARY_LOG_LEVEL": "loud"])
        #expect(bad.status == 78)
        #expect(bad.standardError == "error: AVIARY_LOG_LEVEL: 'loud' is not a valid value for log.level; expected one of trace, debug, info, notice, warning, error, critical.\n")
    }

    @Test func logLevelFlagWritesStructuredLogsToStandardError() async throws {
        let directory = TemporaryDirectory()
        #expect(try await AviaryProcess.run(["init"], in: directory.url).status == 0)
        let file = try directory.write("a.txt", Data("a".utf8))
        let result = try await AviaryProcess.run(["blob", "put", file.path, "--log-level", "info", "--log-format", "json"], in: directory.url)
        #expect(result.status == 0)
        let lines = result.standardError.split(separator: "\n")
        let stored = try lines.compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
            .first { $0["msg"] == "stored blob" }
        #expect(stored?["label"] == "aviary.cli")
        #expect(stored?["size"] == "1")
        #expect(stored?["path"] == file.path)
    }

    @Test func helpListsTheCommands() async throws {
        let result = try await AviaryProcess.run(["--help"], in: URL(fileURLWithPath: "/"))
        #expect(result.status == 0)
        #expect(result.standardOutput.hasSuffix("""
            SUBCOMMANDS:
              init                    Create a project: .aviary/ with its database, blob
                                      store and configuration.
              status                  Show what the project holds.
              blob                    Store, read and list content-addressed blobs.
              fsck                    Re-hash every blob and check every reference from the
                                      metadata.
              config                  Show the effective configuration and where each value
                                      comes from.
              data                    Import, inspect, compare, split and export dataset
                                      versions.
              workflow                Validate, store, run, inspect, stop and resume Amazon
                                      States Language workflows.
              function                Register, list and remove the functions workflows
                                      call.
              train                   Train an image classifier on a dataset version;
                                      checkpoints every epoch, resumable.
              predict                 Classify images with a trained model (an artifact id,
                                      or GROUP/VERSION from the registry).
              evaluate                Score predictions on a held-out dataset version:
                                      accuracy, top-k, per-class scores, confusion,
                                      calibration.
              pipeline                Validate, run, resume and inspect pipelines: split,
                                      train, evaluate, condition, register, script.
              model                   Register model versions, list them, and approve or
                                      reject them.
              events                  Read the project's event log and deliver it to
                                      webhooks and rules.
              webhook                 Add, list and remove webhooks; list dead letters.
              rule                    Run a command when an event happens: when a version
                                      of group G is approved, run this.
              onnx                    Inspect ONNX models and run them on NumPy arrays.
              backbone                Pull pretrained backbones from the zoo, add your own
                                      ONNX ones, and list them.

              See 'aviary help <subcommand>' for detailed help.

            """))
        #expect(!result.standardOutput.contains("debug"))
    }
}
