import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Bounds the connections one listener holds open. Each costs a file descriptor, and a process
/// that runs out of them can neither commit a line nor write a product; the status and metrics
/// sockets are open to every local user. A connection over the limit is closed at once, so
/// descriptors stay for the work that matters, and the refusal is logged (at most once a
/// minute per listener, so a flood cannot fill the journal either).
public final class ConnectionLimit: Sendable {
    public let maximum: Int
    private let name: String
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    private struct State {
        var open = 0
        var refusedSinceWarning = 0
        var lastWarning: NIODeadline?
    }

    public init(maximum: Int, name: String, logger: Logger) {
        self.maximum = max(1, maximum)
        self.name = name
        self.logger = logger
    }

    /// Admits `channel` (and counts it until it closes), or closes it when the listener is full.
    /// Returns whether it was admitted.
    public func admit(_ channel: any Channel) -> Bool {
        let (admitted, warn) = state.withLockedValue { s -> (Bool, Int?) in
            guard s.open >= maximum else {
                s.open += 1
                return (true, nil)
            }
            s.refusedSinceWarning += 1
            let now = NIODeadline.now()
            guard s.lastWarning.map({ now - $0 >= .seconds(60) }) ?? true else { return (false, nil) }
            defer {
                s.lastWarning = now
                s.refusedSinceWarning = 0
            }
            return (false, s.refusedSinceWarning)
        }
        guard admitted else {
            channel.close(promise: nil)
            if let refused = warn {
                logger.warning(
                    "\(name) socket: connection refused, \(maximum) already open",
                    metadata: ["event": "connection-limit", "socket": "\(name)", "limit": "\(maximum)", "refused": "\(refused)"])
            }
            return false
        }
        channel.closeFuture.whenComplete { _ in self.state.withLockedValue { $0.open -= 1 } }
        return true
    }

    /// Open connections now.
    public var open: Int { state.withLockedValue { $0.open } }
}

extension ConnectionLimit {
    /// Connections a one-request socket (control, status, metrics) keeps open at once: they are
    /// open to every local user, and idle ones must not use up mashd's file descriptors.
    public static let requestSocketMaximum = 32

    /// How long such a connection may take to send its request line (`FirstLineDeadline`).
    public static let firstLineTimeout: TimeAmount = .seconds(10)

    /// The pipeline of a one-request socket: admitted or closed at once, framed into lines, and
    /// closed if its first line does not come in time.
    func requestChannel(_ channel: any Channel, maximumLineBytes: Int) -> EventLoopFuture<NIOAsyncChannel<LineFramer.Frame, ByteBuffer>> {
        _ = admit(channel)
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFramer(maximumLineBytes: maximumLineBytes)))
            try channel.pipeline.syncOperations.addHandler(FirstLineDeadline(timeout: Self.firstLineTimeout))
            return try NIOAsyncChannel<LineFramer.Frame, ByteBuffer>(wrappingChannelSynchronously: channel)
        }
    }
}
