import Foundation
import GRDB
import MASHCore

/// The store of a dry run: the same schema as a live store, so `mashctl report` and
/// `mashctl case` read a sandbox as they read the live service, but written in bulk, without
/// fsync (a dry run can be run again; a live store cannot). Used from one thread; its writer
/// queue owns the database and `failure`, guarded by `failureLock`.
public final class SandboxStore: @unchecked Sendable {
    let queue: DatabaseQueue
    private var pending = 0

    public struct CaseRow: Sendable {
        public var seq: Int64
        public var id: CaseID
        public var format: String
        public var ref: String
        public var stream: String
        public var authority: String
        public var notifiedAt: Timestamp
        public var acceptedAt: Timestamp
        public var screening: Screening
        public var model: ModelIdentity
        public var warnings: String?
        public var line: String
        public var deadline: Timestamp?
        public var decision: Decision?
        public var childKeys: [[String]]
        public var asked: [Agency]

        public init(
            seq: Int64, id: CaseID, format: String, ref: String, stream: String, authority: String, notifiedAt: Timestamp,
            acceptedAt: Timestamp, screening: Screening, model: ModelIdentity, warnings: String?, line: String,
            deadline: Timestamp?, decision: Decision?, childKeys: [[String]], asked: [Agency]
        ) {
            self.seq = seq
            self.id = id
            self.format = format
            self.ref = ref
            self.stream = stream
            self.authority = authority
            self.notifiedAt = notifiedAt
            self.acceptedAt = acceptedAt
            self.screening = screening
            self.model = model
            self.warnings = warnings
            self.line = line
            self.deadline = deadline
            self.decision = decision
            self.childKeys = childKeys
            self.asked = asked
        }
    }

    private var cases: [CaseRow] = []
    private var answers: [(seq: Int64, agency: Agency, respondedAt: Timestamp, acceptedAt: Timestamp, line: String, late: Bool)] = []
    private var products: [(PendingProduct, Timestamp)] = []
    private var modelJSON: (ModelIdentity, String)?
    /// Batches are written while the dry run goes on.
    private let writer = BatchWriter(label: "mashctl.sandbox.writer")

