import NIOCore

/// Closes a connection whose first line has not arrived within `timeout`. The status and
/// metrics sockets are open to every local user: a connection that says nothing must not hold
/// a descriptor for ever. Once the line is in, the answer may take as long as it takes (a
/// `reload` waits for the store), so the deadline is cancelled then, and when the connection
/// closes first, so that no timer keeps a closed channel alive.
final class FirstLineDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = LineFramer.Frame
    typealias InboundOut = LineFramer.Frame

    private let timeout: TimeAmount
    private var scheduled: Scheduled<Void>?
    private var done = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        disarm()
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { disarm() }

    private func arm(_ context: ChannelHandlerContext) {
        guard !done, scheduled == nil else { return }
        let channel = context.channel
        scheduled = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    private func disarm() {
        done = true
        scheduled?.cancel()
        scheduled = nil
    }
}
