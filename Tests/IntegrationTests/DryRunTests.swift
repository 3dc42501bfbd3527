import Foundation
import GRDB
import MASHClient
import Testing

/// The dry run and its tools, as a borough rehearsing go-live uses them.
@Suite(.serialized)
struct DryRunTests {
    @Test func theSameSeedGivesTheSameBytes() throws {
        let a = try Harness.run(Harness.mashctl, ["generate", "--count", "300", "--seed", "5"])
        let b = try Harness.run(Harness.mashctl, ["generate", "--count", "300", "--seed", "5"])
        let c = try Harness.run(Harness.mashctl, ["generate", "--count", "300", "--seed", "6"])
        #expect(a.status == 0 && !a.out.isEmpty)
        #expect(a.out == b.out)
        #expect(a.out != c.out)
    }

    @Test(arguments: [["--count", "-1"], ["--days", "-3"], ["--faults", "-0.5"]])
    func aNegativeNumberIsABadValueNotAMissingOne(option: [String]) throws {
        let r = try Harness.run(Harness.mashctl, ["generate"] + option)
        #expect(r.status == 64)
        #expect(r.err.contains("--count ≥ 0, --days ≥ 1, --faults in 0...1"), "\(r.err)")
    }

    @Test func generatedNotificationsAreAcceptedByTheRealDaemonWithTheirResearch() throws {
        let generated = try Harness.run(Harness.mashctl, ["generate", "--count", "400", "--seed", "9", "--faults", "0.1"]).out
        let lines = generated.split(separator: "\n").map(String.init)
        let notifications = lines.filter { !$0.contains("\"research/1\"") }
        #expect(notifications.count == 400)
        #expect(notifications.contains { $0.contains("\"merlin/1\"") } && notifications.contains { $0.contains("\"la-referral/1\"") })
        #expect(notifications.contains { $0.contains("\"unborn\":true") || $0.contains("expectedDeliveryDate") }, "no unborn child")
        #expect(lines.count > notifications.count, "no research answers")

        let dir = Harness.temporaryDirectory("genlive")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        let replies = try Harness.send(lines, to: daemon.socketPath)
        #expect(replies.count == lines.count)
        let firstRefused = replies.first { !$0.ok }?.text ?? ""
        #expect(replies.allSatisfy { $0.ok }, "\(firstRefused)")
        // Faults are warnings, never refusals; some children come back (the repeat rule).
        #expect(replies.filter { !$0.warnings.isEmpty }.count >= 10)
        let repeats = try Harness.run(Harness.mashctl, ["explain", "--json"], stdin: Data(generated.utf8)).out
        #expect(repeats.contains("\"rule\":\"repeat\""), "no child was named three times")
        daemon.stop()
    }

