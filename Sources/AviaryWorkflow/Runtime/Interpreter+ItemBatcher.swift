import AviaryJSON
extension Interpreter {
    /// Groups the selected items into batches by count and by serialised size; the batches
    /// become the child inputs (and the items the Map iterates over).
    func batch(
        _ inputs: [JSONValue], _ batcher: ItemBatcher, input: JSONValue, context: JSONValue
    ) throws -> (inputs: [JSONValue], items: [JSONValue]) {
        var maxItems = batcher.maxItemsPerBatch ?? Int.max
        if let path = batcher.maxItemsPerBatchPath {
            let value = try pathValue(path, in: input, context: context)
            guard case .int(let n) = value, n > 0 else {
                throw ASLError.runtime("The MaxItemsPerBatchPath field refers to value \"\(value.messageText)\" which is not a valid integer: \(path.text)")
            }
            maxItems = n
        }
        let maxBytes = batcher.maxInputBytesPerBatch ?? Int.max
        let batchInput = try batcher.batchInput.map { try applyTemplate($0, input, context: context) }
        var batches: [[JSONValue]] = []
        var current: [JSONValue] = []
        var bytes = 0
        for item in inputs {
            let size = item.serialized().utf8.count
            if !current.isEmpty && (current.count >= maxItems || bytes + size > maxBytes) {
                batches.append(current)
                current = []
                bytes = 0
            }
            current.append(item)
            bytes += size
        }
        if !current.isEmpty { batches.append(current) }
        let childInputs = batches.map { items -> JSONValue in
            var object = JSONObject()
            if let batchInput { object["BatchInput"] = batchInput }
            object["Items"] = .array(items)
            return .object(object)
        }
        return (childInputs, childInputs)
    }
}
