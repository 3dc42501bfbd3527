/// The result of pre-MASH screening: which route a notification takes, its initial level and
/// RAG, and why. Every rule that fired has an entry, so a manager can follow the decision.
public struct Screening: Sendable, Hashable, Codable {
    public enum Route: String, Sendable, Hashable, Codable {
        /// The standard model gave the level and RAG.
        case standard
        /// Immediate risk: Red, level 4, urgent products at once; research still runs.
        case immediateRisk = "immediate-risk"
        /// An open, allocated CSC case: forwarded, no research, no RAG.
        case openCase = "open-case"
    }

    public var route: Route
    /// 1 to 4; nil for an open case.
    public var level: Int?
    /// Nil for an open case (`"rag":"none"` on the wire).
    public var rag: RAG?
    public var rationale: [RationaleEntry]

    public init(route: Route, level: Int?, rag: RAG?, rationale: [RationaleEntry]) {
        self.route = route
        self.level = level
        self.rag = rag
        self.rationale = rationale
    }
}

/// What the store knows about a notification's children before it: for the repeat rule, the
/// largest number of earlier notifications naming any one of its children within the window.
public struct ChildHistory: Sendable, Hashable {
    public var earlierNotifications: Int
    /// The store stopped counting at `earlierNotifications`; there may be more.
    public var countIsLowerBound: Bool

    public init(earlierNotifications: Int, countIsLowerBound: Bool = false) {
        self.earlierNotifications = earlierNotifications
        self.countIsLowerBound = countIsLowerBound
    }

    public static let none = ChildHistory(earlierNotifications: 0)
}

/// Pre-MASH screening (MASH.md, stage 1 and steps 1 to 5). Pure: the same notification,
/// history and model always give the same screening.
public enum Screener {
    public static func screen(_ n: MASHNotification, history: ChildHistory, model: RiskModel) -> Screening {
        // Immediate risk wins over everything, the open case included (stage 1). Steps 1 to 4
        // still run: "level 4 and Red whatever else holds" overrides their level, not their
        // findings, and the rationale lists every rule that fired, so a manager reading an
        // immediate-risk case sees what else the notification held.
        if n.flags.immediateRisk {
            let (level, earlier) = steps(n, history: history, model: model)
            let rule = model.immediateRisk
            var reason = n.stream == .police ? "police protection considered or used" : "immediate protection needed"
            if n.flags.openCase { reason += "; this wins over the open, allocated CSC case" }
            let why = earlier + [
                RationaleEntry(
                    rule: "immediate-risk",
                    effect: level == rule.level
                        ? "level \(rule.level), \(rule.rag.rawValue)" : "level \(level) to \(rule.level), \(rule.rag.rawValue)",
                    reason: reason)
            ]
            return Screening(route: .immediateRisk, level: rule.level, rag: rule.rag, rationale: why)
        }
        if n.flags.openCase {
            return Screening(
                route: .openCase, level: nil, rag: nil,
                rationale: [
                    RationaleEntry(
                        rule: "open-case", effect: model.openCase.outcome, reason: "the child has an open, allocated CSC case")
                ])
        }
        let (level, why) = steps(n, history: history, model: model)
        return Screening(route: .standard, level: level, rag: model.rag(forLevel: level), rationale: why)
    }

    /// Steps 1 to 4 of the standard model: the level, and an entry for every rule that fired.
    static func steps(_ n: MASHNotification, history: ChildHistory, model: RiskModel) -> (Int, [RationaleEntry]) {
        var why: [RationaleEntry] = []
        let max = RiskModel.maximumLevel

        // Step 1: the highest base level among the concerns.
        let codes = n.concernCodes
        var level = RiskModel.minimumLevel
        var highest: [ConcernCode] = []
        for code in codes {
            let l = model.concernLevels[code] ?? RiskModel.minimumLevel
            if l > level {
                level = l
                highest = [code]
            } else if l == level {
                highest.append(code)
            }
        }
        why.append(
            RationaleEntry(
                rule: "concern-base-level", effect: "level \(level)",
                reason: codes.isEmpty
                    ? "no concern given"
                    : "highest concern: \(highest.map(\.rawValue).joined(separator: ", ")) (base level \(level))"))

        // Step 2: the police floor.
        if n.flags.officerRisk == .high, level < model.policeHighRiskFloor {
            why.append(
                RationaleEntry(
                    rule: "police-high-risk-floor", effect: "level \(level) to \(model.policeHighRiskFloor)",
                    reason: "the officer's risk category is high"))
            level = model.policeHighRiskFloor
        }

        // Step 3: modifiers, each at most once, never above the maximum.
        let afterFloor = level
        func raise(_ rule: String, by add: Int, _ reason: String) {
            let to = min(level + add, max)
            why.append(
                RationaleEntry(
                    rule: rule, effect: to == level ? "level \(level), already the highest" : "level \(level) to \(to)",
                    reason: reason))
            level = to
        }
        let date = n.time.localDate
        if afterFloor >= model.underOneOrUnborn.minimumLevel, n.children.contains(where: { $0.isUnderOneOrUnborn(on: date) }) {
            raise("under-one-or-unborn", by: model.underOneOrUnborn.add, "a child is under one year old or unborn")
        }
        let present = Set(codes)
        let trio = model.toxicTrio.concerns
        if !trio.isEmpty, trio.allSatisfy(present.contains) {
            raise("toxic-trio", by: model.toxicTrio.add, "\(trio.map(\.rawValue).joined(separator: ", ")) are all present")
        }
        if history.earlierNotifications >= model.repeatRule.earlierNotifications {
            raise(
                "repeat", by: model.repeatRule.add,
                "the same child is named in \(history.earlierNotifications)\(history.countIsLowerBound ? " or more" : "") earlier notifications within \(model.repeatRule.windowDays) days")
        }

        // Step 4: a low-risk police information exchange about nothing specific.
        let ie = model.informationExchange
        if n.stream == .police, n.flags.informationExchange, n.flags.officerRisk == ie.officerRisk,
            present.isSubset(of: Set(ie.onlyConcerns))
        {
            why.append(
                RationaleEntry(
                    rule: "information-exchange", effect: "level \(level) to \(ie.level)",
                    reason: "police information exchange, officer risk \(ie.officerRisk.rawValue), no specific concern"))
            level = ie.level
        }
        return (level, why)
    }
}
