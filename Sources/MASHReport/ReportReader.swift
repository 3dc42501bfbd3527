import Foundation
import GRDB
import MASHCore

/// Reads a store and makes the report. Rows are streamed with cursors and summed in memory; the
/// notification text (`line`) is never read, and a decision's JSON is decoded only for the cases
/// a cheap scan marks as escalated (agencies unanswered, or decided late).
public enum ReportReader {
    /// Opens `DIR/mashd.sqlite` read-only (mashd may be running) and reports on it.
    public static func report(stateDirectory dir: String, _ request: ReportRequest) throws -> Report {
        let path = dir.hasSuffix("/") ? dir + "mashd.sqlite" : dir + "/mashd.sqlite"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ReportError.noStore("no store at \(path): is \(dir) a mashd state directory or a replay sandbox?")
        }
        var config = Configuration()
        config.readonly = true
        config.label = "mashctl.report"
        config.busyMode = .timeout(10)
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            // One read transaction: every figure comes from the same snapshot.
            return try pool.read { db in try report(db, request) }
        } catch let e as ReportError {
            throw e
        } catch {
            throw ReportError.unreadable("cannot read the store at \(path): \(error)")
        }
    }

    /// Reports on an open database (tests, and stores opened some other way).
    public static func report(_ db: Database, _ request: ReportRequest) throws -> Report {
        var a = Aggregator(request)
        try a.readCases(db)
        try a.readResearch(db)
        try a.readEscalations(db)
        try a.readRepeats(db)
        return a.finish()
    }
}

/// What the later passes need of each case in the range.
struct CaseInfo {
    /// Epoch ms, `.min` for none.
    var deadline: Int64
    /// The (bucket, range) cell pair, -1 for a case outside the range.
    var pair: Int32
    var decided: Bool
    static let none = CaseInfo(deadline: .min, pair: -1, decided: false)
}

/// Per-case facts by sequence number: dense when sequences are compact (they are: mashd numbers
/// cases in acceptance order), else a dictionary.
struct CaseIndex {
    var base: Int64 = 0
    var dense: [CaseInfo] = []
    var sparse: [Int64: CaseInfo]? = nil
    var minSeq: Int64 = 0
    var maxSeq: Int64 = -1

    init(minSeq: Int64?, maxSeq: Int64?, count: Int) {
        guard let minSeq, let maxSeq else { return }
        self.minSeq = minSeq
        self.maxSeq = maxSeq
        let span = maxSeq - minSeq + 1
        if span <= Int64(count) * 2 + 1_000_000 {
            base = minSeq
            dense = [CaseInfo](repeating: .none, count: Int(span))
        } else {
            sparse = [:]
        }
    }

    subscript(seq: Int64) -> CaseInfo {
        get {
            if let sparse { return sparse[seq] ?? .none }
            let i = seq - base
            return i >= 0 && i < Int64(dense.count) ? dense[Int(i)] : .none
        }
        set {
            if sparse != nil { sparse![seq] = newValue; return }
            dense[Int(seq - base)] = newValue
        }
    }
}

struct Aggregator {
    let request: ReportRequest
    let buckets: [Bucket]
    let firstDay: Int
    /// The bucket of each day of the range.
    var bucketOfDay: [Int] = []
    var boroughs = Interner()
    var agencies = Interner()
    var outcomes = Interner(Report.standardOutcomes)
    /// Cells by (scope, borough, stream); scope `buckets.count` is the whole range.
    var cells: [CellKey: Tally] = [:]
    /// (bucket cell, range cell) pairs, so a case names both with one number.
    var pairs: [(bucket: Tally, range: Tally)] = []
    var pairIndex: [CellKey: Int32] = [:]
    var cases = CaseIndex(minSeq: nil, maxSeq: nil, count: 0)
    /// Notifications per day of the range, police and local authority.
    var perDay: [[Int]]
    /// Per screening RAG: the shortest and longest timescale seen (deadline less acceptance).
    var timescales: [Int: (min: Int64, max: Int64)] = [:]
    var deploymentEscalations: [Int]

