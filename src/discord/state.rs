//! What the bot keeps while it runs: the engine in service, each server's settings (cached
//! briefly, read from the store), members' cooldowns, and the events already answered.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serenity::all::GuildId;

use crate::engine::answer::{Answer, Status};
use crate::engine::{Aliases, Engine};
use crate::metrics::Metrics;
use crate::store::settings::GuildSettings;
use crate::store::Store;

/// How long a server's settings are reused before they are read again, so that a change
/// made through another process is seen within this time.
const SETTINGS_TTL: Duration = Duration::from_secs(5);
/// How long answering waits for settings before using the last known ones.
const SETTINGS_WAIT: Duration = Duration::from_millis(500);

/// The engine in service, shared with the knowledge watcher that replaces it.
#[derive(Clone, Default)]
pub struct EngineCell(Arc<RwLock<Option<Arc<Engine>>>>);

impl EngineCell {
    /// A cell holding `engine`.
    pub fn new(engine: Engine) -> EngineCell {
        EngineCell(Arc::new(RwLock::new(Some(Arc::new(engine)))))
    }

    /// The engine answering right now.
    pub fn get(&self) -> Arc<Engine> {
        let engine = self.0.read().unwrap_or_else(|e| e.into_inner());
        Arc::clone(engine.as_ref().expect("the cell always holds an engine"))
    }

    /// Puts a freshly loaded engine in service.
    pub fn replace(&self, engine: Engine) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(engine));
    }
}

/// State shared by every handler.
pub struct Data {
    pub engine: EngineCell,
    /// Where the knowledge comes from, for reloads.
    pub knowledge_dir: PathBuf,
    pub store: Arc<Store>,
    pub metrics: Arc<Metrics>,
    settings: Mutex<HashMap<u64, (Instant, Arc<ServerView>)>>,
    usage: Arc<Usage>,
    cooldowns: Mutex<HashMap<(u64, u64), Cooldown>>,
    seen: Mutex<Seen>,
}

/// A server's settings, with its extra aliases indexed for the engine they were built for.
pub struct ServerView {
    pub settings: GuildSettings,
    pub aliases: Aliases,
    engine: Arc<Engine>,
}

impl ServerView {
    fn defaults(engine: Arc<Engine>) -> ServerView {
        ServerView {
            settings: GuildSettings::default(),
            aliases: engine.aliases(&[]),
            engine,
        }
    }
}

/// What a member's cooldown says about a new question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CooldownCheck {
    /// Go ahead.
    Ready,
    /// Too soon: tell them, once per window (`seconds` left).
    Wait { seconds: u64 },
    /// Too soon, and they were already told.
    Quiet,
}

struct Cooldown {
    last: Instant,
    noted: bool,
}

impl Data {
    /// Creates the shared state around a loaded engine and an opened store.
    pub fn new(
        engine: EngineCell,
        knowledge_dir: PathBuf,
        store: Arc<Store>,
        metrics: Arc<Metrics>,
        usage: Arc<Usage>,
    ) -> Data {
        Data {
            engine,
            knowledge_dir,
            store,
            metrics,
            settings: Mutex::default(),
            usage,
            cooldowns: Mutex::default(),
            seen: Mutex::default(),
        }
    }

