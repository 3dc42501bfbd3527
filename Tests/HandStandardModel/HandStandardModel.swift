import MASHCore

/// `london-standard` version 1, typed by hand from the tables of MASH.md: the expectation the
/// core tests screen with (they may not depend on MASHWire) and the wire tests compare the
/// embedded model with, kept in one place.
public enum HandStandardModel {
    /// MASH.md "Concern codes and base levels", as the table writes the codes.
    public static let baseLevels: [(code: String, level: Int)] = [
        ("sexual-abuse", 4), ("fgm", 4), ("trafficking", 4), ("sexual-exploitation", 4),
        ("physical-abuse", 3), ("domestic-abuse", 3), ("neglect", 3), ("criminal-exploitation", 3),
        ("missing", 3), ("radicalisation", 3), ("self-harm", 3), ("honour-based-abuse", 3),
        ("emotional-abuse", 2), ("parental-mental-health", 2), ("parental-substance-misuse", 2),
        ("child-mental-health", 2), ("child-substance-misuse", 2), ("young-carer", 2),
        ("online-harm", 2), ("housing", 2),
        ("other", 1),
    ]

    public static func code(_ s: String) -> ConcernCode {
        guard let c = ConcernCode(rawValue: s) else { fatalError("MASH.md concern code \(s) is not a ConcernCode") }
        return c
    }

    public static let model = RiskModel(
        name: "london-standard", version: 1,
        concernLevels: Dictionary(uniqueKeysWithValues: baseLevels.map { (code($0.code), $0.level) }),
        policeHighRiskFloor: 3,
        underOneOrUnborn: .init(add: 1, minimumLevel: 2),
        toxicTrio: .init(add: 1, concerns: [code("domestic-abuse"), code("parental-mental-health"), code("parental-substance-misuse")]),
        repeat: .init(add: 1, earlierNotifications: 2, windowDays: 365),
        informationExchange: .init(officerRisk: .low, onlyConcerns: [code("other")], level: 1),
        immediateRisk: .init(level: 4, rag: .red, urgentRecipients: [Agency("csc"), Agency("police")]),
        indicators: [
            .sexOffenderInHousehold: .setLevel(4),
            .previousChildProtectionPlan: .add(1),
            .violentOffenderInHousehold: .add(1),
            .noTrace: RiskModel.IndicatorEffect.none,
        ],
        ragForLevel: [4: .red, 3: .amber, 2: .green, 1: .blue],
        timescales: [.red: 4 * 3600, .amber: 24 * 3600, .green: 72 * 3600],
        researchRecipients: [
            .red: ["police", "health", "education", "probation", "housing", "yos"],
            .amber: ["police", "health", "education", "housing"],
            .green: ["health", "education"],
            .blue: [],
        ],
        outcomes: [
            4: .init(outcome: "strategy-discussion", recipients: ["csc", "police"]),
            3: .init(outcome: "csc-assessment", recipients: ["csc"]),
            2: .init(outcome: "early-help", recipients: ["early-help"]),
            1: .init(outcome: "nfa-signpost", recipients: []),
        ],
        openCase: .init(outcome: "forward-to-allocated-team", recipients: ["csc"]),
        outcomeNotice: [.police: "police", .localAuthority: "referrer-feedback"],
        escalationRecipient: "mash-manager")
}

