import Foundation
import SwiftProtobuf

/// Reading and writing `.onnx` files (a serialized `ModelProto`).
public enum ONNXModelFile {
    /// Protobuf messages are limited to 2 GiB; larger models must use external data, which is refused.
    static let maximumSize = Int(Int32.max)

    public static func load(_ url: URL) throws(ONNXError) -> Onnx_ModelProto {
        let data = try readBytes(url)
        let model: Onnx_ModelProto
        do {
            model = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw .notAModel(path: url.path, reason: "\(error)")
        }
        guard model.hasGraph else {
            throw .invalidModel(path: url.path, reason: "the model has no graph (an empty or truncated file parses as an empty ModelProto)")
        }
        guard model.irVersion > 0 else {
            throw .invalidModel(path: url.path, reason: "ir_version is missing; every ONNX writer sets it")
        }
        return model
    }

    /// Writes atomically (a temporary file renamed into place), so a crash never leaves half a model.
    public static func save(_ model: Onnx_ModelProto, to url: URL) throws(ONNXError) {
        let data: Data
        do {
            data = try model.serializedData()
        } catch {
            throw .unwritable(path: url.path, reason: "cannot serialize the model: \(error)")
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw .unwritable(path: url.path, reason: error.localizedDescription)
        }
    }

    static func readBytes(_ url: URL) throws(ONNXError) -> Data {
        let data: Data
        switch FileContents.read(url) {
        case .success(let contents): data = contents
        case .failure(.missing): throw .fileNotFound(path: url.path)
        case .failure(let failure): throw .unreadable(path: url.path, reason: failure.reason)
        }
        guard data.count <= maximumSize else {
            throw .unreadable(path: url.path, reason: "\(data.count) bytes is over protobuf's 2 GiB limit")
        }
        return data
    }
}
