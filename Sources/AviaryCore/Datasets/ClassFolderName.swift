/// Class names as folder names. A class may be called `T-shirt/top` (Fashion-MNIST's first class), but
/// a folder name cannot hold `/`, and `.` or `..` would climb the tree: such characters are written as
/// percent escapes (`T-shirt%2Ftop`) on export and read back on import, so names survive the round trip.
enum ClassFolderName {
    static func encode(_ name: String) -> String {
        var encoded = ""
        for character in name {
            switch character {
            case "/": encoded += "%2F"
            case "%": encoded += "%25"
            case "\0": encoded += "%00"
            default: encoded.append(character)
            }
        }
        if encoded == "." { return "%2E" }
        if encoded == ".." { return "%2E%2E" }
        return encoded
    }

    static func decode(_ folder: String) -> String {
        folder.removingPercentEncoding ?? folder
    }
}
