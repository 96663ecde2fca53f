//! Discord's limits on the parts of a message and on registered commands, in one place: the
//! renderer keeps every reply within them and the tests check replies and registrations against
//! them.
//!
//! Source: Discord's developer documentation (Message and Embed resources, Message
//! Components, Application Commands), API v10. Lengths are in characters (Unicode scalar values).

/// Message `content`.
pub const CONTENT: usize = 2000;
/// Embed title.
pub const TITLE: usize = 256;
/// Embed description.
pub const DESCRIPTION: usize = 4096;
/// Embed field name.
pub const FIELD_NAME: usize = 256;
/// Embed field value.
pub const FIELD_VALUE: usize = 1024;
/// Fields in one embed.
pub const FIELDS: usize = 25;
/// Embeds in one message.
pub const EMBEDS: usize = 10;
/// Embed footer text.
pub const FOOTER: usize = 2048;
/// All text of one embed together (title, description, field names and values, footer,
/// author name).
pub const EMBED_TOTAL: usize = 6000;
/// A button's label.
pub const BUTTON_LABEL: usize = 80;
/// Buttons in one action row.
pub const BUTTONS_PER_ROW: usize = 5;
/// Action rows in one message.
pub const ACTION_ROWS: usize = 5;
/// Options in one select menu.
pub const SELECT_OPTIONS: usize = 25;
/// A select option's label, value or description.
pub const SELECT_OPTION_TEXT: usize = 100;
/// A select menu's placeholder.
pub const SELECT_PLACEHOLDER: usize = 150;
/// A component's `custom_id`.
pub const CUSTOM_ID: usize = 100;
/// An autocomplete choice's name.
pub const CHOICE_NAME: usize = 100;
/// Choices in one autocomplete response.
pub const CHOICES: usize = 25;
/// Embed author name.
pub const AUTHOR_NAME: usize = 256;
/// A string choice's value.
pub const CHOICE_VALUE: usize = 100;

// Registering application commands (Application Commands in the same documentation). The
// choices of a command option have the autocomplete choices' limits (`CHOICES`, `CHOICE_NAME`,
// `CHOICE_VALUE`).

/// Commands of one application (or one guild).
pub const COMMANDS: usize = 100;
/// A command or option name (`^[-_a-z0-9]{1,32}$` for slash commands).
pub const COMMAND_NAME: usize = 32;
/// A slash command's or option's description.
pub const COMMAND_DESCRIPTION: usize = 100;
/// Options of one command (or subcommand).
pub const COMMAND_OPTIONS: usize = 25;
