/// A child identifier as sent, with its check verdict. An identifier that fails its check is
/// kept (the concern is never refused for data quality) but is never used to match children:
/// a mistyped NHS number must not merge two families' histories.
public struct ChildIdentifier: Sendable, Hashable, Codable {
    /// The value exactly as the sender wrote it.
    public let value: String
    /// The normalised form when the check passed (`9434765919`, `H801200101013`), else nil.
    public let normalised: String?

    public var isValid: Bool { normalised != nil }

    public init(value: String, normalised: String?) {
        self.value = value
        self.normalised = normalised
    }

    /// An NHS number: ten digits, spaces allowed, modulus 11 check on the tenth.
    public static func nhsNumber(_ value: String) -> ChildIdentifier {
        ChildIdentifier(value: value, normalised: NHSNumber.normalise(value))
    }

    /// A Unique Pupil Number: a check letter and twelve characters, modulus 23.
    public static func upn(_ value: String) -> ChildIdentifier {
        ChildIdentifier(value: value, normalised: UPN.normalise(value))
    }
}

/// The NHS number check of MASH.md.
public enum NHSNumber {
    /// The ten digits when `value` (spaces allowed) passes the modulus 11 check, else nil.
    public static func normalise(_ value: String) -> String? {
        let digits = value.utf8.filter { $0 != UInt8(ascii: " ") }
        guard digits.count == 10, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let d = digits.map { Int($0 - 0x30) }
        var sum = 0
        for i in 0..<9 { sum += d[i] * (10 - i) }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        guard check != 10, check == d[9] else { return nil }
        return String(decoding: digits, as: UTF8.self)
    }
}

/// The Unique Pupil Number check of MASH.md.
public enum UPN {
    /// The check alphabet: no I, O or S.
    static let alphabet = Array("ABCDEFGHJKLMNPQRTUVWXYZ".utf8)

    /// The upper-cased UPN when it passes its check, else nil.
    public static func normalise(_ value: String) -> String? {
        let u = Array(value.uppercased().utf8)
        guard u.count == 13, let checkIndex = alphabet.firstIndex(of: u[0]) else { return nil }
        var sum = 0
        for position in 2...13 {
            let c = u[position - 1]
            let v: Int
            if c >= 0x30 && c <= 0x39 {
                v = Int(c - 0x30)
            } else if position == 13, let i = alphabet.firstIndex(of: c) {
                v = i  // a temporary UPN ends in a letter
            } else {
                return nil
            }
            sum += v * position
        }
        guard sum % 23 == checkIndex else { return nil }
        return String(decoding: u, as: UTF8.self)
    }
}

/// A UK postcode's shape (`E8 4RP`, `SW1A 1AA`): a warning, never a rejection, when it fails.
public enum Postcode {
    public static func looksValid(_ value: String) -> Bool {
        let s = Array(value.uppercased().utf8.filter { $0 != UInt8(ascii: " ") })
        guard (5...7).contains(s.count) else { return false }
        func isLetter(_ c: UInt8) -> Bool { c >= 0x41 && c <= 0x5A }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        // Inward code: digit, letter, letter.
        let inward = s.suffix(3)
        guard isDigit(inward[inward.startIndex]), isLetter(inward[inward.startIndex + 1]),
            isLetter(inward[inward.startIndex + 2])
        else { return false }
        // Outward code: A9, A99, AA9, AA99, A9A, AA9A.
        let out = Array(s.prefix(s.count - 3))
        guard let first = out.first, isLetter(first), out.count >= 2 else { return false }
        let shapes: Set<String> = ["A9", "A99", "AA9", "AA99", "A9A", "AA9A"]
        let shape = String(out.map { isLetter($0) ? "A" : isDigit($0) ? "9" : "?" })
        return shapes.contains(shape)
    }
}
