import AviaryCore
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// `aviary pipeline`, end to end through the real executable: split a real dataset version, train with
/// a script that writes metrics.json and a model folder, gate on a condition, register the model.
@Suite struct PipelineCommandsTests {
    static let trainScript = """
        #!/bin/sh
        # A stand-in trainer: counts its training images per class and "learns" their labels.
        set -e
        echo "training on $(find "$AVIARY_CHANNEL_TRAIN" -type f | wc -l | tr -d ' ') images for $AVIARY_PARAM_EPOCHS epochs"
        ls "$AVIARY_CHANNEL_TRAIN" > "$AVIARY_MODEL_DIR/labels.txt"
        printf 'weights' > "$AVIARY_MODEL_DIR/weights.bin"
        images=$(find "$AVIARY_CHANNEL_TRAIN" -type f | wc -l | tr -d ' ')
        echo "{\\"accuracy\\": 0.875, \\"train_images\\": $images}" > "$AVIARY_OUTPUT_DIR/metrics.json"
        """

    static let pipeline = """
        name: pets
        parameters:
          dataset: {type: string, default: pets}
          threshold: {type: float, default: 0.8}
          epochs: {type: int, default: 2}
        steps:
          split:
            kind: split
            dataset: ${params.dataset}
            fractions: {train: 0.6, validation: 0.2, test: 0.2}
            seed: 1
          train:
            kind: script
            command: [sh, train.sh]
            channels:
              train: ${steps.split.outputs.train}
              validation: ${steps.split.outputs.validation}
            params: {epochs: "${params.epochs}"}
            timeout: 1m
          check:
            kind: condition
            if: steps.train.outputs.accuracy >= params.threshold
            then: [register]
          register:
            kind: register
            group: pets-classifier
            model: ${steps.train.outputs.model}
            metrics: ${steps.train.outputs}
            dataset: ${steps.split.outputs.train}
        """

    /// A project with a `pets` dataset of 10 images, 5 per class, and the pipeline beside it.
    static func project() async throws -> TemporaryDirectory {
        let project = try await AviaryProcess.initializedProject()
        let photos = TemporaryDirectory()
        for seed in 0..<10 { _ = try photos.write("\(seed < 5 ? "cat" : "dog")/\(seed).png", try SampleImages.png(seed: seed)) }
        let imported = try await AviaryProcess.run(["data", "import", photos.url.path, "--dataset", "pets"], in: project.url)
        #expect(imported.status == 0, "\(imported.standardError)")
        _ = try project.write("train.sh", Data(trainScript.utf8))
        _ = try project.write("pipeline.yaml", Data(pipeline.utf8))
        return project
    }

