import Foundation
import GRDB
import MASHCore
import MASHStore

/// A small fixed history written straight into a store made by `CaseStore` (so the schema is
/// the real one), for golden tests whose figures are worked out by hand in `ReportTests`.
///
/// Range under test: 2026-03-02 (Monday) to 2026-03-04, as of 2026-03-05T12:00:00Z.
/// Boroughs: Camden E09000007, Hackney E09000012, Islington E09000019.
/// Timescales: red 4 h, amber 24 h, green 72 h; Blue and open cases have no deadline.
///
/// In the range (label: seq, stream, borough, accepted, RAG, what happens):
///   C1  4  police Hackney    03-02 08:00 red    decided 11:00 (3 h, on time)        strategy-discussion
///   C2  5  police Hackney    03-02 10:00 red, immediate risk; decided 15:00 (5 h, LATE; health unanswered) strategy-discussion, escalated
///   C3  6  LA     Hackney    03-02 12:00 amber  decided 03-03 06:00 (18 h, on time), level 3 -> 4 red  strategy-discussion
///   C4  7  LA     Camden     03-02 14:00 green  decided 03-03 14:00 (24 h, on time), level 2 -> 4 red  strategy-discussion
///   C5  8  police Camden     03-02 16:00 blue   decided at screening                 nfa-signpost (a late unrequested police answer)
///   C6  9  police Camden     03-03 09:00 open case, decided at screening           forward-to-allocated-team
///   C7  10 LA     Islington  03-03 10:00 amber  decided 03-04 16:00 (30 h, LATE; education, housing unanswered) csc-assessment, escalated
///   C8  11 police Islington  03-03 11:00 green  decided 03-03 23:00 (12 h, on time)  early-help
///   C9  12 police Hackney    03-03 13:00 blue   decided at screening                 nfa-signpost
///   C10 13 LA     Hackney    03-04 08:00 amber  undecided, deadline 03-05 08:00: pending, overdue
///   C11 14 police Islington  03-04 09:00 green  undecided, deadline 03-07 09:00: pending
///   C12 15 LA     Camden     03-04 10:00 red    decided 14:00:00.8 (4 h: its deadline timer fired 0.8 s after the
///                                           deadline, on time within mashd's 1 s tolerance; health unanswered) strategy-discussion, escalated
///   C13 16 police Hackney    03-04 12:00 green  decided 20:20 (8 h 20 min, on time)  early-help
///   C14 17 LA     Islington  03-04 15:00 blue   decided at screening                 nfa-signpost
///   C15 18 police Hackney    03-04 18:00 amber  decided 03-05 02:00 (8 h, on time; education unanswered, NOT yet escalated) csc-assessment
/// Outside the range: seq 1 (2025-03-02), seq 2 (2025-06-10), seq 3 (2026-03-01 22:00, with
/// research and an escalation), seq 19 (2026-03-05).
enum ReportFixture {
    static let personalData = [
        "Leo", "Marsh", "9434765919", "B801200005001", "2017-04-22", "E8 1AA", "Amira", "Khan", "2019-01-05", "Sam Doe",
        "SEALED", "prior conviction", "MER-26-", "HK-C-", "MASH-T-", "nhs:", "upn:", "name:", "Mare Street",
    ]

    static func ms(_ s: String) -> Int64 { Timestamp(rfc3339: s)!.epochMilliseconds }
    static func t(_ s: String) -> String { s.count == 11 ? "2026-\(s.prefix(5))T\(s.suffix(5)):00Z" : s }

    /// Makes the store in a new temporary state directory and returns the directory.
    static func make() throws -> String {
        let (dir, q) = try emptyStore()
        try q.write { db in try fill(db) }
        return dir
    }

