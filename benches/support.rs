//! Helpers shared by the benchmarks that run the real bot.

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

/// Starts the real bot against a fake Discord at `api_url`, with its settings in
/// `database_url` and logging only warnings.
pub fn start_bot(api_url: &str, database_url: &str) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_rolecall"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DISCORD_TOKEN", "MTIz.bench-token.not-a-secret")
        .env("DISCORD_API_URL", api_url)
        .env("DISCORD_GUILD_ID", "")
        .env("KNOWLEDGE_DIR", "knowledge")
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the bot starts")
}
