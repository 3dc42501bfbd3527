import Foundation
import GRDB
import MASHCore

/// One case as the store holds it, for `mashctl case` and for tests: the line as received, its
/// screening, where it is in the process, who was asked and who answered, its decision and
/// every product delivered.
public struct CaseRecord: Sendable {
    public var id: CaseID
    public var format: String
    public var sourceReference: String
    public var stream: String
    public var authority: String
    public var notifiedAt: Timestamp
    public var acceptedAt: Timestamp
    public var screening: Screening
    public var model: ModelIdentity
    public var warnings: [IntakeWarningRecord]
    public var line: String
    public var stage: CaseStage
    public var deadline: Timestamp?
    public var decision: Decision?
    public var asked: [String]
    public var research: [ResearchRecord]
    public var events: [EventRecord]
    public var products: [ProductRecord]

    public struct ResearchRecord: Sendable {
        public var agency: String
        public var respondedAt: Timestamp
        public var acceptedAt: Timestamp
        public var late: Bool
        public var line: String
    }

    public struct EventRecord: Sendable, Codable {
        public var at: String
        public var stage: String
        public var rag: String?
        public var level: Int?
        public var note: String
    }

    public struct ProductRecord: Sendable {
        public var id: String
        public var kind: String
        public var recipient: String
        public var deliveredAt: Timestamp
    }

    /// A stored warning (the wire type lives in MASHWire; the store reads its JSON).
    public struct IntakeWarningRecord: Sendable, Codable {
        public var code: String
        public var field: String
    }

    static func time(_ ms: Int64) -> Timestamp { Timestamp(epochMicroseconds: ms * 1000) }

    static func fetch(_ db: Database, id: CaseID) throws -> CaseRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM cases WHERE id = ?", arguments: [id.text]) else { return nil }
        let decoder = JSONDecoder()
        let seq: Int64 = row["seq"]
        let research = try Row.fetchAll(
            db,
            sql: "SELECT agency, responded_at, accepted_at, late, line FROM research_answers WHERE case_seq = ? ORDER BY accepted_at, agency",
            arguments: [seq]
        ).map { r in
            ResearchRecord(
                agency: r["agency"], respondedAt: time(r["responded_at"]), acceptedAt: time(r["accepted_at"]),
                late: r["late"], line: r["line"])
        }
        let screeningJSON: String = row["screening"]
        let modelJSON: String = row["model"]
        let warnings: String? = row["warnings"]
        let decisionJSON: String? = row["decision"]
        let deadline: Int64? = row["deadline"]
        let rag: String? = row["rag"]
        let level: Int? = row["level"]
        let acceptedAt = time(row["accepted_at"])
        var events = [EventRecord(at: acceptedAt.rfc3339UTC, stage: CaseStage.new.rawValue, rag: rag ?? "none", level: level, note: "accepted and screened")]
        events += try Row.fetchAll(
            db, sql: "SELECT at, stage, rag, level, note FROM case_events WHERE case_seq = ? ORDER BY rowid", arguments: [seq]
        ).map { r in
            EventRecord(at: time(r["at"]).rfc3339UTC, stage: r["stage"], rag: r["rag"], level: r["level"], note: r["note"])
        }
        let products = try Row.fetchAll(
            db, sql: "SELECT id, kind, recipient, delivered_at FROM products WHERE case_seq = ? ORDER BY delivered_at, id",
            arguments: [seq]
        ).map { r in ProductRecord(id: r["id"], kind: r["kind"], recipient: r["recipient"], deliveredAt: time(r["delivered_at"])) }
        return CaseRecord(
            id: id, format: row["format"], sourceReference: row["source_ref"], stream: row["stream"],
            authority: row["authority"], notifiedAt: time(row["notified_at"]), acceptedAt: acceptedAt,
            screening: try decoder.decode(Screening.self, from: Data(screeningJSON.utf8)),
            model: try decoder.decode(ModelIdentity.self, from: Data(modelJSON.utf8)),
            warnings: try warnings.map { try decoder.decode([IntakeWarningRecord].self, from: Data($0.utf8)) } ?? [],
            line: row["line"], stage: CaseStage(rawValue: row["stage"]) ?? .new, deadline: deadline.map(time),
            decision: try decisionJSON.map { try decoder.decode(Decision.self, from: Data($0.utf8)) },
            asked: try String.fetchAll(
                db, sql: "SELECT agency FROM research_requests WHERE case_seq = ? ORDER BY agency", arguments: [seq]),
            research: research, events: events, products: products)
    }
}
