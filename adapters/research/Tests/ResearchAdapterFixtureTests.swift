import Foundation
import MASHCore
import AdapterFixtureHarness
import MASHWire
import ResearchAdapter
import Testing

/// Golden-fixture tests for `research/1`. Every `Fixtures/good/NN-name.json` line must decode to
/// exactly `NN-name.expected.json`; every `Fixtures/bad/NN-name.json` line must be refused with
/// exactly the code and field in its `NN-name.expected.json`. See ../README.md.
///
/// `UPDATE_GOLDEN=1 swift test ...` rewrites the good goldens instead of comparing them; review
/// the diff by hand against formats.md before committing it.
@Suite("research/1 golden fixtures")
struct ResearchAdapterFixtureTests {
    static let fixtures = FixtureDirectory(
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures"))

    static func decoder(boundFormat: String? = nil) -> LineDecoder {
        LineDecoder(adapters: [ResearchAdapter()], boundFormat: boundFormat)
    }

    @Test func fixturesAreFoundAndPaired() throws {
        try Self.fixtures.checkLayout(minimumGood: 6, minimumBad: 22)
    }

    @Test(arguments: fixtures.names("good"))
    func good(_ name: String) throws {
        try Self.fixtures.checkGood(name, decoder: Self.decoder())
    }

    @Test(arguments: fixtures.names("bad"))
    func bad(_ name: String) throws {
        try Self.fixtures.checkBad(name, decoder: Self.decoder)
    }

    /// A 13-character id body can stand for more than 2^64. Such a `caseId` must be refused as
    /// `unknown-case`, never crash mashd.
    @Test("a caseId too large for 64 bits is refused, not a crash")
    func caseIdTooLargeIsRefused() async {
        // It once overflowed UInt64 and trapped: it runs in a child process so that a regression
        // fails this test rather than killing the whole run.
        await #expect(processExitsWith: .success) {
            let line = #"{"format":"research/1","caseId":"ZZZZZZZZZZ-ZZZD","agency":"police","respondedAt":"2026-11-27T01:10:00Z","findings":[]}"#
            guard case .failure(let rejection) = LineDecoder(adapters: [ResearchAdapter()]).decode(Array(line.utf8)),
                rejection.error.code == .unknownCase, rejection.error.field == "/caseId"
            else { exit(1) }
        }
    }
}
