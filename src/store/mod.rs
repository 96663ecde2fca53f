//! The settings store: the only place with SQL.
//!
//! SQLite (a file under `data/`) is the default and PostgreSQL is used when `DATABASE_URL`
//! is a postgres URL; the same portable SQL and migrations serve both through sqlx's `Any`
//! driver. Every change is one statement, so two admins changing settings at once cannot
//! overwrite each other. A store that cannot be reached answers with
//! [`StoreError::Unavailable`] within a few seconds instead of hanging.

pub mod settings;

use std::time::Duration;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};
use tokio::sync::OnceCell;

use crate::store::settings::GuildSettings;

/// How long a query may wait for a connection before the store counts as unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// Why a settings operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the settings database is unavailable right now, so settings cannot be read or changed; questions are still answered. Please try again in a minute")]
    Unavailable(#[source] sqlx::Error),
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

/// A connection pool to the settings database.
#[derive(Debug)]
pub struct Store {
    pool: AnyPool,
    sqlite: bool,
    migrated: OnceCell<()>,
}

impl Store {
    /// Opens the database at `url` without waiting for it: a database that is down now is
    /// retried on each use. A SQLite file and its folder are created if missing. Only a
    /// malformed URL is an error here.
    pub fn open(url: &str) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let url = sqlite_url(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if url.starts_with("sqlite:") { 4 } else { 8 })
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_lazy(&url)?;
        Ok(Store {
            sqlite: url.starts_with("sqlite:"),
            pool,
            migrated: OnceCell::new(),
        })
    }

    /// Applies the embedded migrations once; later calls return at once.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrated
            .get_or_try_init(|| async {
                if self.sqlite {
                    // Readers need not wait for a writer (the mode is kept in the file).
                    sqlx::query("PRAGMA journal_mode = WAL")
                        .execute(&self.pool)
                        .await?;
                }
                sqlx::migrate!("./migrations")
                    .run(&self.pool)
                    .await
                    .map_err(|e| StoreError::Unavailable(sqlx::Error::Migrate(Box::new(e))))
            })
            .await?;
        Ok(())
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.migrate().await?;
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// The settings of `guild`, or the defaults if none were changed.
    pub async fn settings(&self, guild: u64) -> Result<GuildSettings, StoreError> {
        self.migrate().await?;
        let id = guild.to_string();
        let mut settings = GuildSettings::default();
        let row = sqlx::query(
            "SELECT require_mention, private_replies, cooldown_secs FROM guild_settings WHERE guild_id = $1",
        )
        .bind(&id)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = row {
            settings.require_mention = row.try_get::<i64, _>(0)? != 0;
            settings.private_replies = row.try_get::<i64, _>(1)? != 0;
            settings.cooldown_secs = row.try_get::<i64, _>(2)?.clamp(0, u32::MAX as i64) as u32;
        }
        let channels =
            sqlx::query("SELECT channel_id FROM answer_channels WHERE guild_id = $1 ORDER BY channel_id")
                .bind(&id)
                .fetch_all(&self.pool)
                .await?;
        settings.channels = channels
            .iter()
            .filter_map(|r| r.try_get::<String, _>(0).ok()?.parse().ok())
            .collect();
        let aliases =
            sqlx::query("SELECT alias, role_id FROM guild_aliases WHERE guild_id = $1 ORDER BY alias")
                .bind(&id)
                .fetch_all(&self.pool)
                .await?;
        settings.aliases = aliases.iter().map(pair).collect::<Result<_, _>>()?;
        Ok(settings)
    }

    /// Answers questions in `channel` without a mention. False if it already did.
    pub async fn add_channel(&self, guild: u64, channel: u64) -> Result<bool, StoreError> {
        self.migrate().await?;
        let done = sqlx::query(
            "INSERT INTO answer_channels (guild_id, channel_id) VALUES ($1, $2) ON CONFLICT (guild_id, channel_id) DO NOTHING",
        )
        .bind(guild.to_string())
        .bind(channel.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stops answering without a mention in `channel`. False if it was not enabled.
    pub async fn remove_channel(&self, guild: u64, channel: u64) -> Result<bool, StoreError> {
        self.migrate().await?;
        let done = sqlx::query("DELETE FROM answer_channels WHERE guild_id = $1 AND channel_id = $2")
            .bind(guild.to_string())
            .bind(channel.to_string())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
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
        self.migrate().await?;
        // `column` is one of three fixed names, never user input.
        let sql = format!(
            "INSERT INTO guild_settings (guild_id, {column}) VALUES ($1, $2) \
             ON CONFLICT (guild_id) DO UPDATE SET {column} = excluded.{column}"
        );
        sqlx::query(&sql)
            .bind(guild.to_string())
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Adds or replaces an extra alias (already validated).
    pub async fn set_alias(&self, guild: u64, alias: &str, role_id: &str) -> Result<(), StoreError> {
        self.migrate().await?;
        sqlx::query(
            "INSERT INTO guild_aliases (guild_id, alias, role_id) VALUES ($1, $2, $3) \
             ON CONFLICT (guild_id, alias) DO UPDATE SET role_id = excluded.role_id",
        )
        .bind(guild.to_string())
        .bind(alias.to_lowercase())
        .bind(role_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Removes an extra alias. False if there was none.
    pub async fn remove_alias(&self, guild: u64, alias: &str) -> Result<bool, StoreError> {
        self.migrate().await?;
        let done = sqlx::query("DELETE FROM guild_aliases WHERE guild_id = $1 AND alias = $2")
            .bind(guild.to_string())
            .bind(alias.trim().to_lowercase())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Forgets everything about `guild` (the bot was removed from it).
    pub async fn delete_guild(&self, guild: u64) -> Result<(), StoreError> {
        self.migrate().await?;
        let id = guild.to_string();
        let mut tx = self.pool.begin().await?;
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
        tx.commit().await?;
        Ok(())
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
        self.migrate().await?;
        let mut tx = self.pool.begin().await?;
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
        tx.commit().await?;
        Ok(())
    }

    /// The usage counts of `guild`.
    pub async fn stats(&self, guild: u64) -> Result<Stats, StoreError> {
        self.migrate().await?;
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
            .fetch_all(&self.pool)
            .await?;
            *out = rows
                .iter()
                .map(|r| Ok((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?)))
                .collect::<Result<_, sqlx::Error>>()?;
        }
        Ok(stats)
    }
}

fn pair(row: &AnyRow) -> Result<(String, String), sqlx::Error> {
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// For SQLite, makes sure the file's folder exists and the file is created on first use.
fn sqlite_url(url: &str) -> anyhow::Result<String> {
    let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(url.to_string());
    };
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    if path != ":memory:" {
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
    Ok(format!("sqlite://{path}?{mode}"))
}