    /// A live service's files, and everything else under the working directory, are as they
    /// were; the results are in the sandbox.
    @Test func replayWritesNothingOutsideItsSandbox() throws {
        let dir = Harness.temporaryDirectory("sandboxed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let live = try Harness.start(dir)
        #expect(try Harness.send([Harness.merlinExample, Harness.laExample], to: live.socketPath).allSatisfy { $0.ok })
        usleep(300_000)
        let input = dir + "/history.ndjson"
        _ = try Harness.run(Harness.mashctl, ["generate", "--count", "300", "--seed", "3", "--out", input])
        let before = Self.snapshot(dir)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: Harness.mashctl)
        p.arguments = ["replay", input, "--sandbox", dir + "/sandbox"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        // As if run on the live machine, under the live service's environment.
        p.environment = ["STATE_DIRECTORY": dir + "/state", "RUNTIME_DIRECTORY": dir + "/state", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let summary = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(summary)")
        #expect(summary.contains("300 accepted"))

        let after = Self.snapshot(dir)
        let changed = after.filter { path, stamp in !path.hasPrefix("sandbox/") && before[path] != stamp }.keys.sorted()
        let removed = before.keys.filter { after[$0] == nil }.sorted()
        // The live daemon's own WAL and log may move; nothing else may.
        #expect(changed.filter { !$0.hasPrefix("state/mashd.sqlite") && !$0.hasSuffix(".log") }.isEmpty, "\(changed)")
        #expect(removed.isEmpty, "\(removed)")
        #expect(try Harness.counts(dir).cases == 2, "the live store changed")
        #expect(after.keys.contains("sandbox/mashd.sqlite"))
        #expect(after.keys.contains { $0.hasPrefix("sandbox/outbox/") && $0.hasSuffix(".ndjson") })
        // The sandbox reads as a store.
        let shown = try Harness.run(Harness.mashctl, ["case", "100-01W", "--state-dir", dir + "/sandbox"])
        #expect(shown.status == 0 && shown.out.contains("\"stage\" : \"decided\""))
        #expect(shown.out.contains("/sandbox/outbox/police.ndjson (a replay sandbox"), "\(shown.out)")
        // A second replay into the same sandbox is refused rather than mixed.
        let again = try Harness.run(Harness.mashctl, ["replay", input, "--sandbox", dir + "/sandbox"])
        #expect(again.status == 2 && again.err.contains("new sandbox"))
        live.stop()
    }

    /// A sandbox must be new: a directory holding anything (here a file someone keeps) or a
    /// plain file is refused with status 2 and left as it was; an empty directory is used.
    @Test func replayRefusesASandboxThatIsNotNew() throws {
        let dir = Harness.temporaryDirectory("sandbox-new")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = dir + "/in.ndjson"
        try (Harness.merlinExample + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/kept/outbox", withIntermediateDirectories: true)
        try "PRECIOUS\n".write(toFile: dir + "/kept/outbox/csc.ndjson", atomically: true, encoding: .utf8)
        let kept = try Harness.run(Harness.mashctl, ["replay", input, "--sandbox", dir + "/kept"])
        #expect(kept.status == 2 && kept.err.contains("is not empty (outbox)"), "\(kept.err)")
        #expect(try String(contentsOfFile: dir + "/kept/outbox/csc.ndjson", encoding: .utf8) == "PRECIOUS\n")
        #expect(!FileManager.default.fileExists(atPath: dir + "/kept/mashd.sqlite"))
        try "x".write(toFile: dir + "/file", atomically: true, encoding: .utf8)
        let file = try Harness.run(Harness.mashctl, ["replay", input, "--sandbox", dir + "/file"])
        #expect(file.status == 2 && file.err.contains("is not a directory"), "\(file.err)")
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        #expect(try Harness.run(Harness.mashctl, ["replay", input, "--sandbox", dir + "/empty"]).status == 0)
        let both = try Harness.run(Harness.mashctl, ["replay", "--compare", "standard", "standard", input, "--sandbox", dir + "/x"])
        #expect(both.status == 64 && both.err.contains("leave out --sandbox"), "\(both.err)")
    }

    /// Every file under `dir`, relative, with its size and modification time.
    static func snapshot(_ dir: String) -> [String: String] {
        var out: [String: String] = [:]
        let e = FileManager.default.enumerator(atPath: dir)
        while let path = e?.nextObject() as? String {
            let attrs = try? FileManager.default.attributesOfItem(atPath: dir + "/" + path)
            guard (attrs?[.type] as? FileAttributeType) != .typeDirectory else { continue }
            let size = attrs?[.size] as? Int ?? -1
            let mtime = (attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            out[path] = "\(size)@\(mtime)"
        }
        return out
    }

    /// A Green case accepted at 10:00 on 03-02 has until 10:00 on 03-05: health answers at that
    /// very moment (in time), education a millisecond later (late, and named unanswered).
    @Test func anAnswerAtTheDeadlineItselfIsInTime() throws {
        let dir = Harness.temporaryDirectory("at-deadline")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lines = [
            #"{"format":"la-referral/1","contactId":"DL-1","localAuthority":"Camden","receivedAt":"2026-03-02T10:00:00Z","source":"2A","referrer":{"professional":true},"children":[{"firstName":"Dee","lastName":"Line","dob":"2015-01-01"}],"concerns":["emotional-abuse"],"description":"at the deadline"}"#,
            #"{"format":"research/1","caseId":"100-01W","agency":"health","respondedAt":"2026-03-05T10:00:00Z","findings":[]}"#,
            #"{"format":"research/1","caseId":"100-01W","agency":"education","respondedAt":"2026-03-05T10:00:00.001Z","findings":[]}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/in.ndjson", atomically: true, encoding: .utf8)
        let r = try Harness.run(Harness.mashctl, ["replay", dir + "/in.ndjson", "--sandbox", dir + "/sb"])
        #expect(r.status == 0, "\(r.err)")
        let db = try DatabaseQueue(path: dir + "/sb/mashd.sqlite")
        let late = try db.read { try Row.fetchAll($0, sql: "SELECT agency, late FROM research_answers ORDER BY agency") }
        #expect(late.map { "\($0[0] as String)=\($0[1] as Int)" } == ["education=1", "health=0"])
        let decision = try db.read { try String.fetchOne($0, sql: "SELECT decision FROM cases") } ?? ""
        #expect(decision.contains(#""unanswered":["education"]"#), "\(decision)")
    }

    @Test func compareShowsWhatALocalVariationChanges() throws {
        let dir = Harness.temporaryDirectory("compare")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let standard = try Harness.run(Harness.mashctl, ["model"]).out
        try standard.replacingOccurrences(of: "\"neglect\": 3", with: "\"neglect\": 2")
            .write(toFile: dir + "/local.json", atomically: true, encoding: .utf8)
        _ = try Harness.run(Harness.mashctl, ["generate", "--count", "500", "--seed", "4", "--out", dir + "/year.ndjson"])
        let r = try Harness.run(Harness.mashctl, ["replay", "--compare", "standard", dir + "/local.json", dir + "/year.ndjson"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("500 cases;"))
        let differ = r.out.split(separator: "\n").first { $0.contains("differ in level") }.flatMap { line in
            line.split(separator: ";").last?.split(separator: " ").first.flatMap { Int($0) }
        }
        #expect((differ ?? 0) > 0, "\(r.out)")
        #expect(r.out.contains("csc-assessment") && r.out.contains("early-help"))
        // The same model twice changes nothing.
        let same = try Harness.run(Harness.mashctl, ["replay", "--compare", "standard", "standard", dir + "/year.ndjson"])
        #expect(same.out.contains("0 differ"))
        // Rehearsed into a sandbox, the variation is reported to the MASH manager at go-live,
        // as a live start reports it, once.
        let sandbox = try Harness.run(Harness.mashctl, ["replay", dir + "/year.ndjson", "--model", dir + "/local.json", "--sandbox", dir + "/sb"])
        #expect(sandbox.status == 0, "\(sandbox.err)")
        #expect(sandbox.out.contains("and 1 reporting the local variation"), "\(sandbox.out)")
        let manager = try String(contentsOfFile: dir + "/sb/outbox/mash-manager.ndjson", encoding: .utf8)
        #expect(manager.split(separator: "\n").filter { $0.contains(#""rule":"local-variation""#) }.count == 1)
        let standardRun = try Harness.run(Harness.mashctl, ["replay", dir + "/year.ndjson", "--sandbox", dir + "/sb2"])
        #expect(!standardRun.out.contains("local variation"))
    }

    @Test func explainSaysWhyForTheExamples() throws {
        let r = try Harness.run(Harness.mashctl, ["explain"], stdin: Data((Harness.merlinExample + "\n" + Harness.laExample + "\n{}\n").utf8))
        // A refused line (the empty object) makes the status 1, for a script checking a feed.
        #expect(r.status == 1)
        #expect(r.out.contains("concern-base-level: level 3"))
        #expect(r.out.contains("police-high-risk-floor") == false)  // DV is 3 already
        #expect(r.out.contains("research from police, health, education, housing within 1d"))
        #expect(r.out.contains("outcome csc-assessment to csc"))
        #expect(r.out.contains("line 3") && r.out.contains("missing-field"))
        // A pipe or /dev/stdin given as the file reads as standard input does; good lines, 0.
        let good = Data((Harness.merlinExample + "\n").utf8)
        let piped = try Harness.run(Harness.mashctl, ["explain", "/dev/stdin"], stdin: good)
        #expect(piped.status == 0, "\(piped.err)")
        #expect(piped.out.contains("outcome csc-assessment to csc"))
        let missing = try Harness.run(Harness.mashctl, ["explain", "/nonexistent/feed.ndjson"])
        #expect(missing.status == 2 && missing.err.contains("No such file"), "\(missing.err)")
    }
}
