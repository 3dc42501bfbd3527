/// Builds the products of each step of a case. Pure: the same facts, decision and time give
/// the same bytes, and each recipient's product is made from its view only.
public enum ProductBuilder {
    /// Research requests to `recipients`: identifiers, case id, RAG, deadline and concern
    /// codes; never the narrative, never another agency's findings.
    public static func researchRequests(_ f: CaseFacts, recipients: [Agency], createdAt: Timestamp) -> [Product] {
        pendingResearchRequests(f, recipients: recipients, createdAt: createdAt).map { $0.render() }
    }

    public static func pendingResearchRequests(_ f: CaseFacts, recipients: [Agency], createdAt: Timestamp) -> [PendingProduct] {
        recipients.map { agency in
            ProductDocument(
                id: Product.id(case: f.caseId, kind: .researchRequest, recipient: agency), caseId: f.caseId,
                kind: .researchRequest, recipient: agency, createdAt: createdAt, model: f.screeningModel, hasRAG: true,
                rag: f.screening.rag, level: f.screening.level, deadline: f.deadline,
                subject: ProductViews.researchSubject(f), concerns: .codes(f.notification.concernCodes)
            ).pending
        }
    }

    /// Urgent strategy-discussion products under immediate risk, for CSC and police at once.
    public static func urgentStrategy(_ f: CaseFacts, recipients: [Agency], createdAt: Timestamp) -> [Product] {
        pendingUrgentStrategy(f, recipients: recipients, createdAt: createdAt).map { $0.render() }
    }

    public static func pendingUrgentStrategy(_ f: CaseFacts, recipients: [Agency], createdAt: Timestamp) -> [PendingProduct] {
        recipients.map { agency in
            ProductDocument(
                id: Product.id(case: f.caseId, kind: .urgentStrategy, recipient: agency), caseId: f.caseId,
                kind: .urgentStrategy, recipient: agency, createdAt: createdAt, model: f.screeningModel, hasRAG: true,
                rag: f.screening.rag, level: f.screening.level, outcome: nil, rationale: f.screening.rationale,
                deadline: f.deadline, subject: ProductViews.fullSubject(f), household: f.notification.household,
                concerns: .worded(f.notification.concerns), source: ProductViews.fullSource(f)
            ).pending
        }
    }

    /// The decision's products: an information product per recipient, the outcome notice to
    /// the referrer's side, and one escalation when agencies did not answer or the decision
    /// came late.
    public static func decisionProducts(_ f: CaseFacts, decision d: Decision, model: RiskModel) -> [Product] {
        pendingDecisionProducts(f, decision: d, model: model).map { $0.render() }
    }

    public static func pendingDecisionProducts(_ f: CaseFacts, decision d: Decision, model: RiskModel) -> [PendingProduct] {
        var out: [PendingProduct] = []
        for agency in d.recipients {
            var doc = ProductDocument(
                id: Product.id(case: f.caseId, kind: .informationProduct, recipient: agency), caseId: f.caseId,
                kind: .informationProduct, recipient: agency, createdAt: d.decidedAt, model: d.model, hasRAG: true,
                rag: d.rag, level: d.level, outcome: d.outcome)
            if agency == .csc || agency == .police {
                doc.rationale = d.rationale
                doc.subject = ProductViews.fullSubject(f)
                doc.household = f.notification.household
                doc.concerns = .worded(f.notification.concerns)
                doc.findings = ProductViews.findings(f)
                doc.source = ProductViews.fullSource(f)
            } else {
                // Early help, and any other recipient a local model names: identity, school,
                // concern codes, level and rationale only.
                doc.rationale = ProductViews.earlyHelpRationale(d.rationale)
                doc.subject = ProductViews.earlyHelpSubject(f)
                doc.concerns = .codes(f.notification.concernCodes)
            }
            out.append(doc.pending)
        }
        if let notice = model.outcomeNotice[f.notification.stream] {
            out.append(
                ProductDocument(
                    id: Product.id(case: f.caseId, kind: .outcomeNotice, recipient: notice), caseId: f.caseId,
                    kind: .outcomeNotice, recipient: notice, createdAt: d.decidedAt, model: d.model, hasRAG: false,
                    outcome: d.outcome, source: ProductViews.referenceOnly(f), decidedAt: d.decidedAt
                ).pending)
        }
        if d.needsEscalation {
            var reasons: [String] = []
            if !d.unanswered.isEmpty { reasons.append("no research answer from \(d.unanswered.map(\.name).joined(separator: ", "))") }
            if let late = d.lateBySeconds { reasons.append("decided \(Decision.seconds(late)) after its deadline") }
            let to = model.escalationRecipient
            out.append(
                ProductDocument(
                    id: Product.id(case: f.caseId, kind: .escalation, recipient: to), caseId: f.caseId, kind: .escalation,
                    recipient: to, createdAt: d.decidedAt, model: d.model, hasRAG: true, rag: d.rag, level: d.level,
                    outcome: d.outcome,
                    rationale: d.rationale.filter { $0.rule == "research-unanswered" || $0.rule == "decided-late" },
                    escalation: ProductViews.EscalationView(
                        reasons: reasons, unanswered: d.unanswered.isEmpty ? nil : d.unanswered, lateBySeconds: d.lateBySeconds,
                        deadline: f.deadline?.rfc3339UTC)
                ).pending)
        }
        return out
    }

    /// The escalation that reports a local variation of the model: about the deployment, not a
    /// case. Its id comes from the model's checksum, so each variation is reported once.
    public static func variationEscalation(
        identity: ModelIdentity, standard: ModelIdentity, differences: [String], to recipient: Agency, createdAt: Timestamp
    ) -> Product {
        pendingVariationEscalation(identity: identity, standard: standard, differences: differences, to: recipient, createdAt: createdAt)
            .render()
    }

    /// The same, not yet rendered, for the dry run.
    public static func pendingVariationEscalation(
        identity: ModelIdentity, standard: ModelIdentity, differences: [String], to recipient: Agency, createdAt: Timestamp
    ) -> PendingProduct {
        ProductDocument(
            id: "model-\(identity.checksum.prefix(16)).escalation.\(recipient.name)", caseId: nil, kind: .escalation,
            recipient: recipient, createdAt: createdAt, model: identity, hasRAG: true, rag: nil, level: nil,
            rationale: [
                RationaleEntry(
                    rule: "local-variation", effect: "reported to \(recipient)",
                    reason:
                        "the model in use (\(identity.name) v\(identity.version), \(identity.checksum.prefix(12))) differs from \(standard.name) v\(standard.version) (\(standard.checksum.prefix(12))) in \(differences.count) place(s)"
                )
            ],
            escalation: ProductViews.EscalationView(reasons: ["local variation of the standard model"], differences: differences)
        ).pending
    }
}
