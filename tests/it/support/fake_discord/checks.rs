//! The limits Discord enforces on request bodies, checked by hand where its OpenAPI description
//! does not say them (or says them in a way a schema can't): command names and descriptions,
//! duplicate names, required options after optional ones, the characters of all embeds of a
//! message together, components in an action row, an empty message, and `allowed_mentions`
//! that could ping anyone. Every breach is one readable line.
//!
//! The numbers come from `rolecall::discord::limits`, the renderer's own source of them.

use std::collections::HashSet;

use rolecall::discord::limits;
use serde_json::{json, Value};

/// Every breach in the body of the request `method path` (`path`: the segments after
/// `/api/v10`); `at` names the request in each line.
pub(super) fn check_request(method: &str, path: &[&str], body: &Value, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    match (method, path) {
        ("PUT", ["applications", _, "commands"] | ["applications", _, "guilds", _, "commands"]) => {
            match body.as_array() {
                Some(commands) => {
                    at_most(&mut out, at, commands.len(), limits::COMMANDS, |n| {
                        format!("{n} commands")
                    });
                    duplicates(commands, "command", at, &mut out, |c| {
                        format!(
                            "{} (type {})",
                            str_of(c, "name"),
                            c.get("type").and_then(Value::as_u64).unwrap_or(1)
                        )
                    });
                    for command in commands {
                        check_command(command, at, &mut out);
                    }
                }
                None => out.push(format!("{at}: body is not an array of commands")),
            }
        }
        ("POST", ["applications", _, "commands"] | ["applications", _, "guilds", _, "commands"]) => {
            check_command(body, at, &mut out)
        }
        ("POST", ["interactions", _, _, "callback"]) => {
            let data = body.get("data").unwrap_or(&Value::Null);
            match body.get("type").and_then(Value::as_u64) {
                Some(4) => check_message(data, &format!("{at} (type 4) data"), true, true, &mut out),
                Some(7) => check_message(data, &format!("{at} (type 7) data"), true, false, &mut out),
                Some(5 | 6) => check_message(data, &format!("{at} data"), false, false, &mut out),
                Some(8) => check_autocomplete(data, at, &mut out),
                Some(1..=12) => {}
                other => out.push(format!("{at}: invalid interaction callback type {other:?}")),
            }
        }
        ("POST", ["webhooks", _, _] | ["channels", _, "messages"]) => {
            check_message(body, at, true, true, &mut out)
        }
        ("PATCH", ["webhooks", _, _, "messages", _] | ["channels", _, "messages", _]) => {
            check_message(body, at, false, false, &mut out)
        }
        _ => {}
    }
    out
}

/// Adds `{at}: {what} (max {max})` to `out` when `n` is over `max`; `what` says what `n`
/// counts ("3 embeds", "content has 2001 chars").
fn at_most(out: &mut Vec<String>, at: &str, n: usize, max: usize, what: impl FnOnce(usize) -> String) {
    if n > max {
        out.push(format!("{at}: {} (max {max})", what(n)));
    }
}

/// Adds `{at}: {what} (need 1-{max})` to `out` when `n` is 0 or over `max`.
fn one_to(out: &mut Vec<String>, at: &str, n: usize, max: usize, what: impl FnOnce(usize) -> String) {
    if !(1..=max).contains(&n) {
        out.push(format!("{at}: {} (need 1-{max})", what(n)));
    }
}

/// Adds `{at}: {what} longer than {max} chars` to `out` when `text` is.
fn not_longer(out: &mut Vec<String>, at: &str, text: &str, max: usize, what: &str) {
    if text.chars().count() > max {
        out.push(format!("{at}: {what} longer than {max} chars"));
    }
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

fn len(value: &Value, key: &str) -> usize {
    str_of(value, key).chars().count()
}

/// A non-empty array field (Discord treats `[]` like an absent field).
fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Whether `name` is a valid slash command or option name: `^[-_a-z0-9]{1,32}$`.
fn valid_name(name: &str) -> bool {
    (1..=limits::COMMAND_NAME).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c == '-' || c == '_' || c.is_ascii_lowercase() || c.is_ascii_digit())
}

fn duplicates(items: &[Value], what: &str, at: &str, out: &mut Vec<String>, key: impl Fn(&Value) -> String) {
    let mut seen = HashSet::new();
    for item in items {
        let key = key(item);
        if !seen.insert(key.clone()) {
            out.push(format!("{at}: duplicate {what} name {key}"));
        }
    }
}

