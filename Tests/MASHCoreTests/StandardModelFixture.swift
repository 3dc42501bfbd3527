import MASHCore
import HandStandardModel

/// Builders for notifications in the shape the screener reads.
enum Fixture {
    /// A distinctive name, so a test can show it never reaches a rationale.
    static let forename = "Zebedee"
    static let middleName = "Ottoline"
    static let surname = "Quillfeather"

    static func date(_ s: String) -> FullDate {
        guard let d = FullDate(rfc3339: s) else { fatalError("bad fixture date \(s)") }
        return d
    }

    static func time(_ s: String) -> Timestamp {
        guard let t = Timestamp(rfc3339: s) else { fatalError("bad fixture time \(s)") }
        return t
    }

    /// A child born on `dob` (nil and `unborn` for an unborn child).
    static func child(dob: String?, unborn: Bool = false, expected: String? = nil) -> Child {
        Child(
            surname: surname, forenames: "\(forename) \(middleName)", dateOfBirth: dob.map(date), unborn: unborn,
            expectedDate: expected.map(date))
    }

    /// Ten years old on the default notification date.
    static let schoolChild = child(dob: "2016-05-14")
    static let unbornChild = child(dob: nil, unborn: true, expected: "2027-02-01")

    static func notification(
        stream: NotificationStream, time t: String = "2026-11-26T21:14:00Z", concerns: [ConcernCode] = [],
        children: [Child] = [schoolChild], officerRisk: OfficerRisk? = nil, informationExchange: Bool = false,
        immediateRisk: Bool = false, openCase: Bool = false
    ) -> MASHNotification {
        MASHNotification(
            format: stream == .police ? "merlin/1" : "la-referral/1", stream: stream,
            sourceReference: stream == .police ? "MER-26-114072" : "HK-C-0049113",
            authority: LocalAuthority.named("Hackney")!, time: time(t), children: children,
            concerns: concerns.map { Concern(code: $0, wording: nil) },
            referrer: Referrer(name: "PC J Patel", professional: true),
            flags: NotificationFlags(
                immediateRisk: immediateRisk, openCase: openCase, officerRisk: officerRisk,
                informationExchange: informationExchange),
            narrative: "\(forename) \(surname) was present.")
    }
}
