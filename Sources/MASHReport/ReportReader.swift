import Foundation
import GRDB
import MASHCore

/// Reads a store and makes the report. Rows are streamed with cursors and summed in memory; the
/// notification text (`line`) is never read, and a decision's JSON is read (by SQLite's JSON
/// functions, two fields) only for the cases with an escalation product.
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
    /// Seeded with the standard outcomes, so their ids are their index there.
    var outcomes = Interner(Report.standardOutcomes)
    /// Every cell's tally; `cells` finds a cell's index by (scope, borough, stream), scope
    /// `buckets.count` being the whole range.
    var tallies: [Tally] = []
    var cells: [CellKey: Int] = [:]
    /// (bucket cell, range cell) index pairs, so a case names both with one number.
    var pairs: [(bucket: Int, range: Int)] = []
    /// The bucket cell of each pair.
    var pairKeys: [CellKey] = []
    var pairIndex: [CellKey: Int32] = [:]
    var cases = CaseIndex(minSeq: nil, maxSeq: nil, count: 0)
    /// Notifications per day of the range, police and local authority.
    var perDay: [[Int]]
    /// Per screening RAG: the shortest and longest timescale seen (deadline less acceptance).
    var timescales: [(min: Int64, max: Int64)?] = [(min: Int64, max: Int64)?](repeating: nil, count: 5)
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

    /// The index of a cell's tally, made empty on first use.
    mutating func cell(_ scope: Int32, _ borough: Int, _ stream: StreamKey) -> Int {
        let key = CellKey(scope: scope, borough: Int32(borough), stream: Int8(stream.rawValue))
        if let i = cells[key] { return i }
        tallies.append(Tally())
        cells[key] = tallies.count - 1
        return tallies.count - 1
    }

    func tally(_ scope: Int32, _ borough: Int, _ stream: StreamKey) -> Tally? {
        cells[CellKey(scope: scope, borough: Int32(borough), stream: Int8(stream.rawValue))].map { tallies[$0] }
    }

    mutating func pair(_ bucket: Int, _ borough: Int, _ stream: StreamKey) -> Int32 {
        let key = CellKey(scope: Int32(bucket), borough: Int32(borough), stream: Int8(stream.rawValue))
        if let p = pairIndex[key] { return p }
        pairs.append((cell(Int32(bucket), borough, stream), cell(rangeScope, borough, stream)))
        pairKeys.append(key)
        pairIndex[key] = Int32(pairs.count - 1)
        return Int32(pairs.count - 1)
    }

    func bucket(ofMs ms: Int64) -> Int { bucketOfDay[Int(ms.floorDivided(by: ReportDates.dayMs)) - firstDay] }

    // MARK: cases

    /// One case as the cases pass reads it.
    struct CaseRow {
        var police: Bool
        var immediateRisk: Bool
        var accepted: Int64
        var level: Int?
        var rag: Int
        var decidedAt: Int64?
        var deadline: Int64?
        var finalLevel: Int?
        var finalRAG: Int
        var outcome: Int?
    }

    /// The case's place in the screening RAG order (red, amber, green, blue, none), in SQL.
    static func ragIndex(_ column: String) -> String {
        "CASE \(column) WHEN 'red' THEN 0 WHEN 'amber' THEN 1 WHEN 'green' THEN 2 WHEN 'blue' THEN 3 ELSE 4 END"
    }

    mutating func readCases(_ db: Database) throws {
        let start = request.startMs, end = request.endMs
        let bounds = try Row.fetchOne(
            db, sql: "SELECT min(seq), max(seq), count(*) FROM cases WHERE accepted_at >= ? AND accepted_at < ?",
            arguments: [start, end])
        cases = CaseIndex(minSeq: bounds?[0], maxSeq: bounds?[1], count: bounds?[2] ?? 0)
        let asOf = request.asOf.epochMilliseconds
        let nfa = outcomes.id("nfa-signpost")
        let known = Report.standardOutcomes.enumerated().map { "WHEN '\($0.element)' THEN \($0.offset)" }.joined(separator: " ")
        // Every column before `line` and `decision` in the row, whose text is never read here.
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, stream = 'police', authority, accepted_at, route = 'immediate-risk', level, \(Self.ragIndex("rag")),
                       decided_at, deadline, final_level, \(Self.ragIndex("final_rag")), CASE outcome \(known) ELSE -1 END, outcome
                FROM cases WHERE accepted_at >= ? AND accepted_at < ?
                """,
            arguments: [start, end])
        // A case decided within the tolerance after its deadline is on time, unless mashd was
        // down at the deadline: then it was escalated as late (`Decider`), however soon after
        // the restart it was decided, and only its decision says so. That needs a start of
        // mashd (a deployment) between the deadline and the decision; starts are few, so only
        // those cases' decisions are read, after this pass.
        let starts = try Int64.fetchAll(db, sql: "SELECT started_at FROM deployments ORDER BY started_at")
        let tolerance = Decider.lateTolerance * 1000
        var maybeLate: [(seq: Int64, rag: Int, pair: Int32)] = []
        while let row = try cursor.next() {
            let seq: Int64 = row[0]
            var c = CaseRow(
                police: row[1], immediateRisk: row[4], accepted: row[3], level: row[5], rag: row[6], decidedAt: row[7],
                deadline: row[8], finalLevel: row[9], finalRAG: row[10], outcome: nil)
            let known: Int = row[11]
            if known >= 0 {
                c.outcome = known
            } else if let text = row[12] as String? {
                c.outcome = outcomes.id(text)
            }
            let borough = boroughs.id(row[2])
            let stream: StreamKey = c.police ? .police : .localAuthority
            let day = Int(c.accepted.floorDivided(by: ReportDates.dayMs)) - firstDay
            perDay[day][stream.rawValue] += 1
            let p = pair(bucketOfDay[day], borough, stream)
            cases[seq] = CaseInfo(deadline: c.deadline ?? .min, pair: p, decided: c.decidedAt != nil)
            if let deadline = c.deadline {
                let scale = deadline - c.accepted
                let old = timescales[c.rag] ?? (scale, scale)
                timescales[c.rag] = (min(old.min, scale), max(old.max, scale))
            }
            Self.add(c, to: &tallies[pairs[Int(p)].bucket], asOf: asOf, nfa: nfa)
            Self.add(c, to: &tallies[pairs[Int(p)].range], asOf: asOf, nfa: nfa)
            if let decided = c.decidedAt, let deadline = c.deadline, decided > deadline, decided - deadline <= tolerance,
                Self.anyStart(starts, after: deadline, upTo: decided)
            {
                maybeLate.append((seq, c.rag, p))
            }
        }
        let late = try db.makeStatement(sql: "SELECT json_extract(decision, '$.lateBySeconds') IS NOT NULL FROM cases WHERE seq = ?")
        for m in maybeLate where try Bool.fetchOne(late, arguments: [m.seq]) == true {
            tallies[pairs[Int(m.pair)].bucket].time[m.rag].onTime -= 1
            tallies[pairs[Int(m.pair)].range].time[m.rag].onTime -= 1
        }
    }

    /// Whether a time in `starts` (sorted) falls in (after, upTo].
    static func anyStart(_ starts: [Int64], after: Int64, upTo: Int64) -> Bool {
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= after { lo = mid + 1 } else { hi = mid }
        }
        return lo < starts.count && starts[lo] <= upTo
    }

    static func add(_ c: CaseRow, to t: inout Tally, asOf: Int64, nfa: Int) {
        t.notifications += 1
        t.rag[c.rag] += 1
        if c.immediateRisk { t.immediateRisk += 1 }
        if let decidedAt = c.decidedAt {
            t.decided += 1
            if let deadline = c.deadline {
                t.time[c.rag].decided += 1
                // On time as mashd judges it (`Decider`): a decision made by the deadline's own
                // timer lands a few milliseconds after it, and is not late. (A case whose deadline
                // passed while mashd was down is taken back off in `readCases`.)
                if decidedAt - deadline <= Decider.lateTolerance * 1000 { t.time[c.rag].onTime += 1 }
                t.time[c.rag].durations.append(decidedAt - c.accepted)
            } else {
                t.time[c.rag].atScreening += 1
            }
            if let outcome = c.outcome {
                t.outcome(outcome)
                if c.police {
                    t.policeDecided += 1
                    if outcome == nfa { t.policeNFA += 1 }
                }
            }
            if let level = c.level, let finalLevel = c.finalLevel {
                let diff = finalLevel - level
                t.rerate[diff < 0 ? 0 : min(diff, 3) + 1] += 1
                if c.rag < 4, c.finalRAG < 4 { t.transitions[c.rag * 4 + c.finalRAG] += 1 }
            }
        } else {
            t.time[c.rag].pending += 1
            if let deadline = c.deadline, asOf > deadline { t.time[c.rag].overdue += 1 }
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
        var asked: [Int] = []
        var answered: [(agency: Int, accepted: Int64, late: Bool)] = []
        while nextRequest != nil || nextAnswer != nil {
            let seq = min(nextRequest?.seq ?? .max, nextAnswer?.seq ?? .max)
            asked.removeAll(keepingCapacity: true)
            answered.removeAll(keepingCapacity: true)
            while let r = nextRequest, r.seq == seq {
                asked.append(agencies.id(r.agency))
                nextRequest = try requests.next().map { ($0[0], $0[1]) }
            }
            while let a = nextAnswer, a.seq == seq {
                answered.append((agencies.id(a.agency), a.accepted, a.late))
                nextAnswer = try answers.next().map { ($0[0], $0[1], $0[2], $0[3]) }
            }
            let info = cases[seq]
            guard info.pair >= 0 else { continue }
            let cellPair = pairs[Int(info.pair)]
            for id in asked {
                let unanswered = info.decided && !answered.contains { $0.agency == id }
                for t in 0..<2 {
                    tallies[t == 0 ? cellPair.bucket : cellPair.range].agency(id) {
                        $0.requests += 1
                        if unanswered { $0.unanswered += 1 }
                    }
                }
            }
            for a in answered {
                let requested = asked.contains(a.agency)
                let onTime = !a.late && (info.deadline == .min || a.accepted <= info.deadline)
                for t in 0..<2 {
                    tallies[t == 0 ? cellPair.bucket : cellPair.range].agency(a.agency) {
                        if !requested { $0.unrequested += 1 } else if onTime { $0.onTime += 1 } else { $0.late += 1 }
                    }
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

    /// Escalation products: each about a case names its reasons in the case's decision
    /// (`unanswered` agencies, `lateBySeconds`), read with SQLite's JSON functions for those
    /// cases only; those about no case (a deployment's local variation) count by delivery time.
    mutating func readEscalations(_ db: Database) throws {
        guard cases.maxSeq >= cases.minSeq else { return try readDeploymentEscalations(db) }
        // For a range holding a small part of the store, the index by case; else one pass over
        // every product (the unary + keeps SQLite off the index), which reads far less of the
        // disk than a look-up per case. CROSS JOIN keeps products the outer loop.
        let last = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM cases") ?? 0
        let narrow = (cases.maxSeq - cases.minSeq + 1) * 10 < last
        let cursor = try Row.fetchCursor(
            db,
            sql: """
                SELECT p.case_seq, json_extract(c.decision, '$.unanswered'), json_extract(c.decision, '$.lateBySeconds')
                FROM products p \(narrow ? "INDEXED BY products_by_case" : "") CROSS JOIN cases c ON c.seq = p.case_seq
                WHERE p.kind = 'escalation' AND \(narrow ? "" : "+")p.case_seq BETWEEN ? AND ?
                AND c.accepted_at >= ? AND c.accepted_at < ?
                """,
            arguments: [cases.minSeq, cases.maxSeq, request.startMs, request.endMs])
        while let row = try cursor.next() {
            let info = cases[row[0]]
            guard info.pair >= 0 else { continue }
            let unanswered = Self.strings(inJSONArray: row[1] as String?).map { agencies.id($0) }
            let late = !(row[2] as DatabaseValue).isNull
            for t in 0..<2 {
                let i = t == 0 ? pairs[Int(info.pair)].bucket : pairs[Int(info.pair)].range
                tallies[i].escalations += 1
                if !unanswered.isEmpty { tallies[i].escalationsUnanswered += 1 }
                if late { tallies[i].escalationsLate += 1 }
                for id in unanswered { tallies[i].escalated(agency: id) }
            }
        }
        try readDeploymentEscalations(db)
    }

    mutating func readDeploymentEscalations(_ db: Database) throws {
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
            // A case of the range: known from the cases pass.
            let info = agg.cases[seq]
            if info.pair >= 0 {
                let key = agg.pairKeys[Int(info.pair)]
                return (Int(key.borough), key.stream == 0 ? .police : .localAuthority)
            }
            if let w = where_[seq] { return w }
            let row = try Row.fetchOne(look, arguments: [seq])
            let stream: StreamKey = (row?[0] as String?) == "police" ? .police : .localAuthority
            let w = (agg.boroughs.id(row?[1] ?? "unknown"), stream)
            where_[seq] = w
            return w
        }
        // Cells by (scope, borough, stream) in a flat table, for the boroughs known so far: a
        // child may count in every day of a long range.
        let known = boroughs.names.count
        let tableSize = (buckets.count + 1) * known * 2
        var table = [Int32](repeating: -1, count: tableSize <= 4_000_000 ? tableSize : 0)
        func cellIndex(_ scope: Int32, _ w: (borough: Int, stream: StreamKey), _ agg: inout Aggregator) -> Int {
            let k = (Int(scope) * known + w.borough) * 2 + w.stream.rawValue
            guard w.borough < known, k < table.count else { return agg.cell(scope, w.borough, w.stream) }
            if table[k] < 0 { table[k] = Int32(agg.cell(scope, w.borough, w.stream)) }
            return Int(table[k])
        }
        let start = request.startMs, end = request.endMs
        // A notification naming two repeat children (siblings) is one notification. Children
        // named in a common case form a family; within a family each case is counted once per
        // period (in the cell of the first of its children that counts it), so every cell, and
        // every sum of cells (the totals, per stream, per borough), counts a notification once.
        // Families are worked one at a time: the set of cases seen holds one family's at most.
        let counted = children.filter { $0.qualifies(start: start, end: end) }
        var seen = Set<ScopedCase>()
        var marked: [Int] = []
        for family in RepeatChildren.families(counted) {
            seen.removeAll(keepingCapacity: true)
            let alone = family.count == 1
            func add(_ seqs: ArraySlice<Int64>, scope: Int32, to t: Int) {
                if alone {
                    tallies[t].repeatNotifications += seqs.count
                } else {
                    for seq in seqs where seen.insert(ScopedCase(scope: scope, seq: seq)).inserted { tallies[t].repeatNotifications += 1 }
                }
            }
            for child in family.map({ counted[$0] }) {
                if let n = child.notifications(start: start, end: end) {
                    let t = cellIndex(rangeScope, try place(n.latest, &self), &self)
                    tallies[t].repeatChildren += 1
                    add(child.seqs[n.indices], scope: rangeScope, to: t)
                }
                // The periods in which a qualifying window ends, in order (the windows come in order).
                marked.removeAll(keepingCapacity: true)
                for r in child.windowEnds(start: start, end: end) {
                    for b in bucket(ofMs: r.lowerBound)...bucket(ofMs: r.upperBound) where b > (marked.last ?? -1) { marked.append(b) }
                }
                // For each, the cases from 365 days before it to its end: two pointers moving forward.
                var lo = 0, hi = -1
                for b in marked {
                    let from = buckets[b].startMs - ReportDates.yearMs, to = buckets[b].endMs
                    while lo < child.times.count, child.times[lo] < from { lo += 1 }
                    while hi + 1 < child.times.count, child.times[hi + 1] < to { hi += 1 }
                    guard hi >= lo else { continue }
                    let t = cellIndex(Int32(b), try place(child.seqs[hi], &self), &self)
                    tallies[t].repeatChildren += 1
                    add(child.seqs[lo...hi], scope: Int32(b), to: t)
                }
            }
        }
    }

    func finish() -> Report {
        Report(aggregator: self)
    }
}

/// A case counted in one period of the report (or the whole range).
struct ScopedCase: Hashable {
    var scope: Int32
    var seq: Int64
}
