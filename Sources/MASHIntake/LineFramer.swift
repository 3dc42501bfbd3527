import NIOCore

/// Frames NDJSON: one frame per `\n`-terminated line, with an optional `\r` removed. A line
/// longer than the limit (line end not counted) yields one `.tooLong` frame as soon as it is
/// known to be too long; the rest of it is discarded as it arrives, so an attacker's endless
/// line costs no memory, and the next line is read normally. Blank lines (a byte order mark aside) yield nothing: they
/// get no reply and are not counted. A last line without its newline is framed at end of input.
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
        // A UTF-8 byte order mark at the start is not content (`LineDecoder` ignores it too), so
        // a mark followed by white space only is a blank line like any other.
        var content = line.readableBytesView[...]
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        if content.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        if line.readableBytes > maximumLineBytes {
            context.fireChannelRead(wrapInboundOut(.tooLong))
        } else {
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
    }
}
