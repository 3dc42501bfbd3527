import MASHCore

/// Why an intake line was refused: a code from formats.md that upstream systems can act on,
/// a sentence for the person reading their logs, and the JSON pointer of the field at fault.
public struct IntakeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An error code of formats.md. A struct over a private enum, so codes can be added
    /// without breaking code that switches on them.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable, CaseIterable {
            case invalidJSON = "invalid-json"
            case notAnObject = "not-an-object"
            case lineTooLong = "line-too-long"
            case invalidUTF8 = "invalid-utf8"
            case unknownFormat = "unknown-format"
            case missingField = "missing-field"
            case invalidField = "invalid-field"
            case unknownCase = "unknown-case"
            case notPermitted = "not-permitted"
            case busy
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The code as it appears on the wire.
        public var description: String { base.rawValue }

        public static let invalidJSON = Code(.invalidJSON)
        public static let notAnObject = Code(.notAnObject)
        public static let lineTooLong = Code(.lineTooLong)
        public static let invalidUTF8 = Code(.invalidUTF8)
        public static let unknownFormat = Code(.unknownFormat)
        public static let missingField = Code(.missingField)
        public static let invalidField = Code(.invalidField)
        public static let unknownCase = Code(.unknownCase)
        public static let notPermitted = Code(.notPermitted)
        public static let busy = Code(.busy)

        /// Every code, for documentation and tests.
        public static var all: [Code] { Base.allCases.map(Code.init) }
    }

    public let code: Code
    public let message: String
    /// A JSON pointer (`/children/0/dob`) where one field is at fault.
    public let field: String?

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String {
        field.map { "\(code) at \($0): \(message)" } ?? "\(code): \(message)"
    }

    public static func missingField(_ pointer: String, _ message: String? = nil) -> IntakeError {
        IntakeError(.missingField, message ?? "required field \(pointer) is missing", field: pointer)
    }

    public static func invalidField(_ pointer: String, _ message: String) -> IntakeError {
        IntakeError(.invalidField, message, field: pointer)
    }
}

/// A data-quality fault that does not stop a concern being accepted: it is listed on the `ok`
/// reply and kept in the case.
public struct IntakeWarning: Sendable, Hashable, Codable {
    public var code: String
    public var field: String

    public init(code: String, field: String) {
        self.code = code
        self.field = field
    }

    public static let invalidNHSNumber = "invalid-nhs-number"
    public static let invalidUPN = "invalid-upn"
    public static let invalidPostcode = "invalid-postcode"
    public static let unknownConcern = "unknown-concern"
    public static let dateOfBirthAfterNotification = "dob-after-notification"
}
