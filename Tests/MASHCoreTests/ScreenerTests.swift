import HandStandardModel
import MASHCore
import Testing

/// The rule names a rationale may carry (MASH.md stage 1 and "Level, step by step").
enum Rule {
    static let base = "concern-base-level"
    static let floor = "police-high-risk-floor"
    static let underOne = "under-one-or-unborn"
    static let trio = "toxic-trio"
    static let repeats = "repeat"
    static let infoExchange = "information-exchange"
    static let immediate = "immediate-risk"
    static let openCase = "open-case"
    static let all: Set<String> = [base, floor, underOne, trio, repeats, infoExchange, immediate, openCase]
}

/// One screening scenario with its expected outcome, worked out by hand from MASH.md.
struct ScreenCase: Sendable, CustomTestStringConvertible {
    var label: String
    var stream: NotificationStream
    var concerns: [ConcernCode] = []
    var officerRisk: OfficerRisk? = nil
    var informationExchange = false
    var immediateRisk = false
    var openCase = false
    var children: [Child] = [Fixture.schoolChild]
    var time = "2026-11-26T21:14:00Z"
    var earlier = 0
    var route: Screening.Route = .standard
    var level: Int?
    var rag: RAG?
    /// Rules that must have an entry in the rationale.
    var fired: Set<String>
    /// Rules where MASH.md leaves open whether a rule with no effect "fired": not checked.
    var mayFire: Set<String> = []

    var testDescription: String { label }

    var notification: MASHNotification {
        Fixture.notification(
            stream: stream, time: time, concerns: concerns, children: children, officerRisk: officerRisk,
            informationExchange: informationExchange, immediateRisk: immediateRisk, openCase: openCase)
    }
}

// Police defaults: a formal referral with officer risk low unless the case says otherwise.
private func police(
    _ label: String, _ concerns: [ConcernCode] = [], risk: OfficerRisk = .low, ie: Bool = false,
    children: [Child] = [Fixture.schoolChild], time: String = "2026-11-26T21:14:00Z", earlier: Int = 0,
    immediate: Bool = false, open: Bool = false,
    level: Int?, rag: RAG?, route: Screening.Route = .standard, fired: Set<String>, mayFire: Set<String> = []
) -> ScreenCase {
    ScreenCase(
        label: "police: " + label, stream: .police, concerns: concerns, officerRisk: risk, informationExchange: ie,
        immediateRisk: immediate, openCase: open, children: children, time: time, earlier: earlier, route: route,
        level: level, rag: rag, fired: fired, mayFire: mayFire)
}

private func la(
    _ label: String, _ concerns: [ConcernCode] = [], ie: Bool = false, risk: OfficerRisk? = nil,
    children: [Child] = [Fixture.schoolChild], time: String = "2026-11-26T21:14:00Z", earlier: Int = 0,
    immediate: Bool = false, open: Bool = false,
    level: Int?, rag: RAG?, route: Screening.Route = .standard, fired: Set<String>, mayFire: Set<String> = []
) -> ScreenCase {
    ScreenCase(
        label: "LA: " + label, stream: .localAuthority, concerns: concerns, officerRisk: risk, informationExchange: ie,
        immediateRisk: immediate, openCase: open, children: children, time: time, earlier: earlier, route: route,
        level: level, rag: rag, fired: fired, mayFire: mayFire)
}

// 2026-11-26 minus 364 days is 2025-11-27 (checked with `date -d "2026-11-26 -364 days"`).
private let baby364 = Fixture.child(dob: "2025-11-27")
private let babyExactlyOne = Fixture.child(dob: "2025-11-26")
private let leapBaby = Fixture.child(dob: "2024-02-29")
private let unborn = Fixture.unbornChild

