import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A small request-and-reply socket for operators: one command line in, one JSON line out.
/// The control socket (mode 0600) takes `reload` and `status`; the status socket (mode 0666)
/// takes `status` only, so anyone on the machine may look but only the service's owner may act.
public final class ControlServer: Service, Sendable {
    public struct Endpoint: Sendable {
        public var path: String
        public var mode: mode_t
        /// The commands this socket accepts.
        public var commands: Set<String>
        /// "status" for `.../status.sock`: for messages and logs.
        public var name: String {
            let file = path.split(separator: "/").last.map(String.init) ?? path
            return file.hasSuffix(".sock") ? String(file.dropLast(5)) : file
        }

        public init(path: String, mode: mode_t, commands: Set<String>) {
            self.path = path
            self.mode = mode
            self.commands = commands
        }
    }

    public typealias Handler = @Sendable (_ command: String) async -> String

    private let endpoints: [Endpoint]
    private let group: any EventLoopGroup
    private let handler: Handler
    private let logger: Logger

    private let listening: @Sendable () -> Void

    public init(
        endpoints: [Endpoint], group: any EventLoopGroup, logger: Logger, listening: @escaping @Sendable () -> Void = {},
        handler: @escaping Handler
    ) {
        self.endpoints = endpoints
        self.group = group
        self.logger = logger
        self.listening = listening
        self.handler = handler
    }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { tasks in
            for endpoint in endpoints {
                let limit = ConnectionLimit(maximum: ConnectionLimit.requestSocketMaximum, name: endpoint.name, logger: logger)
                let server = try await ServerBootstrap(group: group)
                    .childChannelOption(.allowRemoteHalfClosure, value: true)
                    .bind(unixDomainSocketPath: endpoint.path, cleanupExistingSocketFile: false) { channel in
                        limit.requestChannel(channel, maximumLineBytes: 4096)
                    }
                guard chmod(endpoint.path, endpoint.mode) == 0 else {
                    throw IntakeServerError("cannot set mode on \(endpoint.path): \(String(cString: strerror(errno)))")
                }
                tasks.addTask {
                    try await withGracefulShutdownHandler {
                        try await server.executeThenClose { connections in
                            try await withThrowingDiscardingTaskGroup { conns in
                                for try await connection in connections {
                                    conns.addTask { await self.serve(connection, endpoint) }
                                }
                            }
                        }
                    } onGracefulShutdown: {
                        server.channel.close(promise: nil)
                    }
                }
            }
            // Only once every socket is bound: a failed bind must not let READY through.
            listening()
        }
    }

    private func serve(_ connection: NIOAsyncChannel<LineFramer.Frame, ByteBuffer>, _ endpoint: Endpoint) async {
        try? await connection.executeThenClose { inbound, outbound in
            for try await frame in inbound {
                guard case .line(let buffer) = frame else { continue }
                let command = String(buffer: buffer).trimmingCharacters(in: .whitespaces)
                let reply: String
                if endpoint.commands.contains(command) {
                    reply = await handler(command)
                } else {
                    let known = endpoint.commands.sorted().joined(separator: ", ")
                    reply = #"{"ok":false,"error":"unknown command; this socket takes: \#(known)"}"#
                }
                try await outbound.write(ByteBuffer(string: reply + "\n"))
                return
            }
        }
    }
}