    /// The engine answering right now.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.get()
    }

    /// The settings that apply in `guild` (defaults in DMs, or when the store is down).
    pub async fn server(&self, guild: Option<GuildId>) -> Arc<ServerView> {
        let engine = self.engine();
        let Some(guild) = guild.map(GuildId::get) else {
            return Arc::new(ServerView::defaults(engine));
        };
        if let Some((at, view)) = self
            .settings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&guild)
        {
            // Aliases built for an engine that has since been reloaded are rebuilt.
            if at.elapsed() < SETTINGS_TTL && Arc::ptr_eq(&view.engine, &engine) {
                return Arc::clone(view);
            }
        }
        // A slow or unreachable database must not hold up answers: the last settings seen
        // stay in use (or the defaults, if none were ever read).
        let fetched = tokio::time::timeout(SETTINGS_WAIT, self.store.settings(guild)).await;
        let settings = match fetched {
            Ok(Ok(settings)) => settings,
            failure => {
                let reason = match failure {
                    Ok(Err(error)) => error.to_string(),
                    _ => format!("no answer within {SETTINGS_WAIT:?}"),
                };
                let stale = self
                    .settings
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(&guild)
                    .map(|(_, v)| Arc::clone(v));
                tracing::warn!(guild, reason, "using the last known settings");
                return match stale {
                    Some(view) if Arc::ptr_eq(&view.engine, &engine) => view,
                    Some(view) => Arc::new(ServerView {
                        aliases: engine.aliases(&view.settings.aliases),
                        settings: view.settings.clone(),
                        engine,
                    }),
                    None => Arc::new(ServerView::defaults(engine)),
                };
            }
        };
        let view = Arc::new(ServerView {
            aliases: engine.aliases(&settings.aliases),
            settings,
            engine,
        });
        self.settings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(guild, (Instant::now(), Arc::clone(&view)));
        view
    }

    /// Drops the cached settings of `guild` after a change.
    pub fn forget_settings(&self, guild: u64) {
        self.settings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&guild);
    }

    /// Applies a member's cooldown (`seconds` between questions) to a new question.
    pub fn cooldown(&self, guild: Option<GuildId>, user: u64, seconds: u32) -> CooldownCheck {
        let (Some(guild), true) = (guild, seconds > 0) else {
            return CooldownCheck::Ready;
        };
        let window = Duration::from_secs(u64::from(seconds));
        let mut cooldowns = self.cooldowns.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if cooldowns.len() > 50_000 {
            cooldowns.retain(|_, c| now.duration_since(c.last) < Duration::from_secs(3600));
        }
        match cooldowns.get_mut(&(guild.get(), user)) {
            Some(c) if now.duration_since(c.last) < window => {
                let left = (window - now.duration_since(c.last)).as_secs().max(1);
                if c.noted {
                    CooldownCheck::Quiet
                } else {
                    c.noted = true;
                    CooldownCheck::Wait { seconds: left }
                }
            }
            _ => {
                cooldowns.insert(
                    (guild.get(), user),
                    Cooldown {
                        last: now,
                        noted: false,
                    },
                );
                CooldownCheck::Ready
            }
        }
    }

    /// True the first time an event id is seen, so a replayed event is answered once.
    pub fn first_time(&self, id: u64) -> bool {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).insert(id)
    }

    /// Logs an answered question and counts it in the server's usage stats.
    pub fn finish(&self, guild: Option<GuildId>, source: &str, answer: &Answer, started: Instant) {
        tracing::info!(
            guild = guild.map(|g| g.get()),
            source,
            status = answer.status.id(),
            roles = %answer.roles.join(","),
            aspect = answer.aspect.map(|a| a.id()),
            latency_us = started.elapsed().as_micros() as u64,
            "answered"
        );
        self.metrics.question(
            answer.status.id(),
            answer.aspect.map(|a| a.id()),
            started.elapsed().as_secs_f64(),
        );
        let Some(guild) = guild else { return };
        let mut counts: Vec<(&'static str, String)> = Vec::new();
        if answer.status == Status::Answered {
            counts.extend(answer.aspect.map(|a| ("aspect", a.id().to_string())));
            counts.extend(answer.roles.iter().map(|r| ("role", r.clone())));
        }
        if let (Status::UnknownRole, Some(name)) = (answer.status, &answer.unknown_name) {
            counts.push(("unknown", name.clone()));
        }
        if counts.is_empty() {
            return;
        }
        for (kind, name) in counts {
            self.usage.add(guild.get(), kind, name);
        }
    }
}

/// Usage counts waiting to be written, flushed in batches so a busy server costs the
/// database one write every few seconds instead of one per question.
pub struct Usage {
    pending: Mutex<HashMap<(u64, &'static str, String), i64>>,
    store: Arc<Store>,
}

impl Usage {
    /// An empty buffer in front of `store`.
    pub fn new(store: Arc<Store>) -> Usage {
        Usage {
            pending: Mutex::default(),
            store,
        }
    }

    fn add(&self, guild: u64, kind: &'static str, name: String) {
        *self
            .pending
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry((guild, kind, name))
            .or_default() += 1;
    }

    /// Writes what was counted since the last flush; counts that cannot be written are kept
    /// for the next one.
    pub async fn flush(&self) {
        let pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if pending.is_empty() {
            return;
        }
        let batch: Vec<(u64, &str, &str, i64)> = pending
            .iter()
            .map(|((guild, kind, name), n)| (*guild, *kind, name.as_str(), *n))
            .collect();
        if let Err(error) = self.store.record_batch(&batch).await {
            tracing::warn!(error = %error, counts = batch.len(), "usage not counted yet; will retry");
            let mut kept = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            for (key, n) in pending {
                *kept.entry(key).or_default() += n;
            }
        }
    }
}

/// The ids of recent events, bounded so memory stays flat.
#[derive(Default)]
struct Seen {
    ids: HashSet<u64>,
    order: VecDeque<u64>,
}

impl Seen {
    const CAPACITY: usize = 10_000;

    fn insert(&mut self, id: u64) -> bool {
        if !self.ids.insert(id) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > Self::CAPACITY {
            if let Some(old) = self.order.pop_front() {
                self.ids.remove(&old);
            }
        }
        true
    }
}
