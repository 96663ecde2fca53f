//! Settings from the environment (and a `.env` file), read and validated once at start.
//!
//! The Discord token is kept in a [`Secret`] that never prints itself, so it cannot leak
//! into logs or error messages by accident.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// A value that must never be printed, such as the bot token.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that sends it to Discord.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Everything the bot needs to know to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// The bot token; without one, rolecall runs the local console instead.
    pub token: Option<Secret>,
    /// Register commands in this server only (instant), instead of globally.
    pub guild_id: Option<u64>,
    pub knowledge_dir: PathBuf,
    /// Base URL of Discord's HTTP API, for pointing the bot at a local test server.
    pub api_url: Option<String>,
    /// Ask for the privileged MESSAGE_CONTENT intent (needed for questions without a mention
    /// in channels; mentions and DMs work without it).
    pub message_content: bool,
    /// Where per-server settings live: a `sqlite:` or `postgres:` URL.
    pub database_url: String,
    /// Users allowed to run the owner commands, besides the application's owner.
    pub owner_ids: Vec<u64>,
    /// The shards this process runs, or `None` to let Discord decide (autosharding).
    pub shards: Option<Shards>,
    /// Where to serve `/healthz` and `/metrics`; off when `None`.
    pub metrics_addr: Option<std::net::SocketAddr>,
}

/// A range of shards out of a total, for running several processes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shards {
    /// First and last shard id this process runs, inclusive.
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

/// The database used when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/rolecall.db";

impl Config {
    /// Reads the configuration from environment variables.
    pub fn from_env() -> anyhow::Result<Config> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, which returns a variable's value if set.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let token = match get("DISCORD_TOKEN") {
            Some(token) if serenity::utils::token::validate(&token).is_err() => bail!(
                "DISCORD_TOKEN does not look like a bot token (three parts separated by dots); \
                 copy it from the Developer Portal under Bot → Reset Token"
            ),
            token => token.map(Secret),
        };
        let guild_id =
            match get("DISCORD_GUILD_ID") {
                Some(id) => Some(id.parse::<u64>().ok().filter(|id| *id > 0).with_context(|| {
                    format!("DISCORD_GUILD_ID must be a server id (a number), not {id:?}")
                })?),
                None => None,
            };
        let api_url = get("DISCORD_API_URL").map(|url| url.trim_end_matches('/').to_string());
        if let Some(url) = &api_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("DISCORD_API_URL must start with http:// or https://, not {url:?}");
            }
        }
        let message_content = match get("DISCORD_MESSAGE_CONTENT").as_deref() {
            None | Some("0" | "false" | "no" | "off") => false,
            Some("1" | "true" | "yes" | "on") => true,
            Some(other) => bail!("DISCORD_MESSAGE_CONTENT must be true or false, not {other:?}"),
        };
        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        if !["sqlite:", "postgres:", "postgresql:"]
            .iter()
            .any(|p| database_url.starts_with(p))
        {
            bail!("DATABASE_URL must start with sqlite: or postgres:, e.g. {DEFAULT_DATABASE_URL}");
        }
        let owner_ids = match get("OWNER_IDS") {
            Some(ids) => ids
                .split(',')
                .map(|id| id.trim().parse::<u64>())
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("OWNER_IDS must be user ids separated by commas, not {ids:?}"))?,
            None => Vec::new(),
        };
        let shards = shards(get("SHARD_RANGE"), get("SHARD_TOTAL"))?;
        let metrics_addr = match get("METRICS_ADDR") {
            Some(addr) => Some(addr.parse().with_context(|| {
                format!("METRICS_ADDR must be an address and port such as 127.0.0.1:9000, not {addr:?}")
            })?),
            None => None,
        };
        Ok(Config {
            token,
            guild_id,
            knowledge_dir: knowledge_dir(get("KNOWLEDGE_DIR")),
            api_url,
            message_content,
            database_url,
            owner_ids,
            shards,
            metrics_addr,
        })
    }
}

/// Reads `SHARD_RANGE` ("0-1") and `SHARD_TOTAL` ("4"): both or neither.
fn shards(range: Option<String>, total: Option<String>) -> anyhow::Result<Option<Shards>> {
    let (range, total) = match (range, total) {
        (None, None) => return Ok(None),
        (Some(range), Some(total)) => (range, total),
        _ => bail!(
            "set both SHARD_RANGE (e.g. 0-1) and SHARD_TOTAL (e.g. 4), or neither for automatic sharding"
        ),
    };
    let total: u32 = total
        .parse()
        .ok()
        .filter(|t| *t > 0)
        .with_context(|| format!("SHARD_TOTAL must be a positive number, not {total:?}"))?;
    let (first, last) = range.split_once('-').unwrap_or((&range, &range));
    let (first, last): (u32, u32) = match (first.trim().parse(), last.trim().parse()) {
        (Ok(first), Ok(last)) if first <= last && last < total => (first, last),
        _ => {
            bail!("SHARD_RANGE must be FIRST-LAST with FIRST <= LAST < SHARD_TOTAL ({total}), not {range:?}")
        }
    };
    Ok(Some(Shards { first, last, total }))
}

/// The knowledge directory: as configured, else `./knowledge`, else the one shipped with
/// the source.
pub fn knowledge_dir(configured: Option<String>) -> PathBuf {
    match configured {
        Some(dir) => PathBuf::from(dir),
        None if Path::new("knowledge").is_dir() => PathBuf::from("knowledge"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        Config::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn the_token_never_prints() {
        let config = config(&[("DISCORD_TOKEN", "abc.def.ghi")]).unwrap();
        let printed = format!("{config:?}");
        assert!(!printed.contains("abc.def.ghi"));
        assert!(printed.contains("[redacted]"));
    }

    #[test]
    fn bad_values_are_explained() {
        let error = config(&[("DISCORD_GUILD_ID", "my server")])
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "DISCORD_GUILD_ID must be a server id (a number), not \"my server\""
        );
        let error = config(&[("DISCORD_TOKEN", "hunter2")]).unwrap_err().to_string();
        assert!(
            error.starts_with("DISCORD_TOKEN does not look like a bot token"),
            "{error}"
        );
        assert!(!error.contains("hunter2"));
    }

    #[test]
    fn shard_ranges_are_checked() {
        let config = config(&[("SHARD_RANGE", "2-3"), ("SHARD_TOTAL", "4")]).unwrap();
        assert_eq!(
            config.shards,
            Some(Shards {
                first: 2,
                last: 3,
                total: 4
            })
        );
        let error = config_error(&[("SHARD_RANGE", "3-4"), ("SHARD_TOTAL", "4")]);
        assert!(error.starts_with("SHARD_RANGE must be FIRST-LAST"), "{error}");
        let error = config_error(&[("SHARD_RANGE", "0-1")]);
        assert!(error.starts_with("set both SHARD_RANGE"), "{error}");
    }

    fn config_error(vars: &[(&str, &str)]) -> String {
        config(vars).unwrap_err().to_string()
    }

    #[test]
    fn no_settings_means_console_defaults() {
        let config = config(&[]).unwrap();
        assert!(config.token.is_none() && config.guild_id.is_none() && !config.message_content);
    }
}
