import GRDB
import MASHCore

/// What the store says about the service's state, for `STATUS=`, `mashctl status` and the
/// metrics: cases waiting per RAG, the oldest of them, today's intake per stream.
public struct StoreStatus: Sendable, Codable {
    /// Cases not yet decided, by screening RAG ("none" for open cases on their way).
    public var waiting: [String: Int]
    /// The same, by stage too: `new` (screened, nothing sent yet) and `researching`.
    public var waitingByStage: [String: [String: Int]]?
    public var oldestWaiting: Oldest?
    /// Cases accepted since `since`, by stream.
    public var acceptedToday: [String: Int]
    /// The model of the latest start or reload.
    public var deployment: Deployment?

    public struct Oldest: Sendable, Codable {
        public var caseId: String
        public var rag: String
        public var acceptedAt: Timestamp
        /// Set when its research is requested; nil before (stage `new`) and for a case that
        /// asks nobody.
        public var deadline: Timestamp?
        /// `new` (screened, nothing sent yet) or `researching`.
        public var stage: String?
    }

    public struct Deployment: Sendable, Codable {
        public var model: ModelIdentity
        public var standard: Bool
        public var differences: [String]
        public var source: String
        public var since: Timestamp
    }
}

extension CaseStore {
    /// Reads the status; `since` is the start of "today".
    public func status(since: Timestamp) async throws -> StoreStatus {
        try await pool.read { db in try Self.status(db, since: since) }
    }

    /// The same, blocking, for tools.
    public func statusNow(since: Timestamp) throws -> StoreStatus {
        try pool.read { db in try Self.status(db, since: since) }
    }

    static func status(_ db: Database, since: Timestamp) throws -> StoreStatus {
        do {
            var waiting: [String: Int] = [:]
            var byStage: [String: [String: Int]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT stage, rag, count(*) FROM cases INDEXED BY cases_waiting WHERE stage != 'decided' GROUP BY stage, rag")
            {
                let stage: String = row[0]
                let rag: String? = row[1]
                let n: Int = row[2]
                waiting[rag ?? "none", default: 0] += n
                byStage[stage, default: [:]][rag ?? "none", default: 0] += n
            }
            var oldest: StoreStatus.Oldest? = nil
            if let row = try Row.fetchOne(
                db, sql: "SELECT id, rag, accepted_at, deadline, stage FROM cases INDEXED BY cases_waiting WHERE stage != 'decided' ORDER BY seq LIMIT 1")
            {
                let deadline: Int64? = row["deadline"]
                let rag: String? = row["rag"]
                oldest = .init(
                    caseId: row["id"], rag: rag ?? "none", acceptedAt: Timestamp(epochMicroseconds: (row["accepted_at"] as Int64) * 1000),
                    deadline: deadline.map { Timestamp(epochMicroseconds: $0 * 1000) }, stage: row["stage"])
            }
            var today: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT stream, count(*) FROM cases WHERE accepted_at >= ? GROUP BY stream", arguments: [since.epochMilliseconds])
            {
                today[row[0]] = row[1]
            }
            var deployment: StoreStatus.Deployment? = nil
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM deployments ORDER BY rowid DESC LIMIT 1") {
                let differences: String = row["differences"]
                deployment = .init(
                    model: ModelIdentity(name: row["model_name"], version: row["model_version"], checksum: row["model_checksum"]),
                    standard: row["standard"], differences: differences.isEmpty ? [] : differences.split(separator: "\n").map(String.init),
                    source: row["source"], since: Timestamp(epochMicroseconds: (row["started_at"] as Int64) * 1000))
            }
            return StoreStatus(
                waiting: waiting, waitingByStage: byStage, oldestWaiting: oldest, acceptedToday: today, deployment: deployment)
        }
    }
}
