//! `/config …`: how rolecall behaves in one server — answer channels, whether a mention is
//! needed, public or private replies, a cooldown, and the server's own role aliases.
//!
//! Each command checks the member may manage the server, validates its input, and hands
//! the write to [`apply`], which confirms it.

use serenity::all::{ChannelId, CreateEmbed};

use crate::discord::admin::{admin_guild, apply, say, show as show_embed};
use crate::discord::limits;
use crate::discord::render::{defuse, fit};
use crate::discord::types::{Context, Error};
use crate::store::settings::{self, GuildSettings, MAX_PER_SERVER};

/// Whether replies are public or private, as offered to admins.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Visibility {
    #[name = "Public: everyone in the channel sees answers"]
    Public,
    #[name = "Private: only the asker sees answers"]
    Private,
}

/// Change how rolecall behaves in this server
#[poise::command(
    slash_command,
    subcommands("show", "channel", "mention", "replies", "cooldown", "alias"),
    subcommand_required,
    default_member_permissions = "MANAGE_GUILD"
)]
pub async fn config(_: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Show every setting for this server
#[poise::command(slash_command)]
pub async fn show(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let settings = match ctx.data().store.settings(guild).await {
        Ok(settings) => settings,
        Err(error) => return say(ctx, &error.to_string()).await,
    };
    show_embed(ctx, settings_embed(ctx, &settings)).await
}

fn settings_embed(ctx: Context<'_>, settings: &GuildSettings) -> CreateEmbed {
    let channels = or_none(channel_list(&settings.channels), ", ");
    let aliases = or_none(alias_lines(ctx, &settings.aliases), "\n");
    let cooldown = match settings.cooldown_secs {
        0 => "off".to_string(),
        seconds => format!("{seconds} s"),
    };
    let elsewhere = if settings.require_mention {
        "only when mentioned"
    } else {
        "any clear question about a role"
    };
    let replies = if settings.private_replies {
        "private"
    } else {
        "public"
    };
    CreateEmbed::new()
        .title("rolecall settings for this server")
        .field(
            "Answer without a mention in",
            fit(&channels, limits::FIELD_VALUE),
            false,
        )
        .field("Elsewhere", elsewhere, true)
        .field("Replies", replies, true)
        .field("Cooldown per member", cooldown, true)
        .field(
            "Extra aliases",
            fit(&defuse(&aliases), limits::FIELD_VALUE),
            false,
        )
}

/// Channels where questions are answered without a mention
#[poise::command(
    slash_command,
    subcommands("channel_add", "channel_remove", "channel_list_command"),
    subcommand_required
)]
pub async fn channel(_: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Answer questions in a channel without a mention
#[poise::command(slash_command, rename = "add")]
pub async fn channel_add(
    ctx: Context<'_>,
    #[description = "A text channel of this server"] channel: ChannelId,
) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let in_this_server = ctx.guild().is_some_and(|g| g.channels.contains_key(&channel));
    if !in_this_server {
        return say(ctx, "That channel is not in this server. Pick one of this server's text channels. Nothing was changed.").await;
    }
    let current = ctx.data().store.settings(guild).await;
    if current.as_ref().is_ok_and(|s| s.channels.len() >= MAX_PER_SERVER) {
        let full = format!("This server already has {MAX_PER_SERVER} answer channels; remove one first.");
        return say(ctx, &full).await;
    }
    let write = ctx.data().store.add_channel(guild, channel.get());
    apply(ctx, guild, write, |added| match added {
        true => format!("I'll answer questions in <#{channel}> without a mention."),
        false => format!("<#{channel}> was already an answer channel."),
    })
    .await
}

/// Stop answering without a mention in a channel
#[poise::command(slash_command, rename = "remove")]
pub async fn channel_remove(
    ctx: Context<'_>,
    #[description = "The channel"] channel: ChannelId,
) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let write = ctx.data().store.remove_channel(guild, channel.get());
    apply(ctx, guild, write, |removed| match removed {
        true => format!("In <#{channel}> I'll answer only when mentioned."),
        false => format!("<#{channel}> was not an answer channel; nothing changed."),
    })
    .await
}

/// List the channels where questions are answered without a mention
#[poise::command(slash_command, rename = "list")]
pub async fn channel_list_command(ctx: Context<'_>) -> Result<(), Error> {
    describe_settings(ctx, |s| match s.channels.is_empty() {
        true => "No answer channels: I answer when mentioned.".to_string(),
        false => channel_list(&s.channels).join(", "),
    })
    .await
}

/// Whether I answer only when mentioned, outside the answer channels
#[poise::command(slash_command)]
pub async fn mention(
    ctx: Context<'_>,
    #[description = "True: answer only when mentioned (default). False: answer any clear question about a role"]
    required: bool,
) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let write = ctx.data().store.set_require_mention(guild, required);
    apply(ctx, guild, write, |()| match required {
        true => "Outside the answer channels I answer only when mentioned.".to_string(),
        false => "I'll answer clear questions about roles anywhere, without a mention (this needs the Message Content intent).".to_string(),
    })
    .await
}

