//! The knowledge in service: one owner for the knowledge directory, the engine loaded from
//! it, reloads, and the watcher that reloads when the files change.
//!
//! The bot, the console and the `/knowledge` commands all read the engine through
//! [`LiveKnowledge`], so a reload is seen by every front end at once, and a reload that
//! fails leaves the last good engine answering.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use crate::engine::knowledge::{self, Diagnostic, Knowledge, LoadError};
use crate::engine::Engine;

/// How long the files must stay unchanged before a reload, so an editor's burst of writes
/// (or a `git checkout`) causes one reload, not many.
const QUIET_PERIOD: Duration = Duration::from_millis(400);

/// A knowledge directory and the engine currently answering from it.
#[derive(Debug)]
pub struct LiveKnowledge {
    dir: PathBuf,
    current: RwLock<Arc<Engine>>,
}

/// What a reload did: the number of roles now in service, or why the old knowledge stays.
pub type Reloaded = Result<usize, LoadError>;

impl LiveKnowledge {
    /// Loads the directory `dir`.
    ///
    /// # Errors
    /// [`LoadError`] when the directory cannot be read or its files have problems.
    pub fn open(dir: PathBuf) -> Result<LiveKnowledge, LoadError> {
        let engine = Engine::load(&dir)?;
        Ok(LiveKnowledge::new(dir, engine))
    }

    /// Puts an engine already loaded from `dir` in service.
    pub fn new(dir: PathBuf, engine: Engine) -> LiveKnowledge {
        LiveKnowledge {
            dir,
            current: RwLock::new(Arc::new(engine)),
        }
    }

    /// The knowledge directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The engine answering right now. A reload does not change an engine already handed
    /// out, so one question is answered from one version of the knowledge.
    pub fn engine(&self) -> Arc<Engine> {
        Arc::clone(&self.current.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Loads the directory again (blocking: it reads files). On success the new engine goes
    /// into service; otherwise the last good one stays and the error says why.
    pub fn reload(&self) -> Reloaded {
        let engine = Engine::load(&self.dir)?;
        let roles = engine.knowledge().roles.len();
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(engine);
        tracing::info!(roles, dir = %self.dir.display(), "knowledge reloaded");
        Ok(roles)
    }

    /// Reads the directory and lists every problem, without changing what is in service.
    pub fn check(&self) -> Result<(Knowledge, Vec<Diagnostic>), LoadError> {
        knowledge::load_with_problems(&self.dir)
    }

    /// Watches the directory from a background thread and reloads shortly after its files
    /// stop changing; `on_reload` hears the outcome of each reload. Watching is best effort:
    /// when the platform cannot watch, a warning is logged and reloads stay manual.
    pub fn watch(self: &Arc<Self>, on_reload: impl Fn(&Reloaded) + Send + 'static) {
        let live = Arc::clone(self);
        std::thread::spawn(move || live.watch_blocking(on_reload));
    }

    fn watch_blocking(&self, on_reload: impl Fn(&Reloaded)) {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut debouncer = match notify_debouncer_mini::new_debouncer(QUIET_PERIOD, tx) {
            Ok(debouncer) => debouncer,
            Err(error) => return tracing::warn!(error = %error, "knowledge files are not watched"),
        };
        let mode = notify_debouncer_mini::notify::RecursiveMode::Recursive;
        if let Err(error) = debouncer.watcher().watch(&self.dir, mode) {
            return tracing::warn!(error = %error, dir = %self.dir.display(), "knowledge files are not watched");
        }
        tracing::info!(dir = %self.dir.display(), "watching the knowledge files for changes");
        // Reading the files is an event too: reload only when something really changed.
        let mut last = fingerprint(&self.dir);
        for events in rx {
            let now = fingerprint(&self.dir);
            if events.is_ok() && now != last {
                last = now;
                let outcome = self.reload();
                if let Err(error) = &outcome {
                    log_refused(error);
                }
                on_reload(&outcome);
            }
        }
    }
}

/// Logs why a reload was refused, one line per problem.
pub fn log_refused(error: &LoadError) {
    match error {
        LoadError::Invalid { problems } => {
            for problem in problems {
                tracing::warn!("{problem}");
            }
            tracing::warn!(
                problems = problems.len(),
                "knowledge not reloaded; the last good knowledge stays"
            );
        }
        other => tracing::warn!(error = %other, "knowledge not reloaded; the last good knowledge stays"),
    }
}

/// Names, sizes and modification times of every file under `dir`, to tell a real change
/// from the watcher's noise.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                found.push((entry.path(), meta.len(), meta.modified().ok()));
            }
        }
    }
    found.sort();
    found
}
