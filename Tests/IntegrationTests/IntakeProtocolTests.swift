import Foundation
import MASHClient
import Testing

/// The socket protocol of formats.md against the real daemon: the examples, duplicates,
/// framing, and one precise error for every kind of broken line.
@Suite(.serialized)
struct IntakeProtocolTests {
    @Test func examplesAreAcceptedThenAnsweredAsDuplicates() throws {
        let dir = Harness.temporaryDirectory("examples")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        let first = try Harness.send([Harness.merlinExample, Harness.laExample], to: daemon.socketPath)
        #expect(first.count == 2)
        #expect(first.allSatisfy { $0.ok && !$0.duplicate })
        #expect(first.map(\.line) == [1, 2])
        #expect(first.map(\.ref) == ["MER-26-114072", "HK-C-0049113"])
        // DV with officer risk high: level 3; neglect: level 3. Both Amber.
        #expect(first.map(\.rag) == ["amber", "amber"])
        #expect(Set(first.compactMap(\.id)).count == 2)

        let again = try Harness.send([Harness.merlinExample, Harness.laExample], to: daemon.socketPath)
        #expect(again.allSatisfy { $0.ok && $0.duplicate })
        #expect(again.map(\.id) == first.map(\.id))
        #expect(try Harness.counts(dir).cases == 2)
        #expect(daemon.stop() == 0)
    }

