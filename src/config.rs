//! Process settings: declared once as clap options that fall back to environment variables
//! (and so to a `.env` file), validated as they are parsed, and converted once into the
//! [`Config`] the bot runs with.
//!
//! The Discord token is kept in a [`Secret`] that never prints itself, and clap is told not
//! to show its value in `--help`, so it cannot leak into logs, help or error messages.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::error::ErrorKind;
use clap::Args;

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

/// The database used when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/rolecall.db";

/// Every process setting, each an option (`--discord-guild-id`) that falls back to its
/// environment variable (`DISCORD_GUILD_ID`). A blank variable counts as unset (see
/// [`load_environment`]). Each value is checked by its parser, whose message names the
/// variable; [`Config::try_from`] checks the pairs.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Settings (each also read from its environment variable or .env)")]
pub struct Settings {
    /// The bot token; without one, rolecall answers in the terminal. Prefer the variable
    /// to the option, which other users of the machine can see
    #[arg(long, env = "DISCORD_TOKEN", value_name = "TOKEN", value_parser = token, hide_env_values = true)]
    pub discord_token: Option<Secret>,
    /// Register the slash commands in this server only (instant) instead of globally
    #[arg(long, env = "DISCORD_GUILD_ID", value_name = "ID", value_parser = guild_id)]
    pub discord_guild_id: Option<u64>,
    /// For testing only: the base URL of a local fake Discord HTTP API
    #[arg(long, env = "DISCORD_API_URL", value_name = "URL", value_parser = api_url)]
    pub discord_api_url: Option<String>,
    /// Request the privileged MESSAGE_CONTENT intent (enable it in the Developer Portal first)
    #[arg(long, env = "DISCORD_MESSAGE_CONTENT", value_name = "true|false", value_parser = true_or_false)]
    pub discord_message_content: Option<bool>,
    /// The knowledge folder [default: ./knowledge, else the one shipped with rolecall]
    #[arg(long = "knowledge", env = "KNOWLEDGE_DIR", value_name = "DIR", value_parser = trimmed_path)]
    pub knowledge_dir: Option<PathBuf>,
    /// Where per-server settings live: a sqlite: or postgres:// URL
    #[arg(
        long,
        env = "DATABASE_URL",
        value_name = "URL",
        value_parser = database_url,
        default_value = DEFAULT_DATABASE_URL,
        hide_env_values = true
    )]
    pub database_url: String,
    /// User ids, comma-separated, allowed to run /knowledge besides the application's owner
    // `std::vec::Vec` spelled out: one value holding the whole list, not one per id.
    #[arg(long, env = "OWNER_IDS", value_name = "IDS", value_parser = owner_ids)]
    pub owner_ids: Option<std::vec::Vec<u64>>,
    /// The shards this process runs, FIRST-LAST inclusive; set with --shard-total or not at all
    #[arg(long, env = "SHARD_RANGE", value_name = "FIRST-LAST", value_parser = shard_range)]
    pub shard_range: Option<(u32, u32)>,
    /// The total shard count, the same in every process; set with --shard-range or not at all
    #[arg(long, env = "SHARD_TOTAL", value_name = "COUNT", value_parser = shard_total)]
    pub shard_total: Option<u32>,
    /// Serve /healthz and /metrics on this address and port, e.g. 127.0.0.1:9000
    #[arg(long, env = "METRICS_ADDR", value_name = "ADDR", value_parser = metrics_addr)]
    pub metrics_addr: Option<SocketAddr>,
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

impl TryFrom<Settings> for Config {
    type Error = anyhow::Error;

    /// Checks what no single value shows (`SHARD_RANGE` and `SHARD_TOTAL` come together,
    /// and the range fits the total) and applies the knowledge directory's default.
    fn try_from(settings: Settings) -> anyhow::Result<Config> {
        let shards = match (settings.shard_range, settings.shard_total) {
            (None, None) => None,
            (Some((first, last)), Some(total)) if last < total => Some(Shards { first, last, total }),
            (Some((first, last)), Some(total)) => bail!(
                "SHARD_RANGE must be FIRST-LAST with FIRST <= LAST < SHARD_TOTAL ({total}), not \"{first}-{last}\""
            ),
            _ => bail!(
                "set both SHARD_RANGE (e.g. 0-1) and SHARD_TOTAL (e.g. 4), or neither for automatic sharding"
            ),
        };
        Ok(Config {
            token: settings.discord_token,
            guild_id: settings.discord_guild_id,
            knowledge_dir: knowledge_dir(settings.knowledge_dir),
            api_url: settings.discord_api_url,
            message_content: settings.discord_message_content.unwrap_or(false),
            database_url: settings.database_url,
            owner_ids: settings.owner_ids.unwrap_or_default(),
            shards,
            metrics_addr: settings.metrics_addr,
        })
    }
}

