import AviaryStore

extension StepContext {
    /// The dataset version a step's input names, as a step failure when there is none. Step outputs
    /// name versions by full id (`fashion.train@<64 hex>`), which is the record's id: those are read
    /// directly instead of scanning every version the way `DatasetCatalog.resolve` must for a name.
    public func datasetVersion(_ reference: String) async throws -> DatasetVersion {
        if let at = reference.lastIndex(of: "@"), reference[reference.index(after: at)...].count == 64,
           let record = try await project.metadata.record(kind: DatasetVersion.recordKind, id: reference) {
            return try record.decode(DatasetVersion.self)
        }
        do { return try await DatasetCatalog(project: project).resolve(reference) } catch let error as DatasetError {
            throw StepFailure(.input, "\(error)")
        }
    }
}
