import Foundation
import GRDB
import MASHCore
import MASHWire

/// Accepts lines inside one write transaction. Lines are taken in arrival order, so a
/// notification sees every notification accepted before it, in this group or an earlier one:
/// the duplicate rule and the repeat rule both read committed history plus this group so far.
struct IntakeTransaction {
    let db: Database
    let acceptedAt: Timestamp
    let model: ScreeningModel
    let modelJSON: String
    let index: IntakeIndex
    var nextSequence: Int64
    /// What the process engine must hear of this group once it has committed.
    var events: [IntakeEvent] = []
    /// Prepared once per group: a group is thousands of lines, and binding through GRDB's
    /// argument arrays boxes every value first.
    let insertCase: BulkInsert
    let insertKey: BulkInsert
    let findDuplicate: Statement
    let findEarlier: Statement

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    init(db: Database, acceptedAt: Timestamp, model: ScreeningModel, index: IntakeIndex) throws {
        self.db = db
        self.index = index
        self.acceptedAt = acceptedAt
        self.model = model
        self.modelJSON = String(decoding: try Self.encoder.encode(model.identity), as: UTF8.self)
        nextSequence = (try Int64.fetchOne(db, sql: "SELECT max(seq) FROM cases") ?? 0) + 1
        insertCase = try BulkInsert(
            db,
            sql: """
                INSERT INTO cases (seq, id, format, source_ref, stream, authority, notified_at, accepted_at,
                                   route, level, rag, screening, model, warnings, line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        insertKey = try BulkInsert(db, sql: "INSERT INTO child_keys (key, notified_at, case_seq, child) VALUES (?, ?, ?, ?)")
        findDuplicate = try db.cachedStatement(sql: "SELECT id, rag, route FROM cases WHERE format = ? AND source_ref = ?")
        findEarlier = try db.cachedStatement(
            sql: "SELECT case_seq FROM child_keys WHERE key = ? AND notified_at BETWEEN ? AND ? LIMIT ?")
    }

    mutating func accept(_ prepared: IntakeLine) throws -> CommitOutcome {
        switch prepared.line.decoded.intake {
        case .notification(let n): return try accept(n, prepared)
        case .research(let r): return try accept(r, line: prepared.line)
        }
    }

    mutating func accept(_ n: MASHNotification, _ prepared: IntakeLine) throws -> CommitOutcome {
        let line = prepared.line
        if index.mayHave(reference: n.sourceReference, format: line.format), let first = try Row.fetchOne(
            findDuplicate, arguments: [line.format, n.sourceReference])
        {
            let rag: String? = first["rag"]
            return .accepted(
                id: CaseID(first["id"])!, ref: n.sourceReference, rag: rag ?? "none", duplicate: true, warnings: [])
        }

        let history = try self.history(of: n, keys: prepared.childKeys)
        let screening = Screener.screen(n, history: history, model: model.model)
        let seq = nextSequence
        nextSequence += 1
        let id = CaseID(sequence: UInt64(seq))
        let warnings = line.decoded.warnings
        try insertCase.insert { r in
            r.int(seq)
            r.text(id.text)
            r.text(line.format)
            r.text(n.sourceReference)
            r.text(n.stream.rawValue)
            r.text(n.authority.gss)
            r.int(n.time.epochMilliseconds)
            r.int(acceptedAt.epochMilliseconds)
            r.text(screening.route.rawValue)
            r.int(screening.level)
            r.text(screening.rag?.rawValue)
            r.text(screening.storedJSON)
            r.text(modelJSON)
            r.text(prepared.warningsJSON)
            r.text(line.text)
        }
        events.append(
            .newCase(
                WorkItem(sequence: seq, step: .start, rag: screening.rag, due: acceptedAt),
                CaseFacts(caseId: id, notification: n, screening: screening, screeningModel: model.identity, acceptedAt: acceptedAt, deadline: nil)))
        index.add(reference: n.sourceReference, format: line.format, keys: prepared.childKeys.joined())
        var seen = Set<String>()
        for (child, keys) in prepared.childKeys.enumerated() {
            for key in keys where seen.insert(key).inserted {
                try insertKey.insert { r in
                    r.text(key)
                    r.int(n.time.epochMilliseconds)
                    r.int(seq)
                    r.int(child)
                }
            }
        }
        return .accepted(
            id: id, ref: n.sourceReference, rag: screening.rag?.rawValue ?? "none", duplicate: false, warnings: warnings)
    }

    /// For the repeat rule: the most earlier notifications naming any one child of `n`, whose
    /// own time falls within the window up to and including `n`'s. Counting stops at the
    /// rule's threshold: the rule needs "at least N", not a census, and a child named in
    /// thousands of notifications (a test feed) must not make each acceptance slower.
    func history(of n: MASHNotification, keys: [[String]]) throws -> ChildHistory {
        let upper = n.time.epochMilliseconds
        let lower = upper - Int64(model.model.repeatRule.windowDays) * 86_400_000
        let limit = model.model.repeatRule.earlierNotifications
        let find = findEarlier
        var most = 0
        for childKeys in keys {
            var cases = Set<Int64>()
            for key in childKeys where index.mayHave(key: key) {
                cases.formUnion(try Int64.fetchAll(find, arguments: [key, lower, upper, limit]))
            }
            most = max(most, min(cases.count, limit))
        }
        return ChildHistory(earlierNotifications: most, countIsLowerBound: most >= limit)
    }

    mutating func accept(_ r: ResearchAnswer, line: LineDecoder.Line) throws -> CommitOutcome {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, stage FROM cases WHERE id = ?"), arguments: [r.caseId.text])
        else {
            return .rejected(IntakeError(.unknownCase, "no case has id \(r.caseId)", field: "/caseId"))
        }
        let seq: Int64 = row[0]
        // An answer after the decision is kept, marked late, and changes nothing.
        let late = (row[1] as String) == CaseStage.decided.rawValue
        let exists = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM research_answers WHERE case_seq = ? AND agency = ?"),
            arguments: [seq, r.agency.name]) ?? false
        if !exists {
            try db.cachedStatement(
                sql: "INSERT INTO research_answers (case_seq, agency, responded_at, accepted_at, line, late) VALUES (?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [seq, r.agency.name, r.respondedAt.epochMilliseconds, acceptedAt.epochMilliseconds, line.text, late])
            events.append(.answer(sequence: seq, agency: r.agency, late: late))
        }
        return .accepted(id: r.caseId, ref: r.sourceReference, rag: nil, duplicate: exists, warnings: line.decoded.warnings)
    }
}
