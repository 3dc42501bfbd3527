/// The JSON of a product, written by hand in sorted key order. It says exactly what a product
/// contains, field by field, which is also the list a reviewer checks for minimisation.
protocol JSONWritable {
    func write(to w: inout JSONWriter)
}

extension JSONWriter {
    mutating func value<T: JSONWritable>(_ v: T) { v.write(to: &self) }
    mutating func values<T: JSONWritable>(_ vs: [T]) { array(vs) { $1.write(to: &$0) } }
}

extension JSONWriter.ObjectWriter {
    mutating func field<T: JSONWritable>(_ key: String, _ v: T?) {
        guard let v else { return }
        value(key) { v.write(to: &$0) }
    }

    mutating func field<T: JSONWritable>(_ key: String, _ vs: [T]?) {
        guard let vs else { return }
        value(key) { $0.values(vs) }
    }
}

extension ModelIdentity: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("checksum", checksum)
            o.field("name", name)
            o.field("version", version)
        }
    }
}

extension RationaleEntry: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("effect", effect)
            o.field("reason", reason)
            o.field("rule", rule)
        }
    }
}

extension Address: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("line1", line1)
            o.field("line2", line2)
            o.field("postcode", postcode)
            o.field("town", town)
        }
    }
}

extension LocalAuthority: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("gss", gss)
            o.field("name", name)
        }
    }
}

extension ProductViews.ChildView: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("address", address)
            o.field("dateOfBirth", dateOfBirth?.description)
            o.field("ethnicity", ethnicity)
            o.field("expectedDate", expectedDate?.description)
            o.field("forenames", forenames)
            o.field("gender", gender)
            o.field("gp", gp)
            o.field("nhsNumber", nhsNumber)
            o.field("school", school)
            o.field("surname", surname)
            o.field("unborn", unborn)
            o.field("upn", upn)
        }
    }
}

extension ProductViews.Subject: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("authority", authority)
            o.field("children", children)
            o.field("history", history)
        }
    }
}

extension HouseholdMember: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("allegedPerpetrator", allegedPerpetrator)
            o.field("dateOfBirth", dateOfBirth?.description)
            o.field("forenames", forenames)
            o.field("name", name)
            o.field("parentalResponsibility", parentalResponsibility)
            o.field("pncId", pncId)
            o.field("relationship", relationship)
            o.field("role", role)
            o.field("surname", surname)
        }
    }
}

extension Concern: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("code", code.rawValue)
            o.field("wording", wording)
        }
    }
}

extension ProductViews.Concerns: JSONWritable {
    func write(to w: inout JSONWriter) {
        switch self {
        case .codes(let c): w.strings(c.map(\.rawValue))
        case .worded(let c): w.values(c)
        }
    }
}

extension ProductViews.FindingView: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("agency", agency.name)
            o.strings("indicators", indicators?.map(\.rawValue))
            o.field("sealed", sealed)
            o.field("summary", summary)
        }
    }
}

extension ProductViews.ReferrerView: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("email", email)
            o.field("name", name)
            o.field("organisation", organisation)
            o.field("phone", phone)
            o.field("professional", professional)
            o.field("role", role)
            o.field("warrantNumber", warrantNumber)
        }
    }
}

extension PoliceDetails: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("crisRef", crisRef)
            o.strings("ecmOutcomesUnmet", ecmOutcomesUnmet)
            o.field("officerUnit", officerUnit)
            o.field("referralType", referralType)
            o.field("trigger", trigger)
        }
    }
}

extension Consent: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("consentGiven", consentGiven)
            o.field("givenBy", givenBy)
            o.field("parentsInformed", parentsInformed)
            o.field("reasonIfNot", reasonIfNot)
        }
    }
}

extension LocalAuthorityDetails: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("consent", consent)
            o.field("source", source)
        }
    }
}

extension ProductViews.Source: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("format", format)
            o.field("localAuthority", localAuthority)
            o.field("narrative", narrative)
            o.field("notifiedAt", notifiedAt)
            o.field("police", police)
            o.field("reference", reference)
            o.field("referrer", referrer)
            o.field("stream", stream?.rawValue)
        }
    }
}

extension HistoryEntry: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("caseId", caseId.text)
            o.field("date", date.description)
            o.field("outcome", outcome)
            o.field("stream", stream.rawValue)
        }
    }
}

extension ProductViews.EscalationView: JSONWritable {
    func write(to w: inout JSONWriter) {
        w.object { o in
            o.field("deadline", deadline)
            o.strings("differences", differences)
            o.field("lateBySeconds", lateBySeconds)
            o.strings("reasons", reasons)
            o.strings("unanswered", unanswered?.map(\.name))
        }
    }
}

extension ProductDocument {
    /// The product's bytes: one JSON object, keys sorted, and a newline.
    var json: [UInt8] {
        var w = JSONWriter()
        w.object { o in
            o.nullable("caseId", caseId?.text)
            o.field("concerns", concerns)
            o.field("createdAt", createdAt.rfc3339UTC)
            o.field("deadline", deadline?.rfc3339UTC)
            o.field("decidedAt", decidedAt?.rfc3339UTC)
            o.field("escalation", escalation)
            o.field("findings", findings)
            o.field("household", household)
            o.field("id", id)
            o.field("kind", kind.rawValue)
            if hasRAG { o.nullable("level", level) }
            o.field("model", model)
            o.field("outcome", outcome)
            if hasRAG { o.nullable("rag", rag?.rawValue) }
            o.field("rationale", rationale)
            o.field("recipient", recipient.name)
            o.field("source", source)
            o.field("subject", subject)
        }
        w.raw("\n")
        return w.bytes
    }
}

extension Decision {
    /// The stored JSON form, as `JSONEncoder` with sorted keys writes it (and `JSONDecoder`
    /// reads it back), written by hand: decisions are stored on the single writer thread.
    public var storedJSON: String {
        var w = JSONWriter()
        w.object { o in
            o.field("decidedAt", decidedAt.rfc3339Local)
            o.field("lateBySeconds", lateBySeconds)
            o.field("level", level)
            o.field("model", model)
            o.field("outcome", outcome)
            o.field("rag", rag?.rawValue)
            o.field("rationale", rationale)
            o.strings("recipients", recipients.map(\.name))
            o.strings("unanswered", unanswered.map(\.name))
            o.strings("unrequested", unrequested.map(\.name))
        }
        return String(decoding: w.bytes, as: UTF8.self)
    }
}

extension ModelIdentity {
    /// The stored JSON form.
    public var storedJSON: String {
        var w = JSONWriter()
        write(to: &w)
        return String(decoding: w.bytes, as: UTF8.self)
    }
}
