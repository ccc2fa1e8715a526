import AviaryJSON
import AviaryStore
import Foundation

extension PipelineRunner {
    /// Runs one step to its end: resolve its inputs, reuse a cached result or run attempts (with the
    /// timeout, and retries as its rules allow), and record every change. A step's failure is returned
    /// as a failed record; only store failures throw.
    func execute(_ step: PipelineStep, run: PipelineRun, record stored: PipelineStepRun?,
                 outputs: [String: [String: JSONValue]]) async throws -> PipelineStepRun {
        var record = stored ?? PipelineStepRun(run: run.id, step: step)
        if record.status == .running { try record.move(to: .pending) }  // interrupted by a crash: start it over
        let clock = ContinuousClock()
        let began = clock.now
        record.startedAt = now()
        let folder = workRoot.appendingPathComponent(run.id, isDirectory: true).appendingPathComponent(step.name, isDirectory: true)
        var context = StepContext(run: run, step: step, inputs: [:], outputs: outputs, project: project, workFolder: folder,
                                  logFile: folder.appendingPathComponent("log"), baseFolder: baseFolder(run), attempt: 0)
        let executor = executors[step.kind] ?? UnsupportedStep()
        let policy = cachePolicy(step, run: run)
        do {
            context.inputs = try ReferenceResolver(runID: run.id, parameters: run.parameters, outputs: outputs).resolve(step.settings)
            record.inputs = context.inputs
            if step.kind != .fail {
                record.cacheKey = PipelineCacheKey.key(kind: step.kind, content: try await executor.cacheContent(context))
            }
        } catch {
            return try await fail(&record, Self.failure(error), attempt: 1, began: began, clock: clock)
        }
        if policy.enabled, !run.noCache, let key = record.cacheKey, let entry = try await store.cacheEntry(key), entry.isFresh(at: now(), policy: policy) {
            try record.move(to: .cached)
            record.outputs = entry.outputs
            record.artifacts = entry.artifacts
            record.cachedFrom = entry.source
            record.endedAt = now()
            record.duration = (clock.now - began).seconds
            try await store.save(record, event: "pipeline.step.cached")
            progress("step \(step.name) cached (key \(key.prefix(12)), from \(entry.source))")
            return record
        }

        try record.move(to: .running)
        var retriesUsed = [Int](repeating: 0, count: step.retry.count)
        while true {
            record.attempts += 1
            context.attempt = record.attempts
            context.workFolder = folder.appendingPathComponent("attempt-\(record.attempts)", isDirectory: true)
            context.logFile = context.workFolder.appendingPathComponent("log")
            try? FileManager.default.removeItem(at: context.workFolder)
            do {
                try FileManager.default.createDirectory(at: context.workFolder, withIntermediateDirectories: true)
                _ = FileManager.default.createFile(atPath: context.logFile.path, contents: nil)
            } catch {
                return try await fail(&record, StepFailure(.io, "cannot create \(context.workFolder.path): \(error.localizedDescription)"),
                                      attempt: record.attempts, began: began, clock: clock)
            }
            try await store.save(record, event: record.attempts == 1 ? "pipeline.step.started" : "pipeline.step.retrying")
            progress("step \(step.name) started" + (record.attempts > 1 ? " (attempt \(record.attempts))" : ""))
            let attemptBegan = clock.now
            let attemptContext = context
            let outcome: Result<StepResult, any Error>
            do { outcome = .success(try await Self.withTimeout(step.timeout) { try await executor.run(attemptContext) }) } catch {
                outcome = .failure(error)
            }
            // Recording the outcome is outside the attempt: a store failure there is not the step's.
            switch outcome {
            case .success(let result):
                record.duration = (clock.now - attemptBegan).seconds
                return try await succeed(&record, result, context: context, policy: policy)
            case .failure(let error):
                // The run itself is being torn down (another step's store write failed): not this step's failure.
                if Task.isCancelled { throw error }
                let failure = Self.failure(error)
                context.log("attempt \(record.attempts) failed: \(failure)")
                if let index = step.retry.indices.first(where: { step.retry[$0].matches(failure.errorClass) }),
                   retriesUsed[index] < step.retry[index].maxAttempts {
                    retriesUsed[index] += 1
                    let delay = step.retry[index].delay(beforeRetry: retriesUsed[index])
                    record.error = failure.message
                    record.errorClass = failure.errorClass
                    record.log = try? project.blobs.put(contentsOf: context.logFile).id
                    progress("step \(step.name) attempt \(record.attempts) failed (\(failure.errorClass.rawValue)); retrying in \(DurationText.format(delay))")
                    try await sleep(delay)
                    try record.move(to: .running)
                    continue
                }
                record.duration = (clock.now - attemptBegan).seconds
                return try await fail(&record, failure, attempt: record.attempts, began: began, clock: clock, logFile: context.logFile)
            }
        }
    }

