//! Helpers shared by the benchmarks that run the real bot: the integration tests' fake Discord
//! and bot launcher (included with `#[path]`, so the benchmarks drive the bot exactly as the
//! tests do), and the bot's memory and latency percentiles.

#[path = "../tests/it/support/bot.rs"]
pub mod bot;
#[path = "../tests/it/support/fake_discord/mod.rs"]
pub mod fake_discord;

use std::time::Duration;

/// The resident memory of process `pid`, in KiB (0 if it cannot be read).
pub fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// The `p` quantile (0 to 1) of sorted, non-empty `samples`.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

/// The bot's log lines (only warnings and errors: the benchmarks run it with `RUST_LOG=warn`),
/// printed after a run.
pub fn print_log(bot: &bot::Bot) {
    let log = bot.log();
    if !log.trim().is_empty() {
        eprintln!("--- the bot's warnings ---\n{log}");
    }
}
