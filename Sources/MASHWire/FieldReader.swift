import MASHCore

/// Reads the fields of one JSON object and turns every fault into a precise `IntakeError` with
/// the field's JSON pointer. Adapters use it so that no two adapters word the same fault
/// differently. A `null` optional field counts as absent (formats.md).
public struct FieldReader: Sendable {
    public let object: JSONObject
    /// The pointer of this object, "" for the top level.
    public let pointer: String

    public init(_ object: JSONObject, pointer: String = "") {
        self.object = object
        self.pointer = pointer
    }

    public func path(_ key: String) -> String { pointer + "/" + key }

    /// The value, nil when absent or null.
    public func optional(_ key: String) -> JSONValue? {
        switch object[key] {
        case nil, .null?: return nil
        case let v?: return v
        }
    }

    public func required(_ key: String) throws(IntakeError) -> JSONValue {
        guard let v = object[key] else { throw .missingField(path(key)) }
        if case .null = v { throw .missingField(path(key), "required field \(path(key)) is null") }
        return v
    }

    func wrongType(_ key: String, _ v: JSONValue, _ expected: String) -> IntakeError {
        .invalidField(path(key), "\(path(key)) must be \(expected), not \(v.typeDescription)")
    }

    // MARK: strings

    public func string(_ key: String) throws(IntakeError) -> String {
        let v = try required(key)
        guard case .string(let s) = v else { throw wrongType(key, v, "a string") }
        return s
    }

    public func optionalString(_ key: String) throws(IntakeError) -> String? {
        guard let v = optional(key) else { return nil }
        guard case .string(let s) = v else { throw wrongType(key, v, "a string") }
        return s
    }

    /// A required string of `range` characters, not blank.
    public func reference(_ key: String, length range: ClosedRange<Int>) throws(IntakeError) -> String {
        let s = try string(key)
        guard range.contains(s.count), !s.allSatisfy(\.isWhitespace) else {
            throw .invalidField(path(key), "\(path(key)) must be \(range.lowerBound) to \(range.upperBound) characters and not blank")
        }
        return s
    }

    /// A required string that must be one of `allowed`.
    public func oneOf(_ key: String, _ allowed: [String]) throws(IntakeError) -> String {
        let s = try string(key)
        guard allowed.contains(s) else { throw notOneOf(key, s, allowed) }
        return s
    }

    public func optionalOneOf(_ key: String, _ allowed: [String]) throws(IntakeError) -> String? {
        guard let s = try optionalString(key) else { return nil }
        guard allowed.contains(s) else { throw notOneOf(key, s, allowed) }
        return s
    }

    func notOneOf(_ key: String, _ s: String, _ allowed: [String]) -> IntakeError {
        .invalidField(path(key), "\(path(key)) must be one of \(allowed.joined(separator: ", ")); \"\(s.prefix(40))\" is not")
    }

    // MARK: booleans

    public func bool(_ key: String) throws(IntakeError) -> Bool {
        let v = try required(key)
        guard case .bool(let b) = v else { throw wrongType(key, v, "true or false") }
        return b
    }

    public func optionalBool(_ key: String) throws(IntakeError) -> Bool? {
        guard let v = optional(key) else { return nil }
        guard case .bool(let b) = v else { throw wrongType(key, v, "true or false") }
        return b
    }

    // MARK: dates

    public func dateTime(_ key: String) throws(IntakeError) -> Timestamp {
        let s = try string(key)
        guard let t = Timestamp(rfc3339: s) else { throw notDateTime(key) }
        return t
    }

    func notDateTime(_ key: String) -> IntakeError {
        .invalidField(path(key), "\(path(key)) must be an RFC 3339 date-time such as 2026-11-26T21:14:00Z")
    }

    public func optionalDate(_ key: String) throws(IntakeError) -> FullDate? {
        guard let s = try optionalString(key) else { return nil }
        guard let d = FullDate(rfc3339: s) else {
            throw .invalidField(path(key), "\(path(key)) must be a full date such as 2017-04-22")
        }
        return d
    }

    // MARK: containers

