import AviaryTestSupport
import Foundation
import Testing

/// `aviary onnx inspect`, through the real executable, on the AviaryONNXTests fixture model.
@Suite struct ONNXCommandsTests {
    static let tiny = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../AviaryONNXTests/Fixtures/tiny.onnx").standardizedFileURL

    @Test func inspectPrintsOpsetIOOperatorsAndParameters() async throws {
        let result = try await AviaryProcess.run(["onnx", "inspect", Self.tiny.path], in: URL(fileURLWithPath: "/"))
        #expect(result.status == 0)
        #expect(result.standardOutput == """
            model       \(Self.tiny.path)
            ir version  8
            producer    aviary-fixtures 1.0
            opset       ai.onnx 13
            input       x  float32  [N, 1, 4, 4]
            output      y  float32  [N, 3]
            parameters  30 in 4 initializers, 1 Constant node
            nodes       7
                        Constant           1
                        Conv               1
                        Flatten            1
                        Gemm               1
                        GlobalAveragePool  1
                        Mul                1
                        Relu               1

            """)
    }

    @Test func inspectJSON() async throws {
        let result = try await AviaryProcess.run(["onnx", "inspect", Self.tiny.path, "--json"], in: URL(fileURLWithPath: "/"))
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(object["parameterCount"] as? Int == 30)
        let opset = try #require((object["opsets"] as? [[String: Any]])?.first)
        #expect(opset["domain"] as? String == "ai.onnx")
        #expect(opset["version"] as? Int == 13)
        let input = try #require((object["inputs"] as? [[String: Any]])?.first)
        #expect(input["name"] as? String == "x")
        #expect(input["elementType"] as? String == "float32")
        #expect(input["shape"] as? [String] == ["N", "1", "4", "4"])
        let operators = try #require(object["operators"] as? [[String: Any]])
        #expect(operators.map { $0["op"] as? String } == ["Constant", "Conv", "Flatten", "Gemm", "GlobalAveragePool", "Mul", "Relu"])
    }

    @Test func missingAndBrokenFilesExplainThemselves() async throws {
        let directory = TemporaryDirectory()
        let missing = try await AviaryProcess.run(["onnx", "inspect", "nope.onnx"], in: directory.url)
        #expect(missing.status == 66)
        #expect(missing.standardError == "error: \(directory.file("nope.onnx").path): no such file\n")
        let empty = try directory.write("empty.onnx", Data())
        let broken = try await AviaryProcess.run(["onnx", "inspect", empty.path], in: directory.url)
        #expect(broken.status == 65)
        #expect(broken.standardError == "error: \(empty.path): invalid ONNX model: the model has no graph (an empty or truncated file parses as an empty ModelProto)\n")
    }
}

extension ONNXCommandsTests {
    static let fixtures = tiny.deletingLastPathComponent()

    /// The reference model on ONNX Runtime's input; the written .npy holds ONNX Runtime's output
    /// within 1e-5 (compared as raw float32 after the 128-byte .npy header both writers produce).
    @Test func runWritesOneArrayPerOutput() async throws {
        let directory = TemporaryDirectory()
        let model = Self.fixtures.appendingPathComponent("export_reference.onnx").path
        let input = Self.fixtures.appendingPathComponent("export_reference_x.npy").path
        let result = try await AviaryProcess.run(["onnx", "run", model, "x=\(input)", "--out", "out"], in: directory.url)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput == "y  float32 [2, 3]  \(directory.file("out/y.npy").path)\n")
        let written = try Data(contentsOf: directory.file("out/y.npy"))
        let expected = try Data(contentsOf: Self.fixtures.appendingPathComponent("export_reference_y.npy"))
        #expect(written.prefix(128) == expected.prefix(128))
        let floats = { (data: Data) in data.dropFirst(128).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) } }
        for (a, b) in zip(floats(written), floats(expected)) { #expect(abs(a - b) <= 1e-5 + 1e-4 * abs(b)) }
    }

    @Test func runExplainsWhatDoesNotFit() async throws {
        let directory = TemporaryDirectory()
        let model = Self.fixtures.appendingPathComponent("export_reference.onnx").path
        let wrong = Self.fixtures.appendingPathComponent("tensors/float32.npy").path
        let result = try await AviaryProcess.run(["onnx", "run", model, wrong, "--out", "out"], in: directory.url)
        #expect(result.status == 65)
        #expect(result.standardError == "error: \(wrong): input 'x' has shape [N, 1, 4, 4], but the array has shape [2, 3]\n")
    }
}
