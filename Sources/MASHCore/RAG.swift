/// The priority given at screening, and the final level's colour on a decision.
public enum RAG: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case red, amber, green, blue

    /// Queue order: Red first.
    public var priority: Int {
        switch self {
        case .red: return 0
        case .amber: return 1
        case .green: return 2
        case .blue: return 3
        }
    }

    public static func < (a: RAG, b: RAG) -> Bool { a.priority < b.priority }
}

/// One rule that fired, as every decision and product explains itself. The reason names
/// concern codes, counts and agencies, never a person.
public struct RationaleEntry: Sendable, Hashable, Codable {
    public var rule: String
    public var effect: String
    public var reason: String

    public init(rule: String, effect: String, reason: String) {
        self.rule = rule
        self.effect = effect
        self.reason = reason
    }
}
