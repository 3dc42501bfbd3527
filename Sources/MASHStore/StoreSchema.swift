import Foundation
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
                        case_seq INTEGER NOT NULL REFERENCES cases(seq),
                        child INTEGER NOT NULL
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
        m.registerMigration("v2-process") { db in
            // The MASH process: each case's stage, deadline and decision; who was asked; which
            // products reached which outbox; and what the deployment ran.
            try db.execute(
                sql: """
                    ALTER TABLE cases ADD COLUMN stage TEXT NOT NULL DEFAULT 'new';
                    ALTER TABLE cases ADD COLUMN deadline INTEGER;
                    ALTER TABLE cases ADD COLUMN dispatched INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE cases ADD COLUMN decided_at INTEGER;
                    ALTER TABLE cases ADD COLUMN final_level INTEGER;
                    ALTER TABLE cases ADD COLUMN final_rag TEXT;
                    ALTER TABLE cases ADD COLUMN outcome TEXT;
                    ALTER TABLE cases ADD COLUMN decision TEXT;
                    CREATE INDEX cases_waiting ON cases(rag) WHERE stage != 'decided';
                    CREATE INDEX cases_undispatched ON cases(seq) WHERE dispatched != 1;
                    CREATE INDEX cases_by_acceptance ON cases(accepted_at);
                    ALTER TABLE research_answers ADD COLUMN late INTEGER NOT NULL DEFAULT 0;
                    CREATE TABLE research_requests (
                        case_seq INTEGER NOT NULL REFERENCES cases(seq),
                        agency TEXT NOT NULL,
                        PRIMARY KEY (case_seq, agency)
                    ) WITHOUT ROWID;
                    CREATE TABLE products (
                        id TEXT PRIMARY KEY,
                        case_seq INTEGER REFERENCES cases(seq),
                        kind TEXT NOT NULL,
                        recipient TEXT NOT NULL,
                        delivered_at INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX products_by_case ON products(case_seq);
                    CREATE TABLE case_events (
                        case_seq INTEGER NOT NULL REFERENCES cases(seq),
                        at INTEGER NOT NULL,
                        stage TEXT NOT NULL,
                        rag TEXT,
                        level INTEGER,
                        note TEXT NOT NULL
                    );
                    CREATE INDEX case_events_by_case ON case_events(case_seq);
                    CREATE TABLE deployments (
                        started_at INTEGER NOT NULL,
                        model_name TEXT NOT NULL,
                        model_version INTEGER NOT NULL,
                        model_checksum TEXT NOT NULL,
                        standard INTEGER NOT NULL,
                        differences TEXT NOT NULL,
                        source TEXT NOT NULL
                    );
                    """)
        }
        m.registerMigration("v3-child-keys") { db in
            // Child keys in one b-tree: intake inserts several per notification, and a table
            // with a rowid and two indexes made that three b-tree inserts each, the largest
            // part of a commit's time. Every reader looks rows up by key.
            try db.execute(
                sql: """
                    CREATE TABLE child_keys_v3 (
                        key TEXT NOT NULL,
                        notified_at INTEGER NOT NULL,
                        case_seq INTEGER NOT NULL REFERENCES cases(seq),
                        child INTEGER NOT NULL,
                        PRIMARY KEY (key, notified_at, case_seq, child)
                    ) WITHOUT ROWID;
                    INSERT OR IGNORE INTO child_keys_v3 (key, notified_at, case_seq, child)
                        SELECT key, notified_at, case_seq, child FROM child_keys;
                    DROP TABLE child_keys;
                    ALTER TABLE child_keys_v3 RENAME TO child_keys;
                    """)
        }
        m.registerMigration("v4-nfc-name-keys") { db in
            // Names are now normalised to NFC (`PersonName`). A name key stored before, from a
            // name sent decomposed, is rewritten so that the same child still matches. Only
            // keys with non-ASCII bytes can differ; the rest are left alone.
            let rows = try Row.fetchAll(
                db, sql: "SELECT key, notified_at, case_seq, child FROM child_keys WHERE key LIKE 'name:%' AND key GLOB '*[^ -~]*'")
            let delete = try db.makeStatement(sql: "DELETE FROM child_keys WHERE key = ? AND notified_at = ? AND case_seq = ? AND child = ?")
            let insert = try db.makeStatement(
                sql: "INSERT OR IGNORE INTO child_keys (key, notified_at, case_seq, child) VALUES (?, ?, ?, ?)")
            for row in rows {
                let key: String = row[0]
                let composed = key.precomposedStringWithCanonicalMapping
                guard Array(composed.utf8) != Array(key.utf8) else { continue }
                let (at, seq, child): (Int64, Int64, Int64) = (row[1], row[2], row[3])
                try delete.execute(arguments: [key, at, seq, child])
                try insert.execute(arguments: [composed, at, seq, child])
            }
        }
        m.registerMigration("v5-staged-products") { db in
            // Products written and made durable in an outbox's tmp/ and about to be renamed
            // into new/. A row lives from just before the rename until the products are
            // recorded; after a crash it says the product may be out already, even when its
            // collector has claimed and deleted it.
            try db.execute(
                sql: """
                    CREATE TABLE staged_products (
                        id TEXT PRIMARY KEY,
                        case_seq INTEGER NOT NULL REFERENCES cases(seq),
                        recipient TEXT NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX staged_products_by_case ON staged_products(case_seq);
                    """)
        }
        return m
    }
}
