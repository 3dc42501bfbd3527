import MASHAdapters
import MASHCore
import MASHWire

/// Decodes lines with every adapter mashd carries, as intake does.
enum LineParser {
    static let decoder = LineDecoder(adapters: Adapters.all)

    static func notification(_ text: String) -> MASHNotification? {
        guard case .success(let line) = decoder.decode(Array(text.utf8)), case .notification(let n) = line.decoded.intake else {
            return nil
        }
        return n
    }
}
