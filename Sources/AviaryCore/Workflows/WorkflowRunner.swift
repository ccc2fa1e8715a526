import AviaryJSON
import AviaryStore
import AviaryWorkflow
import Foundation

/// Runs executions durably: creates the record, persists the history as it happens (see
/// `PersistentHistorySink`), writes the final status with its event-log event, honours stop
/// requests, and resumes a crashed execution from its persisted history.
public struct WorkflowRunner: Sendable {
    public let catalog: WorkflowCatalog
    public let invoker: any TaskInvoker
    public var clock: any WorkflowClock
    /// How often a running execution looks for a stop request.
    public var stopPollInterval: Duration

    public init(catalog: WorkflowCatalog, invoker: any TaskInvoker, clock: any WorkflowClock = SystemClock(),
                stopPollInterval: Duration = .milliseconds(200)) {
        self.catalog = catalog
        self.invoker = invoker
        self.clock = clock
        self.stopPollInterval = stopPollInterval
    }

    var metadata: any MetadataStore { catalog.metadata }

    /// Records a new RUNNING execution of the newest version of `workflow` (and its
    /// `workflow.execution.started` event); `run` then drives it.
    public func start(workflow: String, input text: String, name: String? = nil, now: Date = Date()) async throws -> WorkflowExecution {
        let definition = try await catalog.definition(workflow)
        let name = name ?? UUID().uuidString.lowercased()
        try WorkflowCatalog.checkName(name, kind: "execution")
        do { _ = try JSONParser.parse(text) } catch {
            throw WorkflowError.invalidInput(source: "the execution input", detail: error.description)
        }
        guard try await !catalog.executionExists(name) else { throw WorkflowError.executionExists(name: name) }
        let execution = WorkflowExecution(
            name: name, stateMachine: workflow, version: definition.latest.number, status: .running, input: text,
            startDate: now.wholeSeconds, runner: .current)
        try await metadata.write(try WorkflowCatalog.statusBatch(execution, time: now))
        return execution
    }

    /// Runs a started execution to its end and returns it as finally stored.
    public func run(_ execution: WorkflowExecution) async throws -> WorkflowExecution {
        try await drive(execution, machine: try await machine(for: execution), history: nil)
    }

    /// Continues a RUNNING execution whose runner is gone, from its persisted history.
    public func resume(_ name: String) async throws -> WorkflowExecution {
        var execution = try await catalog.execution(name)
        guard execution.status == .running else { throw WorkflowError.notRunning(name: name, status: execution.status) }
        if let runner = execution.runner, runner != .current, !runner.isGone {
            throw WorkflowError.runnerAlive(name: name, runner: runner)
        }
        let machine = try await machine(for: execution)
        let history = try await catalog.history(name)
        execution.runner = .current
        try await metadata.put(try Record(kind: WorkflowExecution.recordKind, id: name, value: execution, createdAt: execution.startDate))
        return try await drive(execution, machine: machine, history: history)
    }

    /// Resumes every RUNNING execution whose runner is gone (what a worker does when it starts), one by one.
    public func resumeAbandoned() async throws -> [WorkflowExecution] {
        var resumed: [WorkflowExecution] = []
        for execution in try await catalog.executions(status: .running) where execution.runner?.isGone ?? true {
            resumed.append(try await resume(execution.name))
        }
        return resumed
    }

    func machine(for execution: WorkflowExecution) async throws -> StateMachine {
        let definition = try await catalog.definition(execution.stateMachine)
        guard let version = definition.version(execution.version) else { throw WorkflowError.definitionNotFound(name: "\(execution.stateMachine) version \(execution.version)") }
        do { return try DefinitionParser.parse(version.definition) } catch let error as DefinitionError {
            throw WorkflowError.invalidDefinition(source: "workflow \(execution.stateMachine) version \(execution.version)", problems: error.problems)
        }
    }

    private enum Ending: Sendable {
        case finished(ExecutionResult)
        case stopRequested(WorkflowStopRequest, lastEventId: Int)
    }

    private enum RaceResult: Sendable {
        case finished(ExecutionResult)
        case stopRequested(WorkflowStopRequest)
    }

