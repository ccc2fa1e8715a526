import AviaryJSON
import AviaryStore
import AviaryVision
import AviaryWorkflow
import Foundation

/// Error names the built-ins raise, for Retry and Catch.
public enum BuiltinErrorName {
    public static let invalidEvent = "Aviary.InvalidEvent"
    public static let fileNotFound = "Aviary.FileNotFound"
    public static let blobNotFound = "Aviary.BlobNotFound"
    public static let notifyFailed = "Aviary.NotifyFailed"
    public static let endpointFailed = "Aviary.EndpointFailed"
    public static let invalidPrediction = "Aviary.InvalidPrediction"
    public static let modelNotFound = "Aviary.ModelNotFound"
    public static let pipelineFailed = "Aviary.PipelineFailed"
}

/// `aviary.blob.write`: how an image enters a workflow by reference. The event is one of
/// `{"path": "photo.png"}`, `{"text": "…"}` or `{"json": …}`; the result is
/// `{"blob": "sha256:…", "size": N, "mediaType": "image/png"}`, never the bytes themselves.
struct BlobWriteFunction: WorkflowFunction {
    let blobs: any BlobStore
    let workingDirectory: URL

    func call(event: AviaryJSON.JSONValue) async throws -> AviaryJSON.JSONValue {
        let info: BlobInfo
        var mediaType = "application/octet-stream"
        if let path = event["path"]?.stringValue {
            let url = URL(fileURLWithPath: path, relativeTo: workingDirectory).standardizedFileURL
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ASLError(name: BuiltinErrorName.fileNotFound, cause: "aviary.blob.write: no file at \(url.path)")
            }
            info = try blobs.put(contentsOf: url)
            mediaType = MediaType.sniff(try FileHandle(forReadingFrom: url).read(upToCount: 16) ?? Data())
        } else if let text = event["text"]?.stringValue {
            info = try blobs.put(Data(text.utf8))
            mediaType = "text/plain"
        } else if let json = event["json"] {
            info = try blobs.put(Data(json.serialized().utf8))
            mediaType = "application/json"
        } else {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.blob.write needs {\"path\": …}, {\"text\": …} or {\"json\": …}, got \(event.serialized().prefix(200))")
        }
        return .object(JSONObject([("blob", .string(info.id.description)), ("size", .int(Int(info.size))), ("mediaType", .string(mediaType))]))
    }
}

/// `aviary.blob.read`: `{"blob": "sha256:…", "as": "info" | "text" | "json"}`. `info` (the default)
/// gives the size, media type and, for images, width, height and channels, so a workflow can route on
/// an image without carrying it.
struct BlobReadFunction: WorkflowFunction {
    let blobs: any BlobStore

    func call(event: AviaryJSON.JSONValue) async throws -> AviaryJSON.JSONValue {
        guard let text = event["blob"]?.stringValue else {
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.blob.read needs {\"blob\": \"sha256:…\"}")
        }
        let (_, data) = try readEventBlob(text, from: blobs, function: "aviary.blob.read")
        var result = JSONObject([("blob", .string(text)), ("size", .int(data.count))])
        switch event["as"]?.stringValue ?? "info" {
        case "text":
            result["text"] = .string(String(decoding: data, as: UTF8.self))
        case "json":
            do { result["json"] = try JSONParser.parse(String(decoding: data, as: UTF8.self)) } catch {
                throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.blob.read: blob \(text) is not JSON: \(error.description)")
            }
        case "info":
            let mediaType = MediaType.sniff(data.prefix(16))
            result["mediaType"] = .string(mediaType)
            if mediaType.hasPrefix("image/"), let image = try? ImageDecoder().decode(data, name: text) {
                result["width"] = .int(image.width)
                result["height"] = .int(image.height)
                result["channels"] = .int(image.channels)
            }
        case let other:
            throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "aviary.blob.read: \"as\" must be info, text or json, not \(other)")
        }
        return .object(result)
    }
}

/// The blob an event names by id, read whole, with errors that name the built-in that asked.
func readEventBlob(_ text: String, from blobs: any BlobStore, function: String) throws -> (BlobID, Data) {
    let id: BlobID
    do { id = try BlobID(parsing: text) } catch {
        throw ASLError(name: BuiltinErrorName.invalidEvent, cause: "\(function): \(error)")
    }
    guard try blobs.contains(id) else {
        throw ASLError(name: BuiltinErrorName.blobNotFound, cause: "\(function): \(StoreError.blobNotFound(id))")
    }
    return (id, try blobs.data(id))
}

/// Media types from magic numbers, for the formats workflows pass around.
enum MediaType {
    static func sniff(_ head: Data) -> String {
        let bytes = [UInt8](head)
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        return "application/octet-stream"
    }
}
