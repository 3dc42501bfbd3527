import GRDB

/// The store's schema, as `DatabaseMigrator` migrations. A migration once released is never
/// edited: a change of schema is a new migration, so every store upgrades the same way.
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-intake") { db in
            // One row per accepted notification. `line` is the line exactly as received, so
            // fields no adapter reads are kept (formats.md); everything else is derived from it
            // or recorded at acceptance.
            try db.execute(
                sql: """
                    CREATE TABLE cases (
                        seq INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        format TEXT NOT NULL,
                        source_ref TEXT NOT NULL,
                        stream TEXT NOT NULL,
                        authority TEXT NOT NULL,
                        notified_at INTEGER NOT NULL,
                        accepted_at INTEGER NOT NULL,
                        route TEXT NOT NULL,
                        level INTEGER,
                        rag TEXT,
                        screening TEXT NOT NULL,
                        model TEXT NOT NULL,
                        warnings TEXT,
                        line TEXT NOT NULL,
                        UNIQUE (format, source_ref)
                    );
                    CREATE TABLE child_keys (
                        key TEXT NOT NULL,
                        notified_at INTEGER NOT NULL,
                        case_seq INTEGER NOT NULL REFERENCES cases(seq)
                    );
                    CREATE INDEX child_keys_by_key ON child_keys(key, notified_at);
                    CREATE INDEX child_keys_by_case ON child_keys(case_seq);
                    CREATE TABLE research_answers (
                        case_seq INTEGER NOT NULL REFERENCES cases(seq),
                        agency TEXT NOT NULL,
                        responded_at INTEGER NOT NULL,
                        accepted_at INTEGER NOT NULL,
                        line TEXT NOT NULL,
                        PRIMARY KEY (case_seq, agency)
                    ) WITHOUT ROWID;
                    """)
        }
        return m
    }
}
