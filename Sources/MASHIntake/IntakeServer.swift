import Foundation
import Logging
import MASHWire
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The intake socket service: listens on one or more Unix stream sockets (bound here, or
/// handed over by systemd socket activation), frames NDJSON, and answers every line. On
/// graceful shutdown it stops accepting, lets every connection answer what it has read, and
/// returns when the last connection has closed.
public final class IntakeServer: Service, Sendable {
    /// One listening socket.
    public struct Listener: Sendable {
        public enum Source: Sendable {
            /// Bind this path (the daemon has made sure nobody listens there: `SocketPath`).
            case path(String, mode: mode_t)
            /// Adopt a listening descriptor from socket activation.
            case descriptor(CInt, name: String)
        }

        public var source: Source
        /// The adapter this socket is bound to, or nil for every format.
        public var boundFormat: String?

        public init(source: Source, boundFormat: String? = nil) {
            self.source = source
            self.boundFormat = boundFormat
        }
    }

    public struct Configuration: Sendable {
        public var listeners: [Listener]
        public var maximumLineBytes: Int
        public var maximumInFlightPerConnection: Int
        public var backlog: Int32
        public var adapterContext: AdapterContext
        public var adapters: [any IntakeAdapter]
        public var permissions: PermissionsBox
        /// How long a stop waits for a peer to read its replies once the last is written.
        public var drainTimeout: TimeAmount = .seconds(10)
        /// Connections open at once, over every listener; one more is closed at once.
        public var maximumConnections: Int

        public init(
            listeners: [Listener], adapters: [any IntakeAdapter], adapterContext: AdapterContext = .init(),
            permissions: PermissionsBox = PermissionsBox(IntakePermissions()),
            maximumLineBytes: Int = 1 << 20, maximumInFlightPerConnection: Int = 4096, maximumConnections: Int = 1024,
            backlog: Int32 = 256
        ) {
            self.maximumConnections = maximumConnections
            self.listeners = listeners
            self.permissions = permissions
            self.adapters = adapters
            self.adapterContext = adapterContext
            self.maximumLineBytes = maximumLineBytes
            self.maximumInFlightPerConnection = maximumInFlightPerConnection
            self.backlog = backlog
        }
    }

    private let configuration: Configuration
    private let committer: IntakeCommitter
    private let group: any EventLoopGroup
    private let logger: Logger
    private let connections = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])
    private let listening: @Sendable () -> Void
    private let limit: ConnectionLimit

    /// `listening` is called once every socket is listening.
    public init(
        configuration: Configuration, committer: IntakeCommitter, group: any EventLoopGroup, logger: Logger,
        listening: @escaping @Sendable () -> Void = {}
    ) {
        self.configuration = configuration
        self.committer = committer
        self.group = group
        self.logger = logger
        self.listening = listening
        self.limit = ConnectionLimit(maximum: configuration.maximumConnections, name: "intake", logger: logger)
    }

    public func run() async throws {
        var bound: [any Channel] = []
        for listener in configuration.listeners {
            bound.append(try await bind(listener))
        }
        let servers = bound
        listening()
        let closed = servers.map(\.closeFuture)
        await withGracefulShutdownHandler {
            for f in closed { try? await f.get() }
        } onGracefulShutdown: {
            for s in servers { s.close(promise: nil) }
        }
        // Let every connection answer what it has read, then close. A peer that has not read
        // its replies `drainTimeout` after the last was written is cut off (`IntakeHandler`):
        // its lines are committed already, and the stop must not wait on it for ever.
        let open = connections.withLockedValue { Array($0.values) }
        for c in open { c.pipeline.fireUserInboundEventTriggered(IntakeHandler.Drain()) }
        for c in open { try? await c.closeFuture.get() }
        logger.info("intake stopped", metadata: ["connections-drained": "\(open.count)"])
    }

    private func bind(_ listener: Listener) async throws -> any Channel {
        let decoder = LineDecoder(
            adapters: configuration.adapters, boundFormat: listener.boundFormat, context: configuration.adapterContext)
        let settings = IntakeHandler.Settings(
            decoder: decoder, maximumLineBytes: configuration.maximumLineBytes,
            maximumInFlight: configuration.maximumInFlightPerConnection, permissions: configuration.permissions,
            drainTimeout: configuration.drainTimeout)
        let committer = self.committer
        let logger = self.logger
        let connections = self.connections
        let limit = self.limit
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: configuration.backlog)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                guard limit.admit(channel) else { return channel.eventLoop.makeSucceededVoidFuture() }
                // The peer's credentials are read before the first byte is.
                return PeerCredentials.of(channel).flatMapThrowing { peer in
                    let id = ObjectIdentifier(channel)
                    connections.withLockedValue { $0[id] = channel }
                    channel.closeFuture.whenComplete { _ in _ = connections.withLockedValue { $0.removeValue(forKey: id) } }
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(LineFramer(maximumLineBytes: settings.maximumLineBytes)))
                    try channel.pipeline.syncOperations.addHandler(
                        IntakeHandler(settings: settings, committer: committer, peer: peer, logger: logger))
                }
            }
        switch listener.source {
        case .path(let path, let mode):
            let channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).get()
            guard chmod(path, mode) == 0 else {
                throw IntakeServerError("cannot set mode \(String(mode, radix: 8)) on \(path): \(String(cString: strerror(errno)))")
            }
            logger.info("intake listening", metadata: ["socket": "\(path)", "format": "\(listener.boundFormat ?? "any")"])
            return channel
        case .descriptor(let fd, let name):
            let channel = try await bootstrap.withBoundSocket(fd).get()
            logger.info("intake listening on socket-activated descriptor", metadata: ["name": "\(name)", "format": "\(listener.boundFormat ?? "any")"])
            return channel
        }
    }
}

/// A failure to set up the intake socket.
public struct IntakeServerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
