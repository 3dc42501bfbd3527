import DequeModule
import Logging
import MASHCore
import MASHMetrics
import MASHStore
import MASHWire
import NIOCore

/// Answers one connection: exactly one reply per input line, in input order. Lines go to the
/// committer as soon as they are read, so many lines share one commit; replies wait in order
/// until their commit (or their rejection) is known.
///
/// Backpressure: when too many of this connection's lines await their commit, or the peer is
/// not reading its replies, the handler stops asking the socket for more input (it withholds
/// `read`), so memory stays bounded however fast a client writes.
final class IntakeHandler: ChannelDuplexHandler {
    typealias InboundIn = LineFramer.Frame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Settings {
        var decoder: LineDecoder
        var maximumLineBytes: Int
        /// Lines awaiting commit above which reading stops.
        var maximumInFlight: Int
        /// Who may send which format.
        var permissions: PermissionsBox
        /// In a stop, how long a peer may take to read its replies once the last is written.
        var drainTimeout: TimeAmount = .seconds(10)
    }

    private let settings: Settings
    private let committer: IntakeCommitter
    private let logger: Logger
    /// The peer, from SO_PEERCRED at accept.
    private let peer: PeerCredentials?

    private var lineNumber = 0
    /// Replies not yet written, in line order; nil while the commit is pending.
    private var replies = Deque<[UInt8]?>()
    /// Line number of `replies.first`.
    private var firstPendingLine = 1
    private var inFlight = 0
    private var readWithheld = false
    private var inputClosed = false
    private var draining = false
    private var closing = false
    /// The newest reply handed to the channel. Writes complete in order, so closing after it
    /// closes after every reply: closing at once would drop replies still queued in the
    /// channel (a peer reading slowly after half-closing its side).
    private var lastWrite: EventLoopFuture<Void>?
    private var drainTimerArmed = false

    init(settings: Settings, committer: IntakeCommitter, peer: PeerCredentials?, logger: Logger) {
        self.settings = settings
        self.committer = committer
        self.peer = peer
        self.logger = logger
    }

    /// Logs a refused line: its code, never its content.
    private func logRejected(_ n: Int, _ error: IntakeError, format: String?) {
        Meters.intakeLine(format: format ?? "unknown", result: error.code.description)
        var m: Logger.Metadata = ["event": "rejected", "code": "\(error.code)", "line": "\(n)"]
        if let format { m["format"] = "\(format)" }
        if let field = error.field { m["field"] = "\(field)" }
        if let peer { m["uid"] = "\(peer.uid)" }
        logger.notice("intake line rejected: \(error.code)", metadata: m)
    }

    /// Sent down the pipeline on graceful shutdown: stop reading, answer what was read, close.
    struct Drain: Sendable {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lineNumber += 1
        let n = lineNumber
        switch unwrapInboundIn(data) {
        case .tooLong:
            let error = IntakeError(
                .lineTooLong, "the line is longer than the \(settings.maximumLineBytes)-byte limit; its remainder was skipped")
            logRejected(n, error, format: nil)
            reply(n, IntakeReply.rejected(line: n, ref: nil, error: error), context: context)
        case .line(let buffer):
            let result = buffer.withUnsafeReadableBytes { settings.decoder.decode($0) }
            switch result {
            case .failure(let rejection):
                logRejected(n, rejection.error, format: rejection.format)
                reply(n, IntakeReply.rejected(line: n, ref: rejection.reference, error: rejection.error), context: context)
            case .success(let line):
                if !settings.permissions.value.allows(line.format, peer) {
                    let error = IntakeError(
                        .notPermitted,
                        "this peer (uid \(peer.map { "\($0.uid)" } ?? "unknown")) may not send \(line.format); see [permissions] in mashd's config",
                        field: "/format")
                    logRejected(n, error, format: line.format)
                    reply(n, IntakeReply.rejected(line: n, ref: line.decoded.sourceReference, error: error), context: context)
                    return
                }
                replies.append(nil)
                inFlight += 1
                let promise = context.eventLoop.makePromise(of: CommitOutcome.self)
                committer.submit(IntakeLine(line), promise: promise)
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let format = line.format
                let ref = line.decoded.sourceReference
                promise.futureResult.whenSuccess { outcome in
                    let (handler, context) = loopBound.value
                    handler.inFlight -= 1
                    handler.complete(n, outcome, format: format, ref: ref, context: context)
                }
            }
        }
    }

