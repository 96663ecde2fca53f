//! The connection pool behind the store, kept pointed at the database the next start will
//! open.
//!
//! Three things can make an open pool wrong while the bot runs: the SQLite file is removed
//! or replaced (the open connections keep writing to the old file, which nothing will read
//! again), the file is damaged ("file is not a database"), or the server drops its
//! connections. [`Database`] checks the SQLite file's identity (device and inode) before
//! each use and after each write, and replaces the whole pool when the file changed or a
//! connection failed in a way a retry on the same connection cannot fix. Every failure is
//! logged with its cause, and the first success after one says the database is back.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use tokio::sync::OnceCell;

use crate::store::StoreError;

/// How long a query may wait for a connection before the store counts as unavailable.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// Connections idle this long are closed, so a long quiet spell never leaves dead ones.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Connections are replaced after this long, whatever their state.
const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// What an operation will do, which decides how a replaced file is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Reading: a reopened database is read at once.
    Read,
    /// Writing: a write that finds the file changed is refused, since what the admin saw
    /// before may no longer be what is stored.
    Write,
}

/// A SQLite file's identity: (device, inode). A file removed and created again, or another
/// file renamed into place, has another identity.
type FileId = (u64, u64);

/// One pool and what is known about it.
pub struct Opened {
    /// The pool queries run on.
    pub pool: AnyPool,
    migrated: OnceCell<()>,
    /// The SQLite file the pool's connections opened, once known (after migrating).
    file_id: Mutex<Option<FileId>>,
    /// A connection failed in a way that needs a new pool.
    broken: AtomicBool,
    /// This pool replaced another while the bot ran.
    replaces_another: bool,
}

/// The settings database: its URL, the pool in use, and whether the last use worked.
pub struct Database {
    url: String,
    /// The SQLite file, for identity checks (none for PostgreSQL and in-memory SQLite).
    file: Option<PathBuf>,
    current: RwLock<Arc<Opened>>,
    /// Serialises reopening, so an old pool is closed before a new one opens the file.
    reopening: tokio::sync::Mutex<()>,
    healthy: AtomicBool,
}

impl Database {
    /// A lazy pool on `url` (already normalised by the caller); `file` is the SQLite file.
    pub fn open(url: String, file: Option<PathBuf>) -> Result<Database, sqlx::Error> {
        let opened = Arc::new(Self::pool(&url, false)?);
        Ok(Database {
            url,
            file,
            current: RwLock::new(opened),
            reopening: tokio::sync::Mutex::new(()),
            healthy: AtomicBool::new(true),
        })
    }

    fn pool(url: &str, replaces_another: bool) -> Result<Opened, sqlx::Error> {
        let sqlite = url.starts_with("sqlite:");
        let pool = AnyPoolOptions::new()
            .max_connections(if sqlite { 4 } else { 8 })
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .idle_timeout(IDLE_TIMEOUT)
            .max_lifetime(MAX_LIFETIME)
            .test_before_acquire(true)
            .connect_lazy(url)?;
        Ok(Opened {
            pool,
            migrated: OnceCell::new(),
            file_id: Mutex::new(None),
            broken: AtomicBool::new(false),
            replaces_another,
        })
    }

