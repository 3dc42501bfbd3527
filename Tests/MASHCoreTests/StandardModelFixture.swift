import MASHCore

/// `london-standard` version 1, typed by hand from the tables of MASH.md. The core tests may not
/// depend on MASHWire, so they cannot read `StandardModel.model`; this is an independent copy.
enum HandStandardModel {
    /// MASH.md "Concern codes and base levels", as the table writes the codes.
    static let baseLevels: [(code: String, level: Int)] = [
        ("sexual-abuse", 4), ("fgm", 4), ("trafficking", 4), ("sexual-exploitation", 4),
        ("physical-abuse", 3), ("domestic-abuse", 3), ("neglect", 3), ("criminal-exploitation", 3),
        ("missing", 3), ("radicalisation", 3), ("self-harm", 3), ("honour-based-abuse", 3),
        ("emotional-abuse", 2), ("parental-mental-health", 2), ("parental-substance-misuse", 2),
        ("child-mental-health", 2), ("child-substance-misuse", 2), ("young-carer", 2),
        ("online-harm", 2), ("housing", 2),
        ("other", 1),
    ]

    static func code(_ s: String) -> ConcernCode {
        guard let c = ConcernCode(rawValue: s) else { fatalError("MASH.md concern code \(s) is not a ConcernCode") }
        return c
    }

    static let model = RiskModel(
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

/// Builders for notifications in the shape the screener reads.
enum Fixture {
    /// A distinctive name, so a test can show it never reaches a rationale.
    static let forename = "Zebedee"
    static let middleName = "Ottoline"
    static let surname = "Quillfeather"

    static func date(_ s: String) -> FullDate {
        guard let d = FullDate(rfc3339: s) else { fatalError("bad fixture date \(s)") }
        return d
    }

    static func time(_ s: String) -> Timestamp {
        guard let t = Timestamp(rfc3339: s) else { fatalError("bad fixture time \(s)") }
        return t
    }

    /// A child born on `dob` (nil and `unborn` for an unborn child).
    static func child(dob: String?, unborn: Bool = false, expected: String? = nil) -> Child {
        Child(
            surname: surname, forenames: "\(forename) \(middleName)", dateOfBirth: dob.map(date), unborn: unborn,
            expectedDate: expected.map(date))
    }

    /// Ten years old on the default notification date.
    static let schoolChild = child(dob: "2016-05-14")
    static let unbornChild = child(dob: nil, unborn: true, expected: "2027-02-01")

    static func notification(
        stream: NotificationStream, time t: String = "2026-11-26T21:14:00Z", concerns: [ConcernCode] = [],
        children: [Child] = [schoolChild], officerRisk: OfficerRisk? = nil, informationExchange: Bool = false,
        immediateRisk: Bool = false, openCase: Bool = false
    ) -> MASHNotification {
        MASHNotification(
            format: stream == .police ? "merlin/1" : "la-referral/1", stream: stream,
            sourceReference: stream == .police ? "MER-26-114072" : "HK-C-0049113",
            authority: LocalAuthority.named("Hackney")!, time: time(t), children: children,
            concerns: concerns.map { Concern(code: $0, wording: nil) },
            referrer: Referrer(name: "PC J Patel", professional: true),
            flags: NotificationFlags(
                immediateRisk: immediateRisk, openCase: openCase, officerRisk: officerRisk,
                informationExchange: informationExchange),
            narrative: "\(forename) \(surname) was present.")
    }
}
