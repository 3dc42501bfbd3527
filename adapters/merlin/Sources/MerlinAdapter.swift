import MASHCore
import MASHWire

/// Reads `merlin/1`: Metropolitan Police notifications from the Merlin database. Police wording
/// in `concerns` ("DV", "CSE", "missing from home") is mapped to the core's concern codes and
/// kept; anything unrecognised maps to `other` with its words, never to an error.
public struct MerlinAdapter: IntakeAdapter {
    public let format = "merlin/1"

    public init() {}

    static let triggers = ["domestic-incident", "missing", "arrest", "search", "victim", "custody", "other"]
    static let referralTypes = ["information-exchange", "formal-referral"]
    static let ecmOutcomes = ["stay-safe", "be-healthy", "enjoy-achieve", "positive-contribution", "economic-wellbeing"]
    static let roles = ["victim", "suspect", "witness", "parent", "other"]

    public func reference(in object: JSONObject) -> String? {
        if case .string(let s)? = object["merlinRef"] { return s }
        return nil
    }

    public func decode(_ object: JSONObject, context: AdapterContext) throws(IntakeError) -> Decoded {
        let r = FieldReader(object)
        var warnings: [IntakeWarning] = []
        try r.checkFormat(format)
        let ref = try r.reference("merlinRef", length: 1...64)
        let authority = try r.authority("borough")
        let createdAt = try r.dateTime("createdAt")
        let trigger = try r.oneOf("trigger", Self.triggers)
        let referralType = try r.oneOf("referralType", Self.referralTypes)
        let officerRisk = OfficerRisk(rawValue: try r.oneOf("officerRisk", OfficerRisk.allCases.map(\.rawValue)))!
        let immediateRisk = try r.optionalBool("immediateRisk") ?? false

        var concerns: [Concern] = []
        if let items = try r.optionalArray("concerns") {
            for (n, words) in try r.strings(in: items, of: "concerns").enumerated() {
                let code = PoliceWording.code(for: words)
                if code == nil { warnings.append(IntakeWarning(code: IntakeWarning.unknownConcern, field: "/concerns/\(n)")) }
                concerns.append(Concern(code: code ?? .other, wording: words))
            }
        }
        let implied: ConcernCode? = trigger == "domestic-incident" ? .domesticAbuse : trigger == "missing" ? .missing : nil
        if let implied, !concerns.contains(where: { $0.code == implied }) {
            concerns.append(Concern(code: implied, wording: nil))
        }
        var ecm: [String] = []
        if let items = try r.optionalArray("ecmOutcomesUnmet") {
            for (n, s) in try r.strings(in: items, of: "ecmOutcomesUnmet").enumerated() {
                guard Self.ecmOutcomes.contains(s) else {
                    throw .invalidField("/ecmOutcomesUnmet/\(n)", "/ecmOutcomesUnmet/\(n) must be one of \(Self.ecmOutcomes.joined(separator: ", "))")
                }
                ecm.append(s)
            }
        }

        let childItems = try r.array("children")
        guard !childItems.isEmpty else { throw .invalidField("/children", "/children must name at least one child") }
        var children: [Child] = []
        for c in try r.objects(in: childItems, of: "children") {
            children.append(try child(c, notified: createdAt.localDate, warnings: &warnings))
        }

        var household: [HouseholdMember] = []
        if let items = try r.optionalArray("adults") {
            for a in try r.objects(in: items, of: "adults") {
                household.append(
                    HouseholdMember(
                        surname: try a.optionalString("surname"), forenames: try a.optionalString("forenames"),
                        dateOfBirth: try a.optionalDate("dob"), relationship: try a.optionalString("relationship"),
                        role: try a.optionalOneOf("role", Self.roles), pncId: try a.optionalString("pncId")))
            }
        }

        let officer = try r.optionalObject("officer")
        let referrer = Referrer(
            name: try officer?.optionalString("name"), role: "police officer",
            organisation: try officer?.optionalString("unit") ?? "Metropolitan Police Service",
            phone: try officer?.optionalString("phone"), professional: true,
            warrantNumber: try officer?.optionalString("warrantNumber"))

        let notification = MASHNotification(
            format: format, stream: .police, sourceReference: ref, authority: authority, time: createdAt,
            children: children, household: household, concerns: concerns, referrer: referrer,
            flags: NotificationFlags(
                immediateRisk: immediateRisk, openCase: false, officerRisk: officerRisk,
                informationExchange: referralType == "information-exchange"),
            narrative: try r.optionalString("circumstances"),
            police: PoliceDetails(
                trigger: trigger, referralType: referralType, ecmOutcomesUnmet: ecm,
                crisRef: try r.optionalString("crisRef"), officerUnit: try officer?.optionalString("unit")))
        return Decoded(intake: .notification(notification), warnings: warnings)
    }

    func child(_ c: FieldReader, notified: FullDate, warnings: inout [IntakeWarning]) throws(IntakeError) -> Child {
        let dob = try c.optionalDate("dob")
        let unborn = try c.optionalBool("unborn") ?? false
        let expected = try c.optionalDate("expectedDate")
        if dob == nil && !(unborn && expected != nil) {
            throw .missingField(
                c.path("dob"), "\(c.path("dob")) is missing: each child needs dob, or unborn: true with expectedDate")
        }
        if let dob, dob > notified {
            warnings.append(IntakeWarning(code: IntakeWarning.dateOfBirthAfterNotification, field: c.path("dob")))
        }
        let ids = try c.identifiers(nhs: "nhsNumber", upn: "upn", warnings: &warnings)
        return Child(
            surname: try c.optionalString("surname"), forenames: try c.optionalString("forenames"),
            dateOfBirth: dob, unborn: dob == nil, expectedDate: expected, gender: try c.optionalString("gender"),
            nhsNumber: ids.nhs, upn: ids.upn, address: try c.address("address", warnings: &warnings),
            school: try c.optionalString("school"))
    }
}

/// The police wording table of formats.md. Matching ignores case and runs of white space; a
/// concern code written as it is maps to itself.
public enum PoliceWording {
    static let table: [String: ConcernCode] = [
        "dv": .domesticAbuse, "domestic violence": .domesticAbuse, "domestic abuse": .domesticAbuse,
        "cse": .sexualExploitation,
        "cce": .criminalExploitation, "county lines": .criminalExploitation, "gangs": .criminalExploitation,
        "missing": .missing, "missing from home": .missing, "mfh": .missing,
        "neglect": .neglect,
        "fgm": .fgm,
        "sexual abuse": .sexualAbuse,
        "physical abuse": .physicalAbuse, "assault": .physicalAbuse,
        "trafficking": .trafficking, "modern slavery": .trafficking,
        "radicalisation": .radicalisation, "prevent": .radicalisation,
        "self harm": .selfHarm, "self-harm": .selfHarm,
    ]

    /// The code for police words, or nil when they are not recognised (the caller maps that to
    /// `other` and keeps the words).
    public static func code(for words: String) -> ConcernCode? {
        let key = PersonName.normalise(words)
        return table[key] ?? ConcernCode(rawValue: key)
    }
}