    fn current(&self) -> Arc<Opened> {
        Arc::clone(&self.current.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The pool to use now, migrated: a new one when the SQLite file was removed or
    /// replaced, or the last one broke.
    ///
    /// # Errors
    /// [`StoreError::FileChanged`] for a write that found the file changed (the pool is
    /// reopened for the next use); [`StoreError::Unavailable`] when migrating fails.
    pub async fn ready(&self, purpose: Purpose) -> Result<Arc<Opened>, StoreError> {
        let mut db = self.current();
        if let Some(change) = self.file_change(&db) {
            tracing::error!(
                file = %self.file_display(),
                change,
                "the settings database file was {change} while the bot ran; connections to the old file are closed and the file at the configured path is opened"
            );
            self.reopen(&db).await?;
            if purpose == Purpose::Write {
                return Err(StoreError::FileChanged { change });
            }
            db = self.current();
        } else if db.broken.load(Ordering::Relaxed) {
            self.reopen(&db).await?;
            db = self.current();
        }
        let migrated = db.migrated.get_or_try_init(|| self.migrate(&db)).await;
        match migrated {
            Ok(()) => Ok(db),
            Err(error) => Err(self.failed(&db, error)),
        }
    }

    async fn migrate(&self, db: &Opened) -> Result<(), sqlx::Error> {
        let existed = self.file.as_deref().is_none_or(Path::exists);
        if self.file.is_some() {
            // A rollback journal, not a write-ahead log: a WAL file lives beside the database
            // under its name and would be read into another database renamed into place,
            // while a rollback journal exists only during a write. Each transaction also
            // reads the file's header again, so a damaged file is noticed at once. (The
            // mode is kept in the file, so this also turns an older WAL database back.)
            sqlx::query("PRAGMA journal_mode = DELETE")
                .execute(&db.pool)
                .await?;
        }
        sqlx::migrate!("./migrations")
            .run(&db.pool)
            .await
            .map_err(|e| sqlx::Error::Migrate(Box::new(e)))?;
        if let Some(file) = &self.file {
            *db.file_id.lock().unwrap_or_else(|e| e.into_inner()) = file_id(file);
            if !existed && db.replaces_another {
                tracing::warn!(file = %file.display(), "created the settings database again (empty, with its tables); settings start from the defaults");
            } else if !existed {
                tracing::info!(file = %file.display(), "created the settings database");
            }
        }
        Ok(())
    }

    /// After a write's commit: the write counts only if the file at the configured path is
    /// still the one written to.
    pub fn confirm(&self, db: &Opened) -> Result<(), StoreError> {
        if let Some(change) = self.file_change(db) {
            tracing::error!(file = %self.file_display(), change, "the settings database file was {change} during a write; the write is not confirmed");
            db.broken.store(true, Ordering::Relaxed);
            return Err(StoreError::FileChanged { change });
        }
        self.succeeded();
        Ok(())
    }

    /// Notes a successful use; the first after a failure is logged.
    pub fn succeeded(&self) {
        if !self.healthy.swap(true, Ordering::Relaxed) {
            tracing::info!("the settings database is back; settings can be read and changed again");
        }
    }

    /// Turns a failed query into a [`StoreError`], logs its cause (at ERROR for the first
    /// failure after a success), and marks the pool for replacement when the connection or
    /// the file is at fault.
    pub fn failed(&self, db: &Opened, error: sqlx::Error) -> StoreError {
        let reopen = needs_new_pool(&error);
        if reopen {
            db.broken.store(true, Ordering::Relaxed);
        }
        if self.healthy.swap(false, Ordering::Relaxed) {
            tracing::error!(cause = %error, reopen, "the settings database failed; questions are answered with the last known settings");
        } else {
            tracing::debug!(cause = %error, reopen, "the settings database is still failing");
        }
        StoreError::Unavailable(error)
    }

    /// Replaces `old` with a new pool, unless another task already did. The old pool is
    /// closed first, so no connection to the old file still writes a journal beside the
    /// new one.
    async fn reopen(&self, old: &Arc<Opened>) -> Result<(), StoreError> {
        let _one_at_a_time = self.reopening.lock().await;
        if !Arc::ptr_eq(old, &self.current()) {
            return Ok(());
        }
        if self.file.is_some() {
            old.pool.close().await;
        } else {
            let pool = old.pool.clone();
            tokio::spawn(async move { pool.close().await });
        }
        let new = Arc::new(Self::pool(&self.url, true).map_err(StoreError::Unavailable)?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = new;
        tracing::info!(file = %self.file_display(), "reopened the settings database");
        Ok(())
    }

    /// How the SQLite file differs from the one `db` opened: "removed", "replaced", or
    /// `None` when it is the same (or not yet known, or not SQLite).
    fn file_change(&self, db: &Opened) -> Option<&'static str> {
        let file = self.file.as_deref()?;
        let opened = (*db.file_id.lock().unwrap_or_else(|e| e.into_inner()))?;
        match file_id(file) {
            None => Some("removed"),
            Some(now) if now != opened => Some("replaced"),
            Some(_) => None,
        }
    }

    fn file_display(&self) -> String {
        match &self.file {
            Some(file) => file.display().to_string(),
            None => "(server)".to_string(),
        }
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        self.current().pool.close().await;
    }
}

/// Whether `error` means the connection, or the file under it, is bad: a new pool is
/// needed, not just another try.
fn needs_new_pool(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            match code.parse::<i32>() {
                // SQLite: I/O error, corrupt, cannot open, not a database, read-only
                // (including a database moved under the connection).
                Ok(code) => matches!(code & 0xff, 8 | 10 | 11 | 14 | 26),
                // PostgreSQL: connection exceptions and the server shutting sessions down.
                Err(_) => code.starts_with("08") || code.starts_with("57P"),
            }
        }
        sqlx::Error::Migrate(migrate) => match &**migrate {
            sqlx::migrate::MigrateError::Execute(error)
            | sqlx::migrate::MigrateError::ExecuteMigration(error, _) => needs_new_pool(error),
            _ => false,
        },
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        _ => false,
    }
}

/// The identity of the file at `path`, or `None` when there is none.
#[cfg(unix)]
fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

/// Without device and inode numbers only removal is seen.
#[cfg(not(unix))]
fn file_id(path: &Path) -> Option<FileId> {
    path.exists().then_some((0, 0))
}
