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
                    if commands.len() > limits::COMMANDS {
                        out.push(format!(
                            "{at}: {} commands (max {})",
                            commands.len(),
                            limits::COMMANDS
                        ));
                    }
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
    if options.len() > limits::COMMAND_OPTIONS {
        out.push(format!(
            "{at}: {} options (max {})",
            options.len(),
            limits::COMMAND_OPTIONS
        ));
    }
    duplicates(options, "option", at, out, |o| str_of(o, "name").to_string());
    let mut optional_seen = false;
    for option in options {
        let name = str_of(option, "name");
        let at = format!("{at} option {name:?}");
        let kind = option.get("type").and_then(Value::as_u64).unwrap_or(0);
        if !valid_name(name) {
            out.push(format!("{at}: name must match ^[-_a-z0-9]{{1,32}}$"));
        }
        let description = len(option, "description");
        if !(1..=limits::COMMAND_DESCRIPTION).contains(&description) {
            out.push(format!(
                "{at}: description has {description} chars (need 1-{})",
                limits::COMMAND_DESCRIPTION
            ));
        }
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
        if choices.len() > limits::CHOICES {
            out.push(format!(
                "{at}: {} choices (max {})",
                choices.len(),
                limits::CHOICES
            ));
        }
        if !choices.is_empty() && option.get("autocomplete").and_then(Value::as_bool) == Some(true) {
            out.push(format!("{at}: autocomplete options can't have choices"));
        }
        check_choices(choices, &at, out);
    }
}

fn check_choices(choices: &[Value], at: &str, out: &mut Vec<String>) {
    for choice in choices {
        let name = len(choice, "name");
        if !(1..=limits::CHOICE_NAME).contains(&name) {
            out.push(format!(
                "{at}: choice name {:?} has {name} chars (need 1-{})",
                str_of(choice, "name"),
                limits::CHOICE_NAME
            ));
        }
        if let Some(value) = choice.get("value").and_then(Value::as_str) {
            if value.chars().count() > limits::CHOICE_VALUE {
                out.push(format!(
                    "{at}: choice value {value:?} longer than {} chars",
                    limits::CHOICE_VALUE
                ));
            }
        }
    }
}

fn check_autocomplete(data: &Value, at: &str, out: &mut Vec<String>) {
    let choices = list(data, "choices");
    if choices.len() > limits::CHOICES {
        out.push(format!(
            "{at} (type 8): {} autocomplete choices (max {})",
            choices.len(),
            limits::CHOICES
        ));
    }
    check_choices(choices, &format!("{at} (type 8)"), out);
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
    if content > limits::CONTENT {
        out.push(format!(
            "{at}: content has {content} chars (max {})",
            limits::CONTENT
        ));
    }
    let embeds = list(body, "embeds");
    if embeds.len() > limits::EMBEDS {
        out.push(format!("{at}: {} embeds (max {})", embeds.len(), limits::EMBEDS));
    }
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        total += check_embed(embed, &format!("{at}: embed {i}"), out);
    }
    if total > limits::EMBED_TOTAL {
        out.push(format!(
            "{at}: embeds have {total} chars in total (max {})",
            limits::EMBED_TOTAL
        ));
    }
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
        if chars > max {
            out.push(format!("{at}: {what} has {chars} chars (max {max})"));
        }
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
    if fields.len() > limits::FIELDS {
        out.push(format!("{at}: {} fields (max {})", fields.len(), limits::FIELDS));
    }
    for (i, field) in fields.iter().enumerate() {
        for key in ["name", "value"] {
            if str_of(field, key).trim().is_empty() {
                out.push(format!("{at}: field {i} has an empty {key}"));
            }
        }
    }
    total
}

fn check_components(rows: &[Value], at: &str, out: &mut Vec<String>) {
    if rows.len() > limits::ACTION_ROWS {
        out.push(format!(
            "{at}: {} action rows (max {})",
            rows.len(),
            limits::ACTION_ROWS
        ));
    }
    for (r, row) in rows.iter().enumerate() {
        let at = format!("{at}: action row {r}");
        if row.get("type").and_then(Value::as_u64) != Some(1) {
            out.push(format!("{at}: top-level component is not an action row (type 1)"));
            continue;
        }
        let components = list(row, "components");
        if components.is_empty() || components.len() > limits::BUTTONS_PER_ROW {
            out.push(format!(
                "{at}: {} components (need 1-{})",
                components.len(),
                limits::BUTTONS_PER_ROW
            ));
        }
        for (c, component) in components.iter().enumerate() {
            let at = format!("{at} component {c}");
            let kind = component.get("type").and_then(Value::as_u64).unwrap_or(0);
            let custom_id = len(component, "custom_id");
            if custom_id > limits::CUSTOM_ID {
                out.push(format!(
                    "{at}: custom_id has {custom_id} chars (max {})",
                    limits::CUSTOM_ID
                ));
            }
            match kind {
                2 => {
                    let label = len(component, "label");
                    if label > limits::BUTTON_LABEL {
                        out.push(format!(
                            "{at}: button label has {label} chars (max {})",
                            limits::BUTTON_LABEL
                        ));
                    }
                }
                3 | 5..=8 => {
                    if components.len() > 1 {
                        out.push(format!("{at}: a select menu must be alone in its action row"));
                    }
                    let options = list(component, "options");
                    if options.len() > limits::SELECT_OPTIONS || (kind == 3 && options.is_empty()) {
                        out.push(format!(
                            "{at}: {} select options (need 1-{})",
                            options.len(),
                            limits::SELECT_OPTIONS
                        ));
                    }
                    for (o, option) in options.iter().enumerate() {
                        for key in ["label", "value", "description"] {
                            if len(option, key) > limits::SELECT_OPTION_TEXT {
                                out.push(format!(
                                    "{at}: option {o} {key} longer than {} chars",
                                    limits::SELECT_OPTION_TEXT
                                ));
                            }
                        }
                    }
                    if len(component, "placeholder") > limits::SELECT_PLACEHOLDER {
                        out.push(format!(
                            "{at}: placeholder longer than {} chars",
                            limits::SELECT_PLACEHOLDER
                        ));
                    }
                }
                other => out.push(format!(
                    "{at}: component type {other} can't be in a message action row"
                )),
            }
        }
    }
}
