import MASHCore

/// An intake adapter turns one parsed line of its format into core values, or into a precise
/// error. It cannot bypass the core's rules: it produces a `MASHNotification` or a
/// `ResearchAnswer`, and the core alone screens and decides.
public protocol IntakeAdapter: Sendable {
    /// The `format` value this adapter reads (`merlin/1`).
    var format: String { get }

    /// The source reference, read leniently from an object that may be invalid otherwise, so a
    /// rejection can still name the line's reference.
    func reference(in object: JSONObject) -> String?

    /// Decodes a line's object. `format` has been checked by the caller.
    func decode(_ object: JSONObject, context: AdapterContext) throws(IntakeError) -> Decoded
}

/// Settings an adapter reads: what the deployment calls valid.
public struct AdapterContext: Sendable {
    /// The agency names of this deployment.
    public var agencies: Set<Agency>

    public init(agencies: Set<Agency> = Set(Agency.standard)) { self.agencies = agencies }
}

/// What an intake line carries.
public enum Intake: Sendable, Hashable {
    case notification(MASHNotification)
    case research(ResearchAnswer)
}

/// An adapter's result: the core value and the data-quality warnings that did not stop it.
public struct Decoded: Sendable, Hashable {
    public var intake: Intake
    public var warnings: [IntakeWarning]

    public init(intake: Intake, warnings: [IntakeWarning] = []) {
        self.intake = intake
        self.warnings = warnings
    }

    /// The source reference the duplicate rule keys on.
    public var sourceReference: String {
        switch intake {
        case .notification(let n): return n.sourceReference
        case .research(let r): return r.sourceReference
        }
    }
}
