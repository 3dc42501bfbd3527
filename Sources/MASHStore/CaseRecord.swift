import Foundation
import GRDB
import MASHCore

/// One case as the store holds it, for `mashctl case` and for tests. The notification itself
/// is the line as received; the reader re-decodes it where it needs the canonical form.
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
    public var research: [ResearchRecord]

    public struct ResearchRecord: Sendable {
        public var agency: String
        public var respondedAt: Timestamp
        public var acceptedAt: Timestamp
        public var line: String
    }

    /// A stored warning (the wire type lives in MASHWire; the store reads its JSON).
    public struct IntakeWarningRecord: Sendable, Codable {
        public var code: String
        public var field: String
    }

    static func fetch(_ db: Database, id: CaseID) throws -> CaseRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM cases WHERE id = ?", arguments: [id.text]) else { return nil }
        let decoder = JSONDecoder()
        let seq: Int64 = row["seq"]
        let research = try Row.fetchAll(
            db, sql: "SELECT agency, responded_at, accepted_at, line FROM research_answers WHERE case_seq = ? ORDER BY accepted_at, agency",
            arguments: [seq]
        ).map {
            ResearchRecord(
                agency: $0["agency"], respondedAt: Timestamp(epochMicroseconds: ($0["responded_at"] as Int64) * 1000),
                acceptedAt: Timestamp(epochMicroseconds: ($0["accepted_at"] as Int64) * 1000), line: $0["line"])
        }
        let warnings: String? = row["warnings"]
        return CaseRecord(
            id: id, format: row["format"], sourceReference: row["source_ref"], stream: row["stream"],
            authority: row["authority"],
            notifiedAt: Timestamp(epochMicroseconds: (row["notified_at"] as Int64) * 1000),
            acceptedAt: Timestamp(epochMicroseconds: (row["accepted_at"] as Int64) * 1000),
            screening: try decoder.decode(Screening.self, from: Data((row["screening"] as String).utf8)),
            model: try decoder.decode(ModelIdentity.self, from: Data((row["model"] as String).utf8)),
            warnings: try warnings.map { try decoder.decode([IntakeWarningRecord].self, from: Data($0.utf8)) } ?? [],
            line: row["line"], research: research)
    }
}