    func json(_ result: CommandResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    @Test func splitTrainConditionRegisterEndToEndThenCachedThenGated() async throws {
        let project = try await Self.project()
        let first = try await AviaryProcess.run(["pipeline", "run", "pipeline.yaml", "--name", "first", "--json"], in: project.url)
        #expect(first.status == 0, "\(first.standardError)")
        let detail = try json(first)
        let steps = try #require(detail["steps"] as? [[String: Any]])
        #expect(steps.map { $0["status"] as? String } == ["succeeded", "succeeded", "succeeded", "succeeded"])
        let train = steps[1]
        let outputs = try #require(train["outputs"] as? [String: Any])
        #expect(outputs["accuracy"] as? Double == 0.875)
        #expect(outputs["train_images"] as? Int == 6)
        #expect((outputs["model"] as? String)?.hasPrefix("sha256:") == true)
        for line in ["started", "succeeded"] { #expect(first.standardError.contains("step train \(line)")) }

        // The registered version is in the registry, with this run in its lineage.
        let listed = try await AviaryProcess.run(["model", "ls", "pets-classifier", "--json"], in: project.url)
        let versions = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        #expect(versions.count == 1)
        let lineage = try #require(versions[0]["lineage"] as? [String: Any])
        #expect(lineage["pipelineRun"] as? String == "first")
        #expect((lineage["datasetVersion"] as? String)?.hasPrefix("pets.train@") == true)
        #expect(lineage["parameters"] as? [String: String] == ["dataset": "pets", "threshold": "0.8", "epochs": "2"])
        #expect(versions[0]["artifact"] as? String == outputs["model"] as? String)
        #expect(versions[0]["metrics"] as? [String: Double] == ["accuracy": 0.875, "train_images": 6])
        #expect(versions[0]["status"] as? String == "PendingManualApproval")
        let text = try await AviaryProcess.run(["model", "ls", "pets-classifier"], in: project.url)
        #expect(text.standardOutput.contains("pets-classifier/1  PendingManualApproval"))

        let logs = try await AviaryProcess.run(["pipeline", "logs", "first", "train"], in: project.url)
        #expect(logs.standardOutput == "$ sh train.sh\ntraining on 6 images for 2 epochs\n")

        // Unchanged: every step is a cache hit, and show says so with the key.
        let second = try await AviaryProcess.run(["pipeline", "run", "pipeline.yaml", "--name", "second"], in: project.url)
        #expect(second.status == 0, "\(second.standardError)")
        let shown = try await AviaryProcess.run(["pipeline", "show", "second", "--json"], in: project.url)
        let secondSteps = try #require(try json(shown)["steps"] as? [[String: Any]])
        #expect(secondSteps.map { $0["status"] as? String } == ["cached", "cached", "cached", "cached"])
        #expect(secondSteps[1]["cacheKey"] as? String == train["cacheKey"] as? String)
        let showText = try await AviaryProcess.run(["pipeline", "show", "second"], in: project.url)
        let key = try #require(train["cacheKey"] as? String)
        #expect(showText.standardOutput.contains("train     script     cached  0         "))
        #expect(showText.standardOutput.contains(key))
        #expect(showText.standardOutput.contains("  train: cached, reused from first/train\n"))

        // Above what the model reaches: nothing is registered, and the run says why.
        let gated = try await AviaryProcess.run(["pipeline", "run", "pipeline.yaml", "--name", "gated", "--param", "threshold=0.95"], in: project.url)
        #expect(gated.status == 0, "\(gated.standardError)")
        #expect(gated.standardOutput.contains("message:    condition check was false (steps.train.outputs.accuracy (0.875) >= params.threshold (0.95) is false); skipped register\n"))
        #expect(gated.standardOutput.contains("register  register   skipped"))
        let after = try await AviaryProcess.run(["model", "ls", "pets-classifier", "--json"], in: project.url)
        #expect((try JSONSerialization.jsonObject(with: Data(after.standardOutput.utf8)) as? [Any])?.count == 1)

        let runs = try await AviaryProcess.run(["pipeline", "ls"], in: project.url)
        #expect(runs.standardOutput.split(separator: "\n").map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
                == ["RUN PIPELINE STATUS", "first pets succeeded", "second pets succeeded", "gated pets succeeded"])
        let project2 = try Project.open(ProjectLayout(root: project.url), environment: [:])
        let events = try await project2.metadata.events(after: 0, limit: 1000).filter { $0.subject == "pipeline.run/first" }.map(\.type)
        #expect(events == ["pipeline.run.started", "pipeline.run.succeeded"])
    }

    @Test func validateReportsEveryProblemAndDefinitionPrintsTheNormalisedForm() async throws {
        let directory = TemporaryDirectory()
        let bad = try directory.write("bad.yaml", Data("""
            steps:
              a: {kind: script}
              b: {kind: condition, if: "steps.a.outputs.x >", then: [c]}
            """.utf8))
        let result = try await AviaryProcess.run(["pipeline", "validate", bad.path], in: directory.url)
        #expect(result.status == 65)
        #expect(result.standardOutput == """
            \(bad.path):2:6: steps.a.command: missing; a script step needs `command`: the command: a list of words, or one string run by /bin/sh -c
            \(bad.path):3:48: steps.b.if: expected a value, a reference or '(' but the expression ended
            \(bad.path):3:58: steps.b.then: no step named 'c'; steps are a, b
            3 problem(s)

            """)
        let good = try directory.write("good.json", Data(#"{"steps": {"a": {"kind": "script", "command": "true"}, "b": {"kind": "fail", "message": "${steps.a.outputs.x}"}}}"#.utf8))
        #expect(try await AviaryProcess.run(["pipeline", "validate", good.path], in: directory.url).standardOutput == "\(good.path): valid (pipeline good, 2 steps)\n")
        let definition = try await AviaryProcess.run(["pipeline", "definition", good.path, "--json"], in: directory.url)
        #expect(definition.status == 0)
        let object = try json(definition)
        #expect(object["name"] as? String == "good")
        #expect(object["max_parallel"] as? Int == 4)
        let steps = try #require(object["steps"] as? [String: [String: Any]])
        #expect(steps["a"]?["depends_on"] as? [String] == [])
        #expect(steps["b"]?["depends_on"] as? [String] == ["a"])
        let normalized = try directory.write("normalized.json", Data(definition.standardOutput.utf8))
        #expect(try await AviaryProcess.run(["pipeline", "validate", normalized.path], in: directory.url).status == 0)
        let invalid = try await AviaryProcess.run(["pipeline", "definition", bad.path, "--json"], in: directory.url)
        #expect(invalid.status == 65)
        #expect(invalid.standardError.hasPrefix("error: the pipeline has 3 problem(s):\n  \(bad.path):2:6: steps.a.command: missing"))
    }

    @Test func theExamplePipelinesAreValid() async throws {
        for (file, name, steps) in [("pipeline.yaml", "seeds", 4), ("pipeline-engine.yaml", "seeds-engine", 5)] {
            let example = PackagePaths.root.appendingPathComponent("examples/seeds-pipeline/\(file)").path
            let result = try await AviaryProcess.run(["pipeline", "validate", example], in: URL(fileURLWithPath: "/"))
            #expect(result.standardOutput == "\(example): valid (pipeline \(name), \(steps) steps)\n")
        }
    }

    @Test func badParametersAndUnknownRunsAreRefusedClearly() async throws {
        let project = try await Self.project()
        let wrong = try await AviaryProcess.run(["pipeline", "run", "pipeline.yaml", "--param", "epochs=many"], in: project.url)
        #expect(wrong.status == 65)
        #expect(wrong.standardError == "error: --param epochs=many: expected an int\n")
        let unknown = try await AviaryProcess.run(["pipeline", "run", "pipeline.yaml", "--param", "lr=1"], in: project.url)
        #expect(unknown.standardError == "error: --param lr: the pipeline has no such parameter; it declares dataset, threshold, epochs\n")
        let missing = try await AviaryProcess.run(["pipeline", "show", "nope"], in: project.url)
        #expect(missing.status == 66)
        #expect(missing.standardError == "error: no pipeline run 'nope'; `aviary pipeline ls` lists runs\n")
    }
}
