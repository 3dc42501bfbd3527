import Foundation

/// An information product: one JSON file for one agency's outbox. Its id is a function of
/// (case, kind, recipient), so a product rebuilt after a crash has the name of the one that
/// may already be delivered, and is never delivered twice.
public struct Product: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case researchRequest = "research-request"
        case urgentStrategy = "urgent-strategy"
        case informationProduct = "information-product"
        case outcomeNotice = "outcome-notice"
        case escalation
    }

    public var id: String
    public var caseId: CaseID?
    public var kind: Kind
    public var recipient: Agency
    /// The file's content: one JSON object with sorted keys, ending in a newline.
    public var body: [UInt8]

    public init(id: String, caseId: CaseID?, kind: Kind, recipient: Agency, body: [UInt8]) {
        self.id = id
        self.caseId = caseId
        self.kind = kind
        self.recipient = recipient
        self.body = body
    }

    /// `100-01W.research-request.health`: only `A-Za-z0-9._-`, as a Maildir name must be.
    public static func id(case caseId: CaseID, kind: Kind, recipient: Agency) -> String {
        "\(caseId.text).\(kind.rawValue).\(recipient.name)"
    }
}

/// The JSON document of a product. Optional sections are left out when nil; `caseId`, `rag`
/// and `level` are written as null where a kind carries them without a value.
struct ProductDocument: Encodable {
    var id: String
    var caseId: CaseID?
    var kind: Product.Kind
    var recipient: Agency
    var createdAt: Timestamp
    var model: ModelIdentity
    var hasRAG: Bool
    var rag: RAG?
    var level: Int?
    var outcome: String?
    var rationale: [RationaleEntry]?
    var deadline: Timestamp?
    var subject: ProductViews.Subject?
    var household: [HouseholdMember]?
    var concerns: ProductViews.Concerns?
    var findings: [ProductViews.FindingView]?
    var source: ProductViews.Source?
    var history: [HistoryEntry]?
    var escalation: ProductViews.EscalationView?
    var decidedAt: Timestamp?

    enum CodingKeys: String, CodingKey {
        case id, caseId, kind, recipient, createdAt, model, rag, level, outcome, rationale, deadline, subject, household,
            concerns, findings, source, history, escalation, decidedAt
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(caseId, forKey: .caseId)
        try c.encode(kind, forKey: .kind)
        try c.encode(recipient, forKey: .recipient)
        try c.encode(createdAt.rfc3339UTC, forKey: .createdAt)
        try c.encode(model, forKey: .model)
        if hasRAG {
            try c.encode(rag, forKey: .rag)
            try c.encode(level, forKey: .level)
        }
        try c.encodeIfPresent(outcome, forKey: .outcome)
        try c.encodeIfPresent(rationale, forKey: .rationale)
        try c.encodeIfPresent(deadline?.rfc3339UTC, forKey: .deadline)
        try c.encodeIfPresent(subject, forKey: .subject)
        try c.encodeIfPresent(household, forKey: .household)
        try c.encodeIfPresent(concerns, forKey: .concerns)
        try c.encodeIfPresent(findings, forKey: .findings)
        try c.encodeIfPresent(source, forKey: .source)
        try c.encodeIfPresent(history, forKey: .history)
        try c.encodeIfPresent(escalation, forKey: .escalation)
        try c.encodeIfPresent(decidedAt?.rfc3339UTC, forKey: .decidedAt)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    func product() -> Product {
        // Encoding plain value types cannot fail; a failure here is a programming error.
        var body = (try? Self.encoder.encode(self)).map(Array.init) ?? Array("{}".utf8)
        body.append(0x0A)
        return Product(id: id, caseId: caseId, kind: kind, recipient: recipient, body: body)
    }
}
