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

/// The JSON document of a product (`ProductJSON.swift` writes it). Optional sections are left
/// out when nil; `caseId`, `rag` and `level` are written as null where a kind carries them
/// without a value.
struct ProductDocument: Sendable {
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
    var escalation: ProductViews.EscalationView?
    var decidedAt: Timestamp?

    func product() -> Product {
        Product(id: id, caseId: caseId, kind: kind, recipient: recipient, body: json)
    }

    var pending: PendingProduct { PendingProduct(box: .init(self)) }
}

/// A product whose bytes are not written yet: the dry run renders products on another thread
/// while its simulation goes on. The content is fixed; only the serialisation is deferred.
/// The document is boxed: a dry run copies millions of these between queues, and a copy is
/// then one reference count, not one for each of the document's twenty fields.
public struct PendingProduct: Sendable {
    final class Box: Sendable {
        let document: ProductDocument
        init(_ document: ProductDocument) { self.document = document }
    }

    let box: Box
    var document: ProductDocument { box.document }
    public var id: String { document.id }
    public var kind: Product.Kind { document.kind }
    public var recipient: Agency { document.recipient }
    public var caseId: CaseID? { document.caseId }
    public func render() -> Product { document.product() }
}
