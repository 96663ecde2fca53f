//! Each server's settings as answering sees them: read from the store, cached briefly, and
//! never a reason to hold up an answer.
//!
//! A change made through another process is seen within [`FRESH_FOR`]. When the database is
//! slow or down, the last settings read for the server stay in use (or the defaults, if none
//! were ever read), so answer channels and aliases keep working through an outage.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;

use crate::engine::{Aliases, Engine};
use crate::live_knowledge::LiveKnowledge;
use crate::store::settings::GuildSettings;
use crate::store::Store;

/// How long a server's settings are reused before they are read again.
const FRESH_FOR: Duration = Duration::from_secs(5);
/// How long answering waits for the database before using the last known settings.
const WAIT_AT_MOST: Duration = Duration::from_millis(500);
/// How many servers' last known settings are kept for outages (least recently used go).
const LAST_KNOWN_SERVERS: u64 = 100_000;

/// A server's settings, with its extra aliases indexed for the engine they were built for.
#[derive(Debug)]
pub struct ServerView {
    pub settings: GuildSettings,
    pub aliases: Aliases,
    engine: Arc<Engine>,
}

impl ServerView {
    fn new(settings: GuildSettings, engine: Arc<Engine>) -> ServerView {
        ServerView {
            aliases: engine.aliases(&settings.aliases),
            settings,
            engine,
        }
    }

    /// This view, or one rebuilt when the knowledge was reloaded since it was made (its
    /// aliases point into the old engine's roles).
    fn for_engine(self: Arc<Self>, engine: &Arc<Engine>) -> Arc<ServerView> {
        if Arc::ptr_eq(&self.engine, engine) {
            self
        } else {
            Arc::new(ServerView::new(self.settings.clone(), Arc::clone(engine)))
        }
    }
}

/// The settings of every server the bot answers in, cached in front of the store.
pub struct ServerSettings {
    store: Arc<Store>,
    knowledge: Arc<LiveKnowledge>,
    /// Settings read within [`FRESH_FOR`].
    fresh: Cache<u64, Arc<ServerView>>,
    /// The last settings read per server, for when the store does not answer.
    last_known: Cache<u64, Arc<ServerView>>,
}

impl ServerSettings {
    /// A cache in front of `store`, building alias indexes for `knowledge`'s engine.
    pub fn new(store: Arc<Store>, knowledge: Arc<LiveKnowledge>) -> ServerSettings {
        ServerSettings {
            store,
            knowledge,
            fresh: Cache::builder().time_to_live(FRESH_FOR).build(),
            last_known: Cache::builder().max_capacity(LAST_KNOWN_SERVERS).build(),
        }
    }

    /// The settings that apply in `guild`: the defaults in DMs, else the server's (cached,
    /// or the last known ones when the store fails or takes longer than [`WAIT_AT_MOST`]).
    pub async fn get(&self, guild: Option<u64>) -> Arc<ServerView> {
        let engine = self.knowledge.engine();
        let Some(guild) = guild else {
            return Arc::new(ServerView::new(GuildSettings::default(), engine));
        };
        // Concurrent questions from one server share a single read.
        let read = self.fresh.try_get_with(guild, self.read(guild, &engine)).await;
        match read {
            Ok(view) => view.for_engine(&engine),
            Err(reason) => {
                tracing::warn!(guild, reason = %reason, "using the last known settings");
                match self.last_known.get(&guild).await {
                    Some(view) => view.for_engine(&engine),
                    None => Arc::new(ServerView::new(GuildSettings::default(), engine)),
                }
            }
        }
    }

    /// After a successful change in `guild`: reads its settings again, so the next
    /// question uses them and they are the last known ones should the store fail later.
    /// Only called once the write succeeded, so a failed change leaves the cache as it was.
    pub async fn refresh(&self, guild: u64) {
        self.fresh.invalidate(&guild).await;
        self.get(Some(guild)).await;
    }

    /// Forgets everything about `guild` (the bot left the server).
    pub async fn remove(&self, guild: u64) {
        self.fresh.invalidate(&guild).await;
        self.last_known.invalidate(&guild).await;
    }

    async fn read(&self, guild: u64, engine: &Arc<Engine>) -> Result<Arc<ServerView>, String> {
        match tokio::time::timeout(WAIT_AT_MOST, self.store.settings(guild)).await {
            Ok(Ok(settings)) => {
                let view = Arc::new(ServerView::new(settings, Arc::clone(engine)));
                self.last_known.insert(guild, Arc::clone(&view)).await;
                Ok(view)
            }
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {WAIT_AT_MOST:?}")),
        }
    }
}