    struct CellKey: Hashable {
        var scope: Int32
        var borough: Int32
        var stream: Int8
    }

    init(_ request: ReportRequest) {
        self.request = request
        buckets = request.buckets()
        firstDay = request.from.daysSinceEpoch
        for (i, b) in buckets.enumerated() {
            for _ in b.firstDay...b.lastDay { bucketOfDay.append(i) }
        }
        perDay = [[Int]](repeating: [0, 0], count: request.dayCount)
        deploymentEscalations = [Int](repeating: 0, count: buckets.count + 1)
        for a in Agency.standard { _ = agencies.id(a.name) }
    }

    var rangeScope: Int32 { Int32(buckets.count) }

    mutating func cell(_ scope: Int32, _ borough: Int, _ stream: StreamKey) -> Tally {
        let key = CellKey(scope: scope, borough: Int32(borough), stream: Int8(stream.rawValue))
        if let t = cells[key] { return t }
        let t = Tally()
        cells[key] = t
        return t
    }

    mutating func pair(_ bucket: Int, _ borough: Int, _ stream: StreamKey) -> Int32 {
        let key = CellKey(scope: Int32(bucket), borough: Int32(borough), stream: Int8(stream.rawValue))
        if let p = pairIndex[key] { return p }
        pairs.append((cell(Int32(bucket), borough, stream), cell(rangeScope, borough, stream)))
        pairIndex[key] = Int32(pairs.count - 1)
        return Int32(pairs.count - 1)
    }

    func bucket(ofMs ms: Int64) -> Int { bucketOfDay[Int(ms.floorDivided(by: ReportDates.dayMs)) - firstDay] }

    // MARK: cases