fn check_command(command: &Value, at: &str, out: &mut Vec<String>) {
    let name = str_of(command, "name");
    let at = format!("{at}: command {name:?}");
    let kind = command.get("type").and_then(Value::as_u64).unwrap_or(1);
    let description = len(command, "description");
    if kind == 1 {
        if !valid_name(name) {
            out.push(format!("{at}: name must match ^[-_a-z0-9]{{1,32}}$"));
        }
        if !(1..=limits::COMMAND_DESCRIPTION).contains(&description) {
            out.push(format!(
                "{at}: description has {description} chars (slash commands need 1-{})",
                limits::COMMAND_DESCRIPTION
            ));
        }
    } else {
        if !(1..=limits::COMMAND_NAME).contains(&name.chars().count()) {
            out.push(format!("{at}: name must have 1-{} chars", limits::COMMAND_NAME));
        }
        if description != 0 {
            out.push(format!(
                "{at}: context menu commands must have an empty description"
            ));
        }
    }
    check_options(list(command, "options"), &at, out);
}

fn check_options(options: &[Value], at: &str, out: &mut Vec<String>) {
    at_most(out, at, options.len(), limits::COMMAND_OPTIONS, |n| {
        format!("{n} options")
    });
    duplicates(options, "option", at, out, |o| str_of(o, "name").to_string());
    let mut optional_seen = false;
    for option in options {
        let name = str_of(option, "name");
        let at = format!("{at} option {name:?}");
        let kind = option.get("type").and_then(Value::as_u64).unwrap_or(0);
        if !valid_name(name) {
            out.push(format!("{at}: name must match ^[-_a-z0-9]{{1,32}}$"));
        }
        one_to(
            out,
            &at,
            len(option, "description"),
            limits::COMMAND_DESCRIPTION,
            |n| format!("description has {n} chars"),
        );
        if !(1..=11).contains(&kind) {
            out.push(format!("{at}: invalid option type {kind}"));
        }
        if matches!(kind, 1 | 2) {
            check_options(list(option, "options"), &at, out);
            continue;
        }
        let required = option.get("required").and_then(Value::as_bool).unwrap_or(false);
        if required && optional_seen {
            out.push(format!("{at}: required option after an optional one"));
        }
        optional_seen |= !required;
        let choices = list(option, "choices");
        at_most(out, &at, choices.len(), limits::CHOICES, |n| {
            format!("{n} choices")
        });
        if !choices.is_empty() && option.get("autocomplete").and_then(Value::as_bool) == Some(true) {
            out.push(format!("{at}: autocomplete options can't have choices"));
        }
        check_choices(choices, &at, out);
    }
}

fn check_choices(choices: &[Value], at: &str, out: &mut Vec<String>) {
    for choice in choices {
        let name = str_of(choice, "name");
        one_to(out, at, name.chars().count(), limits::CHOICE_NAME, |n| {
            format!("choice name {name:?} has {n} chars")
        });
        if let Some(value) = choice.get("value").and_then(Value::as_str) {
            not_longer(
                out,
                at,
                value,
                limits::CHOICE_VALUE,
                &format!("choice value {value:?}"),
            );
        }
    }
}

fn check_autocomplete(data: &Value, at: &str, out: &mut Vec<String>) {
    let at = format!("{at} (type 8)");
    let choices = list(data, "choices");
    at_most(out, &at, choices.len(), limits::CHOICES, |n| {
        format!("{n} autocomplete choices")
    });
    check_choices(choices, &at, out);
}

/// Checks a message body (create or edit); `creates` also requires `allowed_mentions` and
/// some content.
fn check_message(body: &Value, at: &str, creates: bool, needs_content: bool, out: &mut Vec<String>) {
    if !body.is_object() {
        if creates {
            out.push(format!("{at}: no message body"));
        }
        return;
    }
    let content = len(body, "content");
    at_most(out, at, content, limits::CONTENT, |n| {
        format!("content has {n} chars")
    });
    let embeds = list(body, "embeds");
    at_most(out, at, embeds.len(), limits::EMBEDS, |n| format!("{n} embeds"));
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        total += check_embed(embed, &format!("{at}: embed {i}"), out);
    }
    at_most(out, at, total, limits::EMBED_TOTAL, |n| {
        format!("embeds have {n} chars in total")
    });
    let components = list(body, "components");
    check_components(components, at, out);
    if needs_content
        && content == 0
        && embeds.is_empty()
        && components.is_empty()
        && list(body, "attachments").is_empty()
        && list(body, "sticker_ids").is_empty()
        && body.get("poll").is_none_or(Value::is_null)
    {
        out.push(format!(
            "{at}: empty message (Discord: Cannot send an empty message)"
        ));
    }
    match body.get("allowed_mentions").filter(|v| !v.is_null()) {
        None if creates => out.push(format!(
            "{at}: no allowed_mentions (the message could ping @everyone)"
        )),
        None => {}
        Some(mentions) => {
            for parse in list(mentions, "parse") {
                if let Some(kind @ ("everyone" | "roles" | "users")) = parse.as_str() {
                    out.push(format!("{at}: allowed_mentions.parse allows {kind:?}"));
                }
            }
            for key in ["users", "roles"] {
                if !list(mentions, key).is_empty() {
                    out.push(format!("{at}: allowed_mentions.{key} is not empty"));
                }
            }
        }
    }
}

