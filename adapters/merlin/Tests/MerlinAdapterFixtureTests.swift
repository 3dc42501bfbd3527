import Foundation
import MASHCore
import AdapterFixtureHarness
import MASHWire
import MerlinAdapter
import Testing

/// Golden-fixture tests for `merlin/1`. Every `Fixtures/good/NN-name.json` line must decode to
/// exactly `NN-name.expected.json`; every `Fixtures/bad/NN-name.json` line must be refused with
/// exactly the code and field in its `NN-name.expected.json`. See ../README.md.
///
/// `UPDATE_GOLDEN=1 swift test ...` rewrites the good goldens instead of comparing them; review
/// the diff by hand against formats.md before committing it.
@Suite("merlin/1 golden fixtures")
struct MerlinAdapterFixtureTests {
    static let fixtures = FixtureDirectory(
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures"))

    static func decoder(boundFormat: String? = nil) -> LineDecoder {
        LineDecoder(adapters: [MerlinAdapter()], boundFormat: boundFormat)
    }

    @Test func fixturesAreFoundAndPaired() throws {
        try Self.fixtures.checkLayout(minimumGood: 28, minimumBad: 58)
    }

    @Test(arguments: fixtures.names("good"))
    func good(_ name: String) throws {
        try Self.fixtures.checkGood(name, decoder: Self.decoder())
    }

    @Test(arguments: fixtures.names("bad"))
    func bad(_ name: String) throws {
        try Self.fixtures.checkBad(name, decoder: Self.decoder)
    }
}
