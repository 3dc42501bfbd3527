import Foundation
import GRDB
import MASHCore
import MASHReport
import Testing

/// Golden tests on `ReportFixture`'s history. Every expected figure is worked out by hand in the
/// comments from the table in `ReportFixture`; none is computed by the code under test.
struct ReportTests {
    static let asOf = Timestamp(rfc3339: "2026-03-05T12:00:00Z")!

    static func report(_ from: String = "2026-03-02", _ to: String = "2026-03-04", period: ReportPeriod? = nil) throws -> Report {
        let dir = try ReportFixture.make()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let request = try ReportRequest(from: FullDate(rfc3339: from)!, to: FullDate(rfc3339: to)!, period: period, asOf: asOf)
        return try ReportReader.report(stateDirectory: dir, request)
    }

    static func json(_ r: Report) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.json().utf8)) as? [String: Any])
    }

    /// Follows a path of keys and array indexes.
    static func at(_ root: Any, _ path: Any...) -> Any? {
        var v: Any? = root
        for p in path {
            if let k = p as? String { v = (v as? [String: Any])?[k] }
            if let i = p as? Int { v = (v as? [Any]).flatMap { i < $0.count ? $0[i] : nil } }
        }
        return v
    }

    static func int(_ root: Any, _ path: Any...) -> Int? {
        var v: Any? = root
        for p in path {
            if let k = p as? String { v = (v as? [String: Any])?[k] }
            if let i = p as? Int { v = (v as? [Any]).flatMap { i < $0.count ? $0[i] : nil } }
        }
        return (v as? NSNumber)?.intValue
    }

    static func num(_ root: Any, _ path: Any...) -> Double? {
        var v: Any? = root
        for p in path {
            if let k = p as? String { v = (v as? [String: Any])?[k] }
            if let i = p as? Int { v = (v as? [Any]).flatMap { i < $0.count ? $0[i] : nil } }
        }
        return (v as? NSNumber)?.doubleValue
    }

    @Test func volumes() throws {
        let j = try Self.json(try Self.report())
        let all = try #require(Self.at(j, "range", "all", "volumes"))
        // C1..C15 are accepted in the range; seq 1, 2, 3 and 19 are not.
        #expect(Self.int(all, "total") == 15)
        // red: C1 C2 C12; amber: C3 C7 C10 C15; green: C4 C8 C11 C13; blue: C5 C9 C14; none: C6.
        #expect(Self.int(all, "red") == 3)
        #expect(Self.int(all, "amber") == 4)
        #expect(Self.int(all, "green") == 4)
        #expect(Self.int(all, "blue") == 3)
        #expect(Self.int(all, "none") == 1)
        #expect(Self.int(all, "immediateRisk") == 1)  // C2
        // police: C1 C2 C5 C6 C8 C9 C11 C13 C15 = 9; local authority: C3 C4 C7 C10 C12 C14 = 6.
        #expect(Self.int(j, "range", "byStream", "police", "volumes", "total") == 9)
        #expect(Self.int(j, "range", "byStream", "local-authority", "volumes", "total") == 6)
        // police red: C1 C2 = 2; police blue: C5 C9 = 2; police none: C6.
        #expect(Self.int(j, "range", "byStream", "police", "volumes", "red") == 2)
        #expect(Self.int(j, "range", "byStream", "police", "volumes", "blue") == 2)
        #expect(Self.int(j, "range", "byStream", "police", "volumes", "none") == 1)
        // Boroughs in GSS order: Camden (C4 C5 C6 C12 = 4), Hackney (C1 C2 C3 C9 C10 C13 C15 = 7),
        // Islington (C7 C8 C11 C14 = 4).
        let boroughs = try #require(Self.at(j, "range", "byBorough") as? [Any])
        #expect(boroughs.count == 3)
        #expect(Self.at(j, "range", "byBorough", 0, "gss") as? String == "E09000007")
        #expect(Self.at(j, "range", "byBorough", 0, "name") as? String == "Camden")
        #expect(Self.int(j, "range", "byBorough", 0, "all", "volumes", "total") == 4)
        #expect(Self.at(j, "range", "byBorough", 1, "name") as? String == "Hackney")
        #expect(Self.int(j, "range", "byBorough", 1, "all", "volumes", "total") == 7)
        // Hackney police: C1 C2 C9 C13 C15 = 5; Hackney amber: C3 C10 C15 = 3.
        #expect(Self.int(j, "range", "byBorough", 1, "byStream", "police", "volumes", "total") == 5)
        #expect(Self.int(j, "range", "byBorough", 1, "all", "volumes", "amber") == 3)
        #expect(Self.at(j, "range", "byBorough", 2, "name") as? String == "Islington")
        #expect(Self.int(j, "range", "byBorough", 2, "all", "volumes", "total") == 4)
        // Per day: 03-02 C1..C5 = 5 (police C1 C2 C5 = 3); 03-03 C6..C9 = 4; 03-04 C10..C15 = 6.
        #expect(Self.at(j, "period") as? String == "day")
        #expect((Self.at(j, "periods") as? [Any])?.count == 3)
        #expect(Self.int(j, "periods", 0, "all", "volumes", "total") == 5)
        #expect(Self.int(j, "periods", 1, "all", "volumes", "total") == 4)
        #expect(Self.int(j, "periods", 2, "all", "volumes", "total") == 6)
        #expect(Self.int(j, "perDay", 0, "police") == 3)
        #expect(Self.int(j, "perDay", 0, "local-authority") == 2)
        #expect(Self.at(j, "periods", 2, "start") as? String == "2026-03-04")
    }

    @Test func timeliness() throws {
        let j = try Self.json(try Self.report())
        let t = try #require(Self.at(j, "range", "all", "timeliness"))
        // red: C1 3 h on time, C2 5 h late, C12 4 h (decided at the deadline: on time).
        // 2 of 3 = 66.7 %; sorted 3, 4, 5: median 4; p95 = value at rank ceil(0.95 x 3) = 3: 5.
        #expect(Self.int(t, "red", "decided") == 3)
        #expect(Self.int(t, "red", "onTime") == 2)
        #expect(Self.num(t, "red", "onTimePct") == 66.7)
        #expect(Self.num(t, "red", "medianHours") == 4.0)
        #expect(Self.num(t, "red", "p95Hours") == 5.0)
        // amber: C3 18 h on time, C7 30 h late, C15 8 h on time; C10 pending, overdue (its
        // deadline 03-05 08:00 is before 03-05 12:00). Sorted 8, 18, 30: median 18, p95 30.
        #expect(Self.int(t, "amber", "decided") == 3)
        #expect(Self.num(t, "amber", "onTimePct") == 66.7)
        #expect(Self.num(t, "amber", "medianHours") == 18.0)
        #expect(Self.num(t, "amber", "p95Hours") == 30.0)
        #expect(Self.int(t, "amber", "pending") == 1)
        #expect(Self.int(t, "amber", "overdue") == 1)
        // green: C4 24 h, C8 12 h, C13 8 h 20 min (8.333 h), all on time; C11 pending, not
        // overdue (deadline 03-07). Sorted 8.33, 12, 24: median 12, p95 24.
        #expect(Self.int(t, "green", "onTime") == 3)
        #expect(Self.num(t, "green", "onTimePct") == 100.0)
        #expect(Self.num(t, "green", "medianHours") == 12.0)
        #expect(Self.num(t, "green", "p95Hours") == 24.0)
        #expect(Self.int(t, "green", "pending") == 1)
        #expect(Self.int(t, "green", "overdue") == 0)
        // Blue (C5 C9 C14) and the open case (C6): decided at screening, no deadline.
        #expect(Self.int(t, "blue", "decided") == 0)
        #expect(Self.int(t, "blue", "decidedAtScreening") == 3)
        #expect(Self.at(t, "blue", "onTimePct") is NSNull)
        #expect(Self.at(t, "blue", "medianHours") is NSNull)
        #expect(Self.int(t, "none", "decidedAtScreening") == 1)
        // all: 9 decided against a deadline, 7 on time: 77.8 %. Sorted 3, 4, 5, 8, 8.333, 12, 18,
        // 24, 30: median (5th of 9) 8.333 -> 8.33; p95 rank ceil(8.55) = 9: 30.
        #expect(Self.int(t, "all", "decided") == 9)
        #expect(Self.int(t, "all", "onTime") == 7)
        #expect(Self.num(t, "all", "onTimePct") == 77.8)
        #expect(Self.num(t, "all", "medianHours") == 8.33)
        #expect(Self.num(t, "all", "p95Hours") == 30.0)
        #expect(Self.int(t, "all", "decidedAtScreening") == 4)
        #expect(Self.int(t, "all", "pending") == 2)
        #expect(Self.int(t, "all", "overdue") == 1)
        // Local authority: C3 18, C4 24, C7 30 (late), C12 4: 3 of 4 = 75.0 %; sorted 4, 18, 24,
        // 30: median (18 + 24) / 2 = 21; p95 rank ceil(3.8) = 4: 30.
        let la = try #require(Self.at(j, "range", "byStream", "local-authority", "timeliness", "all"))
        #expect(Self.num(la, "onTimePct") == 75.0)
        #expect(Self.num(la, "medianHours") == 21.0)
        #expect(Self.num(la, "p95Hours") == 30.0)
        // Police: C1 3, C2 5 (late), C8 12, C13 8.333, C15 8: 4 of 5 = 80.0 %; sorted 3, 5, 8,
        // 8.333, 12: median 8; p95 rank ceil(4.75) = 5: 12.
        let police = try #require(Self.at(j, "range", "byStream", "police", "timeliness", "all"))
        #expect(Self.num(police, "onTimePct") == 80.0)
        #expect(Self.num(police, "medianHours") == 8.0)
        #expect(Self.num(police, "p95Hours") == 12.0)
        // Timescales seen: red 4 h, amber 24 h, green 72 h.
        #expect(Self.num(j, "timescales", "red", "maxHours") == 4)
        #expect(Self.num(j, "timescales", "amber", "minHours") == 24)
        #expect(Self.num(j, "timescales", "green", "maxHours") == 72)
    }

    @Test("a case escalated as late because mashd was down at its deadline is late, however soon it was decided")
    func lateAfterRestart() throws {
        let (dir, q) = try ReportFixture.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try q.write { db in
            // Both decided 0.5 s after a 14:00 deadline: the first by the deadline's own timer
            // (on time), the second just after a restart at 14:00:00.3, mashd having been down
            // at 14:00 (Decider escalated it, 1 second late). Every start records a deployment.
            try db.execute(
                sql: """
                    INSERT INTO deployments (started_at, model_name, model_version, model_checksum, standard, differences, source)
                    VALUES (?, 'london-standard', 1, 'abc', 1, '', 'embedded')
                    """,
                arguments: [ReportFixture.ms("2026-03-04T14:00:00.300Z")])
            for (seq, lateBy) in [(Int64(1), Int64?.none), (2, 1)] {
                try ReportFixture.addCase(
                    db, seq, "local-authority", ReportFixture.CAM, notified: "03-04 09:00", accepted: "03-04 10:00", level: 4,
                    rag: "red", deadline: "03-04 14:00", decided: "2026-03-04T14:00:00.500Z", final: 4, finalRAG: "red",
                    outcome: "strategy-discussion", lateBy: lateBy)
            }
        }
        // A Green case with a 90-second timescale (a rehearsal's config).
        try q.write { db in
            try ReportFixture.addCase(
                db, 3, "police", ReportFixture.CAM, notified: "03-04 09:00", accepted: "03-04 10:00", level: 2, rag: "green",
                deadline: "2026-03-04T10:01:30Z", decided: "03-04 10:01", final: 2, finalRAG: "green", outcome: "early-help")
        }
        let request = try ReportRequest(from: FullDate(rfc3339: "2026-03-04")!, to: FullDate(rfc3339: "2026-03-04")!, asOf: Self.asOf)
        let report = try ReportReader.report(stateDirectory: dir, request)
        let j = try Self.json(report)
        let red = try #require(Self.at(j, "range", "all", "timeliness", "red"))
        #expect(Self.int(red, "decided") == 2)
        #expect(Self.int(red, "onTime") == 1)
        #expect(Self.num(red, "onTimePct") == 50.0)
        // The timescales seen, as a person writes them; none seen for Amber.
        let rows = report.text().split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows.contains { $0.hasPrefix("red 4 h 2 1 50.0") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("amber no cases 0 0") }, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("green 90 s 1 1 100.0") }, "\(rows)")
    }

    @Test func outcomes() throws {
        let j = try Self.json(try Self.report())
        // Decided: 15 less C10 and C11 = 13. strategy-discussion C1 C2 C3 C4 C12 = 5;
        // csc-assessment C7 C15 = 2; early-help C8 C13 = 2; nfa-signpost C5 C9 C14 = 3;
        // forward-to-allocated-team C6 = 1.
        let o = try #require(Self.at(j, "range", "all", "outcomes"))
        #expect(Self.int(o, "decided") == 13)
        #expect(Self.int(o, "byOutcome", "strategy-discussion") == 5)
        #expect(Self.int(o, "byOutcome", "csc-assessment") == 2)
        #expect(Self.int(o, "byOutcome", "early-help") == 2)
        #expect(Self.int(o, "byOutcome", "nfa-signpost") == 3)
        #expect(Self.int(o, "byOutcome", "forward-to-allocated-team") == 1)
        // Police decided: C1 C2 C5 C6 C8 C9 C13 C15 = 8, of which nfa-signpost C5 C9 = 2: 25.0 %.
        let p = try #require(Self.at(j, "range", "byStream", "police", "outcomes"))
        #expect(Self.int(p, "decided") == 8)
        #expect(Self.int(p, "byOutcome", "strategy-discussion") == 2)
        #expect(Self.int(p, "byOutcome", "early-help") == 2)
        #expect(Self.int(p, "byOutcome", "forward-to-allocated-team") == 1)
        #expect(Self.int(p, "policeNfaSignpost") == 2)
        #expect(Self.num(p, "policeNfaSharePct") == 25.0)
        #expect(Self.num(o, "policeNfaSharePct") == 25.0)
        // Local authority: C3 C4 C12 strategy-discussion, C7 csc-assessment, C14 nfa-signpost.
        let la = try #require(Self.at(j, "range", "byStream", "local-authority", "outcomes"))
        #expect(Self.int(la, "decided") == 5)
        #expect(Self.int(la, "byOutcome", "strategy-discussion") == 3)
        #expect(Self.int(la, "byOutcome", "nfa-signpost") == 1)
        #expect(Self.at(la, "policeNfaSharePct") is NSNull)
    }

    @Test func repeats() throws {
        let j = try Self.json(try Self.report())
        // Child A: seq 2 (2025-06-10 09:00), C1 (03-02 07:30), C3 (03-02 11:30); joined through
        // C3's second child, which shares the NHS number with seq 2 and the UPN with C1. First
        // to third: 265 days, within 365. Child B: 2 cases. Child C: 3 cases, but 2025-03-02 12:00
        // to 2026-03-04 11:30 is 366 days 23.5 hours. Child D: C12 twice and C14: 2 cases.
        // So 1 child, 3 notifications, under C3's borough and stream (its latest): Hackney, LA.
        #expect(Self.int(j, "range", "all", "repeats", "children") == 1)
        #expect(Self.int(j, "range", "all", "repeats", "notifications") == 3)
        #expect(Self.int(j, "range", "byStream", "local-authority", "repeats", "children") == 1)
        #expect(Self.int(j, "range", "byStream", "police", "repeats", "children") == 0)
        #expect(Self.int(j, "range", "byBorough", 1, "byStream", "local-authority", "repeats", "children") == 1)
        // A 365-day window ending on any of the three days holds all three cases.
        for d in 0..<3 { #expect(Self.int(j, "periods", d, "all", "repeats", "children") == 1) }
    }

    @Test func research() throws {
        let j = try Self.json(try Self.report())
        let r = try #require(Self.at(j, "range", "all", "research", "byAgency"))
        // Agencies shown: those asked or answering, in the standard order.
        #expect((r as? [String: Any]).map { Set($0.keys) } == ["police", "health", "education", "housing"])
        // police: asked by C1 C2 C7 C12 = 4; on time C1 C2 C12 = 3; late: C7 (accepted 03-04 12:00,
        // after the 10:00 deadline) = 1; none unanswered; C5 asked nobody, so its police answer
        // is unrequested, neither on time nor late.
        #expect(Self.int(r, "police", "requests") == 4)
        #expect(Self.int(r, "police", "answersOnTime") == 3)
        #expect(Self.int(r, "police", "answersLate") == 1)
        #expect(Self.int(r, "police", "unanswered") == 0)
        #expect(Self.int(r, "police", "answersUnrequested") == 1)
        #expect(Self.int(r, "health", "answersUnrequested") == 0)
        // health: asked by C1 C2 C3 C4 C7 C8 C10 C11 C12 C13 C15 = 11; on time C1 C3 C4 C7 C8 C10
        // C13 C15 = 8; unanswered for decided cases C2 C12 = 2 (C11 is undecided).
        #expect(Self.int(r, "health", "requests") == 11)
        #expect(Self.int(r, "health", "answersOnTime") == 8)
        #expect(Self.int(r, "health", "answersLate") == 0)
        #expect(Self.int(r, "health", "unanswered") == 2)
        // education: asked by C3 C4 C7 C8 C10 C11 C13 C15 = 8; on time C3 C4 C8 C13 = 4; late C7
        // (after its decision) = 1; unanswered C15 = 1 (C10, C11 undecided).
        #expect(Self.int(r, "education", "requests") == 8)
        #expect(Self.int(r, "education", "answersOnTime") == 4)
        #expect(Self.int(r, "education", "answersLate") == 1)
        #expect(Self.int(r, "education", "unanswered") == 1)
        // housing: asked by C7, never answered.
        #expect(Self.int(r, "housing", "requests") == 1)
        #expect(Self.int(r, "housing", "unanswered") == 1)
        // total: 24 requests, 15 on time, 2 late, 4 unanswered, 1 unrequested.
        let total = try #require(Self.at(j, "range", "all", "research", "total"))
        #expect(Self.int(total, "requests") == 24)
        #expect(Self.int(total, "answersOnTime") == 15)
        #expect(Self.int(total, "answersLate") == 2)
        #expect(Self.int(total, "unanswered") == 4)
        #expect(Self.int(total, "answersUnrequested") == 1)
    }

    @Test func escalations() throws {
        let j = try Self.json(try Self.report())
        let e = try #require(Self.at(j, "range", "all", "escalations"))
        // C2 (health unanswered, 1 h late), C7 (education and housing unanswered, 6 h late), C12
        // (health unanswered). C15 has no escalation product yet; seq 3's is outside the range.
        #expect(Self.int(e, "total") == 3)
        #expect(Self.int(e, "agenciesUnanswered") == 3)
        #expect(Self.int(e, "decidedLate") == 2)
        #expect(Self.int(e, "unansweredByAgency", "health") == 2)
        #expect(Self.int(e, "unansweredByAgency", "education") == 1)
        #expect(Self.int(e, "unansweredByAgency", "housing") == 1)
        #expect(Self.int(j, "range", "byStream", "police", "escalations", "total") == 1)
        #expect(Self.int(j, "range", "byStream", "local-authority", "escalations", "total") == 2)
        // Deployment: one on 03-03 07:00 (the other is on 02-20).
        #expect(Self.int(j, "range", "deploymentEscalations") == 1)
        #expect(Self.int(j, "periods", 0, "deploymentEscalations") == 0)
        #expect(Self.int(j, "periods", 1, "deploymentEscalations") == 1)
    }

    @Test func rerating() throws {
        let j = try Self.json(try Self.report())
        let r = try #require(Self.at(j, "range", "all", "rerating"))
        // Decided with a screening level: 13 decided less the open case C6 = 12. Raised: C3 3 -> 4
        // (by 1), C4 2 -> 4 (by 2). The other 10 unchanged.
        #expect(Self.int(r, "compared") == 12)
        #expect(Self.int(r, "unchanged") == 10)
        #expect(Self.int(r, "raised") == 2)
        #expect(Self.int(r, "raisedBy", "1") == 1)
        #expect(Self.int(r, "raisedBy", "2") == 1)
        #expect(Self.int(r, "raisedBy", "3") == 0)
        #expect(Self.int(r, "lowered") == 0)
        // red -> red C1 C2 C12; amber -> red C3; amber -> amber C7 C15; green -> red C4;
        // green -> green C8 C13; blue -> blue C5 C9 C14.
        #expect(Self.int(r, "transitions", "red", "red") == 3)
        #expect(Self.int(r, "transitions", "amber", "red") == 1)
        #expect(Self.int(r, "transitions", "amber", "amber") == 2)
        #expect(Self.int(r, "transitions", "green", "red") == 1)
        #expect(Self.int(r, "transitions", "green", "green") == 2)
        #expect(Self.int(r, "transitions", "blue", "blue") == 3)
        #expect(Self.int(r, "transitions", "red", "amber") == 0)
    }

    /// Every row, worked out cell by cell from the table in `ReportFixture`.
    @Test func csvRows() throws {
        let csv = try Self.report().csv()
        let lines = csv.components(separatedBy: "\r\n")
        #expect(lines.last == "")
        #expect(lines.first == Report.csvColumns.joined(separator: ","))
        // Columns: period_start,period_end,borough_gss,borough_name,stream,
        //   notifications,red,amber,green,blue,open_case,immediate_risk,
        //   decided,decided_at_screening,decided_with_deadline,decided_on_time,decided_on_time_pct,
        //   median_hours_to_decision,p95_hours_to_decision,red_on_time_pct,amber_on_time_pct,green_on_time_pct,
        //   pending,overdue,outcome_strategy_discussion,outcome_csc_assessment,outcome_early_help,
        //   outcome_nfa_signpost,outcome_forward_to_allocated_team,police_nfa_share,
        //   repeat_children,repeat_notifications,research_requests,research_answers_on_time,
        //   research_answers_late,research_unanswered,research_answers_unrequested,
        //   escalations,escalations_unanswered,escalations_late,
        //   rerated_up,rerated_unchanged
        let expected = [
            // 03-02 Camden police: C5, Blue, at screening, nfa-signpost (1 of 1 police: 100.0);
            // police's unrequested answer (neither on time nor late); level unchanged.
            "2026-03-02,2026-03-02,E09000007,Camden,police,1,0,0,0,1,0,0,1,1,0,0,,,,,,,0,0,0,0,0,1,0,100.0,0,0,0,0,0,0,1,0,0,0,0,1",
            // 03-02 Camden LA: C4, green, 24 h on time, strategy-discussion, 2 asked 2 on time, raised.
            "2026-03-02,2026-03-02,E09000007,Camden,local-authority,1,0,0,1,0,0,0,1,0,1,1,100.0,24.00,24.00,,,100.0,0,0,1,0,0,0,0,,0,0,2,2,0,0,0,0,0,0,1,0",
            // 03-02 Hackney police: C1 (3 h) and C2 (5 h, late, immediate risk): 1 of 2 = 50.0;
            // median (3 + 5) / 2 = 4; p95 rank ceil(1.9) = 2: 5; 0 of 2 nfa: 0.0; research 4 asked,
            // 3 on time, health unanswered for C2; C2's escalation (unanswered and late).
            "2026-03-02,2026-03-02,E09000012,Hackney,police,2,2,0,0,0,0,1,2,0,2,1,50.0,4.00,5.00,50.0,,,0,0,2,0,0,0,0,0.0,0,0,4,3,0,1,0,1,1,1,0,2",
            // 03-02 Hackney LA: C3, amber 18 h on time, raised; child A (3 notifications).
            "2026-03-02,2026-03-02,E09000012,Hackney,local-authority,1,0,1,0,0,0,0,1,0,1,1,100.0,18.00,18.00,,100.0,,0,0,1,0,0,0,0,,1,3,2,2,0,0,0,0,0,0,1,0",
            "2026-03-02,2026-03-02,E09000019,Islington,police,0,0,0,0,0,0,0,0,0,0,0,,,,,,,0,0,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0",
            "2026-03-02,2026-03-02,E09000019,Islington,local-authority,0,0,0,0,0,0,0,0,0,0,0,,,,,,,0,0,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0",
            // 03-03 Camden police: C6, open case, forwarded: 0 of 1 police nfa: 0.0; not re-rated.
            "2026-03-03,2026-03-03,E09000007,Camden,police,1,0,0,0,0,1,0,1,1,0,0,,,,,,,0,0,0,0,0,0,1,0.0,0,0,0,0,0,0,0,0,0,0,0,0",
            "2026-03-03,2026-03-03,E09000007,Camden,local-authority,0,0,0,0,0,0,0,0,0,0,0,,,,,,,0,0,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0",
            // 03-03 Hackney police: C9, Blue, nfa-signpost (100.0).
            "2026-03-03,2026-03-03,E09000012,Hackney,police,1,0,0,0,1,0,0,1,1,0,0,,,,,,,0,0,0,0,0,1,0,100.0,0,0,0,0,0,0,0,0,0,0,0,1",
            // 03-03 Hackney LA: no case, but child A again.
            "2026-03-03,2026-03-03,E09000012,Hackney,local-authority,0,0,0,0,0,0,0,0,0,0,0,,,,,,,0,0,0,0,0,0,0,,1,3,0,0,0,0,0,0,0,0,0,0",
            // 03-03 Islington police: C8, green 12 h on time, early-help (0.0 nfa), 2 asked 2 on time.
            "2026-03-03,2026-03-03,E09000019,Islington,police,1,0,0,1,0,0,0,1,0,1,1,100.0,12.00,12.00,,,100.0,0,0,0,0,1,0,0,0.0,0,0,2,2,0,0,0,0,0,0,0,1",
            // 03-03 Islington LA: C7, amber 30 h late (0.0), csc-assessment; 4 asked: health on time,
            // police and education late, housing unanswered; escalated (unanswered and late).
            "2026-03-03,2026-03-03,E09000019,Islington,local-authority,1,0,1,0,0,0,0,1,0,1,0,0.0,30.00,30.00,,0.0,,0,0,0,1,0,0,0,,0,0,4,1,2,1,0,1,1,1,0,1",
            "2026-03-04,2026-03-04,E09000007,Camden,police,0,0,0,0,0,0,0,0,0,0,0,,,,,,,0,0,0,0,0,0,0,,0,0,0,0,0,0,0,0,0,0,0,0",
            // 03-04 Camden LA: C12, red 4 h at the deadline (on time); police on time, health
            // unanswered; escalated (unanswered only).
            "2026-03-04,2026-03-04,E09000007,Camden,local-authority,1,1,0,0,0,0,0,1,0,1,1,100.0,4.00,4.00,100.0,,,0,0,1,0,0,0,0,,0,0,2,1,0,1,0,1,1,0,0,1",
            // 03-04 Hackney police: C13 (green 8 h 20 min) and C15 (amber 8 h): median
            // (8 + 8.333) / 2 = 8.1667 -> 8.17; p95 rank 2: 8.333 -> 8.33; C15's education
            // unanswered but not escalated yet.
            "2026-03-04,2026-03-04,E09000012,Hackney,police,2,0,1,1,0,0,0,2,0,2,2,100.0,8.17,8.33,,100.0,100.0,0,0,0,1,1,0,0,0.0,0,0,4,3,0,1,0,0,0,0,0,2",
            // 03-04 Hackney LA: C10 pending and overdue, health on time; child A.
            "2026-03-04,2026-03-04,E09000012,Hackney,local-authority,1,0,1,0,0,0,0,0,0,0,0,,,,,,,1,1,0,0,0,0,0,,1,3,2,1,0,0,0,0,0,0,0,0",
            // 03-04 Islington police: C11 pending, not overdue; no police decided: share empty.
            "2026-03-04,2026-03-04,E09000019,Islington,police,1,0,0,1,0,0,0,0,0,0,0,,,,,,,1,0,0,0,0,0,0,,0,0,2,0,0,0,0,0,0,0,0,0",
            // 03-04 Islington LA: C14, Blue, nfa-signpost.
            "2026-03-04,2026-03-04,E09000019,Islington,local-authority,1,0,0,0,1,0,0,1,1,0,0,,,,,,,0,0,0,0,0,1,0,,0,0,0,0,0,0,0,0,0,0,0,1",
        ]
        let rows = Array(lines.dropFirst().dropLast())
        #expect(rows.count == expected.count)
        for (got, want) in zip(rows, expected) { #expect(got == want) }
        for row in rows { #expect(row.split(separator: ",", omittingEmptySubsequences: false).count == Report.csvColumns.count) }
    }

    /// The same history as one week: 03-02 is a Monday, so one period, cut to 03-04.
    @Test func weekPeriodIsTheRange() throws {
        let r = try Self.report(period: .week)
        let lines = r.csv().components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        // 3 boroughs x 2 streams.
        #expect(lines.count == 6)
        // Hackney police over the 3 days: C1 C2 C9 C13 C15 = 5; red C1 C2, amber C15, green C13,
        // blue C9; decided 5, at screening 1 (C9), against a deadline 4: 3, 5 (late), 8, 8.333:
        // 3 of 4 = 75.0 %; median (5 + 8) / 2 = 6.5; p95 rank ceil(3.8) = 4: 8.333 -> 8.33;
        // red 1 of 2 = 50.0, amber 100.0, green 100.0; outcomes: SD 2 (C1 C2), csc 1 (C15),
        // EH 1 (C13), nfa 1 (C9): 1 of 5 = 20.0; research: C1 2 + C2 2 + C13 2 + C15 2 = 8 asked,
        // on time 2 + 1 + 2 + 1 = 6, unanswered C2 health, C15 education = 2; escalation C2
        // (unanswered and late); none raised, all 5 unchanged.
        #expect(
            lines.contains(
                "2026-03-02,2026-03-04,E09000012,Hackney,police,5,2,1,1,1,0,1,5,1,4,3,75.0,6.50,8.33,50.0,100.0,100.0,0,0,2,1,1,1,0,20.0,0,0,8,6,0,2,0,1,1,1,0,5"
            ))
        // Camden LA: C4 (green, 24 h) and C12 (red, 4 h): median (4 + 24) / 2 = 14, p95 rank
        // ceil(1.9) = 2: 24; research C4 2 on time, C12 police on time and health unanswered;
        // C12 escalated (unanswered); C4 raised, C12 unchanged.
        #expect(
            lines.contains(
                "2026-03-02,2026-03-04,E09000007,Camden,local-authority,2,1,0,1,0,0,0,2,0,2,2,100.0,14.00,24.00,100.0,,100.0,0,0,2,0,0,0,0,,0,0,4,3,0,1,0,1,1,0,1,1"
            ))
        // Hackney LA (C3, C10): child A counts once for the week, with its 3 notifications.
        #expect(lines.contains { $0.hasPrefix("2026-03-02,2026-03-04,E09000012,Hackney,local-authority,2,") && $0.contains(",,1,3,") })
    }

    @Test func outsideTheHistoryIsEmpty() throws {
        // 2027-06-01 is more than 365 days after every notification: nothing at all.
        let r = try Self.report("2027-06-01", "2027-06-02")
        let j = try Self.json(r)
        #expect(Self.int(j, "range", "all", "volumes", "total") == 0)
        #expect(Self.int(j, "range", "all", "repeats", "children") == 0)
        #expect((Self.at(j, "range", "byBorough") as? [Any])?.count == 0)
        #expect(r.csv() == Report.csvColumns.joined(separator: ",") + "\r\n")
        #expect(r.html().contains("<svg"))
        #expect(r.text().contains("VOLUMES"))
    }

    /// A month with no notification still counts child A: a 365-day window ending in April 2026
    /// (any end from 2026-03-02 11:30 to 2026-06-10 09:00) holds its 3 cases.
    @Test func aRepeatChildCountsWhileItsWindowLasts() throws {
        let r = try Self.report("2026-04-01", "2026-04-02")
        let j = try Self.json(r)
        #expect(Self.int(j, "range", "all", "volumes", "total") == 0)
        #expect(Self.int(j, "range", "all", "repeats", "children") == 1)
        #expect(Self.int(j, "range", "all", "repeats", "notifications") == 3)
        #expect(Self.at(j, "range", "byBorough", 0, "name") as? String == "Hackney")
        // 2026-06-11 is past the window's last end: no longer counted.
        let later = try Self.json(try Self.report("2026-06-11", "2026-06-12"))
        #expect(Self.int(later, "range", "all", "repeats", "children") == 0)
        // 2026-06-10 still is (the window ending 2026-06-10 09:00 holds 2025-06-10 09:00).
        let last = try Self.json(try Self.report("2026-06-10", "2026-06-10"))
        #expect(Self.int(last, "range", "all", "repeats", "children") == 1)
    }

    /// Siblings named together are two repeat children but not twice the notifications.
    /// Three local-authority cases name Ann (nhs:A) and Ben (nhs:B) together on 03-02, 03-03
    /// and 03-04; a fourth, a police case on 03-04, names Ann alone. Children: 2, Ann placed
    /// with police (her latest case) and Ben with the local authority. Notifications about
    /// them: the 4 cases, not Ann's 4 plus Ben's 3, in the total as in the sum of its parts.
    @Test func siblingsNamedTogetherCountEachNotificationOnce() throws {
        let (dir, q) = try ReportFixture.emptyStore()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try q.write { db in
            for (seq, day, children) in [(Int64(1), "03-02", ["A", "B"]), (2, "03-03", ["A", "B"]), (3, "03-04", ["A", "B"]), (4, "03-04", ["A"])] {
                let at = "\(day) 1\(seq):00"
                try ReportFixture.addCase(
                    db, seq, seq == 4 ? "police" : "local-authority", ReportFixture.CAM, notified: at, accepted: at, level: 1, rag: "blue", deadline: nil,
                    decided: at, final: 1, finalRAG: "blue", outcome: "nfa-signpost")
                for (i, c) in children.enumerated() { try ReportFixture.key(db, "nhs:\(c)", seq, child: i, notified: at) }
            }
        }
        let request = try ReportRequest(
            from: FullDate(rfc3339: "2026-03-02")!, to: FullDate(rfc3339: "2026-03-04")!, period: .day, asOf: Self.asOf)
        let j = try Self.json(try ReportReader.report(stateDirectory: dir, request))
        #expect(Self.int(j, "range", "all", "repeats", "children") == 2)
        #expect(Self.int(j, "range", "all", "repeats", "notifications") == 4)
        // 03-03: Ann has only 2 cases by then, Ben too: nobody. 03-04: both, over all 4 cases.
        #expect(Self.int(j, "periods", 1, "all", "repeats", "children") == 0)
        #expect(Self.int(j, "periods", 2, "all", "repeats", "children") == 2)
        #expect(Self.int(j, "periods", 2, "all", "repeats", "notifications") == 4)
        #expect(Self.int(j, "range", "byStream", "police", "repeats", "children") == 1)
        #expect(Self.int(j, "range", "byStream", "local-authority", "repeats", "children") == 1)
        let parts = ["police", "local-authority"].compactMap { Self.int(j, "range", "byStream", $0, "repeats", "notifications") }
        #expect(parts.reduce(0, +) == 4, "\(parts)")
    }

    @Test func htmlIsOneSelfContainedFileWithCharts() throws {
        let html = try Self.report().html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        // Five charts: volumes per day, RAG mix, timeliness, outcomes by stream, research per agency.
        #expect(html.components(separatedBy: "<svg").count - 1 == 5)
        #expect(html.components(separatedBy: "</svg>").count - 1 == 5)
        #expect(!html.contains("http://"))
        #expect(!html.contains("https://"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("src="))
        #expect(!html.contains("url("))
        #expect(html.contains("Hackney"))
        #expect(html.contains("<table>"))
    }

    @Test func noPersonalDataInAnyFormat() throws {
        let r = try Self.report()
        for (name, text) in [("text", r.text()), ("csv", r.csv()), ("json", r.json()), ("html", r.html())] {
            for s in ReportFixture.personalData {
                #expect(!text.contains(s), "\(name) contains \"\(s)\"")
            }
        }
    }

    @Test func jsonIsStable() throws {
        let a = try Self.report().json()
        let b = try Self.report().json()
        #expect(a == b)
        // Keys are sorted: "all" before "byBorough" before "byStream" before "deploymentEscalations".
        let range = try #require(a.range(of: "\"range\": {"))
        let tail = a[range.upperBound...]
        let order = ["\"all\"", "\"byBorough\"", "\"byStream\"", "\"deploymentEscalations\"", "\"end\"", "\"start\""].map {
            tail.range(of: $0)!.lowerBound
        }
        #expect(order == order.sorted())
    }

    @Test func textHasEverySection() throws {
        let text = try Self.report().text()
        for heading in ["VOLUMES", "TIMELINESS", "OUTCOMES", "REPEAT NOTIFICATIONS", "RESEARCH PER AGENCY", "ESCALATIONS", "RE-RATING", "PER DAY"] {
            #expect(text.contains(heading))
        }
        // The police share worked out above.
        #expect(text.contains("ending nfa-signpost: 25.0%"))
    }
}