    /// Creates a new sandbox store at `path`; an existing one is refused, so a rehearsal never
    /// mixes with another's results.
    public init(path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError("\(path) exists: give replay a new sandbox directory")
        }
        var config = Configuration()
        config.label = "mashctl.sandbox"
        // Products and answers are written as they happen, their case when it is decided.
        config.foreignKeysEnabled = false
        queue = try DatabaseQueue(path: path, configuration: config)
        try queue.writeWithoutTransaction { db in
            // No journal while it is filled: each page is written once, not to the WAL and
            // again at each checkpoint. A dry run that fails leaves a sandbox to delete and run
            // again, never one to repair. `finish` makes it a WAL store like a live one.
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144")
        }
        try StoreSchema.migrator.migrate(queue)
    }

    public func deployment(_ identity: ModelIdentity, standard: Bool, differences: [String], source: String, at: Timestamp) throws {
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO deployments (started_at, model_name, model_version, model_checksum, standard, differences, source)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [at.epochMilliseconds, identity.name, identity.version, identity.checksum, standard, differences.joined(separator: "\n"), source])
        }
    }

    /// A decided case with its research requests, keys and events; written in batches.
    public func insert(_ c: CaseRow) throws {
        cases.append(c)
        try flushIfFull()
    }

    public func answer(caseSeq: Int64, agency: Agency, respondedAt: Timestamp, acceptedAt: Timestamp, line: String, late: Bool) throws {
        answers.append((caseSeq, agency, respondedAt, acceptedAt, line, late))
        try flushIfFull()
    }

    public func products(_ ps: [PendingProduct], at: Timestamp) throws {
        for p in ps { products.append((p, at)) }
        try flushIfFull()
    }

    private func flushIfFull() throws {
        if cases.count + answers.count + products.count >= 20_000 { try flush() }
    }

    /// Hands what is pending to the writer queue, to be written in one transaction.
    private func flush() throws {
        let (cs, ans, ps) = (cases, answers, products)
        cases = []
        answers = []
        products = []
        try writer.submit { [self] in try write(cs, ans, ps) }
    }

    private func write(
        _ cs: [CaseRow], _ ans: [(seq: Int64, agency: Agency, respondedAt: Timestamp, acceptedAt: Timestamp, line: String, late: Bool)],
        _ ps: [(PendingProduct, Timestamp)]
    ) throws {
        var modelJSON = self.modelJSON
        try queue.write { db in
            let insertCase = try BulkInsert(
                db,
                sql: """
                    INSERT INTO cases (seq, id, format, source_ref, stream, authority, notified_at, accepted_at, route, level, rag,
                    screening, model, warnings, line, stage, deadline, dispatched, decided_at, final_level, final_rag, outcome, decision)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)
                    """)
            let key = try BulkInsert(db, sql: "INSERT INTO child_keys (key, notified_at, case_seq, child) VALUES (?, ?, ?, ?)")
            let ask = try BulkInsert(db, sql: "INSERT INTO research_requests (case_seq, agency) VALUES (?, ?)")
            let event = try BulkInsert(db, sql: "INSERT INTO case_events (case_seq, at, stage, rag, level, note) VALUES (?, ?, ?, ?, ?, ?)")
            for c in cs {
                let d = c.decision
                if modelJSON?.0 != c.model { modelJSON = (c.model, c.model.storedJSON) }
                let model = modelJSON!.1
                try insertCase.insert { r in
                    r.int(c.seq)
                    r.text(c.id.text)
                    r.text(c.format)
                    r.text(c.ref)
                    r.text(c.stream)
                    r.text(c.authority)
                    r.int(c.notifiedAt.epochMilliseconds)
                    r.int(c.acceptedAt.epochMilliseconds)
                    r.text(c.screening.route.rawValue)
                    r.int(c.screening.level)
                    r.text(c.screening.rag?.rawValue)
                    r.text(c.screening.storedJSON)
                    r.text(model)
                    r.text(c.warnings)
                    r.text(c.line)
                    r.text(d == nil ? CaseStage.researching.rawValue : CaseStage.decided.rawValue)
                    r.int(c.deadline?.epochMilliseconds)
                    r.int(d?.decidedAt.epochMilliseconds)
                    r.int(d?.level)
                    r.text(d?.rag?.rawValue)
                    r.text(d?.outcome)
                    r.text(d?.storedJSON)
                }
                var seen = Set<String>()
                for (child, keys) in c.childKeys.enumerated() {
                    for k in keys where seen.insert(k).inserted {
                        try key.insert { r in
                            r.text(k)
                            r.int(c.notifiedAt.epochMilliseconds)
                            r.int(c.seq)
                            r.int(child)
                        }
                    }
                }
                for a in c.asked {
                    try ask.insert { r in
                        r.int(c.seq)
                        r.text(a.name)
                    }
                }
                if !c.asked.isEmpty {
                    try event.insert { r in
                        r.int(c.seq)
                        r.int(c.acceptedAt.epochMilliseconds)
                        r.text("researching")
                        r.text(c.screening.rag?.rawValue)
                        r.int(nil as Int64?)
                        r.text("research requested from \(c.asked.map(\.name).joined(separator: ", "))")
                    }
                }
                if let d {
                    try event.insert { r in
                        r.int(c.seq)
                        r.int(d.decidedAt.epochMilliseconds)
                        r.text("decided")
                        r.text(d.rag?.rawValue)
                        r.int(d.level)
                        r.text("decided: \(d.outcome)")
                    }
                }
            }
            let answer = try BulkInsert(
                db, sql: "INSERT OR IGNORE INTO research_answers (case_seq, agency, responded_at, accepted_at, line, late) VALUES (?, ?, ?, ?, ?, ?)")
            for a in ans {
                try answer.insert { r in
                    r.int(a.seq)
                    r.text(a.agency.name)
                    r.int(a.respondedAt.epochMilliseconds)
                    r.int(a.acceptedAt.epochMilliseconds)
                    r.text(a.line)
                    r.bool(a.late)
                }
            }
            let product = try BulkInsert(db, sql: "INSERT OR IGNORE INTO products (id, case_seq, kind, recipient, delivered_at) VALUES (?, ?, ?, ?, ?)")
            for (p, at) in ps {
                try product.insert { r in
                    r.text(p.id)
                    r.int(p.caseId.map { Int64($0.sequence) })
                    r.text(p.kind.rawValue)
                    r.text(p.recipient.name)
                    r.int(at.epochMilliseconds)
                }
            }
        }
        self.modelJSON = modelJSON
    }

    /// Waits for every batch, then makes the store a WAL store like a live one.
    public func finish() throws {
        try flush()
        try writer.finish()
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
    }
}
