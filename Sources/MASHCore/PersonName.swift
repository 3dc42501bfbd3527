import Foundation

/// Name normalisation for matching the same child across streams (MASH.md, "Same child"):
/// trimmed, inner white space collapsed to one space, case folded, in Unicode's composed form
/// (NFC). A police report's `"OKAFOR "` and a school's `"Okafor"` must meet.
public enum PersonName {
    public static func normalise(_ s: String) -> String {
        if let ascii = asciiNormalise(s) { return ascii }
        // Canonical composition (NFC) before and after: "Zoë" typed as one code point or as "e"
        // and a combining diaeresis is one name, and the store compares keys byte for byte.
        return s.precomposedStringWithCanonicalMapping.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            .folding(options: [.caseInsensitive], locale: nil).precomposedStringWithCanonicalMapping
    }

    /// The first word of a forenames field, normalised; nil when there is none.
    public static func firstForename(_ forenames: String?) -> String? {
        guard let f = forenames else { return nil }
        return f.split(whereSeparator: { $0.isWhitespace }).first.map { normalise(String($0)) }
    }

    /// The same for plain ASCII (most names), without Foundation's Unicode case folding, which
    /// costs tens of microseconds a call on the intake path. Nil when `s` is not ASCII.
    static func asciiNormalise(_ s: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var pendingSpace = false
        for c in s.utf8 {
            guard c < 0x80 else { return nil }
            if c == 0x20 || (c >= 0x09 && c <= 0x0D) {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace {
                out.append(0x20)
                pendingSpace = false
            }
            out.append(c >= 0x41 && c <= 0x5A ? c + 0x20 : c)
        }
        return String(decoding: out, as: UTF8.self)
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
