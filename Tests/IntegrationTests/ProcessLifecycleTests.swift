import Foundation
import MASHClient
import MASHCore
import MASHStore
import Testing

/// The process over time: answers that come late or unasked, the repeat rule across streams,
/// deadlines that pass while mashd is down, and local variations of the model.
@Suite(.serialized)
struct ProcessLifecycleTests {
    @Test func lateAndUnrequestedAnswersAreRecordedAndChangeNothing() throws {
        let d = try ProcessDaemon("late")
        let id = try #require(try d.send(Lines.la("LATE-1", concerns: ["emotional-abuse"], child: Lines.child("Ray", "Late"))).id)
        let started = try d.waitResearching(id)
        #expect(started.asked == ["education", "health"])
        // Youth offending was not asked: its answer is kept as unrequested.
        #expect(try d.answer(id, "yos", findings: #"[{"summary":"known","shareable":true,"indicators":["no-trace"]}]"#).ok)
        for a in started.asked { try d.answer(id, a) }
        let decided = try d.waitDecided(id)
        #expect(decided.decision?.unrequested.map(\.name) == ["yos"])
        let before = try d.products(id).map(\.name)
        // After the decision: accepted, late, and no new product.
        let late = try d.answer(id, "police", findings: #"[{"summary":"x","shareable":true,"indicators":["sex-offender-in-household"]}]"#)
        #expect(late.ok && late.duplicate == false)
        usleep(300_000)
        let after = try #require(try d.record(id))
        #expect(after.research.first { $0.agency == "police" }?.late == true)
        #expect(after.decision?.level == 2)
        #expect(try d.products(id).map(\.name) == before)
        // mashctl case shows who was asked, who answered and how.
        let shown = try Harness.run(Harness.mashctl, ["case", id, "--state-dir", d.dir + "/state"])
        #expect(shown.status == 0)
        for word in ["\"unrequested\"", "\"on-time\"", "\"researching\"", "\"decided\"", "/new/\(id).outcome-notice.referrer-feedback"] {
            #expect(shown.out.contains(word), "mashctl case lacks \(word)")
        }
    }

    @Test func mashctlCaseNamesEachAnswerAsTheReportCountsIt() throws {
        let d = try ProcessDaemon("status", timescale: "2s")
        let id = try #require(try d.send(Lines.la("STATUS-1", concerns: ["emotional-abuse"], child: Lines.child("Ola", "Status"))).id)
        #expect(try d.waitResearching(id).asked == ["education", "health"])
        try d.answer(id, "health")
        _ = try d.waitDecided(id)
        // After the decision: one agency that was asked, one that was not.
        #expect(try d.answer(id, "education").ok)
        #expect(try d.answer(id, "police").ok)
        let shown = try Harness.run(Harness.mashctl, ["case", id, "--state-dir", d.dir + "/state"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.out.utf8)) as? [String: Any])
        let answers = ((json["research"] as? [String: Any])?["answers"] as? [[String: Any]]) ?? []
        var status: [String: String] = [:]
        for a in answers { status[a["agency"] as? String ?? "?"] = a["status"] as? String }
        #expect(status == ["health": "on-time", "education": "late", "police": "unrequested"])
    }

    @Test func theRepeatRuleSeesTheSameChildAcrossStreams() throws {
        let d = try ProcessDaemon("repeat")
        let nhs = #","nhsNumber":"9434765919""#
        let r1 = try d.send(Lines.la("REP-1", concerns: ["emotional-abuse"], child: Lines.child("Sid", "Repeat", dob: "2014-03-03", extra: nhs)))
        // The police know him by name and date of birth, in other case and spacing.
        let r2 = try d.send(
            Lines.merlin(
                "REP-2", concerns: ["emotional-abuse"], child: #""surname":" REPEAT ","forenames":"sid  john","dob":"2014-03-03""#,
                at: "2026-11-25T21:14:00Z"))
        // Matching is pairwise (MASH.md): the third names him by NHS number (as the first) and
        // by name and date of birth (as the second).
        let r3 = try d.send(Lines.la("REP-3", concerns: ["emotional-abuse"], child: Lines.child("Sid", "Repeat", dob: "2014-03-03", extra: nhs)))
        #expect([r1.rag, r2.rag, r3.rag] == ["green", "green", "amber"])
        let third = try d.waitResearching(r3.id!)
        #expect(third.screening.rationale.contains { $0.rule == "repeat" })
        // CSC's product lists the earlier cases about the child.
        for a in third.asked { try d.answer(r3.id!, a) }
        _ = try d.waitDecided(r3.id!)
        let csc = try #require(try d.products(r3.id!).first { $0.label == "information-product/csc" })
        #expect(csc.json["history"] == nil, "the history is a fact about the subject, under subject")
        let history = ((csc.json["subject"] as? [String: Any])?["history"] as? [[String: Any]])?.compactMap { $0["caseId"] as? String }
        #expect(history == [r2.id!, r1.id!])
    }