    func succeed(_ record: inout PipelineStepRun, _ result: StepResult, context: StepContext, policy: CachePolicy) async throws -> PipelineStepRun {
        try record.move(to: .succeeded)
        record.outputs = result.outputs
        record.artifacts = result.artifacts
        record.message = result.message
        record.error = nil
        record.errorClass = nil
        record.endedAt = now()
        record.log = try project.blobs.put(contentsOf: context.logFile).id
        var entry: PipelineCacheEntry?
        if policy.enabled, let key = record.cacheKey {
            entry = PipelineCacheEntry(key: key, kind: record.kind, outputs: record.outputs, artifacts: record.artifacts,
                                       source: record.id, createdAt: now())
        }
        try await store.save(record, event: "pipeline.step.succeeded", cache: entry)
        progress("step \(record.step) succeeded in \(String(format: "%.2f", record.duration ?? 0))s" + (result.message.map { ": \($0)" } ?? ""))
        return record
    }

    func fail(_ record: inout PipelineStepRun, _ failure: StepFailure, attempt: Int, began: ContinuousClock.Instant,
              clock: ContinuousClock, logFile: URL? = nil) async throws -> PipelineStepRun {
        if record.status == .pending { try record.move(to: .running) }
        try record.move(to: .failed)
        record.attempts = max(record.attempts, attempt)
        record.error = failure.message
        record.errorClass = failure.errorClass
        record.endedAt = now()
        if record.duration == nil { record.duration = (clock.now - began).seconds }
        if let logFile { record.log = try? project.blobs.put(contentsOf: logFile).id }
        try await store.save(record, event: "pipeline.step.failed")
        progress("step \(record.step) failed (\(failure.errorClass.rawValue)): \(failure.message)")
        return record
    }

    /// The step's policy, else the pipeline's; `fail` steps are never cached.
    func cachePolicy(_ step: PipelineStep, run: PipelineRun) -> CachePolicy {
        var policy = step.cache ?? run.definition.cache
        if step.kind == .fail { policy.enabled = false }
        if step.cache != nil, step.cache?.expireAfter == nil { policy.expireAfter = run.definition.cache.expireAfter }
        return policy
    }

    func baseFolder(_ run: PipelineRun) -> URL {
        run.file.map { URL(fileURLWithPath: $0).deletingLastPathComponent() } ?? project.layout.root
    }

    /// Any error as a classed step failure.
    static func failure(_ error: any Error) -> StepFailure {
        switch error {
        case let failure as StepFailure: failure
        case let error as DatasetError: StepFailure(.input, "\(error)")
        case let error as RegistryError: StepFailure(.input, "\(error)")
        case let error as TrainingError:
            if case .busy = error { StepFailure(.io, "\(error)") } else { StepFailure(.input, "\(error)") }
        case let error as EvaluationError: StepFailure(.input, "\(error)")
        case let error as StoreError: StepFailure(.io, "\(error)")
        case let error as CocoaError: StepFailure(.io, error.localizedDescription)
        default: StepFailure(.internal, "\(error)")
        }
    }

    /// Runs `body`, cancelling it (which kills a script's process group) when `seconds` pass first.
    static func withTimeout<T: Sendable>(_ seconds: Double?, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let seconds else { return try await body() }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw StepFailure(.timeout, "ran past its timeout of \(DurationText.format(seconds)) and was stopped")
            }
            return value
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
