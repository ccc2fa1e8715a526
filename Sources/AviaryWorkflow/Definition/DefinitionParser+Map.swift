import AviaryJSON
extension DefinitionParser {
    func map(_ o: JSONObject, _ location: String) -> State.Kind? {
        if o["ItemReader"] != nil {
            problem("\(location).ItemReader", "reading items from S3 is not supported; pass the items in the state input")
        }
        let processorKey = o["ItemProcessor"] != nil ? "ItemProcessor" : "Iterator"
        guard let processorJSON = o[processorKey] else {
            problem("\(location).ItemProcessor", "missing; a Map state needs ItemProcessor (or the legacy Iterator)")
            return nil
        }
        guard let processor = machine(processorJSON, location: "\(location).\(processorKey)") else { return nil }
        var mode = MapState.Mode.inline
        if let modeText = processorJSON["ProcessorConfig"]?["Mode"]?.stringValue {
            if let m = MapState.Mode(rawValue: modeText) { mode = m } else {
                problem("\(location).\(processorKey).ProcessorConfig.Mode", "must be INLINE or DISTRIBUTED, got '\(modeText)'")
            }
        }
        let selectorKey = o["ItemSelector"] != nil ? "ItemSelector" : "Parameters"
        let maxConcurrency = o["MaxConcurrency"].flatMap { integerField($0, "\(location).MaxConcurrency") } ?? 0
        if maxConcurrency < 0 { problem("\(location).MaxConcurrency", "must be 0 (unlimited) or positive") }
        let percentage = o["ToleratedFailurePercentage"]?.doubleValue
        if let percentage, !(0...100).contains(percentage) {
            problem("\(location).ToleratedFailurePercentage", "must be between 0 and 100")
        }
        return .map(MapState(
            itemsPath: path(o, "ItemsPath", location),
            itemSelector: template(o, selectorKey, location),
            processor: processor, mode: mode, maxConcurrency: maxConcurrency,
            maxConcurrencyPath: path(o, "MaxConcurrencyPath", location),
            toleratedFailureCount: o["ToleratedFailureCount"].flatMap { integerField($0, "\(location).ToleratedFailureCount") },
            toleratedFailureCountPath: path(o, "ToleratedFailureCountPath", location),
            toleratedFailurePercentage: percentage,
            toleratedFailurePercentagePath: path(o, "ToleratedFailurePercentagePath", location),
            itemBatcher: itemBatcher(o, location)))
    }

    private func itemBatcher(_ o: JSONObject, _ location: String) -> ItemBatcher? {
        guard let value = o["ItemBatcher"] else { return nil }
        let at = "\(location).ItemBatcher"
        guard case .object(let b) = value else {
            problem(at, "must be an object with MaxItemsPerBatch and/or MaxInputBytesPerBatch")
            return nil
        }
        return ItemBatcher(
            maxItemsPerBatch: b["MaxItemsPerBatch"].flatMap { integerField($0, "\(at).MaxItemsPerBatch") },
            maxItemsPerBatchPath: path(b, "MaxItemsPerBatchPath", at),
            maxInputBytesPerBatch: b["MaxInputBytesPerBatch"].flatMap { integerField($0, "\(at).MaxInputBytesPerBatch") },
            batchInput: template(b, "BatchInput", at))
    }
}
