/// Everything known about one case that a product may draw on. The shell loads it from the
/// store; the product views choose from it what each recipient may see.
public struct CaseFacts: Sendable, Hashable {
    public var caseId: CaseID
    public var notification: MASHNotification
    public var screening: Screening
    /// The model that screened the case.
    public var screeningModel: ModelIdentity
    public var acceptedAt: Timestamp
    public var deadline: Timestamp?
    /// Answers received before the decision (late ones excluded).
    public var answers: [ResearchAnswer]
    /// Earlier cases about the same child, most recent first.
    public var history: [HistoryEntry]

    public init(
        caseId: CaseID, notification: MASHNotification, screening: Screening, screeningModel: ModelIdentity,
        acceptedAt: Timestamp, deadline: Timestamp?, answers: [ResearchAnswer] = [], history: [HistoryEntry] = []
    ) {
        self.caseId = caseId
        self.notification = notification
        self.screening = screening
        self.screeningModel = screeningModel
        self.acceptedAt = acceptedAt
        self.deadline = deadline
        self.answers = answers
        self.history = history
    }
}

/// An earlier case about the same child: the seed's "fullest information picture" for CSC and
/// police.
public struct HistoryEntry: Sendable, Hashable, Codable {
    public var caseId: CaseID
    public var date: FullDate
    public var stream: NotificationStream
    /// The outcome, or "pending" while undecided.
    public var outcome: String

    public init(caseId: CaseID, date: FullDate, stream: NotificationStream, outcome: String) {
        self.caseId = caseId
        self.date = date
        self.stream = stream
        self.outcome = outcome
    }
}
