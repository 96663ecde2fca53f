//! One server's settings, with the rules that keep them sensible.

use crate::engine::normalize::phrase_key;
use crate::engine::Engine;

/// The longest cooldown an admin can set, in seconds (one hour).
pub const MAX_COOLDOWN_SECS: i64 = 3600;
/// The most characters an extra alias may have.
pub const MAX_ALIAS_CHARS: usize = 50;
/// The punctuation an alias may have besides letters, digits and spaces.
pub const ALIAS_PUNCTUATION: &str = "-'’.&/()+,:!?#";
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

/// Why a cooldown typed by an admin is refused. The message is the reply the admin sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CooldownError {
    /// Below 0 or above [`MAX_COOLDOWN_SECS`].
    #[error(
        "The cooldown must be between 0 (off) and {max} seconds; {seconds} is not. Nothing was changed."
    )]
    OutOfRange { seconds: i64, max: i64 },
}

/// Checks a cooldown typed by an admin: whole seconds from 0 to [`MAX_COOLDOWN_SECS`].
pub fn validate_cooldown(seconds: i64) -> Result<u32, CooldownError> {
    if (0..=MAX_COOLDOWN_SECS).contains(&seconds) {
        Ok(seconds as u32)
    } else {
        Err(CooldownError::OutOfRange {
            seconds,
            max: MAX_COOLDOWN_SECS,
        })
    }
}

/// Why an extra alias is refused. The message is the reply the admin sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AliasError {
    /// The alias has no letters or digits, so it could never match a question.
    #[error("An alias needs letters or digits. Nothing was changed.")]
    NoLetters,
    /// The alias is longer than `max` characters.
    #[error("An alias can be at most {max} characters. Nothing was changed.")]
    TooLong { max: usize },
    /// The alias has a character other than letters, digits, spaces and
    /// [`ALIAS_PUNCTUATION`]: a control, format or direction character, a line break, a symbol.
    /// `found` names it by its code point, since it may be invisible or reorder the text.
    #[error("An alias can have only letters, digits, spaces and the punctuation {ALIAS_PUNCTUATION}; it has {found}. Nothing was changed.")]
    BadCharacter { found: String },
    /// The knowledge has no role with this id.
    #[error("There is no role \"{id}\"; pick one from the list. Nothing was changed.")]
    UnknownRole { id: String },
    /// The alias is already a name or alias of the role called `role_name`.
    #[error(
        "\"{alias}\" is already a name of the role {role_name}; aliases must be new names. Nothing was changed."
    )]
    Taken { alias: String, role_name: String },
}

/// Checks an extra alias: it must have letters, be short, name a known role, and not be
/// the name or alias of a role already ([`Knowledge::name_owner`]). Returns the alias as
/// it will be stored.
///
/// [`Knowledge::name_owner`]: crate::engine::knowledge::Knowledge::name_owner
pub fn validate_alias(engine: &Engine, alias: &str, role_id: &str) -> Result<String, AliasError> {
    let alias = alias.trim();
    if phrase_key(alias).is_empty() {
        return Err(AliasError::NoLetters);
    }
    if alias.chars().count() > MAX_ALIAS_CHARS {
        return Err(AliasError::TooLong { max: MAX_ALIAS_CHARS });
    }
    if let Some(bad) = alias.chars().find(|&c| !alias_char(c)) {
        return Err(AliasError::BadCharacter {
            found: describe_char(bad),
        });
    }
    let knowledge = engine.knowledge();
    if knowledge.role(role_id).is_none() {
        return Err(AliasError::UnknownRole {
            id: role_id.to_string(),
        });
    }
    if let Some(owner) = knowledge.name_owner(alias) {
        return Err(AliasError::Taken {
            alias: alias.to_string(),
            role_name: owner.name.clone(),
        });
    }
    Ok(alias.to_string())
}

/// Whether `c` may be in an alias: a letter or digit (of any script), a plain space, or
/// [`ALIAS_PUNCTUATION`]. Control, format (zero-width, direction overrides) and other
/// whitespace characters are not.
fn alias_char(c: char) -> bool {
    c.is_alphanumeric() || c == ' ' || ALIAS_PUNCTUATION.contains(c)
}

/// A character as an admin can read it in a reply: printable ones quoted, with the code
/// point; invisible ones by code point only.
fn describe_char(c: char) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    if c.is_control()
        || c.is_whitespace()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
    {
        format!("the invisible character {code}")
    } else {
        format!("\"{c}\" ({code})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Engine {
        Engine::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).expect("loads")
    }

    #[test]
    fn cooldown_errors_say_the_range() {
        assert_eq!(validate_cooldown(3600), Ok(3600));
        assert_eq!(
            validate_cooldown(-1).unwrap_err().to_string(),
            "The cooldown must be between 0 (off) and 3600 seconds; -1 is not. Nothing was changed."
        );
    }

    #[test]
    fn alias_errors_keep_their_sentences() {
        let engine = shipped();
        let refused = |alias: &str, role: &str| validate_alias(&engine, alias, role).unwrap_err().to_string();
        assert_eq!(
            refused(" ?! ", "producer"),
            "An alias needs letters or digits. Nothing was changed."
        );
        assert_eq!(
            refused(&"a".repeat(51), "producer"),
            "An alias can be at most 50 characters. Nothing was changed."
        );
        assert_eq!(
            refused("the boss", "no-such-role"),
            "There is no role \"no-such-role\"; pick one from the list. Nothing was changed."
        );
        assert_eq!(
            refused(" Executive Producers ", "producer"),
            "\"Executive Producers\" is already a name of the role Executive producer; aliases must be new names. Nothing was changed."
        );
        assert_eq!(
            validate_alias(&engine, "  the boss ", "producer"),
            Ok("the boss".to_string())
        );
    }

    #[test]
    fn aliases_refuse_control_format_and_direction_characters() {
        let engine = shipped();
        let refused = |alias: &str| {
            validate_alias(&engine, alias, "producer")
                .unwrap_err()
                .to_string()
        };
        let says = |found: &str| {
            format!("An alias can have only letters, digits, spaces and the punctuation -'’.&/()+,:!?#; it has {found}. Nothing was changed.")
        };
        assert_eq!(
            refused("boss\u{202E}ssob"),
            says("the invisible character U+202E")
        );
        assert_eq!(refused("the\nboss"), says("the invisible character U+000A"));
        assert_eq!(refused("boss\0"), says("the invisible character U+0000"));
        assert_eq!(refused("big\u{200B}boss"), says("the invisible character U+200B"));
        assert_eq!(refused("the\tboss"), says("the invisible character U+0009"));
        assert_eq!(refused("boss @everyone"), says("\"@\" (U+0040)"));
        assert_eq!(refused("boss <3"), says("\"<\" (U+003C)"));
        for kept in [
            "Régisseur général",
            "A.D. (1st)",
            "prod-co/ep",
            "Herstellungsleiterin",
            "制作人",
            "O’Brien's crew",
        ] {
            assert_eq!(
                validate_alias(&engine, kept, "producer"),
                Ok(kept.to_string()),
                "{kept}"
            );
        }
    }
}