    private func drive(_ execution: WorkflowExecution, machine: StateMachine, history: [HistoryEvent]?) async throws -> WorkflowExecution {
        let input: AviaryJSON.JSONValue
        do { input = try JSONParser.parse(execution.input) } catch {
            throw WorkflowError.invalidInput(source: "the stored input of execution \(execution.name)", detail: error.description)
        }
        let sink = PersistentHistorySink(store: metadata, subject: execution.subject, lastPersistedId: history?.last?.id ?? 0)
        let engine = Execution(
            machine: machine, input: input,
            identity: ExecutionIdentity(executionName: execution.name, stateMachineName: execution.stateMachine),
            sink: sink, invoker: WriteAheadInvoker(inner: invoker, history: sink), clock: clock)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await sink.run() }
            do {
                let ending = await race(engine, history: history, sink: sink, name: execution.name)
                let (final, batch) = try finalBatch(execution, ending)
                try await sink.flush(with: batch)
                sink.close()
                try await group.waitForAll()
                return final
            } catch {
                sink.close()
                throw error
            }
        }
    }

    /// Runs the engine until it ends or a stop request arrives, whichever comes first.
    private func race(_ engine: Execution, history: [HistoryEvent]?, sink: PersistentHistorySink, name: String) async -> Ending {
        await withTaskGroup(of: RaceResult?.self) { group in
            group.addTask {
                if let history { return .finished(await engine.resume(from: history)) }
                return .finished(await engine.run())
            }
            group.addTask { await waitForStopRequest(name).map { .stopRequested($0) } }
            while let next = await group.next() {
                switch next {
                case .finished(let result)?:
                    group.cancelAll()
                    return .finished(result)
                case .stopRequested(let request)?:
                    // Before the engine is cancelled: nothing it records while unwinding is history.
                    let (lastEventId, ended) = sink.stopAccepting()
                    if ended { continue }  // too late: the engine's own ending is on its way
                    group.cancelAll()
                    return .stopRequested(request, lastEventId: lastEventId)
                case nil:
                    continue
                }
            }
            preconditionFailure("the engine task always returns an ending")
        }
    }

    private func waitForStopRequest(_ name: String) async -> WorkflowStopRequest? {
        while !Task.isCancelled {
            try? await Task.sleep(for: stopPollInterval)
            if Task.isCancelled { return nil }
            if let record = try? await metadata.record(kind: WorkflowStopRequest.recordKind, id: name),
               let request = try? record.decode(WorkflowStopRequest.self) {
                return request
            }
        }
        return nil
    }

    private func finalBatch(_ execution: WorkflowExecution, _ ending: Ending) throws -> (WorkflowExecution, WriteBatch) {
        var final = execution
        let now = Date(timeIntervalSince1970: clock.now()).wholeSeconds
        final.stopDate = now
        var abortEntry: HistoryEntry?
        switch ending {
        case .finished(let result):
            switch result.status {
            case .succeeded: final.status = .succeeded
            case .failed: final.status = .failed
            case .timedOut: final.status = .timedOut
            }
            final.output = result.output?.serialized()
            final.error = result.error
            final.cause = result.cause
        case .stopRequested(let request, let lastEventId):
            final.status = .aborted
            final.error = request.error
            final.cause = request.cause
            abortEntry = Self.abortedEntry(subject: execution.subject, id: lastEventId + 1, time: now, request: request)
        }
        var batch = try WorkflowCatalog.statusBatch(final, time: now)
        batch.history = abortEntry.map { [$0] } ?? []
        batch.deletions = [RecordKey(kind: WorkflowStopRequest.recordKind, id: execution.name)]
        return (final, batch)
    }

    /// AWS's `ExecutionAborted` event, which the engine never records itself: aborting is the platform's doing.
    static func abortedEntry(subject: String, id: Int, time: Date, request: WorkflowStopRequest) -> HistoryEntry {
        var details = JSONObject()
        if let error = request.error { details["error"] = .string(error) }
        if let cause = request.cause { details["cause"] = .string(cause) }
        let event = AviaryJSON.JSONValue.object(JSONObject([
            ("id", .int(id)), ("previousEventId", .int(id - 1)), ("timestamp", .double(time.timeIntervalSince1970)),
            ("type", "ExecutionAborted"), ("executionAbortedEventDetails", .object(details)),
        ]))
        return HistoryEntry(subject: subject, number: id, type: "ExecutionAborted", time: time, body: Data(event.serialized().utf8))
    }
}