let screenCases: [ScreenCase] = [
    // Step 1.
    police("no concerns", level: 1, rag: .blue, fired: [Rule.base]),
    la("no concerns", level: 1, rag: .blue, fired: [Rule.base]),
    la("highest of other, emotional-abuse, neglect", [.other, .emotionalAbuse, .neglect], level: 3, rag: .amber, fired: [Rule.base]),
    la("highest of housing, fgm, neglect", [.housing, .fgm, .neglect], level: 4, rag: .red, fired: [Rule.base]),
    la("highest of other, young-carer", [.other, .youngCarer], level: 2, rag: .green, fired: [Rule.base]),
    police("highest of online-harm, missing", [.onlineHarm, .missing], level: 3, rag: .amber, fired: [Rule.base]),
    la("same code twice counts once", [.emotionalAbuse, .emotionalAbuse], level: 2, rag: .green, fired: [Rule.base]),

    // Step 2: the police floor.
    police("high risk floors other (1) to 3", [.other], risk: .high, level: 3, rag: .amber, fired: [Rule.base, Rule.floor]),
    police("high risk floors no concern (1) to 3", [], risk: .high, level: 3, rag: .amber, fired: [Rule.base, Rule.floor]),
    police("high risk floors online-harm (2) to 3", [.onlineHarm], risk: .high, level: 3, rag: .amber, fired: [Rule.base, Rule.floor]),
    police("high risk leaves neglect at 3", [.neglect], risk: .high, level: 3, rag: .amber, fired: [Rule.base], mayFire: [Rule.floor]),
    police("high risk does not lower trafficking (4)", [.trafficking], risk: .high, level: 4, rag: .red, fired: [Rule.base], mayFire: [Rule.floor]),
    police("low risk has no floor", [.other], risk: .low, level: 1, rag: .blue, fired: [Rule.base]),
    la("no officer risk, no floor", [.other], level: 1, rag: .blue, fired: [Rule.base]),

    // Step 3: under one or unborn.
    police("baby 364 days old, emotional-abuse", [.emotionalAbuse], children: [baby364], level: 3, rag: .amber, fired: [Rule.base, Rule.underOne]),
    la("baby 364 days old, emotional-abuse", [.emotionalAbuse], children: [baby364], level: 3, rag: .amber, fired: [Rule.base, Rule.underOne]),
    police("baby with only other stays 1", [.other], children: [baby364], level: 1, rag: .blue, fired: [Rule.base]),
    la("baby with no concerns stays 1", [], children: [baby364], level: 1, rag: .blue, fired: [Rule.base]),
    police("baby, other, high risk: floor 3 then +1", [.other], risk: .high, children: [baby364], level: 4, rag: .red, fired: [Rule.base, Rule.floor, Rule.underOne]),
    la("unborn, emotional-abuse", [.emotionalAbuse], children: [unborn], level: 3, rag: .amber, fired: [Rule.base, Rule.underOne]),
    la("unborn, only other stays 1", [.other], children: [unborn], level: 1, rag: .blue, fired: [Rule.base]),
    la("unborn with neglect", [.neglect], children: [unborn], level: 4, rag: .red, fired: [Rule.base, Rule.underOne]),
    la("child exactly one year old", [.emotionalAbuse], children: [babyExactlyOne], level: 2, rag: .green, fired: [Rule.base]),
    la("born 29 Feb 2024, on 28 Feb 2025 still under one", [.emotionalAbuse], children: [leapBaby], time: "2025-02-28T12:00:00Z", level: 3, rag: .amber, fired: [Rule.base, Rule.underOne]),
    la("born 29 Feb 2024, on 1 Mar 2025 is one", [.emotionalAbuse], children: [leapBaby], time: "2025-03-01T12:00:00Z", level: 2, rag: .green, fired: [Rule.base]),
    la("age at the written offset: 23:30-01:00 is still 26 Nov", [.emotionalAbuse], children: [baby364], time: "2026-11-26T23:30:00-01:00", level: 3, rag: .amber, fired: [Rule.base, Rule.underOne]),
    la("the same instant written in UTC is 27 Nov: one year old", [.emotionalAbuse], children: [baby364], time: "2026-11-27T00:30:00Z", level: 2, rag: .green, fired: [Rule.base]),
    la("00:30+01:00 is 27 Nov locally though 26 Nov in UTC", [.emotionalAbuse], children: [baby364], time: "2026-11-27T00:30:00+01:00", level: 2, rag: .green, fired: [Rule.base]),
    la("a baby among older children", [.emotionalAbuse], children: [Fixture.schoolChild, baby364], level: 3, rag: .amber, fired: [Rule.base, Rule.underOne]),
    la("two babies add 1 once", [.emotionalAbuse], children: [baby364, unborn], level: 3, rag: .amber, fired: [Rule.base, Rule.underOne]),

    // Step 3: the toxic trio.
    la("toxic trio", [.domesticAbuse, .parentalMentalHealth, .parentalSubstanceMisuse], level: 4, rag: .red, fired: [Rule.base, Rule.trio]),
    police("toxic trio", [.parentalSubstanceMisuse, .domesticAbuse, .parentalMentalHealth], level: 4, rag: .red, fired: [Rule.base, Rule.trio]),
    la("domestic-abuse and parental-mental-health only", [.domesticAbuse, .parentalMentalHealth], level: 3, rag: .amber, fired: [Rule.base]),
    la("domestic-abuse and parental-substance-misuse only", [.domesticAbuse, .parentalSubstanceMisuse], level: 3, rag: .amber, fired: [Rule.base]),
    la("parental mental health and substance misuse only", [.parentalMentalHealth, .parentalSubstanceMisuse], level: 2, rag: .green, fired: [Rule.base]),
    la("toxic trio with more concerns", [.other, .domesticAbuse, .housing, .parentalMentalHealth, .parentalSubstanceMisuse], level: 4, rag: .red, fired: [Rule.base, Rule.trio]),

    // Step 3: repeat.
    la("one earlier notification: no repeat", [.emotionalAbuse], earlier: 1, level: 2, rag: .green, fired: [Rule.base]),
    la("two earlier notifications: repeat", [.emotionalAbuse], earlier: 2, level: 3, rag: .amber, fired: [Rule.base, Rule.repeats]),
    police("two earlier notifications: repeat", [.emotionalAbuse], earlier: 2, level: 3, rag: .amber, fired: [Rule.base, Rule.repeats]),
    la("seven earlier notifications add 1 once", [.emotionalAbuse], earlier: 7, level: 3, rag: .amber, fired: [Rule.base, Rule.repeats]),
    la("repeat lifts other to 2", [.other], earlier: 2, level: 2, rag: .green, fired: [Rule.base, Rule.repeats]),
    la("repeat lifts no concern to 2", [], earlier: 2, level: 2, rag: .green, fired: [Rule.base, Rule.repeats]),
    police("formal referral, low, other, repeat: 2", [.other], earlier: 2, level: 2, rag: .green, fired: [Rule.base, Rule.repeats]),

    // Step 3: stacking and the cap.
    la("baby and repeat on emotional-abuse: 2+1+1", [.emotionalAbuse], children: [baby364], earlier: 2, level: 4, rag: .red, fired: [Rule.base, Rule.underOne, Rule.repeats]),
    la("trio, baby and repeat cap at 4", [.domesticAbuse, .parentalMentalHealth, .parentalSubstanceMisuse], children: [baby364], earlier: 3, level: 4, rag: .red, fired: [Rule.base, Rule.underOne, Rule.trio, Rule.repeats]),
    la("fgm with baby and repeat stays 4", [.fgm], children: [unborn], earlier: 2, level: 4, rag: .red, fired: [Rule.base, Rule.underOne, Rule.repeats]),
    la("under-one is judged before repeat: other, baby, repeat is 2", [.other], children: [baby364], earlier: 2, level: 2, rag: .green, fired: [Rule.base, Rule.repeats]),
    police("neglect, high, unborn, repeat caps at 4", [.neglect], risk: .high, children: [unborn], earlier: 2, level: 4, rag: .red, fired: [Rule.base, Rule.underOne, Rule.repeats], mayFire: [Rule.floor]),

    // Step 4: information exchange.
    police("information exchange, low, other", [.other], ie: true, level: 1, rag: .blue, fired: [Rule.base], mayFire: [Rule.infoExchange]),
    police("information exchange, low, no concern", [], ie: true, level: 1, rag: .blue, fired: [Rule.base], mayFire: [Rule.infoExchange]),
    police("information exchange, low, other, repeat: back to 1", [.other], ie: true, earlier: 2, level: 1, rag: .blue, fired: [Rule.base, Rule.repeats, Rule.infoExchange]),
    police("information exchange, low, no concern, repeat: back to 1", [], ie: true, earlier: 5, level: 1, rag: .blue, fired: [Rule.base, Rule.repeats, Rule.infoExchange]),
    police("information exchange, low, other, unborn, repeat: 1", [.other], ie: true, children: [unborn], earlier: 2, level: 1, rag: .blue, fired: [Rule.base, Rule.repeats, Rule.infoExchange]),
    police("information exchange with high risk is not level 1", [.other], risk: .high, ie: true, level: 3, rag: .amber, fired: [Rule.base, Rule.floor]),
    police("information exchange with high risk, no concern", [], risk: .high, ie: true, level: 3, rag: .amber, fired: [Rule.base, Rule.floor]),
    police("information exchange with neglect is not level 1", [.neglect], ie: true, level: 3, rag: .amber, fired: [Rule.base]),
    police("information exchange with other and housing", [.other, .housing], ie: true, level: 2, rag: .green, fired: [Rule.base]),
    police("information exchange with other, neglect, repeat", [.other, .neglect], ie: true, earlier: 2, level: 4, rag: .red, fired: [Rule.base, Rule.repeats]),
    police("formal referral, low, only other: 1 by base", [.other], level: 1, rag: .blue, fired: [Rule.base]),
    la("LA never takes the information-exchange rule", [.other], ie: true, risk: .low, earlier: 2, level: 2, rag: .green, fired: [Rule.base, Rule.repeats]),
    la("LA flagged information exchange without officer risk", [.other], ie: true, earlier: 2, level: 2, rag: .green, fired: [Rule.base, Rule.repeats]),

    // Stage 1: immediate risk and open case.
    // Steps 1 to 4 still run under immediate risk, and their rules are in the rationale.
    police("immediate risk", [.other], immediate: true, level: 4, rag: .red, route: .immediateRisk, fired: [Rule.base, Rule.immediate]),
    la("immediate risk", [], immediate: true, level: 4, rag: .red, route: .immediateRisk, fired: [Rule.base, Rule.immediate]),
    la("immediate risk wins over an open case", [.neglect], immediate: true, open: true, level: 4, rag: .red, route: .immediateRisk, fired: [Rule.base, Rule.immediate]),
    police("immediate risk wins over an information exchange", [.other], ie: true, immediate: true, level: 4, rag: .red, route: .immediateRisk, fired: [Rule.base, Rule.infoExchange, Rule.immediate]),
    police("immediate risk with the floor", [.other], risk: .high, immediate: true, level: 4, rag: .red, route: .immediateRisk, fired: [Rule.base, Rule.floor, Rule.immediate]),
    la("immediate risk with a baby, the toxic trio and a repeat", [.domesticAbuse, .parentalMentalHealth, .parentalSubstanceMisuse], children: [baby364], earlier: 2, immediate: true, level: 4, rag: .red, route: .immediateRisk, fired: [Rule.base, Rule.underOne, Rule.trio, Rule.repeats, Rule.immediate]),
    police("immediate risk wins over an open case", [], immediate: true, open: true, level: 4, rag: .red, route: .immediateRisk, fired: [Rule.base, Rule.immediate]),
    la("open case", [.neglect], open: true, level: nil, rag: nil, route: .openCase, fired: [Rule.openCase], mayFire: [Rule.base]),
    la("open case with fgm, a baby and a repeat", [.fgm], children: [baby364], earlier: 4, open: true, level: nil, rag: nil, route: .openCase, fired: [Rule.openCase], mayFire: [Rule.base]),
    police("open case", [.other], risk: .high, open: true, level: nil, rag: nil, route: .openCase, fired: [Rule.openCase], mayFire: [Rule.base]),
]

