import HandStandardModel
import MASHCore
import Testing

/// MASH.md step 6 (indicators after research), the outcome table, and the escalation rules,
/// straight on `Decider` with the hand-written model.
@Suite("Decider: step 6, outcomes and escalation")
struct DeciderTests {
    let model = HandStandardModel.model
    let identity = ModelIdentity(name: "london-standard", version: 1, checksum: "test")
    static let deadline = Fixture.time("2026-11-26T12:00:00Z")
    static let red: [Agency] = ["education", "health", "housing", "police", "probation", "yos"]
    static let green: [Agency] = ["education", "health"]

    static func screening(_ level: Int, _ rag: RAG, route: Screening.Route = .standard) -> Screening {
        Screening(route: route, level: level, rag: rag, rationale: [])
    }

    static func answer(_ agency: Agency, _ findings: [Finding]) -> ResearchAnswer {
        ResearchAnswer(caseId: CaseID("100-01W")!, agency: agency, respondedAt: Fixture.time("2026-11-26T10:00:00Z"), findings: findings)
    }

    static func finding(_ indicators: [Indicator], shareable: Bool = true) -> Finding {
        Finding(summary: "a finding", shareable: shareable, indicators: indicators)
    }

    func decide(
        _ s: Screening, asked: [Agency] = DeciderTests.green, _ answers: [ResearchAnswer], at now: Timestamp = DeciderTests.deadline,
        deadline: Timestamp? = DeciderTests.deadline, watchedSince: Timestamp? = nil
    ) -> Decision {
        Decider.decide(
            screening: s, asked: asked, answers: answers, deadline: deadline, now: now, model: model, identity: identity,
            watchedSince: watchedSince)
    }

    // (screening level, indicators over the answers, final level)
    @Test("indicators: sex offender sets 4; plan and violent offender add 1 each, capped at 4; no-trace nothing", arguments: [
        (2, [[Indicator.sexOffenderInHousehold]], 4),
        (1, [[.sexOffenderInHousehold, .previousChildProtectionPlan]], 4),
        (2, [[.previousChildProtectionPlan]], 3),
        (2, [[.violentOffenderInHousehold]], 3),
        (2, [[.previousChildProtectionPlan, .violentOffenderInHousehold]], 4),
        (1, [[.previousChildProtectionPlan], [.violentOffenderInHousehold]], 3),
        (3, [[.previousChildProtectionPlan, .violentOffenderInHousehold]], 4),
        (4, [[.previousChildProtectionPlan]], 4),
        (2, [[.noTrace]], 2),
        (3, [[.noTrace]], 3),
        // Each indicator counts once per case, however many findings (or agencies) carry it.
        (1, [[.previousChildProtectionPlan], [.previousChildProtectionPlan]], 2),
        (1, [[.violentOffenderInHousehold, .violentOffenderInHousehold]], 2),
    ] as [(Int, [[Indicator]], Int)])
    func indicators(level: Int, findings: [[Indicator]], final: Int) {
        // Two findings in one answer, and the same findings spread over two agencies.
        let oneAnswer = [Self.answer("health", findings.map { Self.finding($0) })]
        let agencies: [Agency] = ["health", "education"]
        let spread = findings.enumerated().map { Self.answer(agencies[$0.offset % 2], [Self.finding($0.element)]) }
        for answers in [oneAnswer, spread] {
            let d = decide(Self.screening(level, model.rag(forLevel: level)), answers)
            #expect(d.level == final)
            #expect(d.rag == model.rag(forLevel: final))
            #expect(d.outcome == model.outcomes[final]?.outcome)
            #expect(d.recipients == model.outcomes[final]?.recipients)
        }
    }

    @Test("research never lowers the level below screening; no answers keep it")
    func neverLowers() {
        for level in 1...4 {
            #expect(decide(Self.screening(level, model.rag(forLevel: level)), []).level == level)
            #expect(decide(Self.screening(level, model.rag(forLevel: level)), [Self.answer("health", [Self.finding([.noTrace])])]).level == level)
        }
    }

    @Test("outcomes and recipients per final level, as MASH.md's table (the outcome notice is the product builder's)")
    func outcomeTable() {
        let expected: [Int: (String, [Agency])] = [
            4: ("strategy-discussion", ["csc", "police"]), 3: ("csc-assessment", ["csc"]), 2: ("early-help", ["early-help"]),
            1: ("nfa-signpost", []),
        ]
        for (level, (outcome, recipients)) in expected {
            let d = decide(Self.screening(level, model.rag(forLevel: level)), [])
            #expect(d.outcome == outcome)
            #expect(Set(d.recipients) == Set(recipients))
        }
    }

