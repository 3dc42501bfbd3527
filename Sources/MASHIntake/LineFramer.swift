import NIOCore

/// Frames NDJSON: one frame per `\n`-terminated line, with an optional `\r` removed. A line
/// longer than the limit (line end not counted) yields one `.tooLong` frame as soon as it is
/// known to be too long; the rest of it is discarded as it arrives, so an attacker's endless
/// line costs no memory, and the next line is read normally. Blank lines (formats.md: empty, or
/// white space only) yield nothing: they get no reply and are not counted. A byte order mark
/// is not white space: a line holding one gets its reply (`mashctl send`, replay and explain
/// count lines by the same rule, and pair replies with lines by it). A last line without its
/// newline is framed at end of input.
struct LineFramer: ByteToMessageDecoder {
    typealias InboundOut = Frame

    enum Frame {
        case line(ByteBuffer)
        case tooLong
    }

    let maximumLineBytes: Int
    /// Discarding the remainder of an over-long line.
    private var skipping = false
    /// Bytes of the buffer already searched for a newline.
    private var scanned = 0

    init(maximumLineBytes: Int) { self.maximumLineBytes = maximumLineBytes }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view[(view.startIndex + scanned)...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = view.count
            if skipping {
                buffer.moveReaderIndex(forwardBy: view.count)
                scanned = 0
            } else if view.count > maximumLineBytes + 1 {
                // Too long even if the next byte is the newline after a `\r`.
                buffer.moveReaderIndex(forwardBy: view.count)
                scanned = 0
                skipping = true
                context.fireChannelRead(wrapInboundOut(.tooLong))
            }
            return .needMoreData
        }
        let length = newline - view.startIndex
        scanned = 0
        if skipping {
            buffer.moveReaderIndex(forwardBy: length + 1)
            skipping = false
            return .continue
        }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        emit(&line, context: context)
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if !skipping, buffer.readableBytes > 0 {
            var line = buffer.readSlice(length: buffer.readableBytes)!
            emit(&line, context: context)
        }
        buffer.moveReaderIndex(to: buffer.writerIndex)
        skipping = false
        scanned = 0
        return .needMoreData
    }

    private func emit(_ line: inout ByteBuffer, context: ChannelHandlerContext) {
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        let blank = line.readableBytesView.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
        if blank { return }
        if line.readableBytes > maximumLineBytes {
            context.fireChannelRead(wrapInboundOut(.tooLong))
        } else {
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
    }
}