    /// mashd dies right after publishing a case's research requests, before recording them.
    /// While it is down, each agency's collector claims its request and deletes it. The
    /// restarted mashd must not write them again: they were delivered.
    @Test func aProductTakenAwayWhileMashdWasDownIsNotWrittenAgain() throws {
        let dir = Harness.temporaryDirectory("taken")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let crashing = try Harness.start(dir, environment: ["MASHD_TEST_CRASH_AFTER_DELIVERY": "1"])
        _ = try? Harness.send([Harness.laExample], to: crashing.socketPath)
        crashing.process.waitUntilExit()
        #expect(crashing.process.terminationStatus == 86, "mashd did not stop at the crash point")
        let outbox = dir + "/state/outbox"
        var taken: [String] = []
        for agency in try FileManager.default.contentsOfDirectory(atPath: outbox) {
            for name in try FileManager.default.contentsOfDirectory(atPath: "\(outbox)/\(agency)/new") where name.hasPrefix("100-01W.") {
                let claimed = "\(outbox)/\(agency)/cur/\(name):2,S"
                #expect(rename("\(outbox)/\(agency)/new/\(name)", claimed) == 0)
                #expect(unlink(claimed) == 0)
                taken.append(name)
            }
        }
        #expect(taken.sorted() == ["education", "health", "housing", "police"].map { "100-01W.research-request.\($0)" }, "\(taken)")

        let daemon = try Harness.start(dir)
        defer { daemon.stop() }
        let store = try CaseStore(readingAt: dir + "/state/mashd.sqlite")
        var record = try store.caseRecord(CaseID("100-01W")!)
        for _ in 0..<100 where record?.stage != .researching {
            usleep(50_000)
            record = try store.caseRecord(CaseID("100-01W")!)
        }
        #expect(record?.stage == .researching, "the case did not go on after the restart")
        #expect(Set(record?.products.map(\.id) ?? []) == Set(taken), "the products were not recorded as delivered")
        var again: [String] = []
        for agency in try FileManager.default.contentsOfDirectory(atPath: outbox) {
            for sub in ["new", "tmp"] {
                again += try FileManager.default.contentsOfDirectory(atPath: "\(outbox)/\(agency)/\(sub)").filter { $0.hasPrefix("100-01W.") }
            }
        }
        #expect(again.isEmpty, "written again: \(again)")
    }

    @Test func aDeadlineThatPassedWhileMashdWasDownFiresAtStartAndIsEscalatedAsLate() throws {
        let d = try ProcessDaemon("down", timescale: "2s")
        let id = try #require(try d.send(Lines.la("DOWN-1", concerns: ["neglect"], child: Lines.child("Tam", "Down"))).id)
        _ = try d.waitResearching(id)
        try d.answer(id, "health")
        d.daemon.stop(signal: SIGKILL)
        sleep(5)
        try d.restart()
        let decided = try d.waitDecided(id)
        #expect((decided.decision?.lateBySeconds ?? 0) >= 2)
        #expect(Set(decided.decision?.unanswered.map(\.name) ?? []) == ["education", "housing", "police"])
        let escalations = try d.products(id).filter { $0.kind == "escalation" }
        #expect(escalations.count == 1)
        let reasons = (escalations.first?.json["escalation"] as? [String: Any])?["reasons"] as? [String] ?? []
        #expect(reasons.contains { $0.contains("seconds after its deadline") })
        #expect(reasons.contains { $0.contains("education, housing, police") })
    }

