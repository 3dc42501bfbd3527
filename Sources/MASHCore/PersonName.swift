import Foundation

/// Name normalisation for matching the same child across streams (MASH.md, "Same child"):
/// trimmed, inner white space collapsed to one space, case folded. A police report's
/// `"OKAFOR "` and a school's `"Okafor"` must meet.
public enum PersonName {
    public static func normalise(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").folding(options: [.caseInsensitive], locale: nil)
    }

    /// The first word of a forenames field, normalised; nil when there is none.
    public static func firstForename(_ forenames: String?) -> String? {
        guard let f = forenames else { return nil }
        return f.split(whereSeparator: { $0.isWhitespace }).first.map { String($0).folding(options: [.caseInsensitive], locale: nil) }
    }
}

/// A postal address as either stream sends it.
public struct Address: Sendable, Hashable, Codable {
    public var line1: String?
    public var line2: String?
    public var town: String?
    public var postcode: String?

    public init(line1: String? = nil, line2: String? = nil, town: String? = nil, postcode: String? = nil) {
        self.line1 = line1
        self.line2 = line2
        self.town = town
        self.postcode = postcode
    }
}
