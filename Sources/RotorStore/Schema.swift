import GRDB

/// The database schema: named, append-only migrations in plain SQL.
///
/// Never edit or reorder a shipped migration; add a new one. A database that lists a migration this rotor does not
/// know was written by a newer rotor, and the store refuses it (`hasBeenSuperseded`). Dates are stored as `REAL`
/// seconds since 1970 (UTC) so that SQL can compare them.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 accounts") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    id TEXT PRIMARY KEY NOT NULL,
                    label TEXT NOT NULL UNIQUE,
                    email TEXT NOT NULL COLLATE NOCASE,
                    chatgpt_account_id TEXT NOT NULL,
                    plan TEXT,
                    id_token TEXT NOT NULL,
                    access_token TEXT NOT NULL,
                    refresh_token TEXT NOT NULL,
                    last_refresh REAL,
                    access_token_expires_at REAL,
                    status TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'needs-login', 'disabled')),
                    status_reason TEXT,
                    cooldown_until REAL,
                    cooldown_reason TEXT,
                    consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
                    last_used_at REAL,
                    created_at REAL NOT NULL,
                    UNIQUE (chatgpt_account_id, email),
                    CHECK ((cooldown_until IS NULL) = (cooldown_reason IS NULL))
                )
                """)
        }
        migrator.registerMigration("v2 usage snapshots") { db in
            try db.execute(sql: """
                CREATE TABLE usage_snapshot (
                    account_id TEXT PRIMARY KEY NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    observed_at REAL NOT NULL,
                    primary_used_percent REAL,
                    primary_window_minutes INTEGER,
                    primary_resets_at REAL,
                    secondary_used_percent REAL,
                    secondary_window_minutes INTEGER,
                    secondary_resets_at REAL
                )
                """)
        }
        migrator.registerMigration("v3 conversation affinity") { db in
            try db.execute(sql: """
                CREATE TABLE conversation_affinity (
                    conversation_key TEXT PRIMARY KEY NOT NULL,
                    account_id TEXT NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    expires_at REAL NOT NULL
                );
                CREATE INDEX conversation_affinity_on_account_id ON conversation_affinity(account_id);
                CREATE INDEX conversation_affinity_on_expires_at ON conversation_affinity(expires_at);
                """)
        }
        migrator.registerMigration("v4 decision log") { db in
            // AUTOINCREMENT: ids are never reused, so "keep the newest N" is a comparison on id.
            try db.execute(sql: """
                CREATE TABLE decision (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time REAL NOT NULL,
                    request_id TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    conversation_key_hash TEXT,
                    account_id TEXT,
                    upstream_status INTEGER,
                    outcome TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    cooldown_until REAL,
                    cooldown_reason TEXT,
                    first_byte_milliseconds INTEGER,
                    bytes INTEGER NOT NULL DEFAULT 0,
                    input_tokens INTEGER,
                    cached_input_tokens INTEGER,
                    output_tokens INTEGER
                );
                CREATE INDEX decision_on_request_id ON decision(request_id);
                CREATE INDEX decision_on_time ON decision(time);
                """)
        }
        migrator.registerMigration("v5 decision model and reasoning tokens") { db in
            try db.execute(sql: """
                ALTER TABLE decision ADD COLUMN reasoning_tokens INTEGER;
                ALTER TABLE decision ADD COLUMN model TEXT;
                """)
        }
        migrator.registerMigration("v6 usage ledger") { db in
            // One row per completed request, kept 400 days whatever the decision log keeps: `rotor usage` groups it
            // by account, model and local day.
            try db.execute(sql: """
                CREATE TABLE usage_ledger (
                    id INTEGER PRIMARY KEY,
                    time REAL NOT NULL,
                    account_id TEXT NOT NULL,
                    model TEXT,
                    input_tokens INTEGER NOT NULL DEFAULT 0,
                    cached_input_tokens INTEGER NOT NULL DEFAULT 0,
                    output_tokens INTEGER NOT NULL DEFAULT 0,
                    reasoning_tokens INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX usage_ledger_on_time ON usage_ledger(time);
                """)
        }
        migrator.registerMigration("v7 usage history") { db in
            // Every snapshot that changed an account's windows, kept 30 days; like the ledger it outlives a removed
            // account, and `rotor accounts reset` leaves it. The latest snapshot learns where it was seen; the rows
            // stored before were all seen in upstream answers, which `headers` names best.
            try db.execute(sql: """
                ALTER TABLE usage_snapshot ADD COLUMN source TEXT NOT NULL DEFAULT 'headers';
                CREATE TABLE usage_history (
                    id INTEGER PRIMARY KEY,
                    account_id TEXT NOT NULL,
                    observed_at REAL NOT NULL,
                    source TEXT NOT NULL,
                    plan TEXT,
                    primary_used_percent REAL,
                    primary_window_minutes INTEGER,
                    primary_resets_at REAL,
                    secondary_used_percent REAL,
                    secondary_window_minutes INTEGER,
                    secondary_resets_at REAL
                );
                CREATE INDEX usage_history_on_account_id_observed_at ON usage_history(account_id, observed_at);
                CREATE INDEX usage_history_on_observed_at ON usage_history(observed_at);
                """)
        }
        migrator.registerMigration("v8 decision policy version") { db in
            // The version of the routing policy that made each decision; rows written before stay without one.
            try db.execute(sql: "ALTER TABLE decision ADD COLUMN policy_version TEXT")
        }
        return migrator
    }
}
