//! One server's settings, with the rules that keep them sensible.

use crate::engine::normalize;
use crate::engine::Engine;

/// The longest cooldown an admin can set, in seconds (one hour).
pub const MAX_COOLDOWN_SECS: i64 = 3600;
/// The most characters an extra alias may have.
pub const MAX_ALIAS_CHARS: usize = 50;
/// The most extra aliases and answer channels one server may have.
pub const MAX_PER_SERVER: usize = 100;

/// How rolecall behaves in one server. The defaults apply until an admin changes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuildSettings {
    /// Channels where questions are answered without a mention.
    pub channels: Vec<u64>,
    /// Outside those channels, whether the bot answers only when mentioned.
    pub require_mention: bool,
    /// Replies visible only to the asker (ephemeral for commands, a DM for messages).
    pub private_replies: bool,
    /// Seconds a member waits between questions; 0 means no cooldown.
    pub cooldown_secs: u32,
    /// Extra names for roles in this server: (alias, role id).
    pub aliases: Vec<(String, String)>,
}

impl Default for GuildSettings {
    fn default() -> GuildSettings {
        GuildSettings {
            channels: Vec::new(),
            require_mention: true,
            private_replies: false,
            cooldown_secs: 0,
            aliases: Vec::new(),
        }
    }
}

/// Checks a cooldown typed by an admin.
pub fn validate_cooldown(seconds: i64) -> Result<u32, String> {
    if (0..=MAX_COOLDOWN_SECS).contains(&seconds) {
        Ok(seconds as u32)
    } else {
        Err(format!(
            "The cooldown must be between 0 (off) and {MAX_COOLDOWN_SECS} seconds; {seconds} is not. Nothing was changed."
        ))
    }
}

/// Checks an extra alias: it must have letters, be short, name a known role, and not be
/// the name or alias of a role already. Returns the alias as it will be stored.
pub fn validate_alias(engine: &Engine, alias: &str, role_id: &str) -> Result<String, String> {
    let alias = alias.trim();
    let words = normalize::phrase_words(alias);
    if words.is_empty() {
        return Err("An alias needs letters or digits. Nothing was changed.".into());
    }
    if alias.chars().count() > MAX_ALIAS_CHARS {
        return Err(format!(
            "An alias can be at most {MAX_ALIAS_CHARS} characters. Nothing was changed."
        ));
    }
    if engine.knowledge().role(role_id).is_none() {
        return Err(format!(
            "There is no role \"{role_id}\"; pick one from the list. Nothing was changed."
        ));
    }
    let key = |phrase: &str| {
        normalize::phrase_words(phrase)
            .iter()
            .map(|t| t.word.clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let wanted = key(alias);
    for role in &engine.knowledge().roles {
        if std::iter::once(&role.name)
            .chain(&role.aliases)
            .any(|name| key(name) == wanted)
        {
            return Err(format!(
                "\"{alias}\" is already a name of the role {}; aliases must be new names. Nothing was changed.",
                role.name
            ));
        }
    }
    Ok(alias.to_string())
}
