//! Members' cooldowns: a server may ask each member to wait between questions, and a member
//! who asks too soon is told once per window, then ignored until the window is over.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use moka::sync::Cache;

use crate::store::settings::MAX_COOLDOWN_SECS;

/// How many (server, member) windows are kept at most; the least recently used go first.
const MEMBERS: u64 = 100_000;

/// What a member's cooldown says about a new question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CooldownCheck {
    /// Go ahead.
    Ready,
    /// Too soon: `seconds` left (at least 1); `told` is true when the member was already
    /// told in this window.
    Wait { seconds: u64, told: bool },
}

#[derive(Debug)]
struct Window {
    started: Instant,
    told: bool,
}

/// The open cooldown windows, per (server, member).
pub struct Cooldowns {
    windows: Cache<(u64, u64), Arc<Mutex<Window>>>,
}

impl Default for Cooldowns {
    fn default() -> Cooldowns {
        // A window is never longer than the longest cooldown, so an entry idle that long
        // can go.
        let longest = Duration::from_secs(MAX_COOLDOWN_SECS as u64);
        Cooldowns {
            windows: Cache::builder()
                .max_capacity(MEMBERS)
                .time_to_idle(longest)
                .build(),
        }
    }
}

impl Cooldowns {
    /// Applies a cooldown of `seconds` between questions (0: none) to a new question from
    /// `user` in `guild` (no cooldown in DMs).
    pub fn check(&self, guild: Option<u64>, user: u64, seconds: u32) -> CooldownCheck {
        let (Some(guild), true) = (guild, seconds > 0) else {
            return CooldownCheck::Ready;
        };
        let now = Instant::now();
        let entry = self.windows.entry((guild, user)).or_insert_with(|| {
            Arc::new(Mutex::new(Window {
                started: now,
                told: false,
            }))
        });
        if entry.is_fresh() {
            return CooldownCheck::Ready;
        }
        let window = Duration::from_secs(u64::from(seconds));
        let mut open = entry.value().lock().unwrap_or_else(|e| e.into_inner());
        let elapsed = now.saturating_duration_since(open.started);
        if elapsed >= window {
            *open = Window {
                started: now,
                told: false,
            };
            return CooldownCheck::Ready;
        }
        let told = open.told;
        open.told = true;
        CooldownCheck::Wait {
            seconds: (window - elapsed).as_secs().max(1),
            told,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_is_told_once_per_window_and_others_are_not_held_up() {
        let cooldowns = Cooldowns::default();
        assert_eq!(cooldowns.check(Some(1), 7, 60), CooldownCheck::Ready);
        assert!(matches!(
            cooldowns.check(Some(1), 7, 60),
            CooldownCheck::Wait { told: false, seconds } if (59..=60).contains(&seconds)
        ));
        assert!(matches!(
            cooldowns.check(Some(1), 7, 60),
            CooldownCheck::Wait { told: true, .. }
        ));
        assert_eq!(cooldowns.check(Some(1), 8, 60), CooldownCheck::Ready);
        assert_eq!(cooldowns.check(Some(2), 7, 60), CooldownCheck::Ready);
    }

    #[test]
    fn no_cooldown_in_dms_or_when_off() {
        let cooldowns = Cooldowns::default();
        for _ in 0..3 {
            assert_eq!(cooldowns.check(None, 7, 60), CooldownCheck::Ready);
            assert_eq!(cooldowns.check(Some(1), 7, 0), CooldownCheck::Ready);
        }
    }
}
