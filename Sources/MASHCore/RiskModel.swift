/// A risk and threshold model: the rules of MASH.md as data. The rule *kinds* are code (a
/// floor, a modifier, an override); their numbers, codes, timescales and recipients are here,
/// so that a borough's variation is a different value of this type, reported, never a code
/// change.
public struct RiskModel: Sendable, Hashable {
    public var name: String
    public var version: Int
    /// Base level, 1 to 4, of every concern code.
    public var concernLevels: [ConcernCode: Int]
    /// A police officer's `high` risk raises the level to at least this.
    public var policeHighRiskFloor: Int
    public var underOneOrUnborn: UnderOneRule
    public var toxicTrio: ToxicTrioRule
    public var repeatRule: RepeatRule
    public var informationExchange: InformationExchangeRule
    public var immediateRisk: ImmediateRiskRule
    /// What each research indicator does to the level.
    public var indicators: [Indicator: IndicatorEffect]
    /// The RAG of each level 1 to 4.
    public var ragForLevel: [Int: RAG]
    /// Seconds from acceptance to the research and decision deadline, per RAG (none for Blue).
    public var timescales: [RAG: Int64]
    /// Who gets a research request, per RAG.
    public var researchRecipients: [RAG: [Agency]]
    /// Outcome and information-product recipients per final level 1 to 4.
    public var outcomes: [Int: OutcomeRule]
    /// The outcome for a child with an open, allocated CSC case.
    public var openCase: OutcomeRule
    /// Who gets the outcome notice, per stream.
    public var outcomeNotice: [NotificationStream: Agency]
    /// Who gets escalations.
    public var escalationRecipient: Agency

    public static let maximumLevel = 4
    public static let minimumLevel = 1

    public init(
        name: String, version: Int, concernLevels: [ConcernCode: Int], policeHighRiskFloor: Int,
        underOneOrUnborn: UnderOneRule, toxicTrio: ToxicTrioRule, repeat: RepeatRule,
        informationExchange: InformationExchangeRule, immediateRisk: ImmediateRiskRule,
        indicators: [Indicator: IndicatorEffect], ragForLevel: [Int: RAG], timescales: [RAG: Int64],
        researchRecipients: [RAG: [Agency]], outcomes: [Int: OutcomeRule], openCase: OutcomeRule,
        outcomeNotice: [NotificationStream: Agency], escalationRecipient: Agency
    ) {
        self.name = name
        self.version = version
        self.concernLevels = concernLevels
        self.policeHighRiskFloor = policeHighRiskFloor
        self.underOneOrUnborn = underOneOrUnborn
        self.toxicTrio = toxicTrio
        self.repeatRule = `repeat`
        self.informationExchange = informationExchange
        self.immediateRisk = immediateRisk
        self.indicators = indicators
        self.ragForLevel = ragForLevel
        self.timescales = timescales
        self.researchRecipients = researchRecipients
        self.outcomes = outcomes
        self.openCase = openCase
        self.outcomeNotice = outcomeNotice
        self.escalationRecipient = escalationRecipient
    }

    /// The RAG of a level; levels outside 1...4 are clamped.
    public func rag(forLevel level: Int) -> RAG {
        ragForLevel[min(max(level, Self.minimumLevel), Self.maximumLevel)] ?? .blue
    }

    public struct UnderOneRule: Sendable, Hashable {
        public var add: Int
        /// The level after the base and the police floor must be at least this.
        public var minimumLevel: Int
        public init(add: Int, minimumLevel: Int) {
            self.add = add
            self.minimumLevel = minimumLevel
        }
    }

    public struct ToxicTrioRule: Sendable, Hashable {
        public var add: Int
        /// All of these must be present.
        public var concerns: [ConcernCode]
        public init(add: Int, concerns: [ConcernCode]) {
            self.add = add
            self.concerns = concerns
        }
    }

    public struct RepeatRule: Sendable, Hashable {
        public var add: Int
        /// At least this many earlier notifications name the same child...
        public var earlierNotifications: Int
        /// ...within this many days up to and including this one's time.
        public var windowDays: Int
        public init(add: Int, earlierNotifications: Int, windowDays: Int) {
            self.add = add
            self.earlierNotifications = earlierNotifications
            self.windowDays = windowDays
        }
    }

    public struct InformationExchangeRule: Sendable, Hashable {
        public var officerRisk: OfficerRisk
        /// No concern outside this set may be present.
        public var onlyConcerns: [ConcernCode]
        public var level: Int
        public init(officerRisk: OfficerRisk, onlyConcerns: [ConcernCode], level: Int) {
            self.officerRisk = officerRisk
            self.onlyConcerns = onlyConcerns
            self.level = level
        }
    }

    public struct ImmediateRiskRule: Sendable, Hashable {
        public var level: Int
        public var rag: RAG
        /// Who gets the `urgent-strategy` product at once.
        public var urgentRecipients: [Agency]
        public init(level: Int, rag: RAG, urgentRecipients: [Agency]) {
            self.level = level
            self.rag = rag
            self.urgentRecipients = urgentRecipients
        }
    }

    public enum IndicatorEffect: Sendable, Hashable {
        case none
        case add(Int)
        case setLevel(Int)
    }

    public struct OutcomeRule: Sendable, Hashable {
        public var outcome: String
        public var recipients: [Agency]
        public init(outcome: String, recipients: [Agency]) {
            self.outcome = outcome
            self.recipients = recipients
        }
    }
}

/// Which model made a decision: its name, version and the SHA-256 of its canonical form. It
/// goes into every screening and decision, so a decision can always be traced to its rules.
public struct ModelIdentity: Sendable, Hashable, Codable {
    public var name: String
    public var version: Int
    public var checksum: String

    public init(name: String, version: Int, checksum: String) {
        self.name = name
        self.version = version
        self.checksum = checksum
    }
}