/// Loads `.env` from the working directory (variables already set win), then removes every
/// settings variable whose value is blank, so that an empty line such as `DISCORD_GUILD_ID=`
/// in `.env` means "unset", as it does when the variable is not there at all.
///
/// A `.env` line that is not `NAME=value` stops the reading there; the error says so
/// without quoting the line, which may hold the token. The blank variables are removed
/// either way. It changes the process environment: call it first thing, before any other
/// thread runs.
pub fn load_environment() -> anyhow::Result<()> {
    let loaded = dotenvy::dotenv();
    let settings = Settings::augment_args(clap::Command::new("rolecall"));
    for name in settings.get_arguments().filter_map(clap::Arg::get_env) {
        if std::env::var_os(name).is_some_and(|value| value.to_string_lossy().trim().is_empty()) {
            std::env::remove_var(name);
        }
    }
    if let Err(dotenvy::Error::LineParse(..)) = loaded {
        bail!(
            ".env has a line that is not NAME=value (quote a value with spaces); \
             that line and the ones after it were not read"
        );
    }
    Ok(())
}

/// The message for a settings value clap refused: the parser's own sentence, which names
/// the variable and never quotes the token. `None` for any other kind of clap error.
pub fn refused_value(error: &clap::Error) -> Option<String> {
    if error.kind() != ErrorKind::ValueValidation {
        return None;
    }
    std::error::Error::source(error).map(ToString::to_string)
}

/// The knowledge directory: as configured, else `./knowledge`, else the one shipped with
/// the source.
pub fn knowledge_dir(configured: Option<PathBuf>) -> PathBuf {
    match configured {
        Some(dir) => dir,
        None if Path::new("knowledge").is_dir() => PathBuf::from("knowledge"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
    }
}

// Value parsers: each trims its input and explains a refusal in terms of its variable.

fn token(value: &str) -> Result<Secret, String> {
    let token = value.trim();
    match serenity::utils::token::validate(token) {
        Ok(()) => Ok(Secret(token.to_string())),
        Err(_) => Err(
            "DISCORD_TOKEN does not look like a bot token (three parts separated by dots); \
             copy it from the Developer Portal under Bot → Reset Token"
                .to_string(),
        ),
    }
}

fn guild_id(value: &str) -> Result<u64, String> {
    let id = value.trim();
    id.parse::<u64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| format!("DISCORD_GUILD_ID must be a server id (a number), not {id:?}"))
}

fn api_url(value: &str) -> Result<String, String> {
    let url = value.trim().trim_end_matches('/');
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(url.to_string())
    } else {
        Err(format!(
            "DISCORD_API_URL must start with http:// or https://, not {url:?}"
        ))
    }
}

fn true_or_false(value: &str) -> Result<bool, String> {
    match value.trim() {
        "0" | "false" | "no" | "off" => Ok(false),
        "1" | "true" | "yes" | "on" => Ok(true),
        other => Err(format!(
            "DISCORD_MESSAGE_CONTENT must be true or false, not {other:?}"
        )),
    }
}

fn trimmed_path(value: &str) -> Result<PathBuf, String> {
    Ok(PathBuf::from(value.trim()))
}

fn database_url(value: &str) -> Result<String, String> {
    let url = value.trim();
    if ["sqlite:", "postgres:", "postgresql:"]
        .iter()
        .any(|prefix| url.starts_with(prefix))
    {
        Ok(url.to_string())
    } else {
        Err(format!(
            "DATABASE_URL must start with sqlite: or postgres:, e.g. {DEFAULT_DATABASE_URL}"
        ))
    }
}

fn owner_ids(value: &str) -> Result<Vec<u64>, String> {
    let ids = value.trim();
    ids.split(',')
        .map(|id| id.trim().parse::<u64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| format!("OWNER_IDS must be user ids separated by commas, not {ids:?}"))
}

/// `FIRST-LAST` or a single shard id; that LAST is below the total is checked with the total.
fn shard_range(value: &str) -> Result<(u32, u32), String> {
    let range = value.trim();
    let (first, last) = range.split_once('-').unwrap_or((range, range));
    match (first.trim().parse(), last.trim().parse()) {
        (Ok(first), Ok(last)) if first <= last => Ok((first, last)),
        _ => Err(format!(
            "SHARD_RANGE must be FIRST-LAST with FIRST <= LAST < SHARD_TOTAL, not {range:?}"
        )),
    }
}

fn shard_total(value: &str) -> Result<u32, String> {
    let total = value.trim();
    total
        .parse()
        .ok()
        .filter(|t| *t > 0)
        .ok_or_else(|| format!("SHARD_TOTAL must be a positive number, not {total:?}"))
}