    @Test func mashctlSendReportsAcceptedDuplicatesAndRejectedLines() throws {
        let dir = Harness.temporaryDirectory("send")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        let file = dir + "/in.ndjson"
        try (Harness.merlinExample + "\n\n" + Harness.laExample + "\n" + "{not json}\n").write(toFile: file, atomically: true, encoding: .utf8)
        let r1 = try Harness.run(Harness.mashctl, ["send", "--socket", daemon.socketPath, file])
        #expect(r1.status == 1)
        #expect(r1.out.contains("3 lines: 2 accepted (0 duplicates), 1 rejected"))
        #expect(r1.out.contains("in.ndjson:4: invalid-json"))
        try (Harness.merlinExample + "\n" + Harness.laExample + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let r2 = try Harness.run(Harness.mashctl, ["send", "--socket", daemon.socketPath, file])
        #expect(r2.status == 0)
        #expect(r2.out.contains("2 lines: 2 accepted (2 duplicates), 0 rejected"))
        let r3 = try Harness.run(Harness.mashctl, ["send", "--socket", daemon.socketPath], stdin: Data((Harness.merlin("STDIN-1") + "\n").utf8))
        #expect(r3.status == 0)
        #expect(r3.out.contains("1 lines: 1 accepted (0 duplicates)"))
        daemon.stop()
        let r4 = try Harness.run(Harness.mashctl, ["send", "--socket", daemon.socketPath, file])
        #expect(r4.status == 2)
        #expect(r4.err.contains("cannot connect"))
    }

    @Test func socatPipelineGetsEveryReplyAfterHalfClose() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/socat") else {
            Issue.record("socat is not installed (.ci/run installs it)")
            return
        }
        let dir = Harness.temporaryDirectory("socat")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        // The last line has no newline: it is read when socat shuts down its writing side.
        let input = Harness.merlinExample + "\r\n" + Harness.laExample
        let r = try Harness.run("/usr/bin/socat", ["-t", "10", "-", "UNIX-CONNECT:" + daemon.socketPath], stdin: Data(input.utf8))
        let lines = r.out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"ok\":true,") })
        #expect(lines.first?.contains("\"line\":1,") == true)
        #expect(lines.last?.contains("\"line\":2,") == true)
    }

    /// A client that writes every line and half-closes before it reads a reply: the replies
    /// fill the socket, and mashd reads the end of input while replies still wait in its
    /// channel. Closing then once dropped all of those (275 of 500 answered).
    @Test func aClientThatReadsOnlyAfterHalfClosingGetsEveryReply() throws {
        let dir = Harness.temporaryDirectory("late-reader")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        let count = 600
        let input = Array((0..<count).map { Harness.merlin("LATE-\($0)") + "\n" }.joined().utf8)
        let fd = try Harness.connect(daemon.socketPath)
        defer { close(fd) }
        var sent = 0
        while sent < input.count {
            let n = input[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            #expect(n > 0, "send: \(String(cString: strerror(errno)))")
            guard n > 0 else { return }
            sent += n
        }
        // Every line is committed and answered into the full socket before the end of input.
        usleep(1_000_000)
        shutdown(fd, Int32(SHUT_WR))
        usleep(300_000)
        let replies = Harness.readToEnd(fd).split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
        #expect(replies.count == count)
        #expect(replies.last?.contains("\"line\":\(count),") == true)
        #expect(replies.allSatisfy { $0.hasPrefix("{\"ok\":true,") })
        daemon.stop()
    }

    /// One broken line and what it must be answered.
    struct Broken: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let code: String
        let field: String?
        var testDescription: String { name }

        init(_ name: String, _ text: String, _ code: String, _ field: String? = nil) {
            self.init(name, Array(text.utf8), code, field)
        }

        init(_ name: String, _ bytes: [UInt8], _ code: String, _ field: String? = nil) {
            self.name = name
            self.bytes = bytes
            self.code = code
            self.field = field
        }
    }

    static func without(_ key: String) -> String {
        guard var o = (try? JSONSerialization.jsonObject(with: Data(Harness.merlin("DROP-\(key)").utf8))) as? [String: Any]
        else { return "" }
        o.removeValue(forKey: key)
        return String(decoding: try! JSONSerialization.data(withJSONObject: o), as: UTF8.self)
    }

    static let broken: [Broken] = {
        var b: [Broken] = [
            Broken("invalid JSON", "{\"format\":", "invalid-json"),
            Broken("JSON array", "[1,2,3]", "not-an-object"),
            Broken("bare number", "42", "not-an-object"),
            Broken("empty object", "{}", "missing-field", "/format"),
            Broken("unknown format", #"{"format":"merlin/2","merlinRef":"X"}"#, "unknown-format", "/format"),
            Broken("invalid UTF-8", Array("{\"format\":\"merlin/1\",\"merlinRef\":\"".utf8) + [0xC3, 0x28] + Array("\"}".utf8), "invalid-utf8"),
            Broken("NUL byte", Array(Harness.merlin("NUL-1").utf8.prefix(40)) + [0] + Array(Harness.merlin("NUL-1").utf8.dropFirst(40)), "invalid-json"),
            Broken("100,000 nested [", String(repeating: "[", count: 100_000), "invalid-json"),
            Broken("duplicate key", Harness.merlin("DUP-KEY").replacingOccurrences(of: "\"trigger\":", with: "\"trigger\":\"arrest\",\"trigger\":"), "invalid-json"),
            Broken("lone surrogate", Harness.merlin("SURR").replacingOccurrences(of: "Okafor\",\"forenames\":\"Amara", with: "Okafor\\ud800\",\"forenames\":\"Amara"), "invalid-json"),
            Broken("NaN", Harness.merlin("NAN").replacingOccurrences(of: "\"officerRisk\":\"high\"", with: "\"officerRisk\":NaN"), "invalid-json"),
            Broken("merlinRef a number", Harness.merlinExample.replacingOccurrences(of: "\"MER-26-114072\"", with: "114072"), "invalid-field", "/merlinRef"),
            Broken("children an object", Harness.merlin("T-CH").replacingOccurrences(of: "\"children\":[", with: "\"children\":{\"a\":").replacingOccurrences(of: "}],\"adults\"", with: "}},\"adults\""), "invalid-field", "/children"),
            Broken("immediateRisk a string", Harness.merlin("T-IR").replacingOccurrences(of: "\"officerRisk\":\"high\"", with: "\"officerRisk\":\"high\",\"immediateRisk\":\"yes\""), "invalid-field", "/immediateRisk"),
            Broken("bad trigger", Harness.merlin("T-TR").replacingOccurrences(of: "domestic-incident", with: "burglary"), "invalid-field", "/trigger"),
            Broken("bad date-time", Harness.merlin("T-DT").replacingOccurrences(of: "2026-11-26T21:14:00Z", with: "26/11/2026 21:14"), "invalid-field", "/createdAt"),
            Broken("unknown borough", Harness.merlin("T-BO").replacingOccurrences(of: "E09000012", with: "Manchester"), "invalid-field", "/borough"),
            Broken("child without dob", Harness.merlin("T-DOB").replacingOccurrences(of: "\"dob\":\"2025-09-03\",", with: ""), "missing-field", "/children/0/dob"),
            Broken("research for an unknown case", #"{"format":"research/1","caseId":"ZZZ-ZZZM","agency":"health","respondedAt":"2026-11-26T10:00:00Z","findings":[]}"#, "unknown-case", "/caseId"),
            Broken("research with a malformed id", #"{"format":"research/1","caseId":"nope","agency":"health","respondedAt":"2026-11-26T10:00:00Z","findings":[]}"#, "unknown-case", "/caseId"),
            Broken("research from an unknown agency", #"{"format":"research/1","caseId":"100-01W","agency":"social-services","respondedAt":"2026-11-26T10:00:00Z","findings":[]}"#, "invalid-field", "/agency"),
        ]
        for key in ["merlinRef", "borough", "createdAt", "trigger", "referralType", "officerRisk", "children"] {
            b.append(Broken("missing \(key)", without(key), "missing-field", "/" + key))
        }
        return b
    }()

    @Test func everyBrokenLineGetsItsErrorAndTheConnectionStaysUsable() throws {
        let dir = Harness.temporaryDirectory("broken")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        // Each broken line is followed by a good one on the same connection.
        var lines: [[UInt8]] = []
        for (i, b) in Self.broken.enumerated() {
            lines.append(b.bytes)
            lines.append(Array(Harness.merlin("GOOD-\(i)").utf8))
        }
        let replies = try Harness.send(lines, to: daemon.socketPath)
        #expect(replies.count == lines.count)
        for (i, b) in Self.broken.enumerated() {
            let bad = replies[2 * i], good = replies[2 * i + 1]
            #expect(!bad.ok, "\(b.name) was accepted")
            #expect(bad.errorCode == b.code, "\(b.name): \(bad.text)")
            #expect(bad.errorField == b.field, "\(b.name): \(bad.text)")
            #expect(bad.errorMessage?.isEmpty == false, "\(b.name) has no message")
            #expect(bad.line == 2 * i + 1)
            #expect(good.ok, "the line after \(b.name) was refused: \(good.text)")
        }
        // A refusal the store makes (no such case) still names the reference it read.
        if let i = Self.broken.firstIndex(where: { $0.name == "research for an unknown case" }) {
            #expect(replies[2 * i].text.contains(#""ref":"ZZZ-ZZZM/health""#), "\(replies[2 * i].text)")
        }
        // Nothing broken was stored: only the good lines are cases.
        #expect(try Harness.counts(dir).cases == Self.broken.count)
        #expect(daemon.process.isRunning)
        #expect(daemon.stop() == 0)
    }

    @Test func overLongLineIsRefusedAndTheNextLineIsRead() throws {
        let dir = Harness.temporaryDirectory("long")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        let huge = Array(("{\"format\":\"merlin/1\",\"x\":\"" + String(repeating: "a", count: 2 << 20) + "\"}").utf8)
        let exactly = Array(String(repeating: " ", count: 1 << 20).utf8)  // blank: skipped, no reply
        let replies = try Harness.send(
            [Array(Harness.merlin("BEFORE").utf8), huge, exactly, Array(Harness.merlin("AFTER").utf8)], to: daemon.socketPath)
        #expect(replies.count == 3)
        #expect(replies[0].ok)
        #expect(replies[1].errorCode == "line-too-long")
        #expect(replies[1].line == 2)
        #expect(replies[2].ok && replies[2].ref == "AFTER" && replies[2].line == 3)
        #expect(try Harness.counts(dir).cases == 2)
        daemon.stop()
    }

    /// formats.md: a blank line is empty or white space only, and gets no reply. A byte order
    /// mark is not white space: before JSON it is ignored, and on its own (or before white
    /// space) the line is answered, so that a client pairing replies with its lines by that
    /// rule (`mashctl send` does) stays in step.
    @Test("blank lines get no reply and are not counted; a byte order mark is not white space")
    func blankLinesAreSkipped() throws {
        let dir = Harness.temporaryDirectory("blank")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let lines: [[UInt8]] = [
            Array(Harness.merlin("FIRST").utf8), [], Array(" \t ".utf8), Array("\r".utf8),
            bom + Array(Harness.merlin("SECOND").utf8), bom, bom + Array("  \t".utf8),
        ]
        let replies = try Harness.send(lines, to: daemon.socketPath)
        #expect(replies.map(\.line) == [1, 2, 3, 4], "\(replies.map(\.text))")
        #expect(replies.count == 4 && replies[0].ok && replies[1].ok && replies[1].ref == "SECOND")
        #expect(replies.dropFirst(2).allSatisfy { $0.errorCode == "invalid-json" }, "\(replies.map(\.text))")
        #expect(try Harness.counts(dir).cases == 2)
        // mashctl send counts the same lines and pairs every reply with its own line.
        let file = dir + "/in.ndjson"
        FileManager.default.createFile(atPath: file, contents: Data(lines.map { $0 + [0x0A] }.joined()))
        let sent = try Harness.run(Harness.mashctl, ["send", "--socket", daemon.socketPath, file])
        #expect(sent.out.contains("2 duplicates") || sent.out.contains("2 duplicate"), "\(sent.out)")
        #expect(sent.out.contains("in.ndjson:6") && sent.out.contains("in.ndjson:7") && !sent.out.contains("unanswered"), "\(sent.out) \(sent.err)")
        daemon.stop()
    }

    @Test func aLineOfExactlyTheLimitIsRead() throws {
        let dir = Harness.temporaryDirectory("limit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        var line = Harness.merlin("LIMIT").replacingOccurrences(of: "\"circumstances\":\"", with: "\"circumstances\":\"PAD")
        let pad = (1 << 20) - line.utf8.count
        line = line.replacingOccurrences(of: "PAD", with: String(repeating: "p", count: pad + 3))
        #expect(line.utf8.count == 1 << 20)
        let replies = try Harness.send([Array((line + "\r").utf8), Array((line + "pp").utf8)], to: daemon.socketPath)
        #expect(replies.count == 2)
        #expect(replies[0].ok, "\(replies[0].text)")
        #expect(replies[1].errorCode == "line-too-long")
        daemon.stop()
    }

    @Test func manyConcurrentConnections() throws {
        let dir = Harness.temporaryDirectory("many")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        let socket = daemon.socketPath
        let okCount = LockedInt()
        DispatchQueue.concurrentPerform(iterations: 64) { c in
            let lines = (0..<50).map { Harness.merlin("C\(c)-\($0)") }
            if let replies = try? Harness.send(lines, to: socket) {
                okCount.add(replies.filter { $0.ok && !$0.duplicate }.count)
            }
        }
        #expect(okCount.value == 64 * 50)
        #expect(try Harness.counts(dir).cases == 64 * 50)
        daemon.stop()
    }
}

final class LockedInt: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.withLock { n += k } }
    var value: Int { lock.withLock { n } }
}