    @Test("a case that asks nobody is decided at screening: an answer that arrives first changes nothing")
    func askedNobody() {
        let answer = Self.answer("police", [Self.finding([.sexOffenderInHousehold])])
        let blue = decide(Self.screening(1, .blue), asked: [], [answer], deadline: nil)
        #expect(blue.level == 1)
        #expect(blue.outcome == "nfa-signpost")
        #expect(blue.unrequested == ["police"])
        #expect(!blue.rationale.contains { $0.rule.hasPrefix("indicator:") })
        // The same answer, requested or not, counts where research was asked of somebody.
        #expect(decide(Self.screening(2, .green), asked: Self.green, [answer]).level == 4)
        #expect(decide(Self.screening(2, .green), asked: Self.green, [answer]).unrequested == ["police"])
    }

    @Test("an open case is forwarded whatever the answers say")
    func openCase() {
        let s = Screening(route: .openCase, level: nil, rag: nil, rationale: [])
        let d = decide(s, asked: [], [Self.answer("police", [Self.finding([.sexOffenderInHousehold])])], deadline: nil)
        #expect(d.level == nil)
        #expect(d.outcome == model.openCase.outcome)
        #expect(d.recipients == model.openCase.recipients)
    }

    @Test("the citation names shareable sources only; a sealed-only indicator is not named, only its holders", arguments: [
        ([("police", false)], "indicator:confidential", "confidential information held by police"),
        ([("police", true)], "indicator:violent-offender-in-household", "reported by police"),
        ([("police", true), ("police", false)], "indicator:violent-offender-in-household", "reported by police"),
        // Naming police beside health would say what police's sealed finding holds.
        ([("health", true), ("police", false)], "indicator:violent-offender-in-household", "reported by health"),
        ([("health", false), ("police", false)], "indicator:confidential",
         "confidential information held by health; confidential information held by police"),
    ] as [([(Agency, Bool)], String, String)])
    func citation(sources: [(Agency, Bool)], rule: String, reason: String) {
        var byAgency: [Agency: [Finding]] = [:]
        for (agency, shareable) in sources {
            byAgency[agency, default: []].append(Self.finding([.violentOffenderInHousehold], shareable: shareable))
        }
        let answers = byAgency.keys.sorted().map { Self.answer($0, byAgency[$0]!) }
        let d = decide(Self.screening(2, .green), asked: Self.red, answers)
        let entries = d.rationale.filter { $0.rule.hasPrefix("indicator:") }
        #expect(entries.count == 1)
        #expect(entries.first?.rule == rule)
        #expect(entries.first?.reason == reason)
        #expect(entries.first?.effect == "level 2 to 3")
        if rule == "indicator:confidential" {
            #expect(!d.rationale.contains { $0.rule.contains("violent") || $0.reason.contains("violent") })
        }
    }

    @Test("sealed-only indicators share one entry, after the named ones, whatever they are", arguments: [
        // (sealed-only indicators, shareable indicators, screening level, named entries' effects, confidential effect, final level)
        ([Indicator.sexOffenderInHousehold], [Indicator](), 2, [String](), "level 2 to 4", 4),
        ([.previousChildProtectionPlan, .violentOffenderInHousehold], [], 2, [], "level 2 to 4", 4),
        ([.sexOffenderInHousehold, .violentOffenderInHousehold], [], 1, [], "level 1 to 4", 4),
        ([.violentOffenderInHousehold], [.previousChildProtectionPlan], 2, ["level 2 to 3"], "level 3 to 4", 4),
        ([.sexOffenderInHousehold], [.previousChildProtectionPlan], 2, ["level 2 to 3"], "level 3 to 4", 4),
        ([.previousChildProtectionPlan], [.sexOffenderInHousehold], 2, ["level 2 to 4"], "level 4, unchanged", 4),
        ([.noTrace], [.previousChildProtectionPlan], 2, ["level 2 to 3"], nil, 3),
    ] as [([Indicator], [Indicator], Int, [String], String?, Int)])
    func sealedTogether(sealed: [Indicator], shared: [Indicator], screening: Int, namedEffects: [String], confidential: String?, final: Int) {
        // Each sealed indicator from a finding of its own, from agencies in turn.
        let holders: [Agency] = ["police", "health", "probation"]
        var answers = sealed.enumerated().map { i, indicator in Self.answer(holders[i], [Self.finding([indicator], shareable: false)]) }
        if !shared.isEmpty { answers.append(Self.answer("education", [Self.finding(shared)])) }
        let d = decide(Self.screening(screening, model.rag(forLevel: screening)), asked: Self.red, answers)
        #expect(d.level == final)
        let entries = d.rationale.filter { $0.rule.hasPrefix("indicator:") }
        let named = entries.filter { $0.rule != "indicator:confidential" }
        #expect(named.map(\.rule) == shared.filter { $0 != .noTrace }.map { "indicator:\($0.rawValue)" })
        #expect(named.map(\.effect) == namedEffects)
        let hidden = entries.filter { $0.rule == "indicator:confidential" }
        #expect(hidden.map(\.effect) == (confidential.map { [$0] } ?? []))
        if confidential != nil {
            #expect(entries.last?.rule == "indicator:confidential")
            let expected = holders.prefix(sealed.count).sorted().map { "confidential information held by \($0)" }
            #expect(hidden.first?.reason == expected.joined(separator: "; "))
        }
        for indicator in sealed where !shared.contains(indicator) {
            #expect(!d.rationale.contains { $0.rule.contains(indicator.rawValue) || $0.reason.contains(indicator.rawValue) })
        }
    }

