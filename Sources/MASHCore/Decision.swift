/// The outcome decision (MASH.md stage 3): the model re-run with the research findings. The
/// level never falls below screening; every rule that fired is in the rationale, and a sealed
/// finding is cited only as "confidential information held by AGENCY".
public struct Decision: Sendable, Hashable, Codable {
    /// The final level, nil for a forwarded open case.
    public var level: Int?
    public var rag: RAG?
    public var outcome: String
    /// Who gets an information product.
    public var recipients: [Agency]
    /// Screening's rationale followed by the research stage's.
    public var rationale: [RationaleEntry]
    /// Agencies asked that had not answered when the case was decided.
    public var unanswered: [Agency]
    /// Agencies that answered without being asked.
    public var unrequested: [Agency]
    /// Seconds after its deadline the case was decided, when it was decided late.
    public var lateBySeconds: Int64?
    public var decidedAt: Timestamp
    public var model: ModelIdentity

    public init(
        level: Int?, rag: RAG?, outcome: String, recipients: [Agency], rationale: [RationaleEntry], unanswered: [Agency],
        unrequested: [Agency], lateBySeconds: Int64?, decidedAt: Timestamp, model: ModelIdentity
    ) {
        self.level = level
        self.rag = rag
        self.outcome = outcome
        self.recipients = recipients
        self.rationale = rationale
        self.unanswered = unanswered
        self.unrequested = unrequested
        self.lateBySeconds = lateBySeconds
        self.decidedAt = decidedAt
        self.model = model
    }

    /// Whether the case needs an escalation notice: agencies unanswered, or decided late.
    public var needsEscalation: Bool { !unanswered.isEmpty || lateBySeconds != nil }

    /// "1 second", "5 seconds": how late, for the rationale and the escalation notice.
    public static func seconds(_ n: Int64) -> String { n == 1 ? "1 second" : "\(n) seconds" }
}

/// Makes decisions. Pure: the same screening, answers, times and model give the same decision.
public enum Decider {
    /// A decision more than this many seconds after the deadline is late and escalated. The
    /// deadline's own timer decides a case a few milliseconds after it; that is on time.
    public static let lateTolerance: Int64 = 1