@Suite("Screener: MASH.md stage 1 and steps 1 to 5")
struct ScreenerTests {
    let model = HandStandardModel.model

    // MASH.md "Concern codes and base levels", with the RAG of "Default timescales".
    static let concernTable: [(String, Int, RAG)] = [
        ("sexual-abuse", 4, .red), ("fgm", 4, .red), ("trafficking", 4, .red), ("sexual-exploitation", 4, .red),
        ("physical-abuse", 3, .amber), ("domestic-abuse", 3, .amber), ("neglect", 3, .amber),
        ("criminal-exploitation", 3, .amber), ("missing", 3, .amber), ("radicalisation", 3, .amber),
        ("self-harm", 3, .amber), ("honour-based-abuse", 3, .amber),
        ("emotional-abuse", 2, .green), ("parental-mental-health", 2, .green), ("parental-substance-misuse", 2, .green),
        ("child-mental-health", 2, .green), ("child-substance-misuse", 2, .green), ("young-carer", 2, .green),
        ("online-harm", 2, .green), ("housing", 2, .green),
        ("other", 1, .blue),
    ]

    @Test("the concern table covers every ConcernCode exactly once")
    func tableCoversEveryCode() {
        #expect(Self.concernTable.count == 21)
        #expect(Set(Self.concernTable.map(\.0)) == Set(ConcernCode.allCases.map(\.rawValue)))
    }

