//! Turns engine answers into Discord messages: embeds, buttons and select menus.
//!
//! Discord rejects a message that breaks its size limits, so every text goes through
//! [`fit`], which shortens at a sentence (or at least a word) boundary. Text from the
//! knowledge or the user never pings anyone: mention syntax is defused here, and every
//! message also carries an empty `allowed_mentions`.

use serenity::all::{
    ButtonStyle, Colour, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton, CreateEmbed,
    CreateEmbedFooter, CreateSelectMenu, CreateSelectMenuKind, CreateSelectMenuOption,
};

use crate::discord::custom_id::Action;
use crate::discord::limits;
use crate::engine::answer::{describe_figure, Answer, CareerPath, Status};
use crate::engine::aspect::Aspect;
use crate::engine::small_talk::indefinite;
use crate::engine::text::path_text;
use crate::engine::Engine;

/// Roles listed per page of `/roles`.
pub const ROLES_PER_PAGE: usize = 15;

/// A message ready to send: text, embeds and components.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub content: String,
    pub embeds: Vec<CreateEmbed>,
    pub components: Vec<CreateActionRow>,
    /// A salary chart (PNG) that the embed shows as its image, sent as [`CHART_FILE`].
    pub chart: Option<Vec<u8>>,
}

/// The file name of an attached salary chart.
pub const CHART_FILE: &str = "salary.png";

impl Reply {
    /// The attachments to send with this reply.
    pub fn files(&self) -> Vec<CreateAttachment> {
        self.chart
            .iter()
            .map(|png| CreateAttachment::bytes(png.clone(), CHART_FILE))
            .collect()
    }
}

/// Mentions that ping nobody, for every message the bot sends.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new()
        .empty_roles()
        .empty_users()
        .replied_user(false)
}

const ANSWER_COLOUR: Colour = Colour::from_rgb(0x4f, 0x7c, 0xac);
const HINT_COLOUR: Colour = Colour::from_rgb(0x99, 0x99, 0x99);

/// The reply for an answer: one embed, plus an aspect menu or "did you mean" buttons.
pub fn answer(engine: &Engine, answer: &Answer) -> Reply {
    let content = fit(&defuse(&answer.notes.join(" ")), limits::CONTENT);
    match answer.status {
        Status::Answered => {
            let mut components = vec![aspect_menu(
                &answer.roles,
                answer.aspect.unwrap_or(Aspect::Overview),
            )];
            components.extend(answer.path.as_ref().and_then(|path| path_buttons(engine, path)));
            let mut embed = answered_embed(engine, answer);
            let chart = match answer.aspect {
                Some(Aspect::Salary) => crate::chart::salary_chart(engine, answer).ok().map(|c| c.png),
                _ => None,
            };
            if chart.is_some() {
                embed = embed.image(format!("attachment://{CHART_FILE}"));
            }
            Reply {
                content,
                embeds: vec![embed],
                components,
                chart,
            }
        }
        Status::UnknownRole | Status::NotUnderstood => {
            let mut text = answer
                .parts
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n\n");
            if answer.offer_role_list {
                text.push_str(" Type /roles to see the roles I know.");
            }
            if !answer.suggestions.is_empty() {
                text.push_str("\n\nDid you mean one of these?");
            }
            let embed = CreateEmbed::new()
                .colour(HINT_COLOUR)
                .title(fit(&defuse(&answer.title), limits::TITLE))
                .description(fit(&defuse(&text), limits::DESCRIPTION));
            let mut buttons: Vec<CreateButton> = answer
                .suggestions
                .iter()
                .filter_map(|id| engine.knowledge().role(id))
                .take(limits::BUTTONS_PER_ROW - 1)
                .map(|role| {
                    CreateButton::new(Action::ask(&role.id, answer.asked_aspect).custom_id())
                        .label(fit(&defuse(&role.name), limits::BUTTON_LABEL))
                        .style(ButtonStyle::Primary)
                })
                .collect();
            buttons.push(
                CreateButton::new(Action::Roles(0).custom_id())
                    .label("All roles")
                    .style(ButtonStyle::Secondary),
            );
            Reply {
                content,
                embeds: vec![embed],
                components: vec![CreateActionRow::Buttons(buttons)],
                chart: None,
            }
        }
    }
}

