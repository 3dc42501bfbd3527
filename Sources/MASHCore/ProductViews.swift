/// What each recipient may see (MASH.md, "proportionate and relevant"). Every view is built
/// here, from `CaseFacts`, by leaving out: the views are the only way facts reach a product.
public enum ProductViews {
    /// A child as a product shows it.
    public struct ChildView: Sendable, Hashable, Codable {
        public var surname: String?
        public var forenames: String?
        public var dateOfBirth: FullDate?
        public var unborn: Bool?
        public var expectedDate: FullDate?
        public var gender: String?
        public var ethnicity: String?
        public var nhsNumber: String?
        public var upn: String?
        public var address: Address?
        public var school: String?
        public var gp: String?
    }

    public struct Subject: Sendable, Hashable, Codable {
        public var children: [ChildView]
        public var authority: LocalAuthority
        /// CSC and police only: the earlier cases about these children (id, date, stream,
        /// outcome), the seed's "fullest information picture". Facts about the subject, so
        /// they sit under `subject` (formats.md: a product's facts are under `subject`,
        /// `household`, `concerns`, `findings` and `source`).
        public var history: [HistoryEntry]?

        public init(children: [ChildView], authority: LocalAuthority, history: [HistoryEntry]? = nil) {
            self.children = children
            self.authority = authority
            self.history = history
        }
    }

    /// Concern codes alone (research requests, early help), or codes with the sender's words.
    public enum Concerns: Sendable, Hashable, Encodable {
        case codes([ConcernCode])
        case worded([Concern])

        public func encode(to encoder: any Encoder) throws {
            switch self {
            case .codes(let c): try c.encode(to: encoder)
            case .worded(let w): try w.encode(to: encoder)
            }
        }
    }

    public struct FindingView: Sendable, Hashable, Codable {
        public var agency: Agency
        public var sealed: Bool
        public var summary: String
        public var indicators: [Indicator]?
    }

    public struct ReferrerView: Sendable, Hashable, Codable {
        public var name: String?
        public var role: String?
        public var organisation: String?
        public var phone: String?
        public var email: String?
        public var warrantNumber: String?
        public var professional: Bool
    }

    public struct Source: Sendable, Hashable, Codable {
        public var stream: NotificationStream?
        public var format: String?
        public var reference: String
        public var notifiedAt: String?
        public var referrer: ReferrerView?
        public var narrative: String?
        public var police: PoliceDetails?
        public var localAuthority: LocalAuthorityDetails?
    }

    public struct EscalationView: Sendable, Hashable, Codable {
        public var reasons: [String]
        public var unanswered: [Agency]?
        public var lateBySeconds: Int64?
        public var deadline: String?
        public var differences: [String]?
    }

    /// The words that stand for a referrer who is not a professional.
    public static let memberOfThePublic = "member of the public"

    static func identifiers(_ c: Child) -> ChildView {
        ChildView(
            surname: c.surname, forenames: c.forenames, dateOfBirth: c.dateOfBirth, unborn: c.unborn ? true : nil,
            expectedDate: c.expectedDate, nhsNumber: c.nhsNumber.map { $0.normalised ?? $0.value },
            upn: c.upn.map { $0.normalised ?? $0.value }, address: c.address)
    }

    /// Research requests: names, date of birth, address, NHS number and UPN.
    public static func researchSubject(_ f: CaseFacts) -> Subject {
        Subject(children: f.notification.children.map(identifiers), authority: f.notification.authority)
    }

    /// Early help: the child's identity and school.
    public static func earlyHelpSubject(_ f: CaseFacts) -> Subject {
        Subject(
            children: f.notification.children.map { c in
                var v = identifiers(c)
                v.school = c.school
                return v
            }, authority: f.notification.authority)
    }

    /// CSC and police: every detail of every child, and the child's earlier cases.
    public static func fullSubject(_ f: CaseFacts) -> Subject {
        Subject(
            children: f.notification.children.map { c in
                var v = identifiers(c)
                v.gender = c.gender
                v.ethnicity = c.ethnicity
                v.school = c.school
                v.gp = c.gp
                return v
            }, authority: f.notification.authority, history: f.history)
    }

    /// CSC and police: shareable findings in full; a sealed one only as its holder.
    public static func findings(_ f: CaseFacts) -> [FindingView] {
        f.answers.sorted { $0.agency < $1.agency }.flatMap { a in
            a.findings.map { finding in
                finding.shareable
                    ? FindingView(agency: a.agency, sealed: false, summary: finding.summary, indicators: finding.indicators)
                    : FindingView(agency: a.agency, sealed: true, summary: "confidential information held by \(a.agency)", indicators: nil)
            }
        }
    }

    /// CSC and police: the notification as received, the referrer named only if a professional.
    public static func fullSource(_ f: CaseFacts) -> Source {
        let n = f.notification
        let r = n.referrer
        let referrer =
            r.professional
            ? ReferrerView(
                name: r.name, role: r.role, organisation: r.organisation, phone: r.phone, email: r.email,
                warrantNumber: r.warrantNumber, professional: true)
            : ReferrerView(name: memberOfThePublic, professional: false)
        return Source(
            stream: n.stream, format: n.format, reference: n.sourceReference, notifiedAt: n.time.rfc3339Local,
            referrer: referrer, narrative: n.narrative, police: n.police, localAuthority: n.localAuthority)
    }

    /// The referrer's side: only their own reference.
    public static func referenceOnly(_ f: CaseFacts) -> Source {
        Source(reference: f.notification.sourceReference)
    }

    /// Rationale for early help: nothing drawn from findings (no police findings, no sealed
    /// items), which could reveal what another agency holds.
    public static func earlyHelpRationale(_ rationale: [RationaleEntry]) -> [RationaleEntry] {
        rationale.filter { !$0.rule.hasPrefix("indicator:") }
    }
}
