import Foundation
import GRDB
import MASHAdapters
import MASHCore
import MASHWire

/// A case as the process engine needs it.
public struct LoadedCase: Sendable {
    public var sequence: Int64
    public var stage: CaseStage
    /// 1: the current stage's products are all in outboxes; -1: delivery of the start products
    /// began (some may be in outboxes); 0: not yet.
    public var dispatched: Int
    public var facts: CaseFacts
    public var decision: Decision?
    public var asked: [Agency]

    public init(sequence: Int64, stage: CaseStage, dispatched: Int, facts: CaseFacts, decision: Decision?, asked: [Agency]) {
        self.sequence = sequence
        self.stage = stage
        self.dispatched = dispatched
        self.facts = facts
        self.decision = decision
        self.asked = asked
    }
}

/// What survives a restart: unfinished work, and the research the engine must keep watching.
public struct Recovery: Sendable {
    public struct Research: Sendable {
        public var sequence: Int64
        public var rag: RAG?
        public var deadline: Timestamp
        public var asked: Set<Agency>
        public var answered: Set<Agency>
    }

    public var items: [WorkItem] = []
    /// Cases whose products may already be partly in outboxes.
    public var uncertain: Set<Int64> = []
    public var research: [Research] = []
}

/// The start of research for one case, recorded after its products were delivered.
public struct StartRecord: Sendable {
    public var sequence: Int64
    public var asked: [Agency]
    public var deadline: Timestamp
    public var products: [Product]

    public init(sequence: Int64, asked: [Agency], deadline: Timestamp, products: [Product]) {
        self.sequence = sequence
        self.asked = asked
        self.deadline = deadline
        self.products = products
    }
}

/// The process engine's reads and writes. Every stage change is a transaction: the disk says
/// where each case is, and the engine's memory is rebuilt from it after a crash.
extension CaseStore {
    static let jsonDecoder = JSONDecoder()
    static let jsonEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// Loads cases, with their non-late research answers and, when asked, the same child's
    /// earlier cases.
    public func load(_ sequences: [Int64], history: Bool) async throws -> [Int64: LoadedCase] {
        try await pool.read { db in
            var out: [Int64: LoadedCase] = [:]
            for seq in sequences {
                if let c = try Self.loadCase(db, seq, history: history) { out[seq] = c }
            }
            return out
        }
    }