fn answered_embed(engine: &Engine, answer: &Answer) -> CreateEmbed {
    let mut fields: Vec<(String, String, bool)> = Vec::new();
    let side_by_side = answer.parts.iter().all(|p| p.heading.is_some()) && answer.parts.len() == 2;
    let mut description = String::new();
    if side_by_side {
        for part in &answer.parts {
            fields.push((part.heading.clone().unwrap_or_default(), part.text.clone(), true));
        }
    } else {
        description = answer
            .parts
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
    }
    if let Some(summary) = &answer.summary {
        fields.push(("In short".into(), summary.clone(), false));
    }
    if let Some(path) = &answer.path {
        fields.push(("Career path".into(), path_text(path, engine.knowledge()), false));
    }
    fields.extend(figure_fields(answer));
    if let Some(verdict) = &answer.verdict {
        fields.push(("Who earns more".into(), verdict.clone(), false));
    }
    let title = fit(&defuse(&answer.title), limits::TITLE);
    let footer = fit_list("Sources: ", &answer.sources, limits::FOOTER);
    let fields: Vec<(String, String, bool)> = fields
        .into_iter()
        .filter(|(_, value, _)| !value.trim().is_empty())
        .take(limits::FIELDS)
        .map(|(name, value, inline)| {
            (
                fit(&defuse(&name), limits::FIELD_NAME),
                fit(&defuse(&value), limits::FIELD_VALUE),
                inline,
            )
        })
        .collect();
    let mut fields = fields;
    shrink_fields(
        &mut fields,
        limits::EMBED_TOTAL.saturating_sub(title.chars().count() + footer.chars().count()),
    );
    let used = title.chars().count()
        + footer.chars().count()
        + fields
            .iter()
            .map(|(n, v, _)| n.chars().count() + v.chars().count())
            .sum::<usize>();
    let room = limits::EMBED_TOTAL.saturating_sub(used).min(limits::DESCRIPTION);
    let mut embed = CreateEmbed::new()
        .colour(ANSWER_COLOUR)
        .title(title)
        .fields(fields);
    if !description.is_empty() {
        embed = embed.description(fit(&defuse(&description), room));
    }
    if !footer.is_empty() {
        embed = embed.footer(CreateEmbedFooter::new(footer));
    }
    embed
}

/// The key salary figures as fields: one inline column per role when two are compared.
fn figure_fields(answer: &Answer) -> Vec<(String, String, bool)> {
    if answer.figures.is_empty() {
        return Vec::new();
    }
    if answer.roles.len() != 2 {
        let lines: Vec<String> = answer.figures.iter().take(8).map(figure_line).collect();
        return vec![("Key figures".into(), lines.join("\n"), false)];
    }
    let mut names: Vec<&str> = answer.figures.iter().map(|f| f.role.as_str()).collect();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let lines: Vec<String> = answer
                .figures
                .iter()
                .filter(|f| f.role == name)
                .take(4)
                .map(figure_line)
                .collect();
            (format!("{name}: key figures"), lines.join("\n"), true)
        })
        .collect()
}

/// Shortens the longest field values, at sentence boundaries, until all fields together
/// fit in `budget` characters (Discord's 6,000 per embed, less the title and footer).
fn shrink_fields(fields: &mut [(String, String, bool)], budget: usize) {
    let size = |fields: &[(String, String, bool)]| -> usize {
        fields
            .iter()
            .map(|(n, v, _)| n.chars().count() + v.chars().count())
            .sum()
    };
    for _ in 0..fields.len() * 4 {
        let total = size(fields);
        if total <= budget {
            return;
        }
        let Some(longest) = fields.iter_mut().max_by_key(|(_, v, _)| v.chars().count()) else {
            return;
        };
        let len = longest.1.chars().count();
        let target = len.saturating_sub(total - budget).max(len / 2).max(1);
        longest.1 = fit(&longest.1, target);
    }
}

