import LAReferralAdapter
import MASHWire
import MerlinAdapter
import ResearchAdapter

/// Every intake adapter this build of mashd carries. Adding a stream means adding a target
/// under `adapters/` and one line here.
public enum Adapters {
    public static let all: [any IntakeAdapter] = [MerlinAdapter(), LAReferralAdapter(), ResearchAdapter()]

    public static var formats: [String] { all.map(\.format) }
}
