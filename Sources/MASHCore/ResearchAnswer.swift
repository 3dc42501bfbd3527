/// An agency's answer to a research request. Its source reference is `caseId/agency`: one
/// answer per agency per case, so a resend is a duplicate, never a second finding.
public struct ResearchAnswer: Sendable, Hashable, Codable {
    public var caseId: CaseID
    public var agency: Agency
    public var respondedAt: Timestamp
    public var findings: [Finding]

    public init(caseId: CaseID, agency: Agency, respondedAt: Timestamp, findings: [Finding]) {
        self.caseId = caseId
        self.agency = agency
        self.respondedAt = respondedAt
        self.findings = findings
    }

    public var sourceReference: String { "\(caseId)/\(agency)" }
}

/// What one agency knows. A sealed finding's indicators count, but its summary never leaves
/// the MASH: products say only "confidential information held by AGENCY".
public struct Finding: Sendable, Hashable, Codable {
    public var summary: String
    public var shareable: Bool
    public var indicators: [Indicator]

    public init(summary: String, shareable: Bool, indicators: [Indicator] = []) {
        self.summary = summary
        self.shareable = shareable
        self.indicators = indicators
    }
}

/// The risk indicators a finding may carry (MASH.md, step 6).
public enum Indicator: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case sexOffenderInHousehold = "sex-offender-in-household"
    case previousChildProtectionPlan = "previous-child-protection-plan"
    case violentOffenderInHousehold = "violent-offender-in-household"
    case noTrace = "no-trace"

    public static func < (a: Indicator, b: Indicator) -> Bool { a.rawValue < b.rawValue }
}

/// An agency name. The list is a setting, so this is a checked string, not an enum.
public struct Agency: Sendable, Hashable, Codable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }

    public var description: String { name }

    public static func < (a: Agency, b: Agency) -> Bool { a.name < b.name }

    public init(from decoder: any Decoder) throws { name = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }

    public static let csc: Agency = "csc"
    public static let police: Agency = "police"
    public static let health: Agency = "health"
    public static let education: Agency = "education"
    public static let earlyHelp: Agency = "early-help"
    public static let probation: Agency = "probation"
    public static let housing: Agency = "housing"
    public static let yos: Agency = "yos"
    public static let referrerFeedback: Agency = "referrer-feedback"
    public static let mashManager: Agency = "mash-manager"

    /// The agencies of formats.md, the default list.
    public static let standard: [Agency] = [
        .csc, .police, .health, .education, .earlyHelp, .probation, .housing, .yos, .referrerFeedback, .mashManager,
    ]
}
