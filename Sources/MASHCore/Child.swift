/// A child named on a notification, in one shape for both streams. Police `forenames` and a
/// front door's `firstName` both land in `forenames`, so the same-child rule reads one field.
public struct Child: Sendable, Hashable, Codable {
    public var surname: String?
    public var forenames: String?
    /// Nil for an unborn child.
    public var dateOfBirth: FullDate?
    public var unborn: Bool
    /// The expected date of delivery of an unborn child.
    public var expectedDate: FullDate?
    public var gender: String?
    public var ethnicity: String?
    public var nhsNumber: ChildIdentifier?
    public var upn: ChildIdentifier?
    public var address: Address?
    public var school: String?
    public var gp: String?

    public init(
        surname: String? = nil, forenames: String? = nil, dateOfBirth: FullDate? = nil, unborn: Bool = false,
        expectedDate: FullDate? = nil, gender: String? = nil, ethnicity: String? = nil,
        nhsNumber: ChildIdentifier? = nil, upn: ChildIdentifier? = nil, address: Address? = nil,
        school: String? = nil, gp: String? = nil
    ) {
        self.surname = surname
        self.forenames = forenames
        self.dateOfBirth = dateOfBirth
        self.unborn = unborn
        self.expectedDate = expectedDate
        self.gender = gender
        self.ethnicity = ethnicity
        self.nhsNumber = nhsNumber
        self.upn = upn
        self.address = address
        self.school = school
        self.gp = gp
    }

    /// Unborn, or under one year old on `date` (a date of birth after `date` counts as under one).
    public func isUnderOneOrUnborn(on date: FullDate) -> Bool {
        guard !unborn, let dob = dateOfBirth else { return true }
        return dob.age(on: date) < 1
    }

    /// The keys under which this child can be found again: a valid NHS number, a valid UPN, and
    /// the normalised surname, first forename and date of birth together. Invalid identifiers
    /// give no key.
    public var matchKeys: [ChildKey] {
        var keys: [ChildKey] = []
        if let n = nhsNumber?.normalised { keys.append(.nhsNumber(n)) }
        if let u = upn?.normalised { keys.append(.upn(u)) }
        if let s = surname.map(PersonName.normalise), !s.isEmpty,
            let f = PersonName.firstForename(forenames), let dob = dateOfBirth
        {
            keys.append(.nameAndBirth(surname: s, firstForename: f, dateOfBirth: dob))
        }
        return keys
    }
}

/// One way of recognising the same child in another notification.
public enum ChildKey: Sendable, Hashable {
    case nhsNumber(String)
    case upn(String)
    case nameAndBirth(surname: String, firstForename: String, dateOfBirth: FullDate)

    /// A compact string form, for an index. The prefixes keep the kinds apart.
    public var indexKey: String {
        switch self {
        case .nhsNumber(let n): return "nhs:" + n
        case .upn(let u): return "upn:" + u
        case .nameAndBirth(let s, let f, let d): return "name:\(s)|\(f)|\(d)"
        }
    }
}

/// An adult in the household or involved in the incident. Police `pncId` (a criminal record
/// identifier) is here; products for early help must never carry it.
public struct HouseholdMember: Sendable, Hashable, Codable {
    /// The full name, when the sender gave one field (`la-referral/1`).
    public var name: String?
    public var surname: String?
    public var forenames: String?
    public var dateOfBirth: FullDate?
    public var relationship: String?
    /// `victim`, `suspect`, `witness`, `parent` or `other` (police).
    public var role: String?
    public var pncId: String?
    public var parentalResponsibility: Bool?
    public var allegedPerpetrator: Bool?

    public init(
        name: String? = nil, surname: String? = nil, forenames: String? = nil, dateOfBirth: FullDate? = nil,
        relationship: String? = nil, role: String? = nil, pncId: String? = nil,
        parentalResponsibility: Bool? = nil, allegedPerpetrator: Bool? = nil
    ) {
        self.name = name
        self.surname = surname
        self.forenames = forenames
        self.dateOfBirth = dateOfBirth
        self.relationship = relationship
        self.role = role
        self.pncId = pncId
        self.parentalResponsibility = parentalResponsibility
        self.allegedPerpetrator = allegedPerpetrator
    }
}

/// Who raised the concern. A referrer who is not a professional is never named in a product.
public struct Referrer: Sendable, Hashable, Codable {
    public var name: String?
    public var role: String?
    public var organisation: String?
    public var phone: String?
    public var email: String?
    public var professional: Bool
    /// The officer's warrant number, for police notifications.
    public var warrantNumber: String?

    public init(
        name: String? = nil, role: String? = nil, organisation: String? = nil, phone: String? = nil,
        email: String? = nil, professional: Bool, warrantNumber: String? = nil
    ) {
        self.name = name
        self.role = role
        self.organisation = organisation
        self.phone = phone
        self.email = email
        self.professional = professional
        self.warrantNumber = warrantNumber
    }
}
