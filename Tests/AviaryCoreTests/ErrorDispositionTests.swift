import AviaryCore
import AviaryStore
import Testing

@Suite struct ErrorDispositionTests {
    @Test func mapsEachFailureToOneExitCodeAndOneHTTPStatus() throws {
        let blob = try BlobID(parsing: "sha256:" + String(repeating: "a", count: 64))
        let cases: [(Error, Int32, Int)] = [
            (StoreError.invalidBlobID("x"), 65, 400),
            (StoreError.blobNotFound(blob), 66, 404),
            (ProjectError.notInProject(searchedFrom: "/"), 66, 404),
            (StoreError.databaseTooNew(path: "p", found: 2, supported: 1), 78, 500),
            (ConfigurationError.unknownKey(origin: "f", key: "k", known: []), 78, 500),
            (StoreError.database(path: "p", detail: "database is locked"), 75, 503),
            (StoreError.io(path: "p", operation: "write", reason: "No space left on device"), 74, 500),
            (PipelineError.runNotFound("r"), 66, 404),
            (PipelineError.missingParameter(name: "n"), 65, 400),
            (PipelineError.runnerAlive(run: "r", pid: 1, host: "h"), 75, 503),
        ]
        for (error, exitCode, httpStatus) in cases {
            let disposition = ErrorDisposition(error)
            #expect(disposition.exitCode == exitCode, "\(error)")
            #expect(disposition.httpStatus == httpStatus, "\(error)")
            #expect(disposition.message == "\(error)")
        }
    }
}
