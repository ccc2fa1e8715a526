import AviaryJSON
import AviaryStore
import AviaryWorkflow
import Foundation

/// `aviary.classify`: `{"image": "sha256:…", "endpoint": "http://host:8080", "labels": […], "topK": 3}`.
/// The image travels by reference inside the workflow and as bytes only on the wire, to the
/// endpoint's `/invocations` (the SageMaker contract: the image's media type in, JSON out), so any
/// container that serves that contract classifies for a workflow. Answers
/// `{"label", "confidence", "classIndex", "top": [{"label", "confidence"}, …]}`.
/// An endpoint that cannot be reached, or answers 5xx or 429, fails with `Aviary.EndpointFailed`
/// (worth a Retry); an answer that holds no prediction fails with `Aviary.InvalidPrediction`.
struct ClassifyFunction: WorkflowFunction {
    let blobs: any BlobStore

    func call(event: AviaryJSON.JSONValue) async throws -> AviaryJSON.JSONValue {
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
            let hint = event["model"] != nil
                ? "classifying with a project model inside the workflow comes with the neural engine; serve the model and give its \"endpoint\""
                : "give the model's \"endpoint\" (a URL that serves POST /invocations)"
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.classify needs {\"image\": \"sha256:…\", \"endpoint\": \"http://…\"}: \(hint)")
        }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.classify: \"endpoint\" must be an http(s) URL, not \(text)")
        }
        return url.path.hasSuffix("/invocations") ? url : url.appendingPathComponent("invocations")
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
