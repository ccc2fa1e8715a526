import AviaryNN

extension TrainingBackbone {
    /// The whole classifier a head-mode run hands over: the frozen pretrained backbone with `head`'s
    /// weights as its final layer, so `aviary predict`, evaluation, workflows and ONNX export take
    /// it like any other model.
    public func classifier(withHead head: Linear, classes: Int) throws -> any Module {
        let model = try pretrainedClassifier(classes: classes, seed: 0)
        let entries = head.stateDict().entries.map { (name: "\(headName).\($0.name)", tensor: $0.tensor) }
        try model.load(stateDict: TensorArchive(entries: entries), strict: false)
        model.eval()
        return model
    }
}
