import AviaryCore
import AviaryTestSupport
import Foundation

/// An empty project in a temporary folder, and its dataset catalog.
struct DatasetFixture {
    let directory = TemporaryDirectory()
    let project: Project
    var catalog: DatasetCatalog { DatasetCatalog(project: project) }
    var importer: DatasetImporter { DatasetImporter(catalog: catalog) }

    init() throws {
        try Project.initialize(at: directory.url.appendingPathComponent("project"))
        project = try Project.open(ProjectLayout(root: directory.url.appendingPathComponent("project")), environment: [:])
    }

    /// Writes class folders: `layout` maps a relative path to the seed of a generated PNG.
    func folder(_ name: String, _ layout: [String: Int]) throws -> URL {
        for (path, seed) in layout { try directory.write("\(name)/\(path)", SampleImages.png(seed: seed)) }
        return directory.file(name)
    }
}
