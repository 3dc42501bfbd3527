import MASHCore

/// Turns one intake line's bytes into an adapter's result or a rejection, in the order
/// formats.md checks them: UTF-8, JSON, object, format, then the adapter's fields.
public struct LineDecoder: Sendable {
    /// The adapters by format name.
    public let adapters: [String: any IntakeAdapter]
    /// The format a socket is bound to by socket activation, or nil for the shared socket.
    public let boundFormat: String?
    public let context: AdapterContext
    public let maximumDepth: Int

    public init(
        adapters: [any IntakeAdapter], boundFormat: String? = nil, context: AdapterContext = AdapterContext(),
        maximumDepth: Int = JSONParser.defaultMaximumDepth
    ) {
        self.adapters = Dictionary(adapters.map { ($0.format, $0) }, uniquingKeysWith: { a, _ in a })
        self.boundFormat = boundFormat
        self.context = context
        self.maximumDepth = maximumDepth
    }

    /// A decoded line: the format it was read as, the adapter's result, and the line's text.
    public struct Line: Sendable {
        public var format: String
        public var decoded: Decoded
        public var text: String
    }

    /// A refused line, with its reference where it could be read.
    public struct Rejection: Error, Sendable {
        public var error: IntakeError
        public var reference: String?
        /// The line's format when it names one this mashd reads (for metrics; never free text).
        public var format: String? = nil
    }

    public func decode(_ line: UnsafeRawBufferPointer) -> Result<Line, Rejection> {
        // A byte order mark that a Windows export put before the JSON is ignored, as RFC 8259
        // allows a parser to; it is not kept in the stored line.
        let bom = line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF
        let bytes = bom ? UnsafeRawBufferPointer(rebasing: line[3...]) : line
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(Rejection(error: IntakeError(.invalidUTF8, "the line is not valid UTF-8"), reference: nil))
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes, maximumDepth: maximumDepth)
        } catch {
            return .failure(Rejection(error: IntakeError(.invalidJSON, "invalid JSON: \(error)"), reference: nil))
        }
        guard case .object(let object) = value else {
            return .failure(
                Rejection(error: IntakeError(.notAnObject, "a line must be one JSON object, not \(value.typeDescription)"), reference: nil))
        }
        let format: String
        switch (object["format"], boundFormat) {
        case (nil, let bound?), (.null?, let bound?):
            format = bound
        case (nil, nil), (.null?, nil):
            return .failure(
                Rejection(
                    error: .missingField("/format", "required field /format is missing (merlin/1, la-referral/1 or research/1)"),
                    reference: nil))
        case (.string(let f)?, let bound):
            if let bound, f != bound {
                return .failure(
                    Rejection(
                        error: .invalidField("/format", "this socket takes \(bound) only, not \(f.prefix(40))"),
                        reference: (adapters[f] ?? adapters[bound])?.reference(in: object),
                        format: adapters[f] == nil ? nil : f))
            }
            format = f
        case (let v?, _):
            return .failure(Rejection(error: .invalidField("/format", "/format must be a string, not \(v.typeDescription)"), reference: nil))
        }
        guard let adapter = adapters[format] else {
            let known = adapters.keys.sorted().joined(separator: ", ")
            return .failure(
                Rejection(error: IntakeError(.unknownFormat, "unknown format \"\(format.prefix(40))\"; this mashd reads \(known)", field: "/format"), reference: nil))
        }
        do {
            return .success(Line(format: format, decoded: try adapter.decode(object, context: context), text: text))
        } catch {
            return .failure(Rejection(error: error, reference: adapter.reference(in: object), format: format))
        }
    }

    public func decode(_ bytes: [UInt8]) -> Result<Line, Rejection> {
        bytes.withUnsafeBytes { decode($0) }
    }
}