/// Periods and the range, without a store.
struct ReportPeriodTests {
    static func d(_ s: String) -> FullDate { FullDate(rfc3339: s)! }

    @Test func defaultPeriodFollowsTheRangesLength() {
        // 31 days: day; 32: week; 2026-01-01 to 06-30 is 6 months: week; to 07-01: quarter.
        #expect(ReportPeriod.defaultFor(from: Self.d("2026-03-01"), to: Self.d("2026-03-31")) == .day)
        #expect(ReportPeriod.defaultFor(from: Self.d("2026-03-01"), to: Self.d("2026-04-01")) == .week)
        #expect(ReportPeriod.defaultFor(from: Self.d("2026-01-01"), to: Self.d("2026-06-30")) == .week)
        #expect(ReportPeriod.defaultFor(from: Self.d("2026-01-01"), to: Self.d("2026-07-01")) == .quarter)
    }

    @Test func fromAfterToIsRefused() {
        #expect(throws: ReportError.self) {
            try ReportRequest(from: Self.d("2026-03-02"), to: Self.d("2026-03-01"), asOf: Timestamp(epochMicroseconds: 0))
        }
    }

    @Test func weeksAndQuartersAreCutToTheRange() throws {
        // 2026-03-04 is a Wednesday: weeks 03-04..03-08, 03-09..03-15, 03-16..03-17.
        let dir = NSTemporaryDirectory() + "mashd-report-empty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try MASHStoreOpener.open(dir)
        let weeks = try ReportReader.report(
            stateDirectory: dir, ReportRequest(from: Self.d("2026-03-04"), to: Self.d("2026-03-17"), period: .week, asOf: Timestamp(epochMicroseconds: 0)))
        #expect(weeks.periods.map { "\($0.start)..\($0.end)" } == ["2026-03-04..2026-03-08", "2026-03-09..2026-03-15", "2026-03-16..2026-03-17"])
        // Quarters start in January, April, July, October.
        let quarters = try ReportReader.report(
            stateDirectory: dir,
            ReportRequest(from: Self.d("2026-02-15"), to: Self.d("2026-10-10"), asOf: Timestamp(epochMicroseconds: 0)))
        #expect(quarters.request.period == .quarter)
        #expect(
            quarters.periods.map { "\($0.start)..\($0.end)" }
                == ["2026-02-15..2026-03-31", "2026-04-01..2026-06-30", "2026-07-01..2026-09-30", "2026-10-01..2026-10-10"])
    }

    @Test func aMissingStoreIsNamed() {
        #expect(throws: ReportError.self) {
            try ReportReader.report(
                stateDirectory: "/nonexistent/mashd", ReportRequest(from: Self.d("2026-03-02"), to: Self.d("2026-03-02"), asOf: Timestamp(epochMicroseconds: 0)))
        }
    }
}

import MASHStore

enum MASHStoreOpener {
    static func open(_ dir: String) throws -> CaseStore { try CaseStore(path: dir + "/mashd.sqlite") }
}
