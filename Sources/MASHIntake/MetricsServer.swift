import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Serves the Prometheus text exposition over HTTP/1.1, on a Unix socket (the default, as the
/// unit allows no other address family) or a loopback TCP port. One answer per connection:
/// any `GET` gets the metrics; the connection closes after.
public final class MetricsServer: Service, Sendable {
    public enum Endpoint: Sendable {
        case unix(String)
        case loopback(host: String, port: Int)
    }

    private let endpoint: Endpoint
    private let group: any EventLoopGroup
    private let logger: Logger
    private let exposition: @Sendable () -> [UInt8]
    /// Called once the socket listens: READY waits for it.
    private let listening: @Sendable () -> Void

    public init(
        endpoint: Endpoint, group: any EventLoopGroup, logger: Logger, listening: @escaping @Sendable () -> Void = {},
        exposition: @escaping @Sendable () -> [UInt8]
    ) {
        self.endpoint = endpoint
        self.listening = listening
        self.group = group
        self.logger = logger
        self.exposition = exposition
    }

    public func run() async throws {
        let bootstrap = ServerBootstrap(group: group)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
        let exposition = self.exposition
        // As the status socket: open to every local user, so bounded in number and in time.
        let limit = ConnectionLimit(maximum: ConnectionLimit.requestSocketMaximum, name: "metrics", logger: logger)
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<LineFramer.Frame, ByteBuffer>> = { channel in
            limit.requestChannel(channel, maximumLineBytes: 8192)
        }
        let server: NIOAsyncChannel<NIOAsyncChannel<LineFramer.Frame, ByteBuffer>, Never>
        switch endpoint {
        case .unix(let path):
            do {
                server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false, childChannelInitializer: initializer)
            } catch {
                throw IntakeServerError("cannot serve metrics on \(path): \(Self.reason(error))")
            }
            guard chmod(path, 0o666) == 0 else {
                throw IntakeServerError("cannot set mode on \(path): \(String(cString: strerror(errno)))")
            }
            logger.info("metrics on \(path)")
        case .loopback(let host, let port):
            do {
                server = try await bootstrap.bind(host: host, port: port, childChannelInitializer: initializer)
            } catch {
                throw IntakeServerError("cannot serve metrics on \(host):\(port) ([metrics] listen): \(Self.reason(error))")
            }
            logger.info("metrics on http://\(host):\(port)/metrics")
        }
        listening()
        try await withGracefulShutdownHandler {
            try await server.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await Self.answer(connection, exposition) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
    }

    /// The system's words for a failed bind ("Address already in use"), not NIO's call site.
    static func reason(_ error: any Error) -> String {
        if let e = error as? IOError { return String(cString: strerror(e.errnoCode)) }
        return "\(error)"
    }

    /// Reads the request head (up to its blank line), then writes the metrics.
    static func answer(_ connection: NIOAsyncChannel<LineFramer.Frame, ByteBuffer>, _ exposition: @Sendable () -> [UInt8]) async {
        try? await connection.executeThenClose { inbound, outbound in
            var first = true, isGet = false
            for try await frame in inbound {
                // The framer drops blank lines; the request head ends with the first one, so
                // answer after the request line: a scraper sends nothing before reading.
                guard case .line(let buffer) = frame else { return }
                if first {
                    isGet = String(buffer: buffer).hasPrefix("GET ")
                    first = false
                    break
                }
            }
            let body = isGet ? exposition() : Array("only GET /metrics is served\n".utf8)
            var head = isGet ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 405 Method Not Allowed\r\n"
            head += "Content-Type: text/plain; version=0.0.4; charset=utf-8\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
            try await outbound.write(ByteBuffer(bytes: Array(head.utf8) + body))
        }
    }
}
