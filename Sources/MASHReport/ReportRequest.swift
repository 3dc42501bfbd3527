import MASHCore

/// How a report groups its figures in time. Buckets are UTC days, ISO weeks (Monday to
/// Sunday) or calendar quarters (January, April, July, October: the same boundaries as the
/// financial-year quarters of the London return), cut to the report's range.
public enum ReportPeriod: String, Sendable, CaseIterable {
    case day, week, quarter

    /// Day for a range of at most 31 days, week for at most 6 calendar months, else quarter.
    public static func defaultFor(from: FullDate, to: FullDate) -> ReportPeriod {
        let days = to.daysSinceEpoch - from.daysSinceEpoch + 1
        if days <= 31 { return .day }
        return to.daysSinceEpoch < ReportDates.addingMonths(6, to: from).daysSinceEpoch ? .week : .quarter
    }
}

/// What a report covers: cases accepted on the UTC days `from` to `to`, both included.
public struct ReportRequest: Sendable {
    public var from: FullDate
    public var to: FullDate
    public var period: ReportPeriod
    /// The instant undecided cases are judged overdue against (their deadline has passed).
    public var asOf: Timestamp

    public init(from: FullDate, to: FullDate, period: ReportPeriod? = nil, asOf: Timestamp) throws {
        guard from <= to else { throw ReportError.badRange("--from \(from) is after --to \(to)") }
        self.from = from
        self.to = to
        self.period = period ?? .defaultFor(from: from, to: to)
        self.asOf = asOf
    }

    /// The range in epoch milliseconds, end excluded.
    var startMs: Int64 { Int64(from.daysSinceEpoch) * ReportDates.dayMs }
    var endMs: Int64 { Int64(to.daysSinceEpoch + 1) * ReportDates.dayMs }
    var dayCount: Int { to.daysSinceEpoch - from.daysSinceEpoch + 1 }

    /// The period buckets, each cut to the range, in order.
    func buckets() -> [Bucket] {
        var out: [Bucket] = []
        var day = from.daysSinceEpoch
        let last = to.daysSinceEpoch
        while day <= last {
            let end: Int
            switch period {
            case .day: end = day
            case .week:
                // 1970-01-01 was a Thursday: (d + 3) mod 7 is 0 on Mondays.
                end = day - ((day + 3) % 7 + 7) % 7 + 6
            case .quarter:
                let d = FullDate.fromDaysSinceEpoch(day)
                let firstMonthOfNext = (d.month - 1) / 3 * 3 + 4
                let next = firstMonthOfNext > 12
                    ? FullDate(year: d.year + 1, month: 1, day: 1)! : FullDate(year: d.year, month: firstMonthOfNext, day: 1)!
                end = next.daysSinceEpoch - 1
            }
            let cut = min(end, last)
            out.append(Bucket(firstDay: day, lastDay: cut))
            day = cut + 1
        }
        return out
    }
}

/// One period of the report: UTC days `firstDay` to `lastDay` (days since 1970-01-01).
struct Bucket: Sendable, Hashable {
    var firstDay: Int
    var lastDay: Int
    var start: FullDate { FullDate.fromDaysSinceEpoch(firstDay) }
    var end: FullDate { FullDate.fromDaysSinceEpoch(lastDay) }
    var startMs: Int64 { Int64(firstDay) * ReportDates.dayMs }
    var endMs: Int64 { Int64(lastDay + 1) * ReportDates.dayMs }
}

enum ReportDates {
    static let dayMs: Int64 = 86_400_000
    static let hourMs: Int64 = 3_600_000
    /// The repeat window: 365 days, both ends included, as the standard model's repeat rule.
    static let yearMs: Int64 = 365 * dayMs

    static func addingMonths(_ n: Int, to d: FullDate) -> FullDate {
        let months = d.year * 12 + (d.month - 1) + n
        let y = months / 12, m = months % 12 + 1
        return FullDate(year: y, month: m, day: min(d.day, FullDate.daysIn(month: m, year: y)))!
    }
}

/// Why a report could not be made.
public enum ReportError: Error, CustomStringConvertible, Sendable {
    case noStore(String)
    case badDate(String)
    case badRange(String)
    case unreadable(String)

    public var description: String {
        switch self {
        case .noStore(let s), .badDate(let s), .badRange(let s), .unreadable(let s): return s
        }
    }
}

extension Int64 {
    /// Division rounding toward minus infinity (days before 1970 too).
    func floorDivided(by d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}
