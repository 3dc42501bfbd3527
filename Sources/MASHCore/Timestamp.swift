/// An instant with the calendar date it had where it was written. Notifications carry RFC 3339
/// times with an offset; ages and the 365-day window are counted from the notification's own
/// date, so the offset the sender wrote is kept and not folded into UTC.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public let epochMicroseconds: Int64
    /// The offset from UTC the sender wrote, in minutes (0 for `Z`).
    public let offsetMinutes: Int

    public init(epochMicroseconds: Int64, offsetMinutes: Int = 0) {
        self.epochMicroseconds = epochMicroseconds
        self.offsetMinutes = offsetMinutes
    }

    public init(epochSeconds: Double) {
        self.init(epochMicroseconds: Int64((epochSeconds * 1_000_000).rounded()))
    }

    /// 0001-01-01 and 9999-12-31, in days since 1970-01-01.
    static let firstDay = Int64(FullDate(year: 1, month: 1, day: 1)!.daysSinceEpoch)
    static let lastDay = Int64(FullDate(year: 9999, month: 12, day: 31)!.daysSinceEpoch)

    public var epochMilliseconds: Int64 { epochMicroseconds.floorDiv(1000) }
    public var epochSeconds: Double { Double(epochMicroseconds) / 1_000_000 }

    /// The calendar date at the written offset.
    public var localDate: FullDate {
        let localMicros = epochMicroseconds + Int64(offsetMinutes) * 60_000_000
        return FullDate.fromDaysSinceEpoch(Int(localMicros.floorDiv(86_400_000_000)))
    }

    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(epochMicroseconds: epochMicroseconds + seconds * 1_000_000, offsetMinutes: offsetMinutes)
    }

    /// Parses an RFC 3339 `date-time`: `2026-11-26T21:14:00Z`, `2026-11-26t21:14:00.5+01:00`.
    /// A leap second (`:60`) is read as the first instant of the next minute.
    public init?(rfc3339 text: String) {
        let u = Array(text.utf8)
        guard u.count >= 20, let date = FullDate(rfc3339: Substring(text.utf8.prefix(10))) else { return nil }
        let tee = u[10]
        guard tee == UInt8(ascii: "T") || tee == UInt8(ascii: "t"),
            u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
            let hour = Digits.value(u[11..<13]), let minute = Digits.value(u[14..<16]),
            let second = Digits.value(u[17..<19]),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var i = 19
        var micros: Int64 = 0
        if u[i] == UInt8(ascii: ".") {
            i += 1
            var scale: Int64 = 100_000
            let start = i
            while i < u.count, u[i] >= 0x30, u[i] <= 0x39 {
                micros += Int64(u[i] - 0x30) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < u.count else { return nil }
        var offset = 0
        switch u[i] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard i + 1 == u.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard i + 6 == u.count, u[i + 3] == UInt8(ascii: ":"),
                let oh = Digits.value(u[(i + 1)..<(i + 3)]), let om = Digits.value(u[(i + 4)..<(i + 6)]),
                oh <= 23, om <= 59
            else { return nil }
            offset = (oh * 60 + om) * (u[i] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        let localSeconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        // The instant must fall within the years 1 to 9999 in UTC too, so it can be written back.
        let utcDays = (localSeconds - Int64(offset) * 60).floorDiv(86_400)
        guard utcDays >= Self.firstDay, utcDays <= Self.lastDay else { return nil }
        self.init(
            epochMicroseconds: (localSeconds - Int64(offset) * 60) * 1_000_000 + micros,
            offsetMinutes: offset)
    }

    /// RFC 3339 in UTC with milliseconds, the form mashd writes.
    public var rfc3339UTC: String {
        let ms = epochMilliseconds
        let days = Int(ms.floorDiv(86_400_000))
        let rem = Int(ms - Int64(days) * 86_400_000)
        let date = FullDate.fromDaysSinceEpoch(days)
        let h = rem / 3_600_000, m = rem / 60_000 % 60, s = rem / 1000 % 60, f = rem % 1000
        let frac = f < 10 ? "00\(f)" : f < 100 ? "0\(f)" : "\(f)"
        return "\(date)T\(String(format2: h)):\(String(format2: m)):\(String(format2: s)).\(frac)Z"
    }

    public var description: String { rfc3339UTC }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.epochMicroseconds < b.epochMicroseconds }

    public static func == (a: Timestamp, b: Timestamp) -> Bool {
        a.epochMicroseconds == b.epochMicroseconds && a.offsetMinutes == b.offsetMinutes
    }

    public func hash(into h: inout Hasher) {
        h.combine(epochMicroseconds)
        h.combine(offsetMinutes)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let t = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an RFC 3339 date-time: \(text)"))
        }
        self = t
    }

    /// Encodes at the sender's own offset, so a round trip keeps the local date.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rfc3339Local)
    }

    /// RFC 3339 at the written offset, with microseconds only when there are any.
    public var rfc3339Local: String {
        let local = epochMicroseconds + Int64(offsetMinutes) * 60_000_000
        let days = Int(local.floorDiv(86_400_000_000))
        let rem = local - Int64(days) * 86_400_000_000
        let secs = Int(rem / 1_000_000), us = Int(rem % 1_000_000)
        let date = FullDate.fromDaysSinceEpoch(days)
        var s = "\(date)T\(String(format2: secs / 3600)):\(String(format2: secs / 60 % 60)):\(String(format2: secs % 60))"
        if us != 0 {
            var f = "\(us)"
            f = String(repeating: "0", count: 6 - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        if offsetMinutes == 0 { return s + "Z" }
        let o = abs(offsetMinutes)
        return s + (offsetMinutes < 0 ? "-" : "+") + String(format2: o / 60) + ":" + String(format2: o % 60)
    }
}

extension FullDate {
    /// The date `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
    public static func fromDaysSinceEpoch(_ days: Int) -> FullDate {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        // Outside the years 1 to 9999 (an instant built from arithmetic, never one parsed), the
        // nearest representable date is given rather than a crash.
        return FullDate(year: min(max(y, 1), 9999), month: m, day: d) ?? FullDate(year: min(max(y, 1), 9999), month: m, day: 28)!
    }
}

extension Int64 {
    func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
