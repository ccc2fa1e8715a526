import AviaryJSON
import AviaryStore
import AviaryWorkflow
import Foundation

/// `aviary.classify`: `{"image": "sha256:…", "model": "birds/3"}` classifies in process with a project
/// model (an artifact id or a registered GROUP/NUMBER); `{"image": …, "endpoint": "http://host:8080",
/// "labels": […]}` asks a served model instead. The image travels by reference inside the workflow,
/// and as bytes only on the wire to the endpoint's `/invocations` (the SageMaker contract: the image's
/// media type in, JSON out), so any container that serves that contract classifies for a workflow.
/// Both answer `{"label", "confidence", "classIndex", "top": [{"label", "confidence"}, …]}` (`topK`, default 3).
/// An endpoint that cannot be reached, or answers 5xx or 429, fails with `Aviary.EndpointFailed`
/// (worth a Retry); an answer that holds no prediction fails with `Aviary.InvalidPrediction`.
struct ClassifyFunction: WorkflowFunction {
    let blobs: any BlobStore
    let models: ModelClassifiers?

    init(blobs: any BlobStore, metadata: (any MetadataStore)?) {
        self.blobs = blobs
        self.models = metadata.map { ModelClassifiers(metadata: $0, blobs: blobs) }
    }

    func call(event: AviaryJSON.JSONValue) async throws -> AviaryJSON.JSONValue {
        if let model = event["model"]?.stringValue, event["endpoint"] == nil {
            return try await classifyInProcess(event, model: model)
        }
        let endpoint = try Self.invocationsURL(event)
        let (id, image) = try readImage(event)
        let mediaType = MediaType.sniff(image.prefix(16))
        guard mediaType.hasPrefix("image/") else {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.classify: blob \(id) is not a JPEG or PNG image")
        }
        let status: Int, body: Data
        do {
            (status, body) = try await HTTPPoster.exchange(
                image, to: endpoint,
                headers: ["Content-Type": mediaType, "Accept": "application/json", "User-Agent": "aviary-workflow"],
                timeout: event["timeoutSeconds"]?.doubleValue ?? 30)
        } catch {
            throw ASLError(name: BuiltinErrorName.endpointFailed, cause: "aviary.classify: \(error)")
        }
        guard (200..<300).contains(status) else {
            let detail = String(decoding: body.prefix(200), as: UTF8.self)
            throw ASLError(name: status == 429 || status >= 500 ? BuiltinErrorName.endpointFailed : BuiltinErrorName.invalidEvent,
                           cause: "aviary.classify: POST \(endpoint.absoluteString) answered HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")")
        }
        let labels = try event["labels"].map { value -> [String] in
            guard let labels = value.arrayValue?.compactMap(\.stringValue), labels.count == value.arrayValue?.count else {
                throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.classify: \"labels\" must be an array of strings")
            }
            return labels
        }
        let ranked: [RankedClass]
        do { ranked = try EndpointPrediction.ranked(from: body, labels: labels) } catch {
            throw ASLError(name: BuiltinErrorName.invalidPrediction, cause: "aviary.classify: \(endpoint.absoluteString): \(error.description)")
        }
        return Self.result(ranked, topK: max(1, event["topK"]?.integerValue ?? 3))
    }

    /// `endpoint` as given when it already names `/invocations`, else with it appended.
    static func invocationsURL(_ event: AviaryJSON.JSONValue) throws -> URL {
        guard let text = event["endpoint"]?.stringValue else {
            throw ASLError(name: BuiltinErrorName.invalidEvent,
                           cause: "aviary.classify needs {\"image\": \"sha256:…\"} and a \"model\" (an artifact id or GROUP/NUMBER) or an \"endpoint\" (a URL that serves POST /invocations)")
        }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.classify: \"endpoint\" must be an http(s) URL, not \(text)")
        }
        return url.path.hasSuffix("/invocations") ? url : url.appendingPathComponent("invocations")
    }

    private func classifyInProcess(_ event: AviaryJSON.JSONValue, model: String) async throws -> AviaryJSON.JSONValue {
        guard let models else {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.classify with a \"model\" runs inside a project; outside one, give an \"endpoint\"")
        }
        let (id, _) = try readImage(event)
        let classes: [String], probabilities: [Double]
        do {
            (classes, probabilities) = try await models.classify(id, with: model)
        } catch let error as ClassifyImageError {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.classify: blob \(id): \(error.detail)")
        } catch {
            throw ASLError(name: BuiltinErrorName.modelNotFound, cause: "aviary.classify: \(error)")
        }
        return Self.result(RankedClass.ranking(probabilities, labels: classes), topK: max(1, event["topK"]?.integerValue ?? 3))
    }

    private func readImage(_ event: AviaryJSON.JSONValue) throws -> (BlobID, Data) {
        guard let text = (event["image"] ?? event["blob"])?.stringValue else {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.classify needs the image's blob id as \"image\" (what aviary.blob.write returns)")
        }
        return try readEventBlob(text, from: blobs, function: "aviary.classify")
    }

    private static func result(_ ranked: [RankedClass], topK: Int) -> AviaryJSON.JSONValue {
        let best = ranked[0]
        var result = JSONObject([("label", .string(best.label)), ("confidence", .double(best.confidence))])
        if let index = best.index { result["classIndex"] = .int(index) }
        result["top"] = .array(ranked.prefix(topK).map {
            .object(JSONObject([("label", .string($0.label)), ("confidence", .double($0.confidence))]))
        })
        return .object(result)
    }
}