    @Test("each concern alone gives its base level and RAG", arguments: concernTable, NotificationStream.allCases)
    func singleConcern(entry: (String, Int, RAG), stream: NotificationStream) throws {
        let code = try #require(ConcernCode(rawValue: entry.0))
        let n = Fixture.notification(stream: stream, concerns: [code], officerRisk: stream == .police ? .low : nil)
        let s = Screener.screen(n, history: .none, model: model)
        #expect(s.route == .standard)
        #expect(s.level == entry.1)
        #expect(s.rag == entry.2)
        #expect(s.rationale.map(\.rule) == [Rule.base])
    }

    @Test("scenario", arguments: screenCases)
    func scenario(_ c: ScreenCase) {
        let s = Screener.screen(c.notification, history: ChildHistory(earlierNotifications: c.earlier), model: model)
        #expect(s.route == c.route)
        #expect(s.level == c.level)
        #expect(s.rag == c.rag)
        let rules = s.rationale.map(\.rule)
        for r in c.fired { #expect(rules.contains(r), "rule \(r) fired but has no rationale entry: \(rules)") }
        for r in Rule.all.subtracting(c.fired).subtracting(c.mayFire) {
            #expect(!rules.contains(r), "rule \(r) did not fire but has a rationale entry: \(rules)")
        }
        #expect(Set(rules).count == rules.count, "a rule is listed twice: \(rules)")
        if c.route == .immediateRisk { #expect(rules.last == Rule.immediate, "immediate risk overrides, so it comes last: \(rules)") }
        for e in s.rationale {
            #expect(!e.effect.isEmpty && !e.reason.isEmpty, "empty rationale entry \(e)")
        }
    }

    @Test("no rationale text names the child", arguments: screenCases)
    func rationaleNeverNamesTheChild(_ c: ScreenCase) {
        let s = Screener.screen(c.notification, history: ChildHistory(earlierNotifications: c.earlier), model: model)
        for e in s.rationale {
            for text in [e.rule, e.effect, e.reason] {
                for name in [Fixture.forename, Fixture.middleName, Fixture.surname] {
                    #expect(!text.lowercased().contains(name.lowercased()), "\(e.rule) names the child: \(text)")
                }
            }
        }
    }

    @Test("screening is deterministic", arguments: screenCases)
    func deterministic(_ c: ScreenCase) {
        let h = ChildHistory(earlierNotifications: c.earlier)
        #expect(Screener.screen(c.notification, history: h, model: model) == Screener.screen(c.notification, history: h, model: model))
    }

    @Test("an open case has no level and no RAG, and says why")
    func openCaseRationale() throws {
        let n = Fixture.notification(stream: .localAuthority, concerns: [.neglect], openCase: true)
        let s = Screener.screen(n, history: .none, model: model)
        let entry = try #require(s.rationale.first { $0.rule == Rule.openCase })
        #expect(entry.effect == "forward-to-allocated-team")
    }

    @Test("immediate risk comes last in the rationale and says what it overrode")
    func immediateRiskRationale() throws {
        let n = Fixture.notification(stream: .localAuthority, concerns: [.emotionalAbuse], immediateRisk: true, openCase: true)
        let s = Screener.screen(n, history: .none, model: model)
        #expect(s.rationale.map(\.rule) == [Rule.base, Rule.immediate])
        let last = try #require(s.rationale.last)
        #expect(last.effect == "level 2 to 4, red")
        #expect(last.reason == "immediate protection needed; this wins over the open, allocated CSC case")
        let red = Fixture.notification(stream: .police, concerns: [.fgm], officerRisk: .low, immediateRisk: true)
        let r = Screener.screen(red, history: .none, model: model)
        #expect(r.rationale.last?.effect == "level 4, red")
        #expect(r.rationale.last?.reason == "police protection considered or used")
    }

    @Test("the repeat rule counts a lower-bound history like any other")
    func repeatLowerBound() {
        let n = Fixture.notification(stream: .localAuthority, concerns: [.emotionalAbuse])
        let s = Screener.screen(n, history: ChildHistory(earlierNotifications: 2, countIsLowerBound: true), model: model)
        #expect(s.level == 3)
        #expect(s.rationale.contains { $0.rule == Rule.repeats })
    }

    @Test("the screener reads its numbers from the model, not from constants")
    func modelDriven() {
        var m = model
        m.concernLevels[.housing] = 4
        m.policeHighRiskFloor = 2
        let housing = Fixture.notification(stream: .localAuthority, concerns: [.housing])
        #expect(Screener.screen(housing, history: .none, model: m).level == 4)
        let high = Fixture.notification(stream: .police, concerns: [.other], officerRisk: .high)
        #expect(Screener.screen(high, history: .none, model: m).level == 2)
        m.repeatRule.earlierNotifications = 3
        let repeat2 = Fixture.notification(stream: .localAuthority, concerns: [.emotionalAbuse])
        #expect(Screener.screen(repeat2, history: ChildHistory(earlierNotifications: 2), model: m).level == 2)
        #expect(Screener.screen(repeat2, history: ChildHistory(earlierNotifications: 3), model: m).level == 3)
    }
}
