@testable import AviaryONNX
import Foundation
import Testing

/// Every ONNX backend node test shipped in the onnx==1.22.0 wheel (in the private .venv) parses:
/// its model and each tensor of test_data_set_0. Running them waits for the engine; this guards
/// the protobuf layer and the TensorProto conversion against every file ONNX itself uses.
@Suite struct BackendNodeTestLoadingTests {
    static let folder = Fixture.sitePackages("onnx/backend/test/data/node")

    @Test(.enabled(if: folder != nil, "onnx==1.22.0 is not installed in .venv (python3 -m venv .venv && .venv/bin/pip install onnx==1.22.0)"))
    func everyModelAndTensorLoads() throws {
        let root = try #require(Self.folder)
        let cases = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        var models = 0, tensors = 0, nonTensors = 0
        var refusedTypes: [String: Int] = [:]
        var failures: [String] = []
        for name in cases {
            let folder = root.appendingPathComponent(name)
            let model: Onnx_ModelProto
            do {
                model = try ONNXModelFile.load(folder.appendingPathComponent("model.onnx"))
                models += 1
            } catch {
                failures.append("\(name): \(error)")
                continue
            }
            let initializers = Set(model.graph.initializer.map(\.name))
            let inputs = model.graph.input.filter { !initializers.contains($0.name) }
            for (prefix, values) in [("input", inputs), ("output", model.graph.output)] {
                for (index, value) in values.enumerated() {
                    let file = folder.appendingPathComponent("test_data_set_0/\(prefix)_\(index).pb")
                    guard FileManager.default.fileExists(atPath: file.path) else { continue }
                    guard case .tensorType = value.type.value else { nonTensors += 1; continue }
                    do {
                        _ = try HostArray.readTensorProto(at: file)
                        tensors += 1
                    } catch ONNXError.unsupportedDataType(_, let type) {
                        refusedTypes[ElementType.onnxName(of: type), default: 0] += 1
                    } catch {
                        failures.append("\(name)/\(prefix)_\(index).pb: \(error)")
                    }
                }
            }
        }
        let refused = refusedTypes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("ONNX backend node tests: \(models) of \(cases.count) models loaded; \(tensors) tensors loaded, "
              + "\(refusedTypes.values.reduce(0, +)) refused by element type (\(refused)), \(nonTensors) sequences/optionals skipped; "
              + "\(failures.count) failed")
        #expect(failures == [])
        #expect(models == cases.count)
    }
}