    @Test func aLocalModelIsReportedOnceAndUsed() throws {
        let dir = Harness.temporaryDirectory("variation")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Neglect at level 2 instead of 3.
        let standard = try Harness.run(Harness.mashctl, ["model"]).out
        let local = standard.replacingOccurrences(of: "\"neglect\": 3", with: "\"neglect\": 2")
        #expect(local != standard)
        try local.write(toFile: dir + "/local.json", atomically: true, encoding: .utf8)
        var daemon = try Harness.start(dir, arguments: ["--model", dir + "/local.json"])
        let reply = try Harness.send([Harness.laExample], to: daemon.socketPath).first
        #expect(reply?.rag == "green")
        let manager = dir + "/state/outbox/mash-manager/new"
        let reports = try FileManager.default.contentsOfDirectory(atPath: manager).filter { $0.hasPrefix("model-") }
        #expect(reports.count == 1)
        let text = try String(contentsOfFile: manager + "/" + reports[0], encoding: .utf8)
        #expect(text.contains("concernLevels.neglect: 3 -> 2"))
        #expect(text.contains("\"caseId\":null"))
        let log = try String(contentsOfFile: daemon.logPath, encoding: .utf8)
        #expect(log.contains("local variation"))
        // A restart with the same model does not report it again.
        daemon.stop()
        daemon = try Harness.start(dir, arguments: ["--model", dir + "/local.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: manager).filter { $0.hasPrefix("model-") }.count == 1)
        daemon.stop()
    }

    @Test(arguments: [
        ("\"neglect\": 3", "\"neglect\": 7", "/concernLevels/neglect", "whole number from 1 to 4"),
        ("\"red\": \"4h\"", "\"red\": \"4 hours\"", "/timescales/red", "a number and a unit"),
        ("\"escalations\": \"mash-manager\"", "\"escalations\": \"the-boss\"", "/escalations", "not an agency"),
        ("\"policeHighRiskFloor\": 3,", "\"policeHighRiskFloor\": 3,,", "", "invalid JSON"),
    ])
    func anInvalidModelStopsTheStartNamingTheLineAndField(from: String, to: String, field: String, message: String) throws {
        let dir = Harness.temporaryDirectory("badmodel")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let standard = try Harness.run(Harness.mashctl, ["model"]).out
        let bad = standard.replacingOccurrences(of: from, with: to)
        #expect(bad != standard, "the substitution did not apply")
        try bad.write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let lineNumber = bad.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(to) }.map { $0 + 1 }
        let r = try Harness.run(Harness.mashd, ["--state-dir", dir + "/state", "--model", dir + "/bad.json"])
        #expect(r.status == 78)
        #expect(r.err.contains("\(dir)/bad.json:\(lineNumber ?? 0):"), "\(r.err)")
        #expect(field.isEmpty || r.err.contains(field), "\(r.err)")
        #expect(r.err.contains(message), "\(r.err)")
    }

    /// A permission naming a user or group the system does not have stops the start, naming it:
    /// a feed must not be locked out silently.
    @Test(arguments: [("users", "user", "no-such-user-mashd"), ("groups", "group", "no-such-group-mashd")])
    func anUnknownUserOrGroupInPermissionsStopsTheStart(key: String, what: String, name: String) throws {
        let dir = Harness.temporaryDirectory("badperm")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[permissions.\"merlin/1\"]\n\(key) = [\"root\", \"\(name)\"]\n"
            .write(toFile: dir + "/mashd.toml", atomically: true, encoding: .utf8)
        let r = try Harness.run(Harness.mashd, ["--state-dir", dir + "/state", "--config", dir + "/mashd.toml"])
        #expect(r.status == 78)
        #expect(r.err.contains("permissions.\"merlin/1\".\(key): no \(what) \"\(name)\" on this system"), "\(r.err)")
    }
}
