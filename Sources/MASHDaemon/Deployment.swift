import Logging
import MASHCore
import MASHMetrics
import MASHOutbox
import MASHStore
import MASHWire

/// Records which model this start runs, and reports a local variation: a warning in the log
/// and one escalation to the MASH manager listing the differences. The seed's point is that
/// variation between MASHs creates safeguarding gaps, so it is never silent.
enum Deployment {
    static func record(_ m: ActiveModel.Value, store: CaseStore, outbox: Outbox, at now: Timestamp, logger: Logger) async throws {
        try await store.recordDeployment(
            identity: m.identity, standard: m.isStandard, differences: m.differences, source: m.source, at: now)
        guard !m.isStandard else { return }
        logger.warning(
            "the model is a local variation of the London standard",
            metadata: [
                "model": "\(m.identity.name) v\(m.identity.version) \(m.identity.checksum.prefix(12))", "source": "\(m.source)",
                "differences": "\(m.differences.joined(separator: "; "))",
            ])
        let product = ProductBuilder.variationEscalation(
            identity: m.identity, standard: CanonicalModel.identity(StandardModel.model), differences: m.differences,
            to: m.model.escalationRecipient, createdAt: now)
        guard try await !store.isRecorded(product: product.id) else { return }
        try outbox.deliver([product], skipDelivered: true)
        try await store.recordDeploymentProducts([product], at: now)
        Meters.escalation(reason: "model-variation")
    }
}
