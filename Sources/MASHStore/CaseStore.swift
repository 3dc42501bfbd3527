import Foundation
import GRDB
import Logging
import MASHCore
import MASHWire

/// The durable store: SQLite in WAL mode with `synchronous=FULL`, so that a committed
/// transaction survives a power cut. Intake lines are committed in groups (one transaction,
/// one fsync for many lines) and a line is acknowledged only after its group has committed.
/// The disk is the truth: everything else mashd holds is rebuilt from here.
public final class CaseStore: Sendable {
    /// How commits reach the disk.
    public enum Durability: String, Sendable {
        /// `synchronous=FULL`: every commit is fsynced. The only setting for real use.
        case full
        /// `synchronous=OFF`: for benchmark comparison only; an `ok` then promises nothing.
        case unsafeOff = "off"
    }

    public let path: String
    let pool: DatabasePool
    let gate = WriteGate()
    /// Intake's shortcut past queries that would find nothing; nil when reading only.
    let index: IntakeIndex?

    /// Who is writing, for the order of writes (see `WriteGate`).
    public enum WritePriority: Sendable {
        case urgent, background
        var gate: WriteGate.Priority { self == .urgent ? .urgent : .background }
    }

    /// Runs a write transaction when the gate lets it.
    func write<T: Sendable>(_ priority: WriteGate.Priority, _ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await gate.run(priority) { try await pool.write(updates) }
    }

    /// Whether intake is committing lines now or did within `interval`: background work
    /// waits for a gap (see `ProcessEngine`).
    public func intakeActive(within interval: Duration) -> Bool { gate.intakeActive(within: interval) }

    /// Opens (creating if need be) and migrates the store at `path`.
    public init(path: String, durability: Durability = .full) throws {
        self.path = path
        var config = Configuration()
        config.label = "mashd.store"
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        pool = try DatabasePool(path: path, configuration: config)
        // DatabasePool sets synchronous=NORMAL on its connections after prepareDatabase runs,
        // which would let a power cut lose acknowledged lines. Set it on the writer here.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .full ? "FULL" : "OFF")")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        try StoreSchema.migrator.migrate(pool)
        index = try pool.read { try IntakeIndex($0) }
    }

    /// The writer's own automatic checkpoint when a `StoreCheckpointer` runs beside it: a
    /// backstop, 40 MB of log, well above what the checkpointer lets build up.
    public static let backstopCheckpointPages = 10_000

    /// A connection of its own for `StoreCheckpointer`, and the writer's automatic checkpoint
    /// raised to the backstop. Its checkpoints sync the log before copying it and the database
    /// file after: with `synchronous=OFF` a checkpoint would mark frames copied that are not on
    /// disk, and the writer would then overwrite them.
    func checkpointConnection() throws -> DatabaseQueue {
        var config = Configuration()
        config.label = "mashd.store.checkpoint"
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let connection = try DatabaseQueue(path: path, configuration: config)
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.backstopCheckpointPages)")
        }
        return connection
    }

    /// Opens an existing store for reading only, for `mashctl` while the daemon runs or not.
    public init(readingAt path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError("no store at \(path): is this the state directory mashd ran with?")
        }
        self.path = path
        var config = Configuration()
        config.readonly = true
        config.label = "mashctl.store"
        config.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: config)
        index = nil
    }

    /// The writer connection's `synchronous` setting: 2 is FULL.
    public func synchronousSetting() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Commits a group of decoded lines in one transaction and returns one outcome per line,
    /// in order. When the group cannot commit, each line is retried alone so that one
    /// poisonous line cannot refuse its neighbours; a line that still fails is `busy`.
    public func commit(_ lines: [IntakeLine], acceptedAt: Timestamp, model: ScreeningModel) async -> [CommitOutcome] {
        await commitWithEvents(lines, acceptedAt: acceptedAt, model: model).outcomes
    }

    /// Commits like `commit`, and also returns what the process engine must hear: new cases
    /// and research answers, in commit order.
    public func commitWithEvents(_ lines: [IntakeLine], acceptedAt: Timestamp, model: ScreeningModel) async
        -> (outcomes: [CommitOutcome], events: [IntakeEvent])
    {
        do {
            return try await write(.intake) { db in
                guard let index = self.index else { throw StoreError("the store was opened for reading only") }
                var tx = try IntakeTransaction(db: db, acceptedAt: acceptedAt, model: model, index: index)
                let outcomes = try lines.map { try tx.accept($0) }
                return (outcomes, tx.events)
            }
        } catch {
            guard lines.count > 1 else {
                return ([.rejected(IntakeError(.busy, "the store could not commit this line (\(Self.describe(error))); retry later"))], [])
            }
            var outcomes: [CommitOutcome] = [], events: [IntakeEvent] = []
            for line in lines {
                let one = await commitWithEvents([line], acceptedAt: acceptedAt, model: model)
                outcomes += one.outcomes
                events += one.events
            }
            return (outcomes, events)
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return "SQLite error \(e.resultCode.rawValue): \(e.message ?? "")" }
        return "\(error)"
    }

    /// Reads one case, for `mashctl case`.
    public func caseRecord(_ id: CaseID) throws -> CaseRecord? {
        try pool.read { db in try CaseRecord.fetch(db, id: id) }
    }

    /// Counts, for tests and status.
    public func counts() throws -> (cases: Int, research: Int) {
        try pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM cases") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM research_answers") ?? 0)
        }
    }

    /// Every (format, source reference, case id), for tests and audits.
    public func allReferences() throws -> [(format: String, ref: String, id: String)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT format, source_ref, id FROM cases ORDER BY seq").map {
                (format: $0[0], ref: $0[1], id: $0[2])
            }
        }
    }
}

/// The model screening runs with, and its identity for the record.
public struct ScreeningModel: Sendable {
    public var model: RiskModel
    public var identity: ModelIdentity

    public init(model: RiskModel, identity: ModelIdentity) {
        self.model = model
        self.identity = identity
    }

    public static let standard = ScreeningModel(model: StandardModel.model, identity: CanonicalModel.identity(StandardModel.model))
}

/// What the process engine hears of a committed group.
public enum IntakeEvent: Sendable, Hashable {
    /// A new case, to start, with what intake already knows of it (the engine keeps it in memory
    /// so that starting the case reads nothing back from the store).
    case newCase(WorkItem, CaseFacts)
    /// A research answer for case `sequence`.
    case answer(sequence: Int64, agency: Agency, late: Bool)
}

/// The result of committing one line.
public enum CommitOutcome: Sendable, Hashable {
    /// Accepted now or before (`duplicate`). `rag` is the screening RAG, `"none"` for an open
    /// case, nil for a research answer.
    case accepted(id: CaseID, ref: String, rag: String?, duplicate: Bool, warnings: [IntakeWarning])
    case rejected(IntakeError)
}

/// A store failure worth a sentence of its own.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
