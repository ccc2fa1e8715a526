@testable import AviaryONNX
import Foundation
import Testing

@Suite struct ONNXModelFileTests {
    @Test func loadsTheTinyModel() throws {
        let model = try ONNXModelFile.load(Fixture.url("tiny.onnx"))
        #expect(model.irVersion == 8)
        #expect(model.producerName == "aviary-fixtures")
        #expect(model.graph.node.map(\.opType) == ["Conv", "Relu", "GlobalAveragePool", "Flatten", "Gemm", "Constant", "Mul"])
        let weights = try model.graph.initializer.map { try HostArray($0) }
        #expect(weights.map(\.shape) == [[2, 1, 3, 3], [2], [3, 2], [3]])
        #expect(try weights[0].values(as: Float.self).prefix(3) == [-0.9, -0.8, -0.7])
        #expect(try weights[1].values(as: Float.self) == [0.5, -0.5])
    }

    @Test func savesAndLoadsBack() throws {
        let model = try ONNXModelFile.load(Fixture.url("tiny.onnx"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("copy.onnx")
        try ONNXModelFile.save(model, to: copy)
        #expect(try ONNXModelFile.load(copy) == model)
        #expect(try Data(contentsOf: copy) == Data(contentsOf: Fixture.url("tiny.onnx")))
    }

    @Test func badFilesSayWhatIsWrong() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/model.onnx")
        #expect(throws: ONNXError.fileNotFound(path: missing.path)) { try ONNXModelFile.load(missing) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-onnx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty.onnx")
        try Data().write(to: empty)
        #expect(throws: ONNXError.invalidModel(path: empty.path, reason: "the model has no graph (an empty or truncated file parses as an empty ModelProto)")) {
            try ONNXModelFile.load(empty)
        }
        let text = folder.appendingPathComponent("text.onnx")
        try Data("this is not protobuf at all".utf8).write(to: text)
        #expect {
            try ONNXModelFile.load(text)
        } throws: { error in
            guard case .notAModel(let path, _) = error as? ONNXError else { return false }
            return path == text.path
        }
        #expect(throws: ONNXError.unreadable(path: folder.path, reason: "it is a directory")) { try ONNXModelFile.load(folder) }
    }
}
