import AviaryNN
@testable import AviaryONNX
@testable import AviaryTensor
import Foundation
import Testing

/// Eval-mode conv chains of an imported graph (Conv → BatchNormalization → Add → Relu/Clip as one
/// inference convolution) against the same graph node by node.
@Suite struct ImportedFusionTests {
    /// Exported zoo models, with running statistics away from 0 and 1 so that folding matters.
    @Test(arguments: ["resnet18", "efficientnet_lite0", "mobilenet_v2"])
    func fusedEvalMatchesNodeByNode(_ name: String) throws {
        let model: any Module = switch name {
        case "resnet18": try ResNet.resnet18(classes: 10)
        case "mobilenet_v2": try MobileNetV2(classes: 10)
        default: try EfficientNetLite0(classes: 10)
        }
        ONNXExporterTests.randomizeNorms(model, seed: 21)
        model.eval()
        let shape = [2, 3, 64, 64]
        let imported = try ImportedModule(try ONNXExporter.model(model, inputShape: shape))
        let convolutions = imported.steps.filter { $0.node.opType == "Conv" }.count
        #expect(imported.chains.count == convolutions)
        #expect(imported.chains.values.filter { $0.norm != nil && $0.activation != nil }.count > convolutions / 2)
        let x = Variable(try Tensor(shape: shape, scalars: ONNXExporterTests.input(shape, seed: 22)))
        let plain = try imported(x).value  // gradients recorded: node by node
        let fused = try GradientMode.withoutGradients { try imported(x).value }
        #expect(fused.shape == plain.shape)
        #expect(fused.isClose(to: plain, atol: 1e-4, rtol: 1e-3), "\(name): \(fused.maxAbsDifference(plain))")
        // The zoo model's own fused path agrees too.
        let zoo = try GradientMode.withoutGradients { try model(x).value }
        #expect(fused.isClose(to: zoo, atol: 1e-4, rtol: 1e-3), "\(name): \(fused.maxAbsDifference(zoo))")
    }

    /// Each expansion chain and the depthwise chain that alone reads it run as one call
    /// (`runFusedPair`); at 112 px with every layer blocked, the 16 → 96 expansion over 56×56 is a
    /// pair oneDNN fuses, and the outputs stay those of the node-by-node pass.
    @Test(arguments: [("efficientnet_lite0", 15, 0), ("mobilenet_v2", 16, 1)])
    func expansionAndDepthwiseChainsRunAsOnePair(_ name: String, pairs: Int, padding: Int) throws {
        let model: any Module = name == "mobilenet_v2" ? try MobileNetV2(classes: 10) : try EfficientNetLite0(classes: 10)
        ONNXExporterTests.randomizeNorms(model, seed: 25)
        model.eval()
        // Batch 3: a shape no zoo-model test builds, so the primitive found below is this test's.
        let shape = [3, 3, 112, 112]
        let imported = try ImportedModule(try ONNXExporter.model(model, inputShape: shape))
        #expect(imported.chains.values.filter { $0.next != nil }.count == pairs)
        let x = Variable(try Tensor(shape: shape, scalars: ONNXExporterTests.input(shape, seed: 26)))
        let plain = try imported(x).value
        let fused = try DNNLKernels.$blockedFromPixels.withValue(0) { try GradientMode.withoutGradients { try imported(x).value } }
        #expect(fused.isClose(to: plain, atol: 1e-4, rtol: 1e-3), "\(name): \(fused.maxAbsDifference(plain))")
        let kernels = DNNLKernels.shared
        let (built, declined) = kernels.lock.withLock {
            let matches = { (key: DNNLPointwiseDepthwise.Key) in
                key.input == [3, 16, 56, 56] && key.pointwiseWeight == [96, 16, 1, 1] && key.depthwise.strideH == 2 && key.depthwise.padTop == padding
            }
            return (kernels.pointwiseDepthwisePrimitives.keys.contains(where: matches), kernels.refusedPointwiseDepthwise.contains(where: matches))
        }
        #expect(built || declined, "\(name): the 16 → 96 pair never reached the fused kernel")
        // oneDNN serves this shape with its fused JIT kernel at 1 and 2 threads.
        if DNNLKernels.threadCount <= 2 { #expect(built) }
    }

    /// A value the module returns (here a cut right after the first Conv) is never fused away:
    /// the chain stops at it, and it reads as the node-by-node pass computes it.
    @Test func aReturnedValueEndsItsChain() throws {
        let model = try ResNet.resnet18(classes: 10)
        ONNXExporterTests.randomizeNorms(model, seed: 23)
        model.eval()
        let proto = try ONNXExporter.model(model, inputShape: [1, 3, 32, 32])
        let firstConv = try #require(proto.graph.node.first { $0.opType == "Conv" })
        let cut = try ImportedModule(proto, outputs: [firstConv.output[0]])
        #expect(cut.chains.values.allSatisfy { $0.norm == nil && $0.add == nil && $0.activation == nil })
        let x = Variable(try Tensor(shape: [1, 3, 32, 32], scalars: ONNXExporterTests.input([1, 3, 32, 32], seed: 24)))
        let fused = try GradientMode.withoutGradients { try cut(x) }
        let plain = try cut(x)
        #expect(fused.value.isClose(to: plain.value, atol: 1e-4, rtol: 1e-4))
    }
}
