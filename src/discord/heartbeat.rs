//! A watchdog for zombie gateway connections, which serenity 0.12 handles by restarting the
//! shard: it waits 5 s for its own runner, then starts a new session, and whatever Discord
//! sent on the old connection is never seen. The watchdog notices the silence first, from
//! the heartbeat latency serenity records at each acknowledgement, and asks the shard to
//! close with 4000, after which serenity resumes the session and Discord replays what was
//! missed (docs/reliability.md, "Heartbeat loss").

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serenity::all::{ConnectionStage, ShardId, ShardManager, ShardRunnerMessage};

/// How often the heartbeat watchdog looks at the shards.
const HEARTBEAT_POLL: Duration = Duration::from_millis(100);

/// Closes a zombie gateway connection — heartbeats no longer acknowledged — with 4000 before
/// serenity notices it. serenity then resumes the session, and Discord replays what the bot
/// missed; left to itself, serenity 0.12 restarts the shard after a 5 s wait with a new
/// session, and whatever Discord sent in between is never seen (docs/reliability.md).
pub fn watch(shards: Arc<ShardManager>) {
    tokio::spawn(async move {
        let mut beats: HashMap<ShardId, Beats> = HashMap::new();
        loop {
            tokio::time::sleep(HEARTBEAT_POLL).await;
            let runners = shards.runners.lock().await;
            beats.retain(|id, _| runners.contains_key(id));
            for (id, runner) in runners.iter() {
                let connected = runner.stage == ConnectionStage::Connected;
                let beats = beats.entry(*id).or_default();
                if let Some(silent) = beats.zombie(runner.latency, connected, Instant::now()) {
                    tracing::warn!(shard = id.0, silent_for = ?silent, "heartbeats are no longer acknowledged; closing the connection so the session resumes");
                    let reason = Some("heartbeat not acknowledged".to_string());
                    runner
                        .runner_tx
                        .send_to_shard(ShardRunnerMessage::Close(4000, reason));
                }
            }
        }
    });
}

/// What the watchdog knows of one shard's heartbeats, from the latency serenity records at
/// each acknowledgement.
#[derive(Debug, Default)]
struct Beats {
    latency: Option<Duration>,
    /// The last acknowledgement seen, or when the connection was first seen ready.
    heard: Option<Instant>,
    /// Whether `heard` is an acknowledgement (the gap to the next one is an interval).
    acknowledged: bool,
    /// The last few times between two acknowledgements; their median is taken for the
    /// heartbeat interval, so one odd gap (a reconnect, a heartbeat Discord asked for)
    /// does not move it.
    gaps: VecDeque<Duration>,
    closed: bool,
}

impl Beats {
    /// Notes the shard's state at `now`; returns how long it has been silent when no
    /// acknowledgement came for 1.25 heartbeat intervals. serenity gives up after 2, and
    /// its shard runner may take half a second to read the close request.
    fn zombie(&mut self, latency: Option<Duration>, connected: bool, now: Instant) -> Option<Duration> {
        if !connected {
            // The interval is Discord's and outlives a connection.
            *self = Beats {
                gaps: std::mem::take(&mut self.gaps),
                ..Beats::default()
            };
            return None;
        }
        let Some(heard) = self.heard else {
            // Newly ready: the silence counts from now.
            self.heard = Some(now);
            self.latency = latency;
            return None;
        };
        if latency.is_some() && latency != self.latency {
            if self.acknowledged {
                if self.gaps.len() == GAPS_KEPT {
                    self.gaps.pop_front();
                }
                self.gaps.push_back(now - heard);
            }
            self.latency = latency;
            self.heard = Some(now);
            self.acknowledged = true;
            self.closed = false;
            return None;
        }
        let silent = now - heard;
        if self.closed || silent <= self.interval()? * 5 / 4 {
            return None;
        }
        self.closed = true;
        Some(silent)
    }

    /// The heartbeat interval: the median of the gaps seen, once there is one.
    fn interval(&self) -> Option<Duration> {
        let mut gaps: Vec<Duration> = self.gaps.iter().copied().collect();
        gaps.sort();
        gaps.get(gaps.len() / 2).copied()
    }
}

/// How many gaps between acknowledgements the heartbeat watchdog keeps.
const GAPS_KEPT: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `beats` an acknowledgement (a new latency) at each of `at` seconds.
    fn acknowledged(beats: &mut Beats, start: Instant, at: &[f64]) {
        for (n, &seconds) in at.iter().enumerate() {
            let latency = Some(Duration::from_millis(40 + n as u64));
            assert_eq!(
                beats.zombie(latency, true, start + Duration::from_secs_f64(seconds)),
                None
            );
        }
    }

    #[test]
    fn a_shard_silent_for_a_quarter_interval_too_long_is_a_zombie_once() {
        let start = Instant::now();
        let mut beats = Beats::default();
        assert_eq!(beats.zombie(None, true, start), None);
        acknowledged(&mut beats, start, &[0.5, 1.5, 2.5, 3.5]);
        let at = |seconds: f64| start + Duration::from_secs_f64(seconds);
        let latency = Some(Duration::from_millis(43));
        assert_eq!(
            beats.zombie(latency, true, at(4.7)),
            None,
            "within 1.25 intervals"
        );
        assert_eq!(
            beats.zombie(latency, true, at(4.8)),
            Some(Duration::from_secs_f64(1.3))
        );
        assert_eq!(beats.zombie(latency, true, at(5.0)), None, "closed once");
    }

    #[test]
    fn one_odd_gap_does_not_move_the_interval_and_a_reconnect_keeps_it() {
        let start = Instant::now();
        let mut beats = Beats::default();
        assert_eq!(beats.zombie(None, true, start), None);
        // Gaps of 1 s, one of 3 s (a resume the watchdog did not see), 1 s, 1 s.
        acknowledged(&mut beats, start, &[0.2, 1.2, 4.2, 5.2, 6.2]);
        assert_eq!(beats.interval(), Some(Duration::from_secs(1)));
        assert_eq!(beats.zombie(None, false, start + Duration::from_secs(7)), None);
        assert_eq!(beats.interval(), Some(Duration::from_secs(1)));
        // Ready again: silence counts from then, with the interval already known.
        let ready = start + Duration::from_secs(8);
        assert_eq!(beats.zombie(None, true, ready), None);
        assert!(beats
            .zombie(None, true, ready + Duration::from_millis(1300))
            .is_some());
    }
}
