/// A case id short enough to read out on the phone: `1A4-7KQ`. It is the store's sequence
/// number in Crockford base 32 (no I, L, O or U, so no letter is mistaken for a digit), with a
/// Luhn mod 32 check character that catches every single wrong character and most swapped
/// pairs. Ids are unique because sequences are, and stable because they are stored.
public struct CaseID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The canonical text, `XXX-XXX` (longer beyond 32 million cases).
    public let text: String

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    /// Added to every sequence so that ids start with a non-zero digit and keep five body
    /// characters for the first 32 million cases.
    static let offset: UInt64 = 1 << 20

    /// The id of the case with store sequence `sequence` (from 1).
    public init(sequence: UInt64) {
        var n = sequence + CaseID.offset
        var body: [UInt8] = []
        while n > 0 {
            body.append(CaseID.alphabet[Int(n % 32)])
            n /= 32
        }
        body.reverse()
        body.append(CaseID.checkCharacter(body))
        let split = body.count - 3
        text = String(decoding: body[..<split], as: UTF8.self) + "-" + String(decoding: body[split...], as: UTF8.self)
    }

    /// Reads an id as a person might type it: any case, with or without the hyphen or spaces,
    /// `I`/`L` for 1 and `O` for 0. Nil when a character is not in the alphabet or the check
    /// character does not match.
    public init?(_ typed: String) {
        var chars: [UInt8] = []
        for c in typed.uppercased().utf8 {
            switch c {
            case UInt8(ascii: "-"), UInt8(ascii: " "): continue
            case UInt8(ascii: "I"), UInt8(ascii: "L"): chars.append(UInt8(ascii: "1"))
            case UInt8(ascii: "O"): chars.append(UInt8(ascii: "0"))
            default:
                guard CaseID.alphabet.contains(c) else { return nil }
                chars.append(c)
            }
        }
        // Twelve body characters are 60 bits: more cannot be a sequence mashd gave.
        guard chars.count >= 6, chars.count <= 13, chars[0] != UInt8(ascii: "0") else { return nil }
        let body = Array(chars.dropLast())
        guard CaseID.checkCharacter(body) == chars.last else { return nil }
        self.init(sequence: CaseID.value(body) - CaseID.offset)
        guard sequence > 0 else { return nil }
    }

    /// The store sequence this id stands for.
    public var sequence: UInt64 {
        let body = Array(text.utf8.filter { $0 != UInt8(ascii: "-") }.dropLast())
        return CaseID.value(body) - CaseID.offset
    }

    static func value(_ body: [UInt8]) -> UInt64 {
        body.reduce(0) { $0 * 32 + UInt64(alphabet.firstIndex(of: $1)!) }
    }

    /// Luhn mod N over the body, N = 32.
    static func checkCharacter(_ body: [UInt8]) -> UInt8 {
        var factor = 2
        var sum = 0
        for c in body.reversed() {
            var addend = factor * alphabet.firstIndex(of: c)!
            factor = factor == 2 ? 1 : 2
            addend = addend / 32 + addend % 32
            sum += addend
        }
        return alphabet[(32 - sum % 32) % 32]
    }

    public var description: String { text }

    public static func < (a: CaseID, b: CaseID) -> Bool { a.sequence < b.sequence }

    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let id = CaseID(s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a case id: \(s)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }
}
