import AviaryStore

/// How a failure is reported to whoever asked: the exit status of a command, the HTTP status of a
/// request, and the message. This is the one place that maps error types to both, so the CLI and the
/// server always agree.
public struct ErrorDisposition: Equatable, Sendable {
    /// Exit statuses follow BSD's sysexits.h, which scripts already know.
    public enum Category: Sendable {
        /// The input is malformed (a bad id, a bad value): EX_DATAERR 65, HTTP 400.
        case invalidInput
        /// A named thing does not exist: EX_NOINPUT 66, HTTP 404.
        case notFound
        /// The configuration or the database cannot be used by this program: EX_CONFIG 78, HTTP 500.
        case configuration
        /// Another process holds a lock; trying again may work: EX_TEMPFAIL 75, HTTP 503.
        case temporary
        /// Reading or writing failed: EX_IOERR 74, HTTP 500.
        case io
        /// Anything else: 1, HTTP 500.
        case internalFailure
    }

    public var category: Category
    public var message: String

    public var exitCode: Int32 {
        switch category {
        case .invalidInput: 65
        case .notFound: 66
        case .configuration: 78
        case .temporary: 75
        case .io: 74
        case .internalFailure: 1
        }
    }

    public var httpStatus: Int {
        switch category {
        case .invalidInput: 400
        case .notFound: 404
        case .temporary: 503
        case .configuration, .io, .internalFailure: 500
        }
    }

    public init(_ error: Error) {
        message = "\(error)"
        switch error {
        case let error as StoreError:
            switch error {
            case .invalidBlobID, .recordCoding: category = .invalidInput
            case .blobNotFound: category = .notFound
            case .databaseTooNew, .migrationMismatch: category = .configuration
            case .database(_, let detail): category = detail.contains("locked") ? .temporary : .io
            case .io: category = .io
            case .conflict: category = .temporary
            }
        case let error as ProjectError:
            switch error {
            case .notInProject, .notAProject: category = .notFound
            case .notADirectory: category = .invalidInput
            }
        case is ConfigurationError:
            category = .configuration
        case let error as DatasetError:
            switch error {
            case .sourceNotFound, .versionNotFound: category = .notFound
            default: category = .invalidInput
            }
        case let error as RegistryError:
            switch error {
            case .groupNotFound, .versionNotFound: category = .notFound
            case .busy: category = .temporary
            default: category = .invalidInput
            }
        case let error as EventsError:
            category = if case .subscriberNotFound = error { .notFound } else { .invalidInput }
        case is EvaluationError:
            category = .invalidInput
        case let error as TrainingError:
            switch error {
            case .busy: category = .temporary
            case .corruptFeatureCache: category = .io
            case .runNotFound: category = .notFound
            case .featureDimensionMismatch, .invalidConfiguration, .unusableData, .unsupported: category = .invalidInput
            }
        case let error as ModelArtifactError:
            category = if case .missingGraph = error { .io } else { .invalidInput }
        case let error as WorkflowError:
            switch error {
            case .definitionNotFound, .executionNotFound, .functionNotFound: category = .notFound
            case .runnerAlive, .stopPending: category = .temporary
            default: category = .invalidInput
            }
        case let error as PipelineError:
            switch error {
            case .runNotFound, .stepNotFound: category = .notFound
            case .runnerAlive: category = .temporary
            default: category = .invalidInput
            }
        case let error as BackboneError:
            switch error {
            case .notPulled, .unknown, .notInZoo: category = .notFound
            case .network: category = .temporary
            case .weightsMissing: category = .io
            default: category = .invalidInput
            }
        default:
            category = .internalFailure
        }
    }
}