    mutating func readCases(_ db: Database) throws {
        let start = request.startMs, end = request.endMs
        let bounds = try Row.fetchOne(
            db, sql: "SELECT min(seq), max(seq), count(*) FROM cases WHERE accepted_at >= ? AND accepted_at < ?",
            arguments: [start, end])
        cases = CaseIndex(minSeq: bounds?[0], maxSeq: bounds?[1], count: bounds?[2] ?? 0)
        let asOf = request.asOf.epochMilliseconds
        let nfa = outcomes.id("nfa-signpost")
        // A decision gives an escalation when it has lateBySeconds or a non-empty unanswered
        // list: a cheap scan of its text marks those (a false mark only costs a look), and only
        // for them are the escalation products counted and the two fields read from the JSON.
        let marked = """
            (decision IS NOT NULL AND (instr(decision, '"lateBySeconds"') > 0 OR instr(decision, '"unanswered":[]') = 0))
            """
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, stream, authority, accepted_at, route, level, rag, decided_at, deadline, final_level, final_rag,
                       outcome,
                       CASE WHEN \(marked) THEN (SELECT count(*) FROM products WHERE case_seq = cases.seq AND kind = 'escalation')
                            ELSE 0 END,
                       CASE WHEN \(marked) THEN json_extract(decision, '$.unanswered') END,
                       CASE WHEN \(marked) THEN json_extract(decision, '$.lateBySeconds') END
                FROM cases WHERE accepted_at >= ? AND accepted_at < ?
                """,
            arguments: [start, end])
        while let row = try cursor.next() {
            let seq: Int64 = row[0]
            let streamText: String = row[1]
            let stream: StreamKey = streamText == "police" ? .police : .localAuthority
            let borough = boroughs.id(row[2])
            let accepted: Int64 = row[3]
            let route: String = row[4]
            let level: Int? = row[5]
            let rag = RAGKey(row[6] as String?)
            let decidedAt: Int64? = row[7]
            let deadline: Int64? = row[8]
            let finalLevel: Int? = row[9]
            let finalRAG = RAGKey(row[10] as String?)
            let outcome: String? = row[11]
            let escalations: Int = row[12]

            let day = Int(accepted.floorDivided(by: ReportDates.dayMs)) - firstDay
            perDay[day][stream.rawValue] += 1
            let p = pair(bucketOfDay[day], borough, stream)
            cases[seq] = CaseInfo(deadline: deadline ?? .min, pair: p, decided: decidedAt != nil)
            if let deadline {
                let scale = deadline - accepted
                let old = timescales[rag.rawValue] ?? (scale, scale)
                timescales[rag.rawValue] = (min(old.min, scale), max(old.max, scale))
            }
            let outcomeId = outcome.map { outcomes.id($0) }
            var unanswered: [Int] = []
            var late = false
            if escalations > 0 {
                unanswered = Self.strings(inJSONArray: row[13] as String?).map { agencies.id($0) }
                late = !(row[14] as DatabaseValue).isNull
            }
            for t in [pairs[Int(p)].bucket, pairs[Int(p)].range] {
                t.notifications += 1
                t.rag[rag.rawValue] += 1
                if route == "immediate-risk" { t.immediateRisk += 1 }
                if escalations > 0 {
                    t.escalations += escalations
                    if !unanswered.isEmpty { t.escalationsUnanswered += escalations }
                    if late { t.escalationsLate += escalations }
                    for id in unanswered { t.escalated(agency: id, escalations) }
                }
                if let decidedAt {
                    t.decided += 1
                    if let deadline {
                        t.time[rag.rawValue].decided += 1
                        if decidedAt <= deadline { t.time[rag.rawValue].onTime += 1 }
                        t.time[rag.rawValue].durations.append(decidedAt - accepted)
                    } else {
                        t.time[rag.rawValue].atScreening += 1
                    }
                    if let outcomeId {
                        t.outcome(outcomeId)
                        if stream == .police {
                            t.policeDecided += 1
                            if outcomeId == nfa { t.policeNFA += 1 }
                        }
                    }
                    if let level, let finalLevel {
                        let diff = finalLevel - level
                        t.rerate[diff < 0 ? 0 : min(diff, 3) + 1] += 1
                        if rag != .none, finalRAG != .none { t.transitions[rag.rawValue * 4 + finalRAG.rawValue] += 1 }
                    }
                } else {
                    t.time[rag.rawValue].pending += 1
                    if let deadline, asOf > deadline { t.time[rag.rawValue].overdue += 1 }
                }
            }
        }
    }

    // MARK: research

    /// Requests and answers, both read in (case, agency) order and matched case by case.
    mutating func readResearch(_ db: Database) throws {
        guard cases.maxSeq >= cases.minSeq else { return }
        let requests = try Row.fetchCursor(
            db, sql: "SELECT case_seq, agency FROM research_requests WHERE case_seq BETWEEN ? AND ? ORDER BY case_seq, agency",
            arguments: [cases.minSeq, cases.maxSeq])
        let answers = try Row.fetchCursor(
            db,
            sql: "SELECT case_seq, agency, accepted_at, late FROM research_answers WHERE case_seq BETWEEN ? AND ? ORDER BY case_seq, agency",
            arguments: [cases.minSeq, cases.maxSeq])
        var nextRequest: (seq: Int64, agency: String)? = try requests.next().map { ($0[0], $0[1]) }
        var nextAnswer: (seq: Int64, agency: String, accepted: Int64, late: Bool)? = try answers.next().map { ($0[0], $0[1], $0[2], $0[3]) }
        while nextRequest != nil || nextAnswer != nil {
            let seq = min(nextRequest?.seq ?? .max, nextAnswer?.seq ?? .max)
            var asked: [String] = []
            while let r = nextRequest, r.seq == seq {
                asked.append(r.agency)
                nextRequest = try requests.next().map { ($0[0], $0[1]) }
            }
            var answered: [(agency: String, accepted: Int64, late: Bool)] = []
            while let a = nextAnswer, a.seq == seq {
                answered.append((a.agency, a.accepted, a.late))
                nextAnswer = try answers.next().map { ($0[0], $0[1], $0[2], $0[3]) }
            }
            let info = cases[seq]
            guard info.pair >= 0 else { continue }
            let cellPair = pairs[Int(info.pair)]
            for agency in asked {
                let id = agencies.id(agency)
                let unanswered = info.decided && !answered.contains { $0.agency == agency }
                for t in [cellPair.bucket, cellPair.range] {
                    t.agency(id) {
                        $0.requests += 1
                        if unanswered { $0.unanswered += 1 }
                    }
                }
            }
            for a in answered {
                let id = agencies.id(a.agency)
                let onTime = !a.late && (info.deadline == .min || a.accepted <= info.deadline)
                for t in [cellPair.bucket, cellPair.range] {
                    t.agency(id) { if onTime { $0.onTime += 1 } else { $0.late += 1 } }
                }
            }
        }
    }

    // MARK: escalations

    /// `["health","education"]` as SQLite's json_extract writes it (compact); anything with an
    /// escape in it goes through JSONSerialization.
    static func strings(inJSONArray text: String?) -> [String] {
        guard let text, text.count > 2 else { return [] }
        let parts = text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
        if text.contains("\\") || !parts.allSatisfy({ $0.count >= 2 && $0.first == "\"" && $0.last == "\"" }) {
            return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String]) ?? []
        }
        return parts.map { String($0.dropFirst().dropLast()) }
    }

    /// Escalations about no case (a deployment's local variation), by delivery time.
    mutating func readEscalations(_ db: Database) throws {
        let deployment = try Row.fetchCursor(
            db,
            sql: "SELECT delivered_at FROM products WHERE case_seq IS NULL AND kind = 'escalation' AND delivered_at >= ? AND delivered_at < ?",
            arguments: [request.startMs, request.endMs])
        while let row = try deployment.next() {
            deploymentEscalations[bucket(ofMs: row[0])] += 1
            deploymentEscalations[buckets.count] += 1
        }
    }

    // MARK: repeats

    mutating func readRepeats(_ db: Database) throws {
        let children = try RepeatChildren.find(db, from: request.startMs - ReportDates.yearMs, to: request.endMs)
        var where_: [Int64: (borough: Int, stream: StreamKey)] = [:]
        let look = try db.makeStatement(sql: "SELECT stream, authority FROM cases WHERE seq = ?")
        func place(_ seq: Int64, _ agg: inout Aggregator) throws -> (borough: Int, stream: StreamKey) {
            if let w = where_[seq] { return w }
            let row = try Row.fetchOne(look, arguments: [seq])
            let stream: StreamKey = (row?[0] as String?) == "police" ? .police : .localAuthority
            let w = (agg.boroughs.id(row?[1] ?? "unknown"), stream)
            where_[seq] = w
            return w
        }
        let start = request.startMs, end = request.endMs
        for child in children {
            guard child.qualifies(start: start, end: end) else { continue }
            var scopes: [(scope: Int32, start: Int64, end: Int64)] = [(rangeScope, start, end)]
            var seen = Set<Int>()
            for r in child.windowEnds(start: start, end: end) {
                for b in bucket(ofMs: r.lowerBound)...bucket(ofMs: r.upperBound) where seen.insert(b).inserted {
                    scopes.append((Int32(b), buckets[b].startMs, buckets[b].endMs))
                }
            }
            for s in scopes {
                guard let n = child.notifications(start: s.start, end: s.end) else { continue }
                let w = try place(n.latest, &self)
                let t = cell(s.scope, w.borough, w.stream)
                t.repeatChildren += 1
                t.repeatNotifications += n.count
            }
        }
    }

    func finish() -> Report {
        Report(aggregator: self)
    }
}
