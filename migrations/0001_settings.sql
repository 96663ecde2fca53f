-- Per-server settings, answer channels, extra aliases and usage counts.
-- Portable SQL: the same migration runs on SQLite and PostgreSQL.
CREATE TABLE IF NOT EXISTS guild_settings (
    guild_id TEXT PRIMARY KEY,
    require_mention BIGINT NOT NULL DEFAULT 1,
    private_replies BIGINT NOT NULL DEFAULT 0,
    cooldown_secs BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS answer_channels (
    guild_id TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    PRIMARY KEY (guild_id, channel_id)
);

CREATE TABLE IF NOT EXISTS guild_aliases (
    guild_id TEXT NOT NULL,
    alias TEXT NOT NULL,
    role_id TEXT NOT NULL,
    PRIMARY KEY (guild_id, alias)
);

CREATE TABLE IF NOT EXISTS usage_stats (
    guild_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    count BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, kind, name)
);
