//! Chat markup in question text (Discord's mentions, channel links, custom emoji), removed
//! before a question reaches the engine.
//!
//! A message that asks the bot something usually starts with a mention of the bot, and
//! may hold other mentions, channel links or custom emoji. Their ids and names mean
//! nothing for a question (a user id would read as a number, an emoji name as a word),
//! and the engine takes plain text only, so every front end cleans the text first: the
//! Discord adapter, and `ask` and the console, where questions copied from a chat arrive.

/// The longest markup removed, in bytes: `<a:name:id>` with a 32-byte name and a 20-digit id.
const LONGEST_MARKUP: usize = "<a:".len() + 32 + ":".len() + 20 + ">".len();

/// `text` without user, role and channel mentions (`<@123>`, `<@!123>`, `<@&123>`,
/// `<#123>`), custom emoji (`<:name:123>`, `<a:name:123>`) and `@everyone` / `@here`;
/// each becomes a space, so the words around it stay apart. Anything else, including a
/// lone `<` or `<notatag>`, is kept. Linear in the length of `text`.
pub fn strip_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.bytes().take(LONGEST_MARKUP).position(|b| b == b'>');
        match end {
            Some(end) if is_markup(&after[1..end]) => {
                out.push(' ');
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out.replace("@everyone", " ").replace("@here", " ")
}

/// Whether the text between `<` and `>` is a mention, a channel link or a custom emoji.
fn is_markup(inner: &str) -> bool {
    let body = inner
        .strip_prefix("@!")
        .or_else(|| inner.strip_prefix("@&"))
        .or_else(|| inner.strip_prefix('@'))
        .or_else(|| inner.strip_prefix('#'));
    let is_id = |id: &str| !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit());
    if let Some(id) = body {
        return is_id(id);
    }
    // Custom emoji: `<:name:id>` or `<a:name:id>`, names of letters, digits and '_'.
    let emoji = inner.strip_prefix("a:").or_else(|| inner.strip_prefix(':'));
    emoji.and_then(|e| e.split_once(':')).is_some_and(|(name, id)| {
        !name.is_empty()
            && name.len() <= 32
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            && is_id(id)
    })
}

#[cfg(test)]
mod tests {
    use super::strip_markup;
    use crate::engine::normalize::tokenize;

    /// The words a question reads as once its markup is stripped.
    fn words(text: &str) -> Vec<String> {
        tokenize(&strip_markup(text))
            .into_iter()
            .map(|t| t.word)
            .collect()
    }

    #[test]
    fn mentions_and_emoji_are_removed() {
        assert_eq!(words("<@!123> What do EPs earn?"), ["what", "do", "ep", "earn"]);
        assert_eq!(words("@everyone <@&55> <#9> hi <notatag>"), ["hi", "notatag"]);
        assert_eq!(words("<a:wave:8>pay<:pog_2:77>"), ["pay"]);
    }

    #[test]
    fn text_that_only_looks_like_markup_is_kept() {
        assert_eq!(strip_markup("a < b > c"), "a < b > c");
        assert_eq!(strip_markup("<@12a>"), "<@12a>");
        assert_eq!(strip_markup("<t:1:R>"), "<t:1:R>");
        assert_eq!(
            words("<:( what do producers earn <:pog:77>"),
            ["what", "do", "producer", "earn"]
        );
    }

    #[test]
    fn markup_beyond_its_longest_form_is_not_markup() {
        let name = "n".repeat(32);
        let id = "1".repeat(20);
        assert_eq!(strip_markup(&format!("<a:{name}:{id}>")), " ");
        assert_eq!(
            strip_markup(&format!("<a:{name}x:{id}>")),
            format!("<a:{name}x:{id}>")
        );
    }

    #[test]
    fn hostile_input_never_panics() {
        let long = "<".repeat(100_000);
        assert_eq!(strip_markup(&long), long);
        strip_markup("\u{0}\u{202e}\u{200b}<@<@>>''(((<é>");
    }
}