fn figure_line(f: &crate::engine::answer::RoleFigure) -> String {
    format!(
        "**{}** · {}, {}",
        describe_figure(&f.figure),
        f.figure.source,
        f.figure.year
    )
}

/// Buttons that open each other role on a career path (at most five).
fn path_buttons(engine: &Engine, path: &CareerPath) -> Option<CreateActionRow> {
    let mut ids: Vec<&String> = path
        .ladder
        .iter()
        .chain(&path.to)
        .filter(|id| **id != path.role)
        .collect();
    ids.dedup();
    let buttons: Vec<CreateButton> = ids
        .into_iter()
        .filter_map(|id| engine.knowledge().role(id))
        .take(limits::BUTTONS_PER_ROW)
        .map(|role| {
            CreateButton::new(Action::ask(&role.id, Aspect::Overview).custom_id())
                .label(fit(&defuse(&role.name), limits::BUTTON_LABEL))
                .style(ButtonStyle::Secondary)
        })
        .collect();
    (!buttons.is_empty()).then_some(CreateActionRow::Buttons(buttons))
}

/// Adds a button with which `asker` (and only they) can delete the answer.
pub fn add_delete_button(reply: &mut Reply, asker: u64) {
    let button = CreateButton::new(Action::Delete(asker).custom_id())
        .label("Delete")
        .style(ButtonStyle::Danger);
    reply.components.push(CreateActionRow::Buttons(vec![button]));
}

/// The select menu that switches a reply to another aspect of the same role(s).
fn aspect_menu(role_ids: &[String], current: Aspect) -> CreateActionRow {
    let options = Aspect::ALL
        .iter()
        .map(|a| CreateSelectMenuOption::new(a.heading(), a.id()).default_selection(*a == current))
        .collect();
    CreateActionRow::SelectMenu(
        CreateSelectMenu::new(
            Action::view(role_ids).custom_id(),
            CreateSelectMenuKind::String { options },
        )
        .placeholder("Show another aspect"),
    )
}

/// One page of the role list, with buttons to the neighbouring pages.
pub fn roles_page(engine: &Engine, page: usize) -> Reply {
    let roles = &engine.knowledge().roles;
    let pages = roles.len().div_ceil(ROLES_PER_PAGE).max(1);
    let page = page.min(pages - 1);
    let lines: Vec<String> = roles
        .iter()
        .skip(page * ROLES_PER_PAGE)
        .take(ROLES_PER_PAGE)
        .map(|r| {
            if r.aliases.is_empty() {
                format!("**{}**", r.name)
            } else {
                format!("**{}** — also {}", r.name, r.aliases.join(", "))
            }
        })
        .collect();
    let embed = CreateEmbed::new()
        .colour(ANSWER_COLOUR)
        .title(format!(
            "Roles I know ({}), page {} of {pages}",
            roles.len(),
            page + 1
        ))
        .description(fit(&defuse(&lines.join("\n")), limits::DESCRIPTION));
    let mut components = Vec::new();
    if pages > 1 {
        components.push(CreateActionRow::Buttons(vec![
            CreateButton::new(Action::Roles(page.saturating_sub(1)).custom_id())
                .label("Previous")
                .style(ButtonStyle::Secondary)
                .disabled(page == 0),
            CreateButton::new(Action::Roles(page + 1).custom_id())
                .label("Next")
                .style(ButtonStyle::Secondary)
                .disabled(page + 1 >= pages),
        ]));
    }
    Reply {
        content: String::new(),
        embeds: vec![embed],
        components,
        chart: None,
    }
}

/// The reply when a button names a role that the knowledge no longer has.
pub fn role_gone(engine: &Engine) -> Reply {
    let mut reply = roles_page(engine, 0);
    reply.content = "That role is no longer in my knowledge; here is what I know now.".to_string();
    reply
}

