import ServiceLifecycle

/// A part of mashd that must run until it is told to stop. One that returns on its own (a
/// listening socket closed by an error) is a failure: it stops the others in order and mashd
/// exits non-zero, so the service manager restarts it, rather than a clean exit 0 that
/// `Restart=on-failure` would leave down.
struct EssentialService: Service {
    let inner: any Service
    let name: String

    func run() async throws {
        try await inner.run()
        if !Task.isShuttingDownGracefully && !Task.isCancelled { throw EndedEarly(name: name) }
    }

    /// The error of a part that stopped while nobody asked it to.
    struct EndedEarly: Error, CustomStringConvertible {
        let name: String
        var description: String { "the \(name) stopped on its own while mashd was running" }
    }
}