/// Checks one embed and returns its character count towards the message's total
/// (`limits::EMBED_TOTAL`).
fn check_embed(embed: &Value, at: &str, out: &mut Vec<String>) -> usize {
    let mut limit = |what: &str, chars: usize, max: usize| {
        at_most(out, at, chars, max, |n| format!("{what} has {n} chars"));
        chars
    };
    let empty = json!({});
    let footer = embed.get("footer").unwrap_or(&empty);
    let author = embed.get("author").unwrap_or(&empty);
    let mut total = limit("title", len(embed, "title"), limits::TITLE)
        + limit("description", len(embed, "description"), limits::DESCRIPTION)
        + limit("footer text", len(footer, "text"), limits::FOOTER)
        + limit("author name", len(author, "name"), limits::AUTHOR_NAME);
    let fields = list(embed, "fields");
    for (i, field) in fields.iter().enumerate() {
        total += limit(&format!("field {i} name"), len(field, "name"), limits::FIELD_NAME);
        total += limit(
            &format!("field {i} value"),
            len(field, "value"),
            limits::FIELD_VALUE,
        );
    }
    at_most(out, at, fields.len(), limits::FIELDS, |n| format!("{n} fields"));
    for (i, field) in fields.iter().enumerate() {
        for key in ["name", "value"] {
            if str_of(field, key).trim().is_empty() {
                out.push(format!("{at}: field {i} has an empty {key}"));
            }
        }
    }
    total
}

/// Checks the action rows of a message: at most `limits::ACTION_ROWS`, each with 1 to
/// `limits::BUTTONS_PER_ROW` buttons or one select menu.
fn check_components(rows: &[Value], at: &str, out: &mut Vec<String>) {
    at_most(out, at, rows.len(), limits::ACTION_ROWS, |n| {
        format!("{n} action rows")
    });
    for (r, row) in rows.iter().enumerate() {
        let at = format!("{at}: action row {r}");
        if row.get("type").and_then(Value::as_u64) != Some(1) {
            out.push(format!("{at}: top-level component is not an action row (type 1)"));
            continue;
        }
        let components = list(row, "components");
        one_to(out, &at, components.len(), limits::BUTTONS_PER_ROW, |n| {
            format!("{n} components")
        });
        for (c, component) in components.iter().enumerate() {
            let at = format!("{at} component {c}");
            let kind = component.get("type").and_then(Value::as_u64).unwrap_or(0);
            at_most(out, &at, len(component, "custom_id"), limits::CUSTOM_ID, |n| {
                format!("custom_id has {n} chars")
            });
            match kind {
                2 => at_most(out, &at, len(component, "label"), limits::BUTTON_LABEL, |n| {
                    format!("button label has {n} chars")
                }),
                3 | 5..=8 => {
                    if components.len() > 1 {
                        out.push(format!("{at}: a select menu must be alone in its action row"));
                    }
                    check_select(component, kind, &at, out);
                }
                other => out.push(format!(
                    "{at}: component type {other} can't be in a message action row"
                )),
            }
        }
    }
}

/// Checks a select menu of component type `kind` (3: string select, which needs options).
fn check_select(menu: &Value, kind: u64, at: &str, out: &mut Vec<String>) {
    let options = list(menu, "options");
    if options.len() > limits::SELECT_OPTIONS || (kind == 3 && options.is_empty()) {
        out.push(format!(
            "{at}: {} select options (need 1-{})",
            options.len(),
            limits::SELECT_OPTIONS
        ));
    }
    for (o, option) in options.iter().enumerate() {
        for key in ["label", "value", "description"] {
            let what = format!("option {o} {key}");
            not_longer(out, at, str_of(option, key), limits::SELECT_OPTION_TEXT, &what);
        }
    }
    let placeholder = str_of(menu, "placeholder");
    not_longer(out, at, placeholder, limits::SELECT_PLACEHOLDER, "placeholder");
}