/// Whether answers are public or visible only to the asker
#[poise::command(slash_command)]
pub async fn replies(
    ctx: Context<'_>,
    #[description = "Who sees the answers"] visibility: Visibility,
) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let private = matches!(visibility, Visibility::Private);
    let write = ctx.data().store.set_private_replies(guild, private);
    apply(ctx, guild, write, |()| match private {
        true => "Answers are now private: only the asker sees them (by DM for messages).".to_string(),
        false => "Answers are now public.".to_string(),
    })
    .await
}

/// Seconds a member must wait between questions (0 turns it off)
#[poise::command(slash_command)]
pub async fn cooldown(
    ctx: Context<'_>,
    #[description = "Seconds, from 0 (off) to 3600"]
    #[min = 0]
    #[max = 3600]
    seconds: i64,
) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let seconds = match settings::validate_cooldown(seconds) {
        Ok(seconds) => seconds,
        Err(error) => return say(ctx, &error.to_string()).await,
    };
    let write = ctx.data().store.set_cooldown(guild, seconds);
    apply(ctx, guild, write, |()| match seconds {
        0 => "The cooldown is off.".to_string(),
        _ => format!("Members can now ask one question every {seconds} s."),
    })
    .await
}

/// This server's own names for roles
#[poise::command(
    slash_command,
    subcommands("alias_add", "alias_remove", "alias_list"),
    subcommand_required
)]
pub async fn alias(_: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Add a name this server uses for a role
#[poise::command(slash_command, rename = "add")]
pub async fn alias_add(
    ctx: Context<'_>,
    #[description = "The name people here use"]
    #[max_length = 50]
    alias: String,
    #[description = "The role it means"]
    #[autocomplete = "crate::discord::commands::autocomplete_role"]
    role: String,
) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let engine = ctx.data().knowledge.engine();
    // An id picked from autocomplete, else the closest role to what was typed.
    let role_id = match engine.knowledge().role(&role) {
        Some(known) => known.id.clone(),
        None => ctx
            .data()
            .asking
            .suggest(&role, 1)
            .into_iter()
            .next()
            .map_or(role, |(_, id)| id),
    };
    let alias = match settings::validate_alias(&engine, &alias, &role_id) {
        Ok(alias) => alias,
        Err(error) => return say(ctx, &error.to_string()).await,
    };
    let current = ctx.data().store.settings(guild).await;
    if current.as_ref().is_ok_and(|s| s.aliases.len() >= MAX_PER_SERVER) {
        let full = format!("This server already has {MAX_PER_SERVER} aliases; remove one first.");
        return say(ctx, &full).await;
    }
    let name = engine
        .knowledge()
        .role(&role_id)
        .map_or(role_id.clone(), |r| r.name.clone());
    let write = ctx.data().store.set_alias(guild, &alias, &role_id);
    apply(ctx, guild, write, |()| {
        format!("\"{alias}\" now means {name} in this server.")
    })
    .await
}

/// Remove one of this server's names for a role
#[poise::command(slash_command, rename = "remove")]
pub async fn alias_remove(
    ctx: Context<'_>,
    #[description = "The alias to remove"] alias: String,
) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let shown = alias.trim().to_string();
    let write = ctx.data().store.remove_alias(guild, &alias);
    apply(ctx, guild, write, |removed| match removed {
        true => format!("\"{shown}\" is no longer an alias here."),
        false => format!("\"{shown}\" was not an alias here; nothing changed."),
    })
    .await
}

/// List this server's names for roles
#[poise::command(slash_command, rename = "list")]
pub async fn alias_list(ctx: Context<'_>) -> Result<(), Error> {
    describe_settings(ctx, |s| match s.aliases.is_empty() {
        true => "This server has no extra aliases.".to_string(),
        false => s
            .aliases
            .iter()
            .map(|(a, r)| format!("{a} → {r}"))
            .collect::<Vec<_>>()
            .join("\n"),
    })
    .await
}

/// Says `describe` of the server's stored settings to an admin, or why they cannot be read.
async fn describe_settings(
    ctx: Context<'_>,
    describe: impl FnOnce(&GuildSettings) -> String,
) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let message = match ctx.data().store.settings(guild).await {
        Ok(settings) => describe(&settings),
        Err(error) => error.to_string(),
    };
    say(ctx, &message).await
}

/// Channel mentions (`<#id>`), which Discord shows as links and which ping nobody.
fn channel_list(channels: &[u64]) -> Vec<String> {
    channels.iter().map(|c| format!("<#{c}>")).collect()
}

/// "alias → role name" per alias.
fn alias_lines(ctx: Context<'_>, aliases: &[(String, String)]) -> Vec<String> {
    let engine = ctx.data().knowledge.engine();
    aliases
        .iter()
        .map(|(alias, id)| {
            let name = engine.knowledge().role(id).map_or(id.as_str(), |r| &r.name);
            format!("{alias} → {name}")
        })
        .collect()
}

/// `items` joined by `separator`, or "none".
fn or_none(items: Vec<String>, separator: &str) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(separator)
    }
}
