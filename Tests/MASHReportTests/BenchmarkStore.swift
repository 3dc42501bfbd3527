import Foundation
import GRDB
import MASHCore
import MASHStore
import Testing

/// Writes a synthetic store for measuring `mashctl report` (not a test of figures). Runs only
/// when MASHD_REPORT_BENCH_DIR is set:
///
///     MASHD_REPORT_BENCH_DIR=/tmp/bench MASHD_REPORT_BENCH_CASES=1000000 \
///       swift test --scratch-path .build-report --filter generateBenchmarkStore
///     /usr/bin/time -v .build-report/release/mashctl report --state-dir /tmp/bench \
///       --from 2025-01-01 --to 2025-12-31 --format json --out /tmp/bench/report.json
///
/// Cases are spread evenly over 2025, half police, over the 33 boroughs; RAG mix red 10 %,
/// amber 30 %, green 35 %, blue 20 %, open case 5 %; 2 % undecided; about 8 % decided late;
/// children drawn from a population a third the size of the cases, so many are named again;
/// rows are the shape mashd writes, including a notification line of about 900 bytes.
///
/// Measured (2026-11-27; 2 cores, 23 GB, Debian 12, Swift 6.3.1, release build; 1,000,000
/// cases, 3.4 GB store, 2.25 M child keys, 3.0 M requests, 2.6 M answers, 6.3 M products):
///   text, json, csv, html, the whole year by quarter: 7.3-7.4 s, peak RSS 157-160 MB with
///   the store in the page cache; 10.2 s, 157 MB from a cold cache.
///   json by day over the year (212 MB of JSON): 13.0 s, peak RSS 194 MB.
///   csv of one day: 1.2 s, 73 MB.
/// Generating the store with this test (debug build) takes about 2.5 minutes.
struct BenchmarkStore {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MASHD_REPORT_BENCH_DIR"] != nil))
    func generateBenchmarkStore() throws {
        let env = ProcessInfo.processInfo.environment
        let dir = env["MASHD_REPORT_BENCH_DIR"]!
        let count = Int(env["MASHD_REPORT_BENCH_CASES"] ?? "") ?? 1_000_000
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/mashd.sqlite"
        try? FileManager.default.removeItem(atPath: path)
        _ = try CaseStore(path: path)
        var config = Configuration()
        config.foreignKeysEnabled = false
        let q = try DatabaseQueue(path: path, configuration: config)
        try q.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = OFF") }

        var rng = SplitMix(seed: 20_260_305)
        let start = FullDate(year: 2025, month: 1, day: 1)!.daysSinceEpoch
        let spanMs: Int64 = 365 * 86_400_000
        let gss = LocalAuthority.all.map(\.gss)
        let outcomes = [4: "strategy-discussion", 3: "csc-assessment", 2: "early-help", 1: "nfa-signpost"]
        let rags = [4: "red", 3: "amber", 2: "green", 1: "blue"]
        let scale: [String: Int64] = ["red": 4 * 3_600_000, "amber": 24 * 3_600_000, "green": 72 * 3_600_000]
        let asked: [String: [String]] = [
            "red": ["police", "health", "education", "probation", "housing", "yos"], "amber": ["police", "health", "education", "housing"],
            "green": ["health", "education"],
        ]
        let narrative = String(repeating: "The officer attended and spoke with the family about the concern. ", count: 10)
        let population = max(count / 3, 1)

        try q.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN")
            let insertCase = try db.makeStatement(
                sql: """
                    INSERT INTO cases (seq, id, format, source_ref, stream, authority, notified_at, accepted_at, route, level, rag,
                    screening, model, warnings, line, stage, deadline, dispatched, decided_at, final_level, final_rag, outcome, decision)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, 1, ?, ?, ?, ?, ?)
                    """)
            let insertKey = try db.makeStatement(sql: "INSERT INTO child_keys (key, notified_at, case_seq, child) VALUES (?, ?, ?, ?)")
            let insertAsk = try db.makeStatement(sql: "INSERT INTO research_requests (case_seq, agency) VALUES (?, ?)")
            let insertAnswer = try db.makeStatement(
                sql: "INSERT INTO research_answers (case_seq, agency, responded_at, accepted_at, line, late) VALUES (?, ?, ?, ?, ?, ?)")
            let insertProduct = try db.makeStatement(
                sql: "INSERT INTO products (id, case_seq, kind, recipient, delivered_at) VALUES (?, ?, ?, ?, ?)")
            for i in 0..<count {
                let seq = Int64(i + 1)
                let id = "B\(seq)"
                let accepted = Int64(start) * 86_400_000 + spanMs * Int64(i) / Int64(count)
                let notified = accepted - Int64(rng.next() % 3_600_000)
                let police = rng.next() % 2 == 0
                let roll = rng.next() % 100
                let open = roll < 5
                let level: Int? = open ? nil : roll < 15 ? 4 : roll < 45 ? 3 : roll < 80 ? 2 : 1
                let rag = level.map { rags[$0]! }
                let route = open ? "open-case" : (level == 4 && rng.next() % 4 == 0 ? "immediate-risk" : "standard")
                let deadline: Int64? = rag.flatMap { scale[$0] }.map { accepted + $0 }
                let undecided = deadline != nil && rng.next() % 50 == 0
                var decidedAt: Int64? = nil
                var finalLevel = level
                var late: Int64? = nil
                if !undecided {
                    if let deadline {
                        let s = deadline - accepted
                        let lateCase = rng.next() % 100 < 8
                        decidedAt = lateCase ? deadline + Int64(rng.next() % UInt64(s / 2)) + 2000 : accepted + Int64(rng.next() % UInt64(s))
                        if lateCase { late = (decidedAt! - deadline) / 1000 }
                    } else {
                        decidedAt = accepted
                    }
                    if let l = level, rng.next() % 10 == 0 { finalLevel = min(4, l + 1 + Int(rng.next() % 2)) }
                }
                let agencies = rag.flatMap { asked[$0] } ?? []
                var unanswered: [String] = []
                var answers: [(String, Int64, Bool)] = []
                for a in agencies {
                    let r = rng.next() % 100
                    if r < 85 {
                        answers.append((a, accepted + Int64(rng.next() % UInt64(max((decidedAt ?? accepted + 3_600_000) - accepted, 1))), false))
                    } else if r < 90 {
                        answers.append((a, (decidedAt ?? accepted) + 60_000, decidedAt != nil))
                        if decidedAt != nil { unanswered.append(a) }
                    } else if decidedAt != nil {
                        unanswered.append(a)
                    }
                }
                let outcome: String? = decidedAt == nil ? nil : open ? "forward-to-allocated-team" : outcomes[finalLevel!]
                var decision: String? = nil
                if let decidedAt, let outcome {
                    decision = """
                        {"decidedAt":"\(Timestamp(epochMicroseconds: decidedAt * 1000).rfc3339UTC)",\(late.map { "\"lateBySeconds\":\($0)," } ?? "")\(finalLevel.map { "\"level\":\($0)," } ?? "")"model":{"checksum":"9f2c0d6e1a","name":"london-standard","version":1},"outcome":"\(outcome)",\(finalLevel.map { "\"rag\":\"\(rags[$0]!)\"," } ?? "")"rationale":[{"effect":"level \(level ?? 0)","reason":"highest base level among the concerns: neglect, domestic-abuse","rule":"base-level"},{"effect":"\(outcome)","reason":"final level \(finalLevel ?? 0); screening level \(level ?? 0)","rule":"outcome"}],"recipients":["csc"],"unanswered":[\(unanswered.map { "\"\($0)\"" }.joined(separator: ","))],"unrequested":[]}
                        """
                }
                let child = Int(rng.next() % UInt64(population))
                let line = police
                    ? #"{"format":"merlin/1","merlinRef":"MER-\#(seq)","borough":"\#(gss[i % 33])","createdAt":"x","trigger":"domestic-incident","children":[{"forenames":"Child\#(child)","surname":"Family\#(child / 3)","dob":"2015-04-22","nhsNumber":"\#(child)"}],"narrative":"\#(narrative)"}"#
                    : #"{"format":"la-referral/1","contactId":"LA-\#(seq)","localAuthority":"\#(gss[i % 33])","receivedAt":"x","children":[{"firstName":"Child\#(child)","lastName":"Family\#(child / 3)","dob":"2015-04-22"}],"description":"\#(narrative)"}"#
                try insertCase.execute(arguments: [
                    seq, id, police ? "merlin/1" : "la-referral/1", "R\(seq)", police ? "police" : "local-authority", gss[Int(rng.next() % 33)],
                    notified, accepted, route, level, rag,
                    #"{"level":\#(level ?? 0),"rationale":[{"effect":"level","reason":"highest base level among the concerns","rule":"base-level"}],"route":"\#(route)"}"#,
                    #"{"checksum":"9f2c0d6e1a","name":"london-standard","version":1}"#, line,
                    decidedAt != nil ? "decided" : "researching", deadline, decidedAt, decidedAt == nil ? nil : finalLevel,
                    decidedAt == nil ? nil : finalLevel.map { rags[$0]! }, outcome, decision,
                ])
                // One or two children; each with a name key and most with an NHS number.
                let children = rng.next() % 4 == 0 ? [child, (child + 1) % population] : [child]
                for (c, who) in children.enumerated() {
                    try insertKey.execute(arguments: ["name:family\(who / 3)|child\(who)|2015-04-22", notified, seq, c])
                    if who % 5 != 0 { try insertKey.execute(arguments: ["nhs:\(who)", notified, seq, c]) }
                }
                for a in agencies {
                    try insertAsk.execute(arguments: [seq, a])
                    try insertProduct.execute(arguments: ["\(id).research-request.\(a)", seq, "research-request", a, accepted])
                }
                for (a, at, isLate) in answers {
                    try insertAnswer.execute(arguments: [
                        seq, a, at, at, #"{"format":"research/1","caseId":"\#(id)","agency":"\#(a)","findings":[{"shareable":true,"text":"known to services","indicators":[]}]}"#, isLate,
                    ])
                }
                if let decidedAt {
                    try insertProduct.execute(arguments: ["\(id).outcome-notice.\(police ? "police" : "referrer-feedback")", seq, "outcome-notice", police ? "police" : "referrer-feedback", decidedAt])
                    if finalLevel ?? 4 >= 2 { try insertProduct.execute(arguments: ["\(id).information-product.csc", seq, "information-product", "csc", decidedAt]) }
                    if !unanswered.isEmpty || late != nil {
                        try insertProduct.execute(arguments: ["\(id).escalation.mash-manager", seq, "escalation", "mash-manager", decidedAt])
                    }
                }
                if i % 50_000 == 49_999 { try db.execute(sql: "COMMIT; BEGIN") }
            }
            try db.execute(sql: "COMMIT")
            try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }
}

/// A small deterministic generator (SplitMix64), so the store is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
