/// The canonical notification: one shape for both streams, so the model, the store and the
/// products never ask which adapter a concern came through, only what it says.
public struct MASHNotification: Sendable, Hashable, Codable {
    /// The wire format it arrived in (`merlin/1`, `la-referral/1`).
    public var format: String
    public var stream: NotificationStream
    /// The sender's reference: `merlinRef` or `contactId`. With `format`, it is the duplicate key.
    public var sourceReference: String
    public var authority: LocalAuthority
    /// When the sender recorded it (`createdAt`, `receivedAt`); ages and the repeat window count
    /// from here.
    public var time: Timestamp
    public var children: [Child]
    public var household: [HouseholdMember]
    public var concerns: [Concern]
    public var referrer: Referrer
    public var flags: NotificationFlags
    /// The free-text account: police `circumstances`, a referrer's `description`.
    public var narrative: String?
    /// Police-only detail.
    public var police: PoliceDetails?
    /// Local-authority-only detail.
    public var localAuthority: LocalAuthorityDetails?

    public init(
        format: String, stream: NotificationStream, sourceReference: String, authority: LocalAuthority,
        time: Timestamp, children: [Child], household: [HouseholdMember] = [], concerns: [Concern],
        referrer: Referrer, flags: NotificationFlags, narrative: String? = nil,
        police: PoliceDetails? = nil, localAuthority: LocalAuthorityDetails? = nil
    ) {
        self.format = format
        self.stream = stream
        self.sourceReference = sourceReference
        self.authority = authority
        self.time = time
        self.children = children
        self.household = household
        self.concerns = concerns
        self.referrer = referrer
        self.flags = flags
        self.narrative = narrative
        self.police = police
        self.localAuthority = localAuthority
    }

    /// The distinct concern codes, in code order.
    public var concernCodes: [ConcernCode] { Array(Set(concerns.map(\.code))).sorted() }
}

/// The two equal streams of the seed.
public enum NotificationStream: String, Sendable, Hashable, Codable, CaseIterable {
    case police
    case localAuthority = "local-authority"
}

/// What the model reads besides concerns and children.
public struct NotificationFlags: Sendable, Hashable, Codable {
    /// Police protection considered or used, or immediate protection needed.
    public var immediateRisk: Bool
    /// The child has an open, allocated CSC case.
    public var openCase: Bool
    /// The officer's risk category (police only).
    public var officerRisk: OfficerRisk?
    /// A police information exchange rather than a formal referral.
    public var informationExchange: Bool

    public init(immediateRisk: Bool = false, openCase: Bool = false, officerRisk: OfficerRisk? = nil, informationExchange: Bool = false) {
        self.immediateRisk = immediateRisk
        self.openCase = openCase
        self.officerRisk = officerRisk
        self.informationExchange = informationExchange
    }
}

public enum OfficerRisk: String, Sendable, Hashable, Codable, CaseIterable {
    case high, low
}

/// Fields only a Merlin report has.
public struct PoliceDetails: Sendable, Hashable, Codable {
    public var trigger: String
    public var referralType: String
    public var ecmOutcomesUnmet: [String]
    public var crisRef: String?
    public var officerUnit: String?

    public init(trigger: String, referralType: String, ecmOutcomesUnmet: [String] = [], crisRef: String? = nil, officerUnit: String? = nil) {
        self.trigger = trigger
        self.referralType = referralType
        self.ecmOutcomesUnmet = ecmOutcomesUnmet
        self.crisRef = crisRef
        self.officerUnit = officerUnit
    }
}

/// Fields only a front-door contact has.
public struct LocalAuthorityDetails: Sendable, Hashable, Codable {
    /// The children-in-need census referral source code (`2A`).
    public var source: String
    public var consent: Consent?

    public init(source: String, consent: Consent? = nil) {
        self.source = source
        self.consent = consent
    }
}

public struct Consent: Sendable, Hashable, Codable {
    public var parentsInformed: Bool?
    public var consentGiven: Bool?
    public var givenBy: String?
    public var reasonIfNot: String?

    public init(parentsInformed: Bool? = nil, consentGiven: Bool? = nil, givenBy: String? = nil, reasonIfNot: String? = nil) {
        self.parentsInformed = parentsInformed
        self.consentGiven = consentGiven
        self.givenBy = givenBy
        self.reasonIfNot = reasonIfNot
    }
}
