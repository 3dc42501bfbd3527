import MASHCore
import MASHWire

/// Reads `la-referral/1`: contacts and referrals arriving at a borough's front door from
/// schools, health, the public and other services. Concerns are already concern codes; an
/// unknown word maps to `other` with a warning, because a concern is never refused for data
/// quality.
public struct LAReferralAdapter: IntakeAdapter {
    public let format = "la-referral/1"

    public init() {}

    /// The children-in-need census referral source codes.
    static let sources = [
        "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4",
        "5A", "5B", "5C", "5D", "6", "7", "8", "9", "10",
    ]

    public func reference(in object: JSONObject) -> String? {
        if case .string(let s)? = object["contactId"] { return s }
        return nil
    }

    public func decode(_ object: JSONObject, context: AdapterContext) throws(IntakeError) -> Decoded {
        let r = FieldReader(object)
        var warnings: [IntakeWarning] = []
        try r.checkFormat(format)
        let ref = try r.reference("contactId", length: 1...64)
        let authority = try r.authority("localAuthority")
        let receivedAt = try r.dateTime("receivedAt")
        let source = try r.oneOf("source", Self.sources)

        let ref0 = try r.object("referrer")
        let referrer = Referrer(
            name: try ref0.optionalString("name"), role: try ref0.optionalString("role"),
            organisation: try ref0.optionalString("organisation"), phone: try ref0.optionalString("phone"),
            email: try ref0.optionalString("email"), professional: try ref0.bool("professional"))

        let childItems = try r.array("children")
        guard !childItems.isEmpty else { throw .invalidField("/children", "/children must name at least one child") }
        var children: [Child] = []
        for c in try r.objects(in: childItems, of: "children") {
            children.append(try child(c, notified: receivedAt.localDate, warnings: &warnings))
        }

        var household: [HouseholdMember] = []
        if let items = try r.optionalArray("householdMembers") {
            for m in try r.objects(in: items, of: "householdMembers") {
                household.append(
                    HouseholdMember(
                        name: try m.optionalString("name"), dateOfBirth: try m.optionalDate("dob"),
                        relationship: try m.optionalString("relationship"),
                        parentalResponsibility: try m.optionalBool("parentalResponsibility"),
                        allegedPerpetrator: try m.optionalBool("allegedPerpetrator")))
            }
        }

        let concernItems = try r.array("concerns")
        guard !concernItems.isEmpty else { throw .invalidField("/concerns", "/concerns must give at least one concern code") }
        var concerns: [Concern] = []
        for (n, word) in try r.strings(in: concernItems, of: "concerns").enumerated() {
            let code = ConcernCode(rawValue: PersonName.normalise(word))
            if code == nil { warnings.append(IntakeWarning(code: IntakeWarning.unknownConcern, field: "/concerns/\(n)")) }
            concerns.append(Concern(code: code ?? .other, wording: word))
        }

        let description = try r.string("description")
        let consent = try r.optionalObject("consent").map { (c) throws(IntakeError) in
            Consent(
                parentsInformed: try c.optionalBool("parentsInformed"), consentGiven: try c.optionalBool("consentGiven"),
                givenBy: try c.optionalString("givenBy"), reasonIfNot: try c.optionalString("reasonIfNot"))
        }

        let notification = MASHNotification(
            format: format, stream: .localAuthority, sourceReference: ref, authority: authority, time: receivedAt,
            children: children, household: household, concerns: concerns, referrer: referrer,
            flags: NotificationFlags(
                immediateRisk: try r.optionalBool("immediateProtectionNeeded") ?? false,
                openCase: try r.optionalBool("openCase") ?? false),
            narrative: description,
            localAuthority: LocalAuthorityDetails(source: source, consent: consent))
        return Decoded(intake: .notification(notification), warnings: warnings)
    }

    func child(_ c: FieldReader, notified: FullDate, warnings: inout [IntakeWarning]) throws(IntakeError) -> Child {
        let dob = try c.optionalDate("dob")
        let expected = try c.optionalDate("expectedDeliveryDate")
        if dob == nil && expected == nil {
            throw .missingField(c.path("dob"), "\(c.path("dob")) is missing: each child needs dob or expectedDeliveryDate")
        }
        if let dob, dob > notified {
            warnings.append(IntakeWarning(code: IntakeWarning.dateOfBirthAfterNotification, field: c.path("dob")))
        }
        let ids = try c.identifiers(nhs: "nhsNumber", upn: "upn", warnings: &warnings)
        return Child(
            surname: try c.optionalString("lastName"), forenames: try c.optionalString("firstName"),
            dateOfBirth: dob, unborn: dob == nil, expectedDate: expected, gender: try c.optionalString("gender"),
            ethnicity: try c.optionalString("ethnicity"), nhsNumber: ids.nhs, upn: ids.upn,
            address: try c.address("address", warnings: &warnings), school: try c.optionalString("school"),
            gp: try c.optionalString("gp"))
    }
}
