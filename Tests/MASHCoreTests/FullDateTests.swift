import MASHCore
import Testing

@Suite("FullDate")
struct FullDateTests {
    @Test("valid full dates parse to their parts", arguments: [
        ("2026-11-26", 2026, 11, 26),
        ("2017-04-22", 2017, 4, 22),
        ("2024-02-29", 2024, 2, 29),
        ("2000-02-29", 2000, 2, 29),
        ("1996-02-29", 1996, 2, 29),
        ("2026-02-28", 2026, 2, 28),
        ("2026-04-30", 2026, 4, 30),
        ("2026-12-31", 2026, 12, 31),
        ("2026-01-01", 2026, 1, 1),
        ("0001-01-01", 1, 1, 1),
        ("9999-12-31", 9999, 12, 31),
        ("1900-02-28", 1900, 2, 28),
    ])
    func valid(text: String, year: Int, month: Int, day: Int) throws {
        let d = try #require(FullDate(rfc3339: text))
        #expect(d.year == year)
        #expect(d.month == month)
        #expect(d.day == day)
        #expect(d.description == text)
        #expect(FullDate(year: year, month: month, day: day) == d)
    }

    @Test("invalid full dates are refused", arguments: [
        "1900-02-29", "2100-02-29", "2023-02-29", "2026-02-29", "2026-02-30", "2026-04-31", "2026-06-31",
        "2026-09-31", "2026-11-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-01-32", "0000-01-01",
        "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "2026.01.01", "20260101", "2026-01",
        "2026-01-01 ", " 2026-01-01", "2026-01-01T00:00:00Z", "", "2026-0a-01", "+026-01-01", "-026-01-01",
        "2026--1-01", "2026-01--1", "\u{FF12}026-01-01", "2026-01-0\u{FF11}", "abcd-ef-gh",
    ])
    func invalid(text: String) {
        #expect(FullDate(rfc3339: text) == nil)
    }

    @Test("impossible parts are refused", arguments: [
        (2026, 2, 29), (2026, 0, 1), (2026, 13, 1), (2026, 1, 0), (2026, 1, 32), (0, 1, 1), (10000, 1, 1),
        (1900, 2, 29), (2026, 4, 31), (-1, 1, 1),
    ])
    func impossibleParts(year: Int, month: Int, day: Int) {
        #expect(FullDate(year: year, month: month, day: day) == nil)
    }

    @Test("age in whole years", arguments: [
        ("2025-11-27", "2026-11-26", 0),
        ("2025-11-26", "2026-11-26", 1),
        ("2024-02-29", "2025-02-28", 0),
        ("2024-02-29", "2025-03-01", 1),
        ("2024-02-29", "2028-02-28", 3),
        ("2024-02-29", "2028-02-29", 4),
        ("2017-04-22", "2026-11-26", 9),
        ("2017-04-22", "2026-04-21", 8),
        ("2017-04-22", "2026-04-22", 9),
        ("2026-11-26", "2026-11-26", 0),
        ("2025-12-31", "2026-01-01", 0),
        ("2008-11-27", "2026-11-26", 17),
        ("2008-11-26", "2026-11-26", 18),
        ("2026-11-27", "2026-11-26", -1),
        ("2027-02-01", "2026-11-26", -1),
    ])
    func age(dob: String, on: String, years: Int) throws {
        let birth = try #require(FullDate(rfc3339: dob))
        let date = try #require(FullDate(rfc3339: on))
        #expect(birth.age(on: date) == years)
    }

    // Expected values from `date -u -d DATE +%s` divided by 86400.
    @Test("days since the epoch", arguments: [
        ("1970-01-01", 0), ("1969-12-31", -1), ("2000-01-01", 10957), ("2026-11-26", 20783),
        ("2024-02-29", 19782), ("1900-03-01", -25508), ("0001-01-01", -719162), ("9999-12-31", 2932896),
    ])
    func daysSinceEpoch(text: String, days: Int) throws {
        let d = try #require(FullDate(rfc3339: text))
        #expect(d.daysSinceEpoch == days)
        #expect(FullDate.fromDaysSinceEpoch(days) == d)
    }

    @Test("every day from 0001-01-01 to 9999-12-31 round-trips and follows the one before")
    func roundTripEveryDay() {
        // An independent calendar: walk day by day with the Gregorian rules written out here.
        func leap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
        func length(_ y: Int, _ m: Int) -> Int {
            [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        }
        var (y, m, d) = (1, 1, 1)
        var mismatches = 0
        var first: String?
        for days in -719162...2932896 {
            let date = FullDate.fromDaysSinceEpoch(days)
            if date.year != y || date.month != m || date.day != d || date.daysSinceEpoch != days {
                mismatches += 1
                if first == nil { first = "day \(days): got \(date), expected \(y)-\(m)-\(d)" }
            }
            d += 1
            if d > length(y, m) {
                d = 1
                m += 1
                if m > 12 { m = 1; y += 1 }
            }
        }
        #expect(mismatches == 0, "\(first ?? "")")
        #expect((y, m, d) == (10000, 1, 1))
    }

    @Test("ordering follows the calendar")
    func ordering() throws {
        let a = try #require(FullDate(rfc3339: "2025-12-31"))
        let b = try #require(FullDate(rfc3339: "2026-01-01"))
        let c = try #require(FullDate(rfc3339: "2026-02-01"))
        #expect(a < b && b < c && a < c)
        #expect(!(b < b))
    }
}
