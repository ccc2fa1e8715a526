import AviaryCore
import AviaryJSON
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// The script contract: channels as folders, model and output folders, params as variables and a
/// file, metrics.json as outputs, the model folder as a content-addressed folder blob.
@Suite struct ScriptStepTests {
    @Test func theContractsVariablesFoldersAndFilesAreWhatTheReadmeSays() async throws {
        let fixture = try PipelineFixture()
        let photos = TemporaryDirectory()
        for (name, seed) in [("cat/a.png", 1), ("cat/b.png", 2), ("dog/c.png", 3)] { _ = try photos.write(name, try SampleImages.png(seed: seed)) }
        let listing = try ImageFolderSource(root: photos.url).listing()
        let imported = try await DatasetImporter(catalog: DatasetCatalog(project: fixture.project)).run(listing, dataset: "pets")
        let text = """
            steps:
              look:
                kind: script
                command: |
                  set -e
                  ls $AVIARY_CHANNEL_PETS_V1 | tr '\\n' ' ' > $AVIARY_OUTPUT_DIR/classes.txt
                  find $AVIARY_CHANNEL_PETS_V1 -type f | wc -l | tr -d ' ' > $AVIARY_MODEL_DIR/count
                  printf '#!/bin/sh\\necho hi\\n' > $AVIARY_MODEL_DIR/run.sh; chmod +x $AVIARY_MODEL_DIR/run.sh
                  echo "{\\"lr\\": \\"$AVIARY_PARAM_LR\\", \\"file\\": $(cat $AVIARY_PARAMS_FILE), \\"step\\": \\"$AVIARY_STEP\\", \\"run\\": \\"$AVIARY_RUN_ID\\", \\"colour\\": \\"$COLOUR\\", \\"channels\\": \\"$AVIARY_CHANNELS\\"}" > $AVIARY_OUTPUT_DIR/metrics.json
                channels: {pets-v1: pets}
                params: {lr: 0.01, name: "${run.id}"}
                environment: {COLOUR: blue}
            """
        let run = try await fixture.run(text, id: "contract")
        #expect(run.status == .succeeded, "\(run.message ?? "")")
        let step = try #require(try await fixture.steps(run)["look"])
        #expect(step.outputs["lr"] == .string("0.01"))
        #expect(step.outputs["file"] == .object(JSONObject([("lr", .double(0.01)), ("name", .string("contract"))])))
        #expect(step.outputs["step"] == .string("look"))
        #expect(step.outputs["run"] == .string("contract"))
        #expect(step.outputs["colour"] == .string("blue"))
        #expect(step.outputs["channels"] == .string("pets-v1"))
        #expect(step.inputs["channels"] == .object(JSONObject([("pets-v1", .string("pets"))])))
        #expect(imported.version.itemCount == 3)

        // The model folder is a folder blob: it extracts to the same files, the executable bit kept.
        let model = try BlobID(parsing: try #require(step.outputs["model"]?.stringValue))
        let out = TemporaryDirectory()
        try FolderArchive.extract(model, from: fixture.project.blobs, to: out.url)
        #expect(try String(contentsOf: out.file("count"), encoding: .utf8) == "3\n")
        #expect(FileManager.default.isExecutableFile(atPath: out.file("run.sh").path))
        #expect(FolderArchive.isFolder(model, in: fixture.project.blobs))
        #expect(try FolderArchive.store(out.url, in: fixture.project.blobs).id == model)
        let output = try BlobID(parsing: try #require(step.outputs["output"]?.stringValue))
        let outputFolder = TemporaryDirectory()
        try FolderArchive.extract(output, from: fixture.project.blobs, to: outputFolder.url)
        #expect(try String(contentsOf: outputFolder.file("classes.txt"), encoding: .utf8) == "cat dog ")
        // Only the log and params.json are left in the working folder.
        let work = PipelineRunner(project: fixture.project).workRoot.appendingPathComponent("contract/look/attempt-1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).sorted() == ["log", "params.json"])
    }

    @Test func metricsThatAreNotAnObjectFailTheStepAsInput() async throws {
        let fixture = try PipelineFixture()
        let run = try await fixture.run("steps:\n  s: {kind: script, command: \"echo '[1]' > $AVIARY_OUTPUT_DIR/metrics.json\"}\n", id: "m")
        let step = try #require(try await fixture.steps(run)["s"])
        #expect(step.errorClass == .input)
        #expect(step.error == "metrics.json in the output folder must be one JSON object, such as {\"accuracy\": 0.91}")
    }

    @Test func aMissingChannelDatasetIsAnInputFailure() async throws {
        let fixture = try PipelineFixture()
        let run = try await fixture.run("steps:\n  s: {kind: script, command: \"true\", channels: {train: nothing}}\n", id: "c")
        let step = try #require(try await fixture.steps(run)["s"])
        #expect(step.errorClass == .input)
        #expect(step.error?.hasPrefix("channel 'nothing': ") == true)
    }
}
