import Foundation
import MASHCore
import MASHWire
import Testing

/// The golden-fixture harness every adapter's tests use: one copy, so the three adapters are
/// held to exactly the same checks.
/// What a good fixture decodes to, as its golden file holds it.
public struct Golden: Encodable {
    var notification: MASHNotification?
    var research: ResearchAnswer?
    var warnings: [IntakeWarning]
}

/// What a bad fixture must be refused with. `boundFormat`, when present, decodes the line as on
/// a socket bound to that format by socket activation.
public struct ExpectedRejection: Decodable {
    var code: String
    var field: String?
    var boundFormat: String?
}

public struct FixtureDirectory: Sendable {
    let root: URL

    public init(_ root: URL) { self.root = root }

    /// The fixture names (without `.json`) in `good` or `bad`, sorted. Empty when the directory
    /// is missing: `checkLayout` then fails, so a wrong path cannot pass vacuously.
    public func names(_ kind: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(kind).path)) ?? []
        return files.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".expected.json") }
            .map { String($0.dropLast(".json".count)) }.sorted()
    }

    func input(_ kind: String, _ name: String) -> URL {
        root.appendingPathComponent(kind).appendingPathComponent(name + ".json")
    }

    func expected(_ kind: String, _ name: String) -> URL {
        root.appendingPathComponent(kind).appendingPathComponent(name + ".expected.json")
    }

    /// Enough fixtures on each side, each with its expected file, and no expected file without
    /// its fixture.
    public func checkLayout(minimumGood: Int, minimumBad: Int) throws {
        for (kind, minimum) in [("good", minimumGood), ("bad", minimumBad)] {
            let names = self.names(kind)
            #expect(names.count >= minimum, "only \(names.count) \(kind) fixtures under \(root.path)/\(kind), expected at least \(minimum)")
            // While goldens are being (re)written, a good fixture's golden may not exist yet.
            let goldensPending = kind == "good" && Self.updating
            for name in names where !goldensPending && !FileManager.default.fileExists(atPath: expected(kind, name).path) {
                Issue.record("\(kind)/\(name).json has no \(name).expected.json")
            }
            let files = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(kind).path)) ?? []
            for file in files where file.hasSuffix(".expected.json") {
                let name = String(file.dropLast(".expected.json".count))
                if !names.contains(name) { Issue.record("\(kind)/\(file) has no \(name).json") }
            }
            for file in files where !file.hasSuffix(".json") {
                Issue.record("\(kind)/\(file) is neither a fixture nor a golden")
            }
        }
    }

    /// The fixture's one line, without its line end.
    func line(_ kind: String, _ name: String) throws -> [UInt8] {
        var bytes = [UInt8](try Data(contentsOf: input(kind, name)))
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        #expect(!bytes.contains(UInt8(ascii: "\n")), "\(kind)/\(name).json must be one line")
        return bytes
    }

    public static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    static func encode(_ decoded: Decoded) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var golden = Golden(warnings: decoded.warnings)
        switch decoded.intake {
        case .notification(let n): golden.notification = n
        case .research(let r): golden.research = r
        }
        return try encoder.encode(golden) + Data("\n".utf8)
    }

    public func checkGood(_ name: String, decoder: LineDecoder) throws {
        let bytes = try line("good", name)
        switch decoder.decode(bytes) {
        case .failure(let rejection):
            Issue.record("good/\(name).json was refused: \(rejection.error)")
        case .success(let line):
            let actual = try Self.encode(line.decoded)
            let url = expected("good", name)
            if Self.updating {
                try actual.write(to: url)
                return
            }
            guard let golden = try? Data(contentsOf: url) else {
                Issue.record("good/\(name).expected.json is missing; run with UPDATE_GOLDEN=1 and review it")
                return
            }
            // Byte-equal, not JSON-equal: key order and layout are part of the golden.
            if actual != golden {
                Issue.record(
                    "good/\(name).json does not decode to good/\(name).expected.json; it decodes to:\n\(String(decoding: actual, as: UTF8.self))")
            }
        }
    }

    public func checkBad(_ name: String, decoder: (String?) -> LineDecoder) throws {
        let expectation = try JSONDecoder().decode(ExpectedRejection.self, from: Data(contentsOf: expected("bad", name)))
        let bytes = try line("bad", name)
        switch decoder(expectation.boundFormat).decode(bytes) {
        case .success:
            Issue.record("bad/\(name).json was accepted; expected \(expectation.code) at \(expectation.field ?? "no field")")
        case .failure(let rejection):
            #expect(rejection.error.code.description == expectation.code, "bad/\(name).json: \(rejection.error)")
            #expect(rejection.error.field == expectation.field, "bad/\(name).json: \(rejection.error)")
            #expect(!rejection.error.message.isEmpty)
        }
    }
}