/// What can be asked, with examples made from the knowledge's own roles.
pub fn help(engine: &Engine) -> Reply {
    let names: Vec<String> = engine
        .knowledge()
        .roles
        .iter()
        .take(2)
        .map(|r| r.name.to_lowercase())
        .collect();
    let examples = match names.as_slice() {
        [a, b, ..] => format!(
            "• how much does {} {a} earn?\n• {a} vs {b}: who does what?\n• how do I become {} {b}?\n\n",
            indefinite(a),
            indefinite(b)
        ),
        [a] => format!("• how much does {} {a} earn?\n\n", indefinite(a)),
        [] => "\n".to_string(),
    };
    let text = format!(
        "I answer questions about job roles: what they are, duties, requirements, work environment, skills and salary.\n\n\
         **Ask in your own words** — mention me, DM me, or use `/ask`:\n{examples}\
         **Commands**\n\
         • `/role` — one role, one aspect\n• `/compare` — two roles side by side\n\
         • `/roles` — every role I know\n• `/ask` — a free-text question"
    );
    let embed = CreateEmbed::new()
        .colour(ANSWER_COLOUR)
        .title("How to use rolecall")
        .description(defuse(&text));
    Reply {
        content: String::new(),
        embeds: vec![embed],
        components: Vec::new(),
        chart: None,
    }
}

/// The polite note for a member who asks again before their cooldown is over.
pub fn cooldown_note(seconds_left: u64) -> String {
    format!("You're asking quickly. This server has a cooldown between questions: please try again in {seconds_left} s.")
}

/// Breaks mention syntax (`@everyone`, `@here`, `<@id>`, `<@&id>`) with a zero-width space,
/// so text shows as written and can never ping.
pub fn defuse(text: &str) -> String {
    text.replace("@everyone", "@\u{200b}everyone")
        .replace("@here", "@\u{200b}here")
        .replace("<@", "<\u{200b}@")
}

/// Shortens `text` to at most `max` characters, ending at a sentence boundary when there is
/// one in the second half, else at a word boundary, and marks the cut with "…".
pub fn fit(text: &str, max: usize) -> String {
    let text = text.trim();
    if max == 0 {
        return String::new();
    }
    if text.chars().count() <= max {
        return text.to_string();
    }
    let budget = max.saturating_sub(2);
    let cut: String = text.chars().take(budget).collect();
    let sentence_end = cut
        .char_indices()
        .rev()
        .filter(|(i, c)| {
            matches!(c, '.' | '!' | '?' | '\n') && cut[i + c.len_utf8()..].starts_with([' ', '\n'])
        })
        .map(|(i, c)| i + c.len_utf8())
        .next()
        .filter(|end| *end >= cut.len() / 2);
    if let Some(end) = sentence_end {
        return format!("{} …", cut[..end].trim_end());
    }
    match cut.rfind(char::is_whitespace) {
        Some(space) if space > 0 => format!("{}…", cut[..space].trim_end()),
        _ => format!("{}…", cut.chars().take(budget).collect::<String>()),
    }
}

/// "Sources: a; b; c; and 4 more", within `max` characters.
fn fit_list(prefix: &str, items: &[String], max: usize) -> String {
    if items.is_empty() {
        return String::new();
    }
    // Room for the longest possible "; and N more" ending.
    let reserve = format!("; and {} more", items.len()).chars().count();
    let mut out = prefix.to_string();
    for (i, item) in items.iter().enumerate() {
        let item = defuse(item);
        let separator = if i == 0 { "" } else { "; " };
        let last = i + 1 == items.len();
        let room = if last { max } else { max.saturating_sub(reserve) };
        if out.chars().count() + separator.len() + item.chars().count() > room {
            let item = fit(&item, room.saturating_sub(out.chars().count() + separator.len()));
            if i == 0 && !item.is_empty() {
                out.push_str(&item);
                if !last {
                    out.push_str(&format!("; and {} more", items.len() - 1));
                }
                return out;
            }
            out.push_str(&format!("{separator}and {} more", items.len() - i));
            return out;
        }
        out.push_str(separator);
        out.push_str(&item);
    }
    out
}

#[cfg(test)]
mod tests;