    /// An empty store (the real schema) in a new temporary state directory, for a test's own
    /// history; the caller removes the directory.
    static func emptyStore() throws -> (directory: String, queue: DatabaseQueue) {
        let dir = NSTemporaryDirectory() + "mashd-report-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        _ = try CaseStore(path: dir + "/mashd.sqlite")
        return (dir, try DatabaseQueue(path: dir + "/mashd.sqlite"))
    }

    static func addCase(
        _ db: Database, _ seq: Int64, _ stream: String, _ gss: String, notified: String, accepted: String,
        route: String = "standard", level: Int?, rag: String?, deadline: String?, decided: String?, final: Int?,
        finalRAG: String?, outcome: String?, unanswered: [String] = [], lateBy: Int64? = nil
    ) throws {
        let line = stream == "police"
            ? #"{"format":"merlin/1","merlinRef":"MER-26-\#(seq)","borough":"\#(gss)","children":[{"forenames":"Leo","surname":"Marsh","dob":"2017-04-22","nhsNumber":"9434765919"}],"address":"12 Mare Street, E8 1AA","narrative":"Amira Khan said"}"#
            : #"{"format":"la-referral/1","contactId":"HK-C-\#(seq)","localAuthority":"\#(gss)","children":[{"firstName":"Sam Doe","upn":"B801200005001"}],"description":"E8 1AA"}"#
        var decision: String? = nil
        if let decided, let outcome {
            var fields: [String] = [#""decidedAt":"\#(t(decided))""#]
            if let lateBy { fields.append(#""lateBySeconds":\#(lateBy)"#) }
            if let final { fields.append(#""level":\#(final)"#) }
            fields.append(#""model":{"checksum":"abc","name":"london-standard","version":1}"#)
            fields.append(#""outcome":"\#(outcome)""#)
            if let finalRAG { fields.append(#""rag":"\#(finalRAG)""#) }
            fields.append(#""rationale":[{"effect":"\#(outcome)","reason":"final level","rule":"outcome"}]"#)
            fields.append(#""recipients":["csc"]"#)
            fields.append(#""unanswered":[\#(unanswered.map { "\"\($0)\"" }.joined(separator: ","))]"#)
            fields.append(#""unrequested":[]"#)
            decision = "{" + fields.joined(separator: ",") + "}"
        }
        try db.execute(
            sql: """
                INSERT INTO cases (seq, id, format, source_ref, stream, authority, notified_at, accepted_at, route, level, rag,
                screening, model, warnings, line, stage, deadline, dispatched, decided_at, final_level, final_rag, outcome, decision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', '{}', NULL, ?, ?, ?, 1, ?, ?, ?, ?, ?)
                """,
            arguments: [
                seq, "MASH-T-\(seq)", stream == "police" ? "merlin/1" : "la-referral/1", "REF-\(seq)", stream, gss,
                ms(t(notified)), ms(t(accepted)), route, level, rag, line,
                decided != nil ? "decided" : (deadline != nil ? "researching" : "new"),
                deadline.map { ms(t($0)) }, decided.map { ms(t($0)) }, final, finalRAG, outcome, decision,
            ])
    }

    static func ask(_ db: Database, _ seq: Int64, _ agencies: [String]) throws {
        for a in agencies { try db.execute(sql: "INSERT INTO research_requests (case_seq, agency) VALUES (?, ?)", arguments: [seq, a]) }
    }

    static func answer(_ db: Database, _ seq: Int64, _ agency: String, at: String, late: Bool = false, sealed: Bool = false) throws {
        let finding = sealed
            ? #"{"shareable":false,"text":"SEALED: father has a prior conviction","indicators":["violent-offender-in-household"]}"#
            : #"{"shareable":true,"text":"known to Leo Marsh's school","indicators":[]}"#
        try db.execute(
            sql: "INSERT INTO research_answers (case_seq, agency, responded_at, accepted_at, line, late) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [seq, agency, ms(t(at)), ms(t(at)), #"{"format":"research/1","caseId":"MASH-T-\#(seq)","findings":[\#(finding)]}"#, late])
    }

    static func product(_ db: Database, _ seq: Int64?, _ kind: String, _ recipient: String, at: String) throws {
        try db.execute(
            sql: "INSERT INTO products (id, case_seq, kind, recipient, delivered_at) VALUES (?, ?, ?, ?, ?)",
            arguments: ["\(seq.map { "MASH-T-\($0)" } ?? "deployment-\(at)").\(kind).\(recipient)", seq, kind, recipient, ms(t(at))])
    }

    static func key(_ db: Database, _ key: String, _ seq: Int64, child: Int, notified: String) throws {
        try db.execute(
            sql: "INSERT INTO child_keys (key, notified_at, case_seq, child) VALUES (?, ?, ?, ?)",
            arguments: [key, ms(t(notified)), seq, child])
    }

    static let CHI = "E09000012", CAM = "E09000007", ISL = "E09000019"

    static func fill(_ db: Database) throws {
        // Outside the range.
        try addCase(db, 1, "police", CAM, notified: "2025-03-02T12:00:00Z", accepted: "2025-03-02T12:00:00Z", level: 1, rag: "blue",
                    deadline: nil, decided: "2025-03-02T12:00:00Z", final: 1, finalRAG: "blue", outcome: "nfa-signpost")
        try addCase(db, 2, "local-authority", CHI, notified: "2025-06-10T09:00:00Z", accepted: "2025-06-10T09:00:00Z", level: 3, rag: "amber",
                    deadline: "2025-06-11T09:00:00Z", decided: "2025-06-10T20:00:00Z", final: 3, finalRAG: "amber", outcome: "csc-assessment")
        try addCase(db, 3, "police", CHI, notified: "03-01 21:00", accepted: "03-01 22:00", level: 4, rag: "red",
                    deadline: "03-02 02:00", decided: "03-02 01:00", final: 4, finalRAG: "red", outcome: "strategy-discussion",
                    unanswered: ["health"])
        try ask(db, 3, ["police", "health"])
        try answer(db, 3, "police", at: "03-01 23:00")
        try product(db, 3, "escalation", "mash-manager", at: "03-02 01:00")

        // C1..C15.
        try addCase(db, 4, "police", CHI, notified: "03-02 07:30", accepted: "03-02 08:00", level: 4, rag: "red",
                    deadline: "03-02 12:00", decided: "03-02 11:00", final: 4, finalRAG: "red", outcome: "strategy-discussion")
        try addCase(db, 5, "police", CHI, notified: "03-02 09:50", accepted: "03-02 10:00", route: "immediate-risk", level: 4, rag: "red",
                    deadline: "03-02 14:00", decided: "03-02 15:00", final: 4, finalRAG: "red", outcome: "strategy-discussion",
                    unanswered: ["health"], lateBy: 3600)
        try addCase(db, 6, "local-authority", CHI, notified: "03-02 11:30", accepted: "03-02 12:00", level: 3, rag: "amber",
                    deadline: "03-03 12:00", decided: "03-03 06:00", final: 4, finalRAG: "red", outcome: "strategy-discussion")
        try addCase(db, 7, "local-authority", CAM, notified: "03-02 13:00", accepted: "03-02 14:00", level: 2, rag: "green",
                    deadline: "03-05 14:00", decided: "03-03 14:00", final: 4, finalRAG: "red", outcome: "strategy-discussion")
        try addCase(db, 8, "police", CAM, notified: "03-02 15:00", accepted: "03-02 16:00", level: 1, rag: "blue",
                    deadline: nil, decided: "03-02 16:00", final: 1, finalRAG: "blue", outcome: "nfa-signpost")
        try addCase(db, 9, "police", CAM, notified: "03-03 08:00", accepted: "03-03 09:00", route: "open-case", level: nil, rag: nil,
                    deadline: nil, decided: "03-03 09:00", final: nil, finalRAG: nil, outcome: "forward-to-allocated-team")
        try addCase(db, 10, "local-authority", ISL, notified: "03-03 09:00", accepted: "03-03 10:00", level: 3, rag: "amber",
                    deadline: "03-04 10:00", decided: "03-04 16:00", final: 3, finalRAG: "amber", outcome: "csc-assessment",
                    unanswered: ["education", "housing"], lateBy: 21600)
        try addCase(db, 11, "police", ISL, notified: "03-03 10:00", accepted: "03-03 11:00", level: 2, rag: "green",
                    deadline: "03-06 11:00", decided: "03-03 23:00", final: 2, finalRAG: "green", outcome: "early-help")
        try addCase(db, 12, "police", CHI, notified: "03-03 12:00", accepted: "03-03 13:00", level: 1, rag: "blue",
                    deadline: nil, decided: "03-03 13:00", final: 1, finalRAG: "blue", outcome: "nfa-signpost")
        try addCase(db, 13, "local-authority", CHI, notified: "03-04 07:00", accepted: "03-04 08:00", level: 3, rag: "amber",
                    deadline: "03-05 08:00", decided: nil, final: nil, finalRAG: nil, outcome: nil)
        try addCase(db, 14, "police", ISL, notified: "03-04 08:00", accepted: "03-04 09:00", level: 2, rag: "green",
                    deadline: "03-07 09:00", decided: nil, final: nil, finalRAG: nil, outcome: nil)
        try addCase(db, 15, "local-authority", CAM, notified: "03-04 09:00", accepted: "03-04 10:00", level: 4, rag: "red",
                    deadline: "03-04 14:00", decided: "2026-03-04T14:00:00.800Z", final: 4, finalRAG: "red", outcome: "strategy-discussion",
                    unanswered: ["health"])
        try addCase(db, 16, "police", CHI, notified: "03-04 11:30", accepted: "03-04 12:00", level: 2, rag: "green",
                    deadline: "03-07 12:00", decided: "03-04 20:20", final: 2, finalRAG: "green", outcome: "early-help")
        try addCase(db, 17, "local-authority", ISL, notified: "03-04 14:00", accepted: "03-04 15:00", level: 1, rag: "blue",
                    deadline: nil, decided: "03-04 15:00", final: 1, finalRAG: "blue", outcome: "nfa-signpost")
        try addCase(db, 18, "police", CHI, notified: "03-04 17:00", accepted: "03-04 18:00", level: 3, rag: "amber",
                    deadline: "03-05 18:00", decided: "03-05 02:00", final: 3, finalRAG: "amber", outcome: "csc-assessment",
                    unanswered: ["education"])
        // After the range.
        try addCase(db, 19, "local-authority", ISL, notified: "03-05 07:00", accepted: "03-05 08:00", level: 2, rag: "green",
                    deadline: "03-08 08:00", decided: nil, final: nil, finalRAG: nil, outcome: nil)
        try ask(db, 19, ["health"])

        // Research.
        try ask(db, 4, ["police", "health"])  // C1
        try answer(db, 4, "police", at: "03-02 09:00")
        try answer(db, 4, "health", at: "03-02 10:00")
        try ask(db, 5, ["police", "health"])  // C2: health never answers
        try answer(db, 5, "police", at: "03-02 11:00")
        try ask(db, 6, ["health", "education"])  // C3
        try answer(db, 6, "health", at: "03-02 20:00")
        try answer(db, 6, "education", at: "03-03 05:00")
        try ask(db, 7, ["health", "education"])  // C4: education's finding is sealed
        try answer(db, 7, "health", at: "03-02 18:00")
        try answer(db, 7, "education", at: "03-03 10:00", sealed: true)
        try answer(db, 8, "police", at: "03-02 17:00", late: true)  // C5: unrequested, after the decision
        try ask(db, 10, ["health", "education", "police", "housing"])  // C7
        try answer(db, 10, "health", at: "03-03 12:00")
        try answer(db, 10, "police", at: "03-04 12:00")  // not flagged late, but after the 10:00 deadline
        try answer(db, 10, "education", at: "03-04 18:00", late: true)  // after the decision
        try ask(db, 11, ["health", "education"])  // C8
        try answer(db, 11, "health", at: "03-03 15:00")
        try answer(db, 11, "education", at: "03-03 22:00")
        try ask(db, 13, ["health", "education"])  // C10, undecided
        try answer(db, 13, "health", at: "03-04 10:00")
        try ask(db, 14, ["health", "education"])  // C11, undecided, no answers
        try ask(db, 15, ["police", "health"])  // C12
        try answer(db, 15, "police", at: "03-04 11:00")
        try ask(db, 16, ["health", "education"])  // C13
        try answer(db, 16, "health", at: "03-04 14:00")
        try answer(db, 16, "education", at: "03-04 15:00")
        try ask(db, 18, ["health", "education"])  // C15
        try answer(db, 18, "health", at: "03-04 20:00")

        // Products: escalations for C2, C7, C12 (not C15: decided, not yet dispatched), others that
        // are not escalations, and two deployment escalations (one in the range).
        try product(db, 5, "escalation", "mash-manager", at: "03-02 15:00")
        try product(db, 10, "escalation", "mash-manager", at: "03-04 16:00")
        try product(db, 15, "escalation", "mash-manager", at: "03-04 14:00")
        try product(db, 4, "research-request", "health", at: "03-02 08:00")
        try product(db, 4, "information-product", "csc", at: "03-02 11:00")
        try product(db, 8, "outcome-notice", "police", at: "03-02 16:00")
        try product(db, nil, "escalation", "mash-manager", at: "03-03 07:00")
        try product(db, nil, "escalation", "mash-manager", at: "2026-02-20T07:00:00Z")

        // Child A: named in seq 2 (nhs), C1 (name, upn) and C3's second child (nhs, upn): one child,
        // transitively, in 3 cases within 365 days.
        try key(db, "nhs:9434765919", 2, child: 0, notified: "2025-06-10T09:00:00Z")
        try key(db, "name:marsh|leo|2017-04-22", 4, child: 0, notified: "03-02 07:30")
        try key(db, "upn:B801200005001", 4, child: 0, notified: "03-02 07:30")
        try key(db, "name:khan|amira|2019-01-05", 6, child: 0, notified: "03-02 11:30")
        try key(db, "nhs:9434765919", 6, child: 1, notified: "03-02 11:30")
        try key(db, "upn:B801200005001", 6, child: 1, notified: "03-02 11:30")
        // Child B: named twice (C3's first child, and C8).
        try key(db, "name:khan|amira|2019-01-05", 11, child: 0, notified: "03-03 10:00")
        // Child C: named 3 times, but the first and third are 366 days 23.5 hours apart.
        try key(db, "nhs:4010232137", 1, child: 0, notified: "2025-03-02T12:00:00Z")
        try key(db, "nhs:4010232137", 5, child: 0, notified: "03-02 09:50")
        try key(db, "nhs:4010232137", 16, child: 0, notified: "03-04 11:30")
        // Child D: twice in C12 (two children sharing a key) and once in C14: 2 cases.
        try key(db, "name:doe|sam|2020-02-02", 15, child: 0, notified: "03-04 09:00")
        try key(db, "name:doe|sam|2020-02-02", 15, child: 1, notified: "03-04 09:00")
        try key(db, "name:doe|sam|2020-02-02", 17, child: 0, notified: "03-04 14:00")
        // Other children, named once.
        try key(db, "name:other|one|2015-01-01", 7, child: 0, notified: "03-02 13:00")
        try key(db, "name:other|two|2016-01-01", 19, child: 0, notified: "03-05 07:00")
    }
}