    private func complete(_ n: Int, _ outcome: CommitOutcome, format: String, ref lineRef: String, context: ChannelHandlerContext) {
        let bytes: [UInt8]
        switch outcome {
        case .accepted(let id, let ref, let rag, let duplicate, let warnings):
            bytes = IntakeReply.accepted(line: n, id: id.text, ref: ref, rag: rag, duplicate: duplicate, warnings: warnings)
            if logger.logLevel <= .info {
                var m: Logger.Metadata = ["event": duplicate ? "duplicate" : "accepted", "case": "\(id)", "format": "\(format)"]
                if let rag { m["rag"] = "\(rag)" } else if let agency = ref.split(separator: "/").last { m["agency"] = "\(agency)" }
                if !warnings.isEmpty { m["count"] = "\(warnings.count)" }
                logger.info(duplicate ? "intake line was a duplicate" : "intake line accepted", metadata: m)
            }
            Meters.intakeLine(format: format, result: duplicate ? "duplicate" : "accepted")
        case .rejected(let error):
            logRejected(n, error, format: format)
            bytes = IntakeReply.rejected(line: n, ref: lineRef, error: error)
        }
        replies[n - firstPendingLine] = bytes
        flushReady(context: context)
        if readWithheld, inFlight <= settings.maximumInFlight / 2, context.channel.isWritable, !draining {
            readWithheld = false
            context.read()
        }
    }

    /// Queues a reply known now; it is written when every earlier line's reply has been.
    private func reply(_ n: Int, _ bytes: [UInt8], context: ChannelHandlerContext) {
        replies.append(bytes)
        flushReady(context: context)
    }

    /// Writes every reply at the head of the queue that is known, then closes if the input has
    /// ended and nothing is left to answer.
    private func flushReady(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var wrote = false
        var last: EventLoopFuture<Void>?
        while let head = replies.first, let bytes = head {
            replies.removeFirst()
            firstPendingLine += 1
            last = context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)))
            wrote = true
        }
        if wrote {
            lastWrite = last
            context.flush()
        }
        closeIfDone(context: context, after: last)
    }

    private func closeIfDone(context: ChannelHandlerContext, after write: EventLoopFuture<Void>?) {
        guard (inputClosed || draining), replies.isEmpty, !closing else { return }
        closing = true
        if let write = write ?? lastWrite {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            write.whenComplete { _ in loopBound.value.close(promise: nil) }
            armDrainTimer(context: context)
        } else {
            context.close(promise: nil)
        }
    }

    /// In a stop, once every reply is handed to the channel: a peer that has not read them
    /// within `drainTimeout` is disconnected, so the stop never waits on it for ever. Its
    /// lines are committed; only the replies it did not read are lost.
    private func armDrainTimer(context: ChannelHandlerContext) {
        guard draining, closing, !drainTimerArmed else { return }
        drainTimerArmed = true
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let (logger, timeout) = (self.logger, settings.drainTimeout)
        context.eventLoop.scheduleTask(in: timeout) {
            let context = loopBound.value
            guard context.channel.isActive else { return }
            logger.warning(
                "intake stopping: a peer did not read its replies; disconnected",
                metadata: ["event": "drain-timeout", "seconds": "\(timeout.nanoseconds / 1_000_000_000)"])
            context.close(promise: nil)
        }
    }

    func read(context: ChannelHandlerContext) {
        if draining || inFlight >= settings.maximumInFlight || !context.channel.isWritable {
            readWithheld = !draining
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, readWithheld, inFlight < settings.maximumInFlight, !draining {
            readWithheld = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed {
            inputClosed = true
            closeIfDone(context: context, after: nil)
        } else if event is Drain {
            draining = true
            closeIfDone(context: context, after: nil)
            // Already closing (the input had ended) and waiting for the peer to read.
            armDrainTimer(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("intake connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
