import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

@Suite struct ProjectLocatorTests {
    @Test func findsTheNearestProjectUpwardsLikeGit() throws {
        let directory = TemporaryDirectory()
        try Project.initialize(at: directory.url)
        let nested = directory.file("a/b/c")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let layout = try ProjectLocator(explicitPath: nil, environment: [:], workingDirectory: nested).locate()
        #expect(layout.root.path == directory.url.standardizedFileURL.path)
    }

    @Test func anExplicitPathWinsOverTheEnvironmentWhichWinsOverTheWorkingDirectory() throws {
        let here = TemporaryDirectory(), fromEnvironment = TemporaryDirectory(), explicit = TemporaryDirectory()
        for directory in [here, fromEnvironment, explicit] { try Project.initialize(at: directory.url) }
        let environment = [ProjectLocator.environmentVariable: fromEnvironment.url.path]
        #expect(try ProjectLocator(explicitPath: explicit.url.path, environment: environment, workingDirectory: here.url).locate().root.path
            == explicit.url.standardizedFileURL.path)
        #expect(try ProjectLocator(explicitPath: nil, environment: environment, workingDirectory: here.url).locate().root.path
            == fromEnvironment.url.standardizedFileURL.path)
    }

    @Test func outsideAProjectTheErrorSaysHowToFixIt() throws {
        let directory = TemporaryDirectory()
        let locator = ProjectLocator(explicitPath: nil, environment: [:], workingDirectory: directory.url)
        #expect(throws: ProjectError.notInProject(searchedFrom: directory.url.standardizedFileURL.path)) { try locator.locate() }
        #expect(ProjectError.notInProject(searchedFrom: "/srv/x").description
            == "not inside an Aviary project (no .aviary folder in /srv/x or any parent). Run `aviary init` to make one here, or point at one with --project DIR or AVIARY_PROJECT=DIR.")
    }

    @Test func aNamedFolderWithoutAProjectIsRefusedNamingItsSource() throws {
        let directory = TemporaryDirectory()
        let locator = ProjectLocator(explicitPath: nil, environment: [ProjectLocator.environmentVariable: directory.url.path],
                                     workingDirectory: URL(fileURLWithPath: "/"))
        #expect(throws: ProjectError.notAProject(path: directory.url.standardizedFileURL.path, source: "AVIARY_PROJECT")) {
            try locator.locate()
        }
    }

    @Test func initializingTwiceLeavesTheProjectAsItWas() async throws {
        let directory = TemporaryDirectory()
        #expect(try Project.initialize(at: directory.url))
        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        _ = try project.blobs.put(Data("keep me".utf8))
        #expect(try Project.initialize(at: directory.url) == false)
        #expect(try project.blobs.list().count == 1)
    }

    @Test func initializingAFileIsRefused() throws {
        let directory = TemporaryDirectory()
        let file = try directory.write("file", Data())
        #expect(throws: ProjectError.notADirectory(path: file.path)) { try Project.initialize(at: file) }
    }
}
