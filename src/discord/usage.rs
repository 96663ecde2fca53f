//! Usage counts for `/stats`, buffered and written in batches, so a busy server costs the
//! database one write every few seconds instead of one per question.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::store::Store;

/// How often buffered counts are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(2);

/// What a count is of: an aspect id, a role id, or the words that named an unknown role.
pub type Kind = &'static str;

/// Usage counts waiting to be written.
pub struct Usage {
    pending: Mutex<HashMap<(u64, Kind, String), i64>>,
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

    /// Counts one `kind` use of `name` in `guild`.
    pub fn add(&self, guild: u64, kind: Kind, name: String) {
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

    /// Flushes every [`FLUSH_EVERY`] until the process ends.
    pub fn flush_periodically(self: &Arc<Self>) {
        let usage = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(FLUSH_EVERY).await;
                usage.flush().await;
            }
        });
    }
}
