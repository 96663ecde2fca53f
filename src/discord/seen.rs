//! The ids of events already taken, so that an event Discord delivers twice (a RESUME
//! replays what a shard may have missed) is answered once.

use std::time::Duration;

use moka::policy::EvictionPolicy;
use moka::sync::Cache;

/// How many recent event ids are remembered; the oldest go first.
const CAPACITY: u64 = 10_000;
/// How long an id is remembered: replays come within a session's resume window.
const REMEMBER_FOR: Duration = Duration::from_secs(15 * 60);

/// Recently taken event ids (interactions and messages; Discord's snowflakes are unique
/// across both).
pub struct SeenEvents {
    ids: Cache<u64, ()>,
}

impl Default for SeenEvents {
    fn default() -> SeenEvents {
        SeenEvents {
            // Least recently used goes first: the default admission policy could refuse a
            // new id under load, and a refused id would be answered again when replayed.
            ids: Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(REMEMBER_FOR)
                .eviction_policy(EvictionPolicy::lru())
                .build(),
        }
    }
}

impl SeenEvents {
    /// True the first time `id` is taken; false for a replay.
    pub fn take(&self, id: u64) -> bool {
        self.ids.entry(id).or_insert(()).is_fresh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_taken_once() {
        let seen = SeenEvents::default();
        assert!(seen.take(1));
        assert!(!seen.take(1));
        assert!(seen.take(2));
    }
}