    public func optionalObject(_ key: String) throws(IntakeError) -> FieldReader? {
        guard let v = optional(key) else { return nil }
        guard case .object(let o) = v else { throw wrongType(key, v, "an object") }
        return FieldReader(o, pointer: path(key))
    }

    public func object(_ key: String) throws(IntakeError) -> FieldReader {
        let v = try required(key)
        guard case .object(let o) = v else { throw wrongType(key, v, "an object") }
        return FieldReader(o, pointer: path(key))
    }

    public func array(_ key: String) throws(IntakeError) -> [JSONValue] {
        let v = try required(key)
        guard case .array(let a) = v else { throw wrongType(key, v, "an array") }
        return a
    }

    public func optionalArray(_ key: String) throws(IntakeError) -> [JSONValue]? {
        guard let v = optional(key) else { return nil }
        guard case .array(let a) = v else { throw wrongType(key, v, "an array") }
        return a
    }

    /// Each element of an array of objects, as a reader at `/key/N`.
    public func objects(in items: [JSONValue], of key: String) throws(IntakeError) -> [FieldReader] {
        var out: [FieldReader] = []
        out.reserveCapacity(items.count)
        for (n, item) in items.enumerated() {
            guard case .object(let o) = item else {
                throw .invalidField("\(path(key))/\(n)", "\(path(key))/\(n) must be an object, not \(item.typeDescription)")
            }
            out.append(FieldReader(o, pointer: "\(path(key))/\(n)"))
        }
        return out
    }

    /// Each element of an array of strings.
    public func strings(in items: [JSONValue], of key: String) throws(IntakeError) -> [String] {
        var out: [String] = []
        for (n, item) in items.enumerated() {
            guard case .string(let s) = item else {
                throw .invalidField("\(path(key))/\(n)", "\(path(key))/\(n) must be a string, not \(item.typeDescription)")
            }
            out.append(s)
        }
        return out
    }

    /// An address object, with a postcode shape warning.
    public func address(_ key: String, warnings: inout [IntakeWarning]) throws(IntakeError) -> Address? {
        guard let a = try optionalObject(key) else { return nil }
        let address = Address(
            line1: try a.optionalString("line1"), line2: try a.optionalString("line2"),
            town: try a.optionalString("town"), postcode: try a.optionalString("postcode"))
        if let pc = address.postcode, !Postcode.looksValid(pc) {
            warnings.append(IntakeWarning(code: IntakeWarning.invalidPostcode, field: a.path("postcode")))
        }
        return address
    }

    /// NHS number and UPN fields, checked, with a warning (never an error) when a check fails.
    public func identifiers(nhs nhsKey: String, upn upnKey: String, warnings: inout [IntakeWarning]) throws(IntakeError)
        -> (nhs: ChildIdentifier?, upn: ChildIdentifier?)
    {
        let nhs = try optionalString(nhsKey).map(ChildIdentifier.nhsNumber)
        if let nhs, !nhs.isValid { warnings.append(IntakeWarning(code: IntakeWarning.invalidNHSNumber, field: path(nhsKey))) }
        let upn = try optionalString(upnKey).map(ChildIdentifier.upn)
        if let upn, !upn.isValid { warnings.append(IntakeWarning(code: IntakeWarning.invalidUPN, field: path(upnKey))) }
        return (nhs, upn)
    }

    /// The local authority named by GSS code or name.
    public func authority(_ key: String) throws(IntakeError) -> LocalAuthority {
        let s = try string(key)
        guard let a = LocalAuthority.named(s) else {
            throw .invalidField(path(key), "\(path(key)) must be a London local authority's GSS code (E09000001 to E09000033) or name; \"\(s.prefix(40))\" is not")
        }
        return a
    }

    /// Checks `format` against the adapter's own name; a line read on a socket bound to the
    /// adapter may omit it.
    public func checkFormat(_ format: String) throws(IntakeError) {
        guard let v = optional("format") else { return }
        guard case .string(let s) = v, s == format else {
            throw .invalidField(path("format"), "/format must be \"\(format)\" on this socket")
        }
    }
}