    static func loadCase(_ db: Database, _ seq: Int64, history: Bool) throws -> LoadedCase? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT id, format, line, screening, model, accepted_at, deadline, stage, dispatched, decision FROM cases WHERE seq = ?"),
                arguments: [seq])
        else { return nil }
        let format: String = row["format"]
        guard case .success(let line) = LineDecoder(adapters: Adapters.all, boundFormat: format).decode(Array((row["line"] as String).utf8)),
            case .notification(let notification) = line.decoded.intake
        else {
            throw StoreError("case \(seq): its stored line no longer decodes")
        }
        let answers = try Self.answers(db, seq)
        let asked = try String.fetchAll(
            db.cachedStatement(sql: "SELECT agency FROM research_requests WHERE case_seq = ? ORDER BY agency"), arguments: [seq]
        ).map { Agency($0) }
        let deadline: Int64? = row["deadline"]
        let decisionJSON: String? = row["decision"]
        let screeningJSON: String = row["screening"]
        let modelJSON: String = row["model"]
        let acceptedMs: Int64 = row["accepted_at"]
        let stageText: String = row["stage"]
        let dispatched: Int = row["dispatched"]
        let earlier = history ? try Self.history(db, seq, notification) : []
        let facts = CaseFacts(
            caseId: CaseID(sequence: UInt64(seq)), notification: notification,
            screening: try jsonDecoder.decode(Screening.self, from: Data(screeningJSON.utf8)),
            screeningModel: try jsonDecoder.decode(ModelIdentity.self, from: Data(modelJSON.utf8)),
            acceptedAt: Timestamp(epochMicroseconds: acceptedMs * 1000),
            deadline: deadline.map { Timestamp(epochMicroseconds: $0 * 1000) }, answers: answers, history: earlier)
        var decision: Decision? = nil
        if let decisionJSON { decision = try jsonDecoder.decode(Decision.self, from: Data(decisionJSON.utf8)) }
        return LoadedCase(
            sequence: seq, stage: CaseStage(rawValue: stageText) ?? .new, dispatched: dispatched, facts: facts,
            decision: decision, asked: asked)
    }

    /// Earlier cases (accepted before this one) naming any child of this one, newest first.
    static func history(_ db: Database, _ seq: Int64, _ n: MASHNotification, limit: Int = 20) throws -> [HistoryEntry] {
        var seqs = Set<Int64>()
        let find = try db.cachedStatement(
            sql: "SELECT case_seq FROM child_keys WHERE key = ? AND case_seq < ? ORDER BY case_seq DESC LIMIT ?")
        for key in Set(n.children.flatMap(\.matchKeys).map(\.indexKey)) {
            seqs.formUnion(try Int64.fetchAll(find, arguments: [key, seq, limit]))
        }
        let get = try db.cachedStatement(sql: "SELECT notified_at, stream, outcome FROM cases WHERE seq = ?")
        var out: [HistoryEntry] = []
        for s in seqs.sorted(by: >).prefix(limit) {
            guard let r = try Row.fetchOne(get, arguments: [s]) else { continue }
            let notified: Int64 = r["notified_at"]
            let stream: String = r["stream"]
            let outcome: String? = r["outcome"]
            out.append(
                HistoryEntry(
                    caseId: CaseID(sequence: UInt64(s)), date: Timestamp(epochMicroseconds: notified * 1000).localDate,
                    stream: NotificationStream(rawValue: stream) ?? .police, outcome: outcome ?? "pending"))
        }
        return out
    }

    /// The ids of products staged and not yet recorded as delivered: a crash came between.
    public func stagedProductIDs() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM staged_products") }
    }

    /// Just before products are published, in one transaction: marks the started cases as
    /// delivering, and records the products staged in their outboxes' `tmp/` (durable there).
    /// From then on a crash leaves the cases uncertain and the staged products counted as
    /// possibly out, even once a collector has claimed and deleted them.
    public func markDelivering(
        _ sequences: [Int64], staged: [(sequence: Int64, product: Product)], priority: WritePriority
    ) async throws {
        guard !sequences.isEmpty || !staged.isEmpty else { return }
        try await write(priority.gate) { db in
            let mark = try db.cachedStatement(sql: "UPDATE cases SET dispatched = -1 WHERE seq = ? AND stage = 'new'")
            for s in sequences { try mark.execute(arguments: [s]) }
            let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO staged_products (id, case_seq, recipient) VALUES (?, ?, ?)")
            for (seq, p) in staged { try insert.execute(arguments: [p.id, seq, p.recipient.name]) }
        }
    }

    /// What a decision needs that the engine already read: the case's screening and deadline.
    public struct DecisionInput: Sendable {
        public var sequence: Int64
        public var screening: Screening
        public var deadline: Timestamp?

        public init(sequence: Int64, screening: Screening, deadline: Timestamp?) {
            self.sequence = sequence
            self.screening = screening
            self.deadline = deadline
        }
    }

    /// Decides cases in one transaction, each only if it is still undecided, from the answers on
    /// disk at that moment (an answer committed later is late). The transaction reads only what
    /// the decision needs: it runs on the single writer. Returns, per case decided now, its
    /// decision and the answers it was made from.
    public func decide(
        _ inputs: [DecisionInput], now: Timestamp, model: RiskModel, identity: ModelIdentity, priority: WritePriority,
        watchedSince: Timestamp? = nil
    ) async throws -> [Int64: (decision: Decision, answers: [ResearchAnswer])] {
        guard !inputs.isEmpty else { return [:] }
        return try await write(priority.gate) { (db: Database) throws -> [Int64: (decision: Decision, answers: [ResearchAnswer])] in
            var out: [Int64: (decision: Decision, answers: [ResearchAnswer])] = [:]
            let stage = try db.cachedStatement(sql: "SELECT stage FROM cases WHERE seq = ?")
            for input in inputs {
                let seq = input.sequence
                guard let s = try String.fetchOne(stage, arguments: [seq]), s != CaseStage.decided.rawValue else { continue }
                let answers = try Self.answers(db, seq)
                let asked = try String.fetchAll(
                    db.cachedStatement(sql: "SELECT agency FROM research_requests WHERE case_seq = ? ORDER BY agency"),
                    arguments: [seq]
                ).map { Agency($0) }
                let d = Decider.decide(
                    screening: input.screening, asked: asked, answers: answers, deadline: input.deadline, now: now, model: model,
                    identity: identity, watchedSince: watchedSince)
                try db.cachedStatement(
                    sql: """
                        UPDATE cases SET stage = 'decided', dispatched = 0, decided_at = ?, final_level = ?, final_rag = ?,
                        outcome = ?, decision = ? WHERE seq = ?
                        """
                ).execute(arguments: [
                    now.epochMilliseconds, d.level, d.rag?.rawValue, d.outcome,
                    d.storedJSON, seq,
                ])
                var note = "decided: \(d.outcome)"
                if !d.unanswered.isEmpty { note += "; unanswered: \(d.unanswered.map(\.name).joined(separator: ", "))" }
                if let late = d.lateBySeconds { note += "; \(late) s late" }
                try Self.event(db, seq, now, .decided, d.rag, d.level, note)
                out[seq] = (d, answers)
            }
            return out
        }
    }

    /// A case's research answers received before its decision.
    static func answers(_ db: Database, _ seq: Int64) throws -> [ResearchAnswer] {
        try String.fetchAll(
            db.cachedStatement(sql: "SELECT line FROM research_answers WHERE case_seq = ? AND late = 0 ORDER BY agency"),
            arguments: [seq]
        ).compactMap { text -> ResearchAnswer? in
            guard case .success(let l) = LineDecoder(adapters: Adapters.all, boundFormat: "research/1").decode(Array(text.utf8)),
                case .research(let a) = l.decoded.intake
            else { return nil }
            return a
        }
    }

    /// Earlier cases about the same children, for the products that list them.
    public func history(_ cases: [(sequence: Int64, notification: MASHNotification)]) async throws -> [Int64: [HistoryEntry]] {
        guard !cases.isEmpty else { return [:] }
        return try await pool.read { (db: Database) throws -> [Int64: [HistoryEntry]] in
            var out: [Int64: [HistoryEntry]] = [:]
            for c in cases { out[c.sequence] = try Self.history(db, c.sequence, c.notification) }
            return out
        }
    }

    static func event(_ db: Database, _ seq: Int64, _ at: Timestamp, _ stage: CaseStage, _ rag: RAG?, _ level: Int?, _ note: String) throws {
        try db.cachedStatement(sql: "INSERT INTO case_events (case_seq, at, stage, rag, level, note) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [seq, at.epochMilliseconds, stage.rawValue, rag?.rawValue, level, note])
    }

    static func recordProducts(_ db: Database, _ seq: Int64?, _ products: [Product], _ at: Timestamp) throws {
        let insert = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO products (id, case_seq, kind, recipient, delivered_at) VALUES (?, ?, ?, ?, ?)")
        for p in products { try insert.execute(arguments: [p.id, seq, p.kind.rawValue, p.recipient.name, at.epochMilliseconds]) }
        // Recorded: no longer only staged (any staged product of this case is settled now).
        if let seq { try db.cachedStatement(sql: "DELETE FROM staged_products WHERE case_seq = ?").execute(arguments: [seq]) }
    }

    /// Records delivered products in one transaction: research started (stage researching,
    /// who was asked, the deadline), and decisions whose products are all out. Returns, per
    /// started case, the agencies that had already answered.
    public func recordDelivered(
        started: [StartRecord], decided: [(sequence: Int64, products: [Product])], at now: Timestamp, priority: WritePriority
    ) async throws -> [Int64: Set<Agency>] {
        guard !started.isEmpty || !decided.isEmpty else { return [:] }
        return try await write(priority.gate) { (db: Database) throws -> [Int64: Set<Agency>] in
            var answered: [Int64: Set<Agency>] = [:]
            for s in started {
                try db.cachedStatement(
                    sql: "UPDATE cases SET stage = 'researching', dispatched = 1, deadline = ? WHERE seq = ? AND stage = 'new'"
                ).execute(arguments: [s.deadline.epochMilliseconds, s.sequence])
                let ask = try db.cachedStatement(sql: "INSERT OR IGNORE INTO research_requests (case_seq, agency) VALUES (?, ?)")
                for a in s.asked { try ask.execute(arguments: [s.sequence, a.name]) }
                try Self.recordProducts(db, s.sequence, s.products, now)
                let ragText = try String.fetchOne(db.cachedStatement(sql: "SELECT rag FROM cases WHERE seq = ?"), arguments: [s.sequence])
                let rag: RAG? = ragText.flatMap { RAG(rawValue: $0) }
                try Self.event(
                    db, s.sequence, now, .researching, rag, nil,
                    "research requested from \(s.asked.map(\.name).joined(separator: ", ")); deadline \(s.deadline.rfc3339UTC)")
                let names = try String.fetchAll(
                    db.cachedStatement(sql: "SELECT agency FROM research_answers WHERE case_seq = ? AND late = 0"),
                    arguments: [s.sequence])
                answered[s.sequence] = Set(names.map { Agency($0) })
            }
            for d in decided {
                try db.cachedStatement(sql: "UPDATE cases SET dispatched = 1 WHERE seq = ?").execute(arguments: [d.sequence])
                try Self.recordProducts(db, d.sequence, d.products, now)
            }
            return answered
        }
    }

    /// Reads what the engine must resume: new cases to start, decisions to dispatch, and
    /// research still open.
    public func recovery() async throws -> Recovery {
        try await pool.read { (db: Database) throws -> Recovery in
            var r = Recovery()
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT seq, stage, dispatched, rag, accepted_at, deadline FROM cases INDEXED BY cases_waiting WHERE stage != 'decided'
                    UNION
                    SELECT seq, stage, dispatched, rag, accepted_at, deadline FROM cases INDEXED BY cases_undispatched WHERE dispatched != 1
                    """)
            for row in rows {
                let seq: Int64 = row["seq"]
                let ragText: String? = row["rag"]
                let rag: RAG? = ragText.flatMap { RAG(rawValue: $0) }
                let acceptedMs: Int64 = row["accepted_at"]
                let accepted = Timestamp(epochMicroseconds: acceptedMs * 1000)
                let dispatched: Int = row["dispatched"]
                let stageText: String = row["stage"]
                switch CaseStage(rawValue: stageText) ?? .new {
                case .new:
                    r.items.append(WorkItem(sequence: seq, step: .start, rag: rag, due: accepted))
                    if dispatched == -1 { r.uncertain.insert(seq) }
                case .decided:
                    r.items.append(WorkItem(sequence: seq, step: .dispatch, rag: rag, due: accepted))
                    r.uncertain.insert(seq)
                case .researching:
                    let deadlineMs: Int64? = row["deadline"]
                    let deadline = Timestamp(epochMicroseconds: (deadlineMs ?? 0) * 1000)
                    let asked = try String.fetchAll(
                        db.cachedStatement(sql: "SELECT agency FROM research_requests WHERE case_seq = ?"), arguments: [seq])
                    let answered = try String.fetchAll(
                        db.cachedStatement(sql: "SELECT agency FROM research_answers WHERE case_seq = ? AND late = 0"),
                        arguments: [seq])
                    r.research.append(
                        .init(
                            sequence: seq, rag: rag, deadline: deadline, asked: Set(asked.map { Agency($0) }),
                            answered: Set(answered.map { Agency($0) })))
                }
            }
            return r
        }
    }

    /// Records the model this start runs with; a variation's escalation product is recorded
    /// with it once delivered.
    public func recordDeployment(
        identity: ModelIdentity, standard: Bool, differences: [String], source: String, at now: Timestamp
    ) async throws {
        try await write(.background) { db in
            try db.execute(
                sql: """
                    INSERT INTO deployments (started_at, model_name, model_version, model_checksum, standard, differences, source)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    now.epochMilliseconds, identity.name, identity.version, identity.checksum, standard,
                    differences.joined(separator: "\n"), source,
                ])
        }
    }

    /// Whether a product id was recorded as delivered.
    public func isRecorded(product id: String) async throws -> Bool {
        try await pool.read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM products WHERE id = ?", arguments: [id]) ?? false }
    }

    /// Records products that belong to no case (a variation's escalation).
    public func recordDeploymentProducts(_ products: [Product], at now: Timestamp) async throws {
        try await write(.background) { db in try Self.recordProducts(db, nil, products, now) }
    }
}