fn metrics_addr(value: &str) -> Result<SocketAddr, String> {
    let addr = value.trim();
    addr.parse()
        .map_err(|_| format!("METRICS_ADDR must be an address and port such as 127.0.0.1:9000, not {addr:?}"))
}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use clap::FromArgMatches;

    use super::*;

    /// The configuration from `vars`, each given as its option so that it goes through the
    /// same parser as the variable would; the test process's own environment is left out.
    fn config(vars: &[(&str, &str)]) -> anyhow::Result<Config> {
        let command = Settings::augment_args(clap::Command::new("rolecall"));
        let mut args = vec!["rolecall".to_string()];
        for (name, value) in vars {
            let arg = command
                .get_arguments()
                .find(|arg| arg.get_env() == Some(OsStr::new(name)))
                .unwrap_or_else(|| panic!("no setting reads {name}"));
            args.push(format!("--{}={value}", arg.get_long().expect("a long option")));
        }
        let matches = command
            .mut_args(|arg| arg.env(None::<&str>))
            .try_get_matches_from(args)
            .map_err(|error| anyhow::anyhow!(refused_value(&error).unwrap_or_else(|| error.to_string())))?;
        Config::try_from(Settings::from_arg_matches(&matches)?)
    }

    fn config_error(vars: &[(&str, &str)]) -> String {
        config(vars).unwrap_err().to_string()
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
        let error = config_error(&[("DISCORD_GUILD_ID", "my server")]);
        assert_eq!(
            error,
            "DISCORD_GUILD_ID must be a server id (a number), not \"my server\""
        );
        let error = config_error(&[("DISCORD_TOKEN", "hunter2")]);
        assert!(
            error.starts_with("DISCORD_TOKEN does not look like a bot token"),
            "{error}"
        );
        assert!(!error.contains("hunter2"));
    }

    #[test]
    fn every_value_is_checked_with_the_same_words() {
        for (name, value, expected) in [
            (
                "DISCORD_GUILD_ID",
                "0",
                "DISCORD_GUILD_ID must be a server id (a number), not \"0\"",
            ),
            (
                "DISCORD_API_URL",
                "ftp://x",
                "DISCORD_API_URL must start with http:// or https://, not \"ftp://x\"",
            ),
            (
                "DISCORD_MESSAGE_CONTENT",
                "maybe",
                "DISCORD_MESSAGE_CONTENT must be true or false, not \"maybe\"",
            ),
            (
                "DATABASE_URL",
                "mysql://db",
                "DATABASE_URL must start with sqlite: or postgres:, e.g. sqlite://data/rolecall.db",
            ),
            (
                "OWNER_IDS",
                "1,x",
                "OWNER_IDS must be user ids separated by commas, not \"1,x\"",
            ),
            (
                "METRICS_ADDR",
                "9000",
                "METRICS_ADDR must be an address and port such as 127.0.0.1:9000, not \"9000\"",
            ),
        ] {
            assert_eq!(config_error(&[(name, value)]), expected);
        }
        let error = config_error(&[("SHARD_RANGE", "0-1"), ("SHARD_TOTAL", "none")]);
        assert_eq!(error, "SHARD_TOTAL must be a positive number, not \"none\"");
    }

    #[test]
    fn good_values_are_read_as_before() {
        let config = config(&[
            ("DISCORD_GUILD_ID", " 42 "),
            ("DISCORD_API_URL", "http://127.0.0.1:8080/"),
            ("DISCORD_MESSAGE_CONTENT", "on"),
            ("DATABASE_URL", "postgresql://u@h/db"),
            ("OWNER_IDS", "1, 2"),
            ("METRICS_ADDR", "127.0.0.1:9000"),
            ("KNOWLEDGE_DIR", "kb"),
        ])
        .unwrap();
        assert_eq!(config.guild_id, Some(42));
        assert_eq!(config.api_url.as_deref(), Some("http://127.0.0.1:8080"));
        assert!(config.message_content);
        assert_eq!(config.database_url, "postgresql://u@h/db");
        assert_eq!(config.owner_ids, [1, 2]);
        assert_eq!(config.metrics_addr, Some("127.0.0.1:9000".parse().unwrap()));
        assert_eq!(config.knowledge_dir, PathBuf::from("kb"));
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
        assert!(error.contains("(4)"), "{error}");
        let error = config_error(&[("SHARD_RANGE", "3-2"), ("SHARD_TOTAL", "4")]);
        assert!(error.starts_with("SHARD_RANGE must be FIRST-LAST"), "{error}");
        let error = config_error(&[("SHARD_RANGE", "0-1")]);
        assert!(error.starts_with("set both SHARD_RANGE"), "{error}");
    }

    #[test]
    fn no_settings_means_console_defaults() {
        let config = config(&[]).unwrap();
        assert!(config.token.is_none() && config.guild_id.is_none() && !config.message_content);
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert!(config.owner_ids.is_empty() && config.shards.is_none() && config.metrics_addr.is_none());
    }
}