    /// - Parameter watchedSince: since when the deadline has been watched (the running mashd's
    ///   start). A deadline that passed before it passed while nobody watched (mashd was down),
    ///   and the case is late however soon after it is decided.
    public static func decide(
        screening: Screening, asked: [Agency], answers: [ResearchAnswer], deadline: Timestamp?, now: Timestamp,
        model: RiskModel, identity: ModelIdentity, watchedSince: Timestamp? = nil
    ) -> Decision {
        let late = lateness(deadline: deadline, now: now, watchedSince: watchedSince)
        let answered = Set(answers.map(\.agency))
        let unanswered = asked.filter { !answered.contains($0) }
        let unrequested = Set(answers.map(\.agency)).subtracting(asked).sorted()
        // A case that asks nobody (Blue, or a RAG the model asks nobody for) is decided at
        // screening. It is decided a moment after intake, and an answer that happens to arrive
        // first is recorded as unrequested but changes nothing: otherwise the outcome would
        // depend on that race.
        let counted = asked.isEmpty ? [] : answers

        guard screening.route != .openCase, let screeningLevel = screening.level else {
            return Decision(
                level: nil, rag: nil, outcome: model.openCase.outcome, recipients: model.openCase.recipients,
                rationale: screening.rationale, unanswered: unanswered, unrequested: unrequested, lateBySeconds: late,
                decidedAt: now, model: identity)
        }

        var why = screening.rationale
        // Each indicator once per case, whatever number of findings carry it; setLevel first.
        let ordered = Indicator.allCases.sorted { a, b in
            let sa = model.indicators[a].map(isSet) ?? false, sb = model.indicators[b].map(isSet) ?? false
            return sa != sb ? sa : a < b
        }
        // An indicator with no effect (no-trace) changes nothing and is not a rule that fired.
        let present = ordered.filter { i in
            hasEffect(model.indicators[i]) && counted.contains { $0.findings.contains { $0.indicators.contains(i) } }
        }
        // An indicator that a shareable finding carries is named, and cited by its shareable
        // sources only: naming a sealed source beside it would tell the reader what that sealed
        // finding holds. Indicators that only sealed findings carry are cited together, in one
        // entry naming their holders, so that neither the entry's order nor its own change of
        // level tells which indicator a sealed finding held.
        let named = present.filter { i in counted.contains { $0.findings.contains { $0.shareable && $0.indicators.contains(i) } } }
        let sealedOnly = present.filter { !named.contains($0) }
        // The level is worked out over every indicator in the model's order; the rationale
        // shows the named ones first, then the confidential ones' part of the rise.
        let level = max(Self.apply(present, to: screeningLevel, model: model), screeningLevel)
        var shown = screeningLevel
        for indicator in named {
            let before = shown
            shown = Self.apply([indicator], to: shown, model: model)
            let sources = Set(counted.filter { $0.findings.contains { $0.shareable && $0.indicators.contains(indicator) } }.map(\.agency))
            why.append(
                RationaleEntry(
                    rule: "indicator:\(indicator.rawValue)", effect: Self.effect(before, shown),
                    reason: "reported by " + sources.sorted().map(\.name).joined(separator: ", ")))
        }
        if !sealedOnly.isEmpty {
            let holders = Set(
                counted.filter { $0.findings.contains { !$0.shareable && !Set($0.indicators).isDisjoint(with: sealedOnly) } }.map(\.agency))
            why.append(
                RationaleEntry(
                    rule: "indicator:confidential", effect: Self.effect(shown, level),
                    reason: holders.sorted().map { "confidential information held by \($0)" }.joined(separator: "; ")))
        }
        if !unanswered.isEmpty {
            why.append(
                RationaleEntry(
                    rule: "research-unanswered", effect: "escalated to \(model.escalationRecipient)",
                    reason: "no answer from \(unanswered.map(\.name).joined(separator: ", ")) when the case was decided"))
        }
        if let late {
            why.append(
                RationaleEntry(
                    rule: "decided-late", effect: "escalated to \(model.escalationRecipient)",
                    reason: "decided \(Decision.seconds(late)) after the research deadline"))
        }
        let rule = model.outcomes[level] ?? RiskModel.OutcomeRule(outcome: "nfa-signpost", recipients: [])
        why.append(
            RationaleEntry(
                rule: "outcome", effect: rule.outcome,
                reason: "final level \(level) (\(model.rag(forLevel: level).rawValue)); screening level \(screeningLevel)"))
        return Decision(
            level: level, rag: model.rag(forLevel: level), outcome: rule.outcome, recipients: rule.recipients,
            rationale: why, unanswered: unanswered, unrequested: unrequested, lateBySeconds: late, decidedAt: now,
            model: identity)
    }

    /// Whole seconds (rounded up) the decision came after the deadline, when that makes it
    /// late: more than `lateTolerance` after it, or any time after a deadline that passed
    /// before `watchedSince`.
    static func lateness(deadline: Timestamp?, now: Timestamp, watchedSince: Timestamp?) -> Int64? {
        guard let deadline else { return nil }
        let micros = now.epochMicroseconds - deadline.epochMicroseconds
        guard micros > 0 else { return nil }
        let unwatched = watchedSince.map { deadline < $0 } ?? false
        guard unwatched || micros > lateTolerance * 1_000_000 else { return nil }
        return (micros + 999_999) / 1_000_000
    }

    static func isSet(_ e: RiskModel.IndicatorEffect) -> Bool {
        if case .setLevel = e { return true }
        return false
    }

    static func hasEffect(_ e: RiskModel.IndicatorEffect?) -> Bool {
        guard let e else { return false }
        return e != RiskModel.IndicatorEffect.none
    }

    /// `level` after `indicators`, in the order given: a set level is a floor, an addition
    /// stops at the highest level.
    static func apply(_ indicators: [Indicator], to level: Int, model: RiskModel) -> Int {
        var level = level
        for indicator in indicators {
            switch model.indicators[indicator] ?? RiskModel.IndicatorEffect.none {
            case .none: continue
            case .add(let n): level = min(level + n, RiskModel.maximumLevel)
            case .setLevel(let n): level = max(level, min(n, RiskModel.maximumLevel))
            }
        }
        return level
    }

    static func effect(_ before: Int, _ after: Int) -> String {
        before == after ? "level \(after), unchanged" : "level \(before) to \(after)"
    }
}