    @Test("one agency's shareable and sealed findings: the shareable indicator is named, the sealed one is not")
    func oneAgencyBothKinds() {
        let health = Self.answer(
            "health", [Self.finding([.previousChildProtectionPlan]), Self.finding([.violentOffenderInHousehold], shareable: false)])
        let d = decide(Self.screening(2, .green), asked: Self.red, [health])
        #expect(d.level == 4)
        let entries = d.rationale.filter { $0.rule.hasPrefix("indicator:") }
        #expect(entries.map(\.rule) == ["indicator:previous-child-protection-plan", "indicator:confidential"])
        #expect(entries.map(\.reason) == ["reported by health", "confidential information held by health"])
        #expect(entries.map(\.effect) == ["level 2 to 3", "level 3 to 4"])
        #expect(!d.rationale.contains { $0.rule.contains("violent") || $0.reason.contains("violent") })
    }

    @Test("the level does not depend on which findings are sealed", arguments: Indicator.allCases, [1, 2, 3])
    func levelIgnoresSealing(extra: Indicator, screening: Int) {
        let all: [Indicator] = [.previousChildProtectionPlan, extra]
        let open = decide(Self.screening(screening, model.rag(forLevel: screening)), asked: Self.red, [Self.answer("health", [Self.finding(all)])])
        for sealedMask in 0..<4 {
            let findings = all.enumerated().map { i, ind in Self.finding([ind], shareable: sealedMask & (1 << i) == 0) }
            let d = decide(Self.screening(screening, model.rag(forLevel: screening)), asked: Self.red, [Self.answer("health", findings)])
            #expect(d.level == open.level && d.outcome == open.outcome)
        }
    }

    // (seconds after the deadline, watched since, late by)
    @Test("late: more than 1 s after the deadline, or any time after one that passed while mashd was down", arguments: [
        (-5.0, nil, nil), (0.0, nil, nil), (0.004, nil, nil), (1.0, nil, nil), (1.001, nil, 2), (1.236, nil, 2),
        (2.0, nil, 2), (3_600.5, nil, 3_601),
        // Watched from 10 minutes before the deadline: the timer's own few ms are on time.
        (0.004, -600, nil), (1.0, -600, nil), (1.5, -600, 2),
        // mashd started after the deadline had passed: late however soon it decides.
        (0.004, 0.001, 1), (0.3, 0.2, 1), (1.236, 1.0, 2), (0.0, -0.0, nil),
    ] as [(Double, Double?, Int64?)])
    func lateness(after: Double, watched: Double?, late: Int64?) {
        let now = Timestamp(epochMicroseconds: Self.deadline.epochMicroseconds + Int64((after * 1_000_000).rounded()))
        let since = watched.map { Timestamp(epochMicroseconds: Self.deadline.epochMicroseconds + Int64(($0 * 1_000_000).rounded())) }
        let d = decide(Self.screening(2, .green), asked: Self.green, Self.green.map { Self.answer($0, []) }, at: now, watchedSince: since)
        #expect(d.lateBySeconds == late)
        #expect(d.needsEscalation == (late != nil))
        let entry = d.rationale.first { $0.rule == "decided-late" }
        #expect(entry?.reason == late.map { $0 == 1 ? "decided 1 second after the research deadline" : "decided \($0) seconds after the research deadline" })
    }

    @Test("unanswered agencies are named and escalated; a case with no deadline is never late")
    func unanswered() {
        let d = decide(Self.screening(4, .red), asked: Self.red, [Self.answer("police", [])])
        #expect(d.unanswered == ["education", "health", "housing", "probation", "yos"])
        #expect(d.needsEscalation)
        let atScreening = decide(Self.screening(1, .blue), asked: [], [], at: Fixture.time("2030-01-01T00:00:00Z"), deadline: nil)
        #expect(atScreening.lateBySeconds == nil)
        #expect(!atScreening.needsEscalation)
    }
}
