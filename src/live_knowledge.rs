//! The knowledge in service: one owner for the knowledge directory, the engine loaded from
//! it, reloads, and the watcher that reloads when the files change.
//!
//! The bot, the console and the `/knowledge` commands all read the engine through
//! [`LiveKnowledge`], so a reload is seen by every front end at once, and a reload that
//! fails leaves the last good engine answering.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use notify_debouncer_mini::notify::{RecursiveMode, Watcher};

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
    /// stop changing; `on_reload` hears the outcome of each reload. A folder removed, or
    /// replaced by another renamed into place, is noticed through its parent and watched
    /// again. Watching is best effort:
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
        let watcher = debouncer.watcher();
        // The parent too, so that a folder renamed into place (as deploy tools and checkouts
        // do) is seen, and the watch moves to it.
        let parent = match self.dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        if let Err(error) = watcher.watch(parent, RecursiveMode::NonRecursive) {
            tracing::warn!(error = %error, dir = %parent.display(), "the knowledge folder's parent is not watched; a replaced folder will not be seen");
        }
        if let Err(error) = watcher.watch(&self.dir, RecursiveMode::Recursive) {
            return tracing::warn!(error = %error, dir = %self.dir.display(), "knowledge files are not watched");
        }
        tracing::info!(dir = %self.dir.display(), "watching the knowledge files for changes");
        let mut watched = folder_id(&self.dir);
        // Reading the files is an event too: reload only when something really changed.
        let mut last = fingerprint(&self.dir);
        for events in rx {
            let now = folder_id(&self.dir);
            if now != watched {
                watched = now;
                self.rearm(debouncer.watcher(), now.is_some());
            }
            let files = fingerprint(&self.dir);
            if events.is_ok() && files != last {
                last = files;
                let outcome = self.reload();
                if let Err(error) = &outcome {
                    log_refused(error);
                }
                on_reload(&outcome);
            }
        }
    }

    /// Moves the recursive watch to the folder now at the knowledge path (`present`), after
    /// the old one was removed or replaced.
    fn rearm(&self, watcher: &mut dyn Watcher, present: bool) {
        // The old watch follows the old folder wherever it went; it may already be gone.
        let _ = watcher.unwatch(&self.dir);
        if !present {
            return tracing::warn!(dir = %self.dir.display(), "the knowledge folder is gone; the last good knowledge stays until it is back");
        }
        match watcher.watch(&self.dir, RecursiveMode::Recursive) {
            Ok(()) => {
                tracing::info!(dir = %self.dir.display(), "the knowledge folder was replaced; watching the new one")
            }
            Err(error) => {
                tracing::warn!(error = %error, dir = %self.dir.display(), "the new knowledge folder is not watched")
            }
        }
    }
}

/// The identity of the folder at `dir` (device and inode), or `None` when there is none: a
/// folder renamed into place has another identity than the one it replaced.
#[cfg(unix)]
fn folder_id(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(dir).ok()?;
    Some((meta.dev(), meta.ino()))
}

/// Without inode numbers, a folder's creation time stands in for its identity.
#[cfg(not(unix))]
fn folder_id(dir: &Path) -> Option<SystemTime> {
    std::fs::metadata(dir).ok()?.created().ok()
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
