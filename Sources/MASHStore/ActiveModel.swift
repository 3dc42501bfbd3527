import MASHCore
import NIOConcurrencyHelpers

/// The model in force, shared by screening at intake and by the process engine, and replaced
/// whole on reload, so that one decision never mixes two models.
public final class ActiveModel: Sendable {
    public struct Value: Sendable {
        public var screening: ScreeningModel
        /// True when the model is the embedded standard, unchanged.
        public var isStandard: Bool
        /// What differs from the standard, one line each.
        public var differences: [String]
        /// Where it came from: "embedded", or a file path.
        public var source: String

        public init(screening: ScreeningModel, isStandard: Bool, differences: [String], source: String) {
            self.screening = screening
            self.isStandard = isStandard
            self.differences = differences
            self.source = source
        }

        public var model: RiskModel { screening.model }
        public var identity: ModelIdentity { screening.identity }
    }

    private let box: NIOLockedValueBox<Value>

    public init(_ value: Value) { box = NIOLockedValueBox(value) }

    public var value: Value {
        get { box.withLockedValue { $0 } }
        set { box.withLockedValue { $0 = newValue } }
    }
}
