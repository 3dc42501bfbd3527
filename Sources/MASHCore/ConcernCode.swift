/// The concern codes of MASH.md. Every adapter maps its own vocabulary onto these, so that the
/// model can rate a police notification and a school's referral by the same rules.
public enum ConcernCode: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
    case sexualAbuse = "sexual-abuse"
    case fgm
    case trafficking
    case sexualExploitation = "sexual-exploitation"
    case physicalAbuse = "physical-abuse"
    case domesticAbuse = "domestic-abuse"
    case neglect
    case criminalExploitation = "criminal-exploitation"
    case missing
    case radicalisation
    case selfHarm = "self-harm"
    case honourBasedAbuse = "honour-based-abuse"
    case emotionalAbuse = "emotional-abuse"
    case parentalMentalHealth = "parental-mental-health"
    case parentalSubstanceMisuse = "parental-substance-misuse"
    case childMentalHealth = "child-mental-health"
    case childSubstanceMisuse = "child-substance-misuse"
    case youngCarer = "young-carer"
    case onlineHarm = "online-harm"
    case housing
    case other

    public static func < (lhs: ConcernCode, rhs: ConcernCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One concern as the notification put it: the code the model reads, and the sender's own
/// wording, kept so that nothing the referrer said is lost when it maps to `other`.
public struct Concern: Sendable, Hashable, Codable {
    public var code: ConcernCode
    /// The words as sent (`"DV"`, `"missing from home"`), or nil where the code was added by a
    /// rule (a `domestic-incident` trigger adds `domestic-abuse`).
    public var wording: String?

    public init(code: ConcernCode, wording: String?) {
        self.code = code
        self.wording = wording
    }
}
