import GRDB
import GRDBSQLite

/// An INSERT bound and stepped on SQLite directly, for intake's group commits and the dry
/// run's bulk writes: both insert rows by the thousand, and GRDB's argument arrays box every
/// value into an existential first (a quarter of the sandbox writer's time). Used inside a
/// GRDB write, on a statement GRDB prepared and caches; each row resets it.
struct BulkInsert {
    /// Kept so the SQLite statement lives as long as this, whatever GRDB's cache does.
    private let owner: Statement
    private let statement: OpaquePointer
    private let connection: OpaquePointer?
    private let sql: String

    init(_ db: Database, sql: String) throws {
        owner = try db.cachedStatement(sql: sql)
        statement = owner.sqliteStatement
        connection = db.sqliteConnection
        self.sql = sql
    }

    /// Binds the row's values in order, then inserts it.
    func insert(_ bind: (inout Row) -> Void) throws {
        sqlite3_reset(statement)
        var row = Row(statement: statement)
        bind(&row)
        precondition(row.index - 1 == sqlite3_bind_parameter_count(statement), "a row bound the wrong number of values for \(sql)")
        // A value that could not be bound (out of memory, too big) must not leave the previous
        // row's value in its place.
        let rc = row.failure == SQLITE_OK ? sqlite3_step(statement) : row.failure
        guard rc == SQLITE_DONE else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) }
            sqlite3_reset(statement)
            throw DatabaseError(resultCode: ResultCode(rawValue: rc), message: message, sql: sql)
        }
    }

    /// The next parameter of a row; nil binds NULL.
    struct Row {
        let statement: OpaquePointer
        var index: Int32 = 1
        /// The first bind that failed, else SQLITE_OK.
        var failure = SQLITE_OK

        private mutating func check(_ rc: Int32) {
            if rc != SQLITE_OK, failure == SQLITE_OK { failure = rc }
        }

        init(statement: OpaquePointer) { self.statement = statement }

        mutating func int(_ value: Int64?) {
            check(value.map { sqlite3_bind_int64(statement, index, $0) } ?? sqlite3_bind_null(statement, index))
            index += 1
        }

        mutating func int(_ value: Int?) { int(value.map(Int64.init)) }

        mutating func bool(_ value: Bool) { int(value ? 1 : 0) }

        mutating func text(_ value: String?) {
            if var value {
                // SQLite copies the bytes (SQLITE_TRANSIENT), so the buffer need only last the call.
                let rc = value.withUTF8 { b -> Int32 in
                    guard let base = b.baseAddress, b.count > 0 else { return sqlite3_bind_text(statement, index, "", 0, nil) }
                    return sqlite3_bind_text(
                        statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(b.count),
                        unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                }
                check(rc)
            } else {
                check(sqlite3_bind_null(statement, index))
            }
            index += 1
        }
    }
}
