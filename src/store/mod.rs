//! The settings store: the only place with SQL.
//!
//! SQLite (a file under `data/`) is the default and PostgreSQL is used when `DATABASE_URL`
//! is a postgres URL; the same portable SQL and migrations serve both through sqlx's `Any`
//! driver. Every change is one statement (or one transaction), so two admins changing
//! settings at once cannot overwrite each other, and a change is confirmed only after it is
//! committed to the database the next start will open: a SQLite file removed or replaced
//! while the bot runs is noticed and reopened (`database.rs`). A store that cannot be
//! reached answers with [`StoreError::Unavailable`] within a few seconds instead of hanging.

mod database;
pub mod settings;

use std::future::Future;

use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use crate::store::database::{Database, Purpose};
use crate::store::settings::GuildSettings;

/// Why a settings operation failed. The messages are what admins see.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the settings database is unavailable right now, so settings cannot be read or changed; questions are still answered. Please try again in a minute")]
    Unavailable(#[source] sqlx::Error),
    /// The SQLite file was removed or replaced while the bot ran; `change` says which.
    #[error("the settings database file was {change} while rolecall was running, so this change was not saved. rolecall now uses the file at its configured path; please check the settings and make the change again")]
    FileChanged { change: &'static str },
}

impl StoreError {
    /// What went wrong underneath, for the log ("file is not a database", "connection
    /// refused", …); the message itself is written for admins.
    pub fn cause(&self) -> String {
        match self {
            StoreError::Unavailable(error) => error.to_string(),
            StoreError::FileChanged { change } => format!("the database file was {change}"),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> StoreError {
        StoreError::Unavailable(error)
    }
}

/// Usage counts of one server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// (aspect id, questions), most asked first.
    pub by_aspect: Vec<(String, i64)>,
    /// (role id, questions), most asked first.
    pub by_role: Vec<(String, i64)>,
    /// (role name people asked about, times), the ten most asked.
    pub unknown: Vec<(String, i64)>,
}

/// The settings database, through a pool that is replaced when it goes bad.
pub struct Store {
    db: Database,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the database at `url` without waiting for it: a database that is down now is
    /// retried on each use. A SQLite file and its folder are created if missing. Only a
    /// malformed URL is an error here.
    pub fn open(url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let (url, file) = sqlite_url(url)?;
        Ok(Store {
            db: Database::open(url, file)?,
        })
    }

    /// Applies the embedded migrations once; later calls return at once.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.db.ready(Purpose::Read).await.map(drop)
    }

    /// Closes every connection, after the last write (at shutdown).
    pub async fn close(&self) {
        self.db.close().await;
    }

    /// Runs the reading `query` on the current pool.
    async fn read<T, F: Future<Output = Result<T, sqlx::Error>>>(
        &self,
        query: impl FnOnce(AnyPool) -> F,
    ) -> Result<T, StoreError> {
        let db = self.db.ready(Purpose::Read).await?;
        match query(db.pool.clone()).await {
            Ok(value) => {
                self.db.succeeded();
                Ok(value)
            }
            Err(error) => Err(self.db.failed(&db, error)),
        }
    }

    /// Runs the writing `query` on the current pool; its result counts only once the write
    /// is committed to the database the next start opens.
    async fn write<T, F: Future<Output = Result<T, sqlx::Error>>>(
        &self,
        query: impl FnOnce(AnyPool) -> F,
    ) -> Result<T, StoreError> {
        let db = self.db.ready(Purpose::Write).await?;
        match query(db.pool.clone()).await {
            Ok(value) => self.db.confirm(&db).map(|()| value),
            Err(error) => Err(self.db.failed(&db, error)),
        }
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.read(|pool| async move { sqlx::query("SELECT 1").execute(&pool).await.map(drop) })
            .await
    }

    /// The settings of `guild`, or the defaults if none were changed.
    pub async fn settings(&self, guild: u64) -> Result<GuildSettings, StoreError> {
        self.read(|pool| read_settings(pool, guild)).await
    }

    /// Answers questions in `channel` without a mention. False if it already did.
    pub async fn add_channel(&self, guild: u64, channel: u64) -> Result<bool, StoreError> {
        self.execute(
            "INSERT INTO answer_channels (guild_id, channel_id) VALUES ($1, $2) ON CONFLICT (guild_id, channel_id) DO NOTHING",
            guild,
            &[&channel.to_string()],
        )
        .await
        .map(|rows| rows > 0)
    }

    /// Stops answering without a mention in `channel`. False if it was not enabled.
    pub async fn remove_channel(&self, guild: u64, channel: u64) -> Result<bool, StoreError> {
        self.execute(
            "DELETE FROM answer_channels WHERE guild_id = $1 AND channel_id = $2",
            guild,
            &[&channel.to_string()],
        )
        .await
        .map(|rows| rows > 0)
    }

    /// Sets whether a mention is needed outside the answer channels.
    pub async fn set_require_mention(&self, guild: u64, value: bool) -> Result<(), StoreError> {
        self.set_column(guild, "require_mention", i64::from(value)).await
    }

    /// Sets whether replies are visible only to the asker.
    pub async fn set_private_replies(&self, guild: u64, value: bool) -> Result<(), StoreError> {
        self.set_column(guild, "private_replies", i64::from(value)).await
    }

    /// Sets the per-member cooldown (already validated).
    pub async fn set_cooldown(&self, guild: u64, seconds: u32) -> Result<(), StoreError> {
        self.set_column(guild, "cooldown_secs", i64::from(seconds)).await
    }

    async fn set_column(&self, guild: u64, column: &'static str, value: i64) -> Result<(), StoreError> {
        // `column` is one of three fixed names, never user input.
        let sql = format!(
            "INSERT INTO guild_settings (guild_id, {column}) VALUES ($1, $2) \
             ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}"
        );
        self.write(|pool| async move {
            sqlx::query(&sql)
                .bind(guild.to_string())
                .bind(value)
                .execute(&pool)
                .await
                .map(drop)
        })
        .await
    }

    /// Adds or replaces an extra alias (already validated).
    pub async fn set_alias(&self, guild: u64, alias: &str, role_id: &str) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO guild_aliases (guild_id, alias, role_id) VALUES ($1, $2, $3) \
             ON CONFLICT (guild_id, alias) DO UPDATE SET role_id = excluded.role_id",
            guild,
            &[&alias.to_lowercase(), role_id],
        )
        .await
        .map(drop)
    }

    /// Removes an extra alias. False if there was none.
    pub async fn remove_alias(&self, guild: u64, alias: &str) -> Result<bool, StoreError> {
        self.execute(
            "DELETE FROM guild_aliases WHERE guild_id = $1 AND alias = $2",
            guild,
            &[&alias.trim().to_lowercase()],
        )
        .await
        .map(|rows| rows > 0)
    }

    /// Runs one writing statement whose first parameter is the guild and the others the
    /// text `values`; returns the rows it changed.
    async fn execute(&self, sql: &'static str, guild: u64, values: &[&str]) -> Result<u64, StoreError> {
        self.write(|pool| async move {
            let mut query = sqlx::query(sql).bind(guild.to_string());
            for value in values {
                query = query.bind(value.to_string());
            }
            Ok(query.execute(&pool).await?.rows_affected())
        })
        .await
    }

    /// Forgets everything about `guild` (the bot was removed from it).
    pub async fn delete_guild(&self, guild: u64) -> Result<(), StoreError> {
        let id = guild.to_string();
        self.write(|pool| async move {
            let mut tx = pool.begin().await?;
            for table in [
                "guild_settings",
                "answer_channels",
                "guild_aliases",
                "usage_stats",
            ] {
                sqlx::query(&format!("DELETE FROM {table} WHERE guild_id = $1"))
                    .bind(&id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        })
        .await
    }

    /// Counts one answered question in `guild`: its aspect, its roles, or the unknown role
    /// name asked about, as (kind, name) pairs. No message text is stored.
    pub async fn record(&self, guild: u64, counts: &[(&str, &str)]) -> Result<(), StoreError> {
        let batch: Vec<(u64, &str, &str, i64)> = counts
            .iter()
            .map(|(kind, name)| (guild, *kind, *name, 1))
            .collect();
        self.record_batch(&batch).await
    }

    /// Adds several usage counts in one transaction: (guild, kind, name, questions).
    pub async fn record_batch(&self, counts: &[(u64, &str, &str, i64)]) -> Result<(), StoreError> {
        self.write(|pool| async move {
            let mut tx = pool.begin().await?;
            for (guild, kind, name, n) in counts {
                sqlx::query(
                    "INSERT INTO usage_stats (guild_id, kind, name, count) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (guild_id, kind, name) DO UPDATE SET count = usage_stats.count + excluded.count",
                )
                .bind(guild.to_string())
                .bind(*kind)
                .bind(*name)
                .bind(*n)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await
        })
        .await
    }

    /// The usage counts of `guild`.
    pub async fn stats(&self, guild: u64) -> Result<Stats, StoreError> {
        self.read(|pool| read_stats(pool, guild)).await
    }
}

async fn read_settings(pool: AnyPool, guild: u64) -> Result<GuildSettings, sqlx::Error> {
    let id = guild.to_string();
    let mut settings = GuildSettings::default();
    let row = sqlx::query(
        "SELECT require_mention, private_replies, cooldown_secs FROM guild_settings WHERE guild_id = $1",
    )
    .bind(&id)
    .fetch_optional(&pool)
    .await?;
    if let Some(row) = row {
        settings.require_mention = row.try_get::<i64, _>(0)? != 0;
        settings.private_replies = row.try_get::<i64, _>(1)? != 0;
        settings.cooldown_secs = row.try_get::<i64, _>(2)?.clamp(0, u32::MAX as i64) as u32;
    }
    let channels =
        sqlx::query("SELECT channel_id FROM answer_channels WHERE guild_id = $1 ORDER BY channel_id")
            .bind(&id)
            .fetch_all(&pool)
            .await?;
    settings.channels = channels
        .iter()
        .filter_map(|r| r.try_get::<String, _>(0).ok()?.parse().ok())
        .collect();
    let aliases = sqlx::query("SELECT alias, role_id FROM guild_aliases WHERE guild_id = $1 ORDER BY alias")
        .bind(&id)
        .fetch_all(&pool)
        .await?;
    settings.aliases = aliases.iter().map(pair).collect::<Result<_, _>>()?;
    Ok(settings)
}

async fn read_stats(pool: AnyPool, guild: u64) -> Result<Stats, sqlx::Error> {
    let mut stats = Stats::default();
    for (kind, out, limit) in [
        ("aspect", &mut stats.by_aspect, 10),
        ("role", &mut stats.by_role, 25),
        ("unknown", &mut stats.unknown, 10),
    ] {
        let rows = sqlx::query(&format!(
            "SELECT name, count FROM usage_stats WHERE guild_id = $1 AND kind = $2 ORDER BY count DESC, name LIMIT {limit}"
        ))
        .bind(guild.to_string())
        .bind(kind)
        .fetch_all(&pool)
        .await?;
        *out = rows
            .iter()
            .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?)))
            .collect::<Result<_, sqlx::Error>>()?;
    }
    Ok(stats)
}

fn pair(row: &AnyRow) -> Result<(String, String), sqlx::Error> {
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// For SQLite, makes sure the file's folder exists and the file is created on first use;
/// returns the URL to open and the SQLite file, if there is one.
fn sqlite_url(url: &str) -> anyhow::Result<(String, Option<std::path::PathBuf>)> {
    let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok((url.to_string(), None));
    };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut file = None;
    if path != ":memory:" && !query.contains("mode=memory") {
        file = Some(std::path::PathBuf::from(path));
        if let Some(parent) = std::path::Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            // A folder that cannot be made now makes the store unavailable on use, like a
            // database that is down: questions are still answered.
            if let Err(error) = std::fs::create_dir_all(parent) {
                tracing::warn!(folder = %parent.display(), %error, "cannot create the database folder");
            }
        }
    }
    let mode = if query.contains("mode=") {
        query.to_string()
    } else if query.is_empty() {
        "mode=rwc".into()
    } else {
        format!("{query}&mode=rwc")
    };
    Ok((format!("sqlite://{path}?{mode}"), file))
}
