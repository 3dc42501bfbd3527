import MASHCore
import Testing

/// MASH.md step 3's repeat history as `mashctl explain` and the dry run count it (the daemon
/// counts the same from its store: `CaseStoreTests`): "notifications accepted before this one
/// whose own time falls within the 365 days up to and including this one's time".
@Suite("SameChildIndex: the repeat window")
struct SameChildIndexTests {
    static let now = "2026-11-26T21:14:00Z"
    static let dob = Fixture.date("2016-05-14")

    static func child(nhs: String? = nil, upn: String? = nil, surname: String = "Quillfeather", forenames: String = "Zebedee") -> Child {
        Child(surname: surname, forenames: forenames, dateOfBirth: dob, nhsNumber: nhs.map { .nhsNumber($0) }, upn: upn.map { .upn($0) })
    }

    static func at(_ time: String, _ child: Child = child()) -> MASHNotification {
        Fixture.notification(stream: .localAuthority, time: time, children: [child])
    }

    func count(earlier: [MASHNotification], then n: MASHNotification, limit: Int = 2) -> ChildHistory {
        var index = SameChildIndex()
        for (i, e) in earlier.enumerated() { index.add(e, sequence: Int64(i + 1)) }
        return index.history(of: n, windowDays: 365, limit: limit)
    }

    // (earlier notification's own time, counted)
    @Test("the window's edges", arguments: [
        ("2025-11-26T21:14:00Z", true),  // exactly 365 days before
        ("2025-11-26T21:13:59.999Z", false),  // a millisecond more
        ("2025-11-26T21:14:00.001Z", true),
        ("2026-11-26T21:14:00Z", true),  // the same instant: "up to and including"
        ("2026-11-26T21:14:00.001Z", false),  // accepted earlier, but its own time is later
        ("2026-11-27T09:00:00Z", false),
        ("2026-11-26T22:14:00+01:00", true),  // the same instant, written at another offset
        ("2020-01-01T00:00:00Z", false),
    ])
    func edges(time: String, counted: Bool) {
        #expect(count(earlier: [Self.at(time)], then: Self.at(Self.now), limit: 5).earlierNotifications == (counted ? 1 : 0))
    }

    @Test("a leap year's 29 February inside the window is just another day")
    func leapYear() {
        // 2028 is a leap year: 365 days before 2028-12-31 is 2028-01-01, not 2027-12-31.
        let n = Self.at("2028-12-31T12:00:00Z")
        #expect(count(earlier: [Self.at("2028-01-01T12:00:00Z")], then: n).earlierNotifications == 1)
        #expect(count(earlier: [Self.at("2027-12-31T12:00:00Z")], then: n).earlierNotifications == 0)
    }

    @Test("the same child by NHS number, by UPN, or by name and date of birth; one notification counts once")
    func matching() {
        let byNHS = Self.at("2026-10-01T10:00:00Z", Self.child(nhs: "9434765919", surname: "Other", forenames: "Name"))
        let byUPN = Self.at("2026-10-02T10:00:00Z", Self.child(upn: "B801200005001", surname: "Else", forenames: "Who"))
        let byName = Self.at("2026-10-03T10:00:00Z", Self.child(surname: " QUILLFEATHER ", forenames: "zebedee  ottoline"))
        let everything = Self.at(Self.now, Self.child(nhs: "943 476 5919", upn: "B801200005001"))
        #expect(count(earlier: [byNHS, byUPN, byName], then: everything, limit: 10).earlierNotifications == 3)
        // One earlier notification that matches on every key is one notification.
        let all = Self.at("2026-10-04T10:00:00Z", Self.child(nhs: "9434765919", upn: "B801200005001"))
        #expect(count(earlier: [all], then: everything, limit: 10).earlierNotifications == 1)
    }

    @Test("invalid identifiers never match, and a different child does not count")
    func noMatch() {
        let invalidNHS = Self.at("2026-10-01T10:00:00Z", Self.child(nhs: "9434765918", surname: "A", forenames: "B"))
        let invalidUPN = Self.at("2026-10-01T10:00:00Z", Self.child(upn: "A801200005001", surname: "C", forenames: "D"))
        let sibling = Self.at("2026-10-01T10:00:00Z", Self.child(forenames: "Zachary"))
        let n = Self.at(Self.now, Self.child(nhs: "9434765918", upn: "A801200005001"))
        #expect(count(earlier: [invalidNHS, invalidUPN, sibling], then: n, limit: 10).earlierNotifications == 0)
    }

    @Test("counting stops at the rule's threshold, and says so")
    func limit() {
        let earlier = (1...5).map { Self.at("2026-0\($0)-01T10:00:00Z") }
        let h = count(earlier: earlier, then: Self.at(Self.now), limit: 2)
        #expect(h.earlierNotifications == 2)
        #expect(h.countIsLowerBound)
        let one = count(earlier: [earlier[0]], then: Self.at(Self.now), limit: 2)
        #expect(one.earlierNotifications == 1)
        #expect(!one.countIsLowerBound)
    }
}
