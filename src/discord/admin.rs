//! Commands for server admins (`/config …`, `/stats`) and for the bot's owner
//! (`/knowledge check`, `/knowledge reload`), and the watcher that reloads the knowledge
//! directory when its files change.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use poise::CreateReply;
use serenity::all::{ChannelId, CreateEmbed, Permissions};

use crate::discord::render::{self, no_pings};
use crate::discord::state::EngineCell;
use crate::discord::{Context, Error};
use crate::engine::knowledge::{self, LoadError};
use crate::engine::Engine;
use crate::metrics::Metrics;
use crate::store::settings::{self, MAX_PER_SERVER};

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
    let engine = ctx.data().engine();
    let channels = if settings.channels.is_empty() {
        "none".to_string()
    } else {
        settings
            .channels
            .iter()
            .map(|c| format!("<#{c}>"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let aliases = if settings.aliases.is_empty() {
        "none".to_string()
    } else {
        settings
            .aliases
            .iter()
            .map(|(alias, id)| {
                format!(
                    "{alias} → {}",
                    engine.knowledge().role(id).map_or(id.as_str(), |r| &r.name)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let cooldown = if settings.cooldown_secs == 0 {
        "off".to_string()
    } else {
        format!("{} s", settings.cooldown_secs)
    };
    let embed = CreateEmbed::new()
        .title("rolecall settings for this server")
        .field("Answer without a mention in", render::fit(&channels, 1024), false)
        .field(
            "Elsewhere",
            if settings.require_mention {
                "only when mentioned"
            } else {
                "any clear question about a role"
            },
            true,
        )
        .field(
            "Replies",
            if settings.private_replies {
                "private"
            } else {
                "public"
            },
            true,
        )
        .field("Cooldown per member", cooldown, true)
        .field(
            "Extra aliases",
            render::fit(&render::defuse(&aliases), 1024),
            false,
        );
    ctx.send(
        CreateReply::default()
            .embed(embed)
            .ephemeral(true)
            .allowed_mentions(no_pings()),
    )
    .await?;
    Ok(())
}

/// Channels where questions are answered without a mention
#[poise::command(
    slash_command,
    subcommands("channel_add", "channel_remove", "channel_list"),
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
        return say(
            ctx,
            &format!("This server already has {MAX_PER_SERVER} answer channels; remove one first."),
        )
        .await;
    }
    let message = match ctx.data().store.add_channel(guild, channel.get()).await {
        Ok(true) => format!("I'll answer questions in <#{channel}> without a mention."),
        Ok(false) => format!("<#{channel}> was already an answer channel."),
        Err(error) => error.to_string(),
    };
    changed(ctx, guild, &message).await
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
    let message = match ctx.data().store.remove_channel(guild, channel.get()).await {
        Ok(true) => format!("In <#{channel}> I'll answer only when mentioned."),
        Ok(false) => format!("<#{channel}> was not an answer channel; nothing changed."),
        Err(error) => error.to_string(),
    };
    changed(ctx, guild, &message).await
}

/// List the channels where questions are answered without a mention
#[poise::command(slash_command, rename = "list")]
pub async fn channel_list(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let message = match ctx.data().store.settings(guild).await {
        Ok(s) if s.channels.is_empty() => "No answer channels: I answer when mentioned.".to_string(),
        Ok(s) => s
            .channels
            .iter()
            .map(|c| format!("<#{c}>"))
            .collect::<Vec<_>>()
            .join(", "),
        Err(error) => error.to_string(),
    };
    say(ctx, &message).await
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
    let message = match ctx.data().store.set_require_mention(guild, required).await {
        Ok(()) if required => "Outside the answer channels I answer only when mentioned.".to_string(),
        Ok(()) => "I'll answer clear questions about roles anywhere, without a mention (this needs the Message Content intent).".to_string(),
        Err(error) => error.to_string(),
    };
    changed(ctx, guild, &message).await
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
    let message = match ctx.data().store.set_private_replies(guild, private).await {
        Ok(()) if private => {
            "Answers are now private: only the asker sees them (by DM for messages).".to_string()
        }
        Ok(()) => "Answers are now public.".to_string(),
        Err(error) => error.to_string(),
    };
    changed(ctx, guild, &message).await
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
    let message = match ctx.data().store.set_cooldown(guild, seconds).await {
        Ok(()) if seconds == 0 => "The cooldown is off.".to_string(),
        Ok(()) => format!("Members can now ask one question every {seconds} s."),
        Err(error) => error.to_string(),
    };
    changed(ctx, guild, &message).await
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
    let engine = ctx.data().engine();
    let role_id = engine
        .knowledge()
        .role(&role)
        .map(|r| r.id.clone())
        .or_else(|| engine.suggest(&role, 1).first().map(|r| r.id.clone()))
        .unwrap_or(role);
    let alias = match settings::validate_alias(&engine, &alias, &role_id) {
        Ok(alias) => alias,
        Err(error) => return say(ctx, &error.to_string()).await,
    };
    let current = ctx.data().store.settings(guild).await;
    if current.as_ref().is_ok_and(|s| s.aliases.len() >= MAX_PER_SERVER) {
        return say(
            ctx,
            &format!("This server already has {MAX_PER_SERVER} aliases; remove one first."),
        )
        .await;
    }
    let name = engine
        .knowledge()
        .role(&role_id)
        .map_or(role_id.clone(), |r| r.name.clone());
    let message = match ctx.data().store.set_alias(guild, &alias, &role_id).await {
        Ok(()) => format!("\"{alias}\" now means {name} in this server."),
        Err(error) => error.to_string(),
    };
    changed(ctx, guild, &message).await
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
    let message = match ctx.data().store.remove_alias(guild, &alias).await {
        Ok(true) => format!("\"{}\" is no longer an alias here.", alias.trim()),
        Ok(false) => format!("\"{}\" was not an alias here; nothing changed.", alias.trim()),
        Err(error) => error.to_string(),
    };
    changed(ctx, guild, &message).await
}

/// List this server's names for roles
#[poise::command(slash_command, rename = "list")]
pub async fn alias_list(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let message = match ctx.data().store.settings(guild).await {
        Ok(s) if s.aliases.is_empty() => "This server has no extra aliases.".to_string(),
        Ok(s) => s
            .aliases
            .iter()
            .map(|(a, r)| format!("{a} → {r}"))
            .collect::<Vec<_>>()
            .join("\n"),
        Err(error) => error.to_string(),
    };
    say(ctx, &message).await
}

/// What people here ask about, and which roles they miss
#[poise::command(slash_command, default_member_permissions = "MANAGE_GUILD")]
pub async fn stats(ctx: Context<'_>) -> Result<(), Error> {
    let Some(guild) = admin_guild(ctx).await? else {
        return Ok(());
    };
    let stats = match ctx.data().store.stats(guild).await {
        Ok(stats) => stats,
        Err(error) => return say(ctx, &error.to_string()).await,
    };
    let engine = ctx.data().engine();
    let lines = |rows: &[(String, i64)], name: &dyn Fn(&str) -> String| {
        if rows.is_empty() {
            "none yet".to_string()
        } else {
            rows.iter()
                .map(|(key, count)| format!("{}: {count}", name(key)))
                .collect::<Vec<_>>()
                .join("\n")
        }
    };
    let role_name = |id: &str| {
        engine
            .knowledge()
            .role(id)
            .map_or(id.to_string(), |r| r.name.clone())
    };
    let embed = CreateEmbed::new()
        .title("What this server asks rolecall")
        .field(
            "By aspect",
            render::fit(&lines(&stats.by_aspect, &|a| a.to_string()), 1024),
            true,
        )
        .field(
            "By role",
            render::fit(&lines(&stats.by_role, &role_name), 1024),
            true,
        )
        .field(
            "Asked about, but not in the knowledge (top 10)",
            render::fit(&render::defuse(&lines(&stats.unknown, &|n| n.to_string())), 1024),
            false,
        )
        .footer(serenity::all::CreateEmbedFooter::new(
            "Counts only; no message text is stored.",
        ));
    ctx.send(
        CreateReply::default()
            .embed(embed)
            .ephemeral(true)
            .allowed_mentions(no_pings()),
    )
    .await?;
    Ok(())
}

/// Check or reload the knowledge files (bot owner only)
#[poise::command(
    slash_command,
    owners_only,
    subcommands("knowledge_check", "knowledge_reload"),
    subcommand_required
)]
pub async fn knowledge(_: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// List every problem in the knowledge files
#[poise::command(slash_command, owners_only, rename = "check")]
pub async fn knowledge_check(ctx: Context<'_>) -> Result<(), Error> {
    let dir = ctx.data().knowledge_dir.clone();
    let report = match tokio::task::spawn_blocking(move || knowledge::load_with_problems(&dir)).await? {
        Ok((knowledge, problems)) if problems.is_empty() => format!(
            "The knowledge is fine: {} roles and {} comparisons.",
            knowledge.roles.len(),
            knowledge.comparison_count()
        ),
        Ok((_, problems)) => problem_report(&problems.iter().map(ToString::to_string).collect::<Vec<_>>()),
        Err(error) => error.to_string(),
    };
    say(ctx, &report).await
}

/// Load the knowledge files again now
#[poise::command(slash_command, owners_only, rename = "reload")]
pub async fn knowledge_reload(ctx: Context<'_>) -> Result<(), Error> {
    let report = reload(
        &ctx.data().engine,
        ctx.data().knowledge_dir.clone(),
        &ctx.data().metrics,
    )
    .await;
    say(ctx, &report).await
}

/// Loads the knowledge again; on success it goes into service, otherwise the last good
/// knowledge stays and the problems are reported.
async fn reload(cell: &EngineCell, dir: PathBuf, metrics: &Metrics) -> String {
    match tokio::task::spawn_blocking(move || Engine::load(&dir)).await {
        Ok(Ok(engine)) => {
            let roles = engine.knowledge().roles.len();
            cell.replace(engine);
            tracing::info!(roles, "knowledge reloaded");
            format!("Reloaded: {roles} roles are in service.")
        }
        Ok(Err(LoadError::Invalid { problems })) => {
            metrics.reload_failed();
            for problem in &problems {
                tracing::warn!("{problem}");
            }
            let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
            format!(
                "Not reloaded; the last good knowledge stays in service.\n{}",
                problem_report(&lines)
            )
        }
        Ok(Err(error)) => {
            metrics.reload_failed();
            tracing::warn!(error = %error, "knowledge not reloaded; the last good knowledge stays");
            format!("Not reloaded ({error}); the last good knowledge stays in service.")
        }
        Err(error) => format!("Not reloaded ({error}); the last good knowledge stays in service."),
    }
}

fn problem_report(problems: &[String]) -> String {
    let shown: Vec<&str> = problems.iter().take(15).map(String::as_str).collect();
    let more = problems.len().saturating_sub(shown.len());
    let mut text = format!("{} problem(s):\n```\n{}\n```", problems.len(), shown.join("\n"));
    if more > 0 {
        text.push_str(&format!(
            "…and {more} more; run `rolecall check` to see them all."
        ));
    }
    text
}

/// Watches the knowledge directory and reloads it shortly after files stop changing.
pub fn watch_knowledge(cell: EngineCell, dir: PathBuf, metrics: Arc<Metrics>) {
    let runtime = tokio::runtime::Handle::current();
    std::thread::spawn(move || {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut debouncer = match notify_debouncer_mini::new_debouncer(Duration::from_millis(400), tx) {
            Ok(debouncer) => debouncer,
            Err(error) => return tracing::warn!(error = %error, "knowledge files are not watched"),
        };
        let mode = notify_debouncer_mini::notify::RecursiveMode::Recursive;
        if let Err(error) = debouncer.watcher().watch(Path::new(&dir), mode) {
            return tracing::warn!(error = %error, dir = %dir.display(), "knowledge files are not watched");
        }
        tracing::info!(dir = %dir.display(), "watching the knowledge files for changes");
        // Reading the files is an event too: reload only when something really changed.
        let mut last = fingerprint(&dir);
        for events in rx {
            let now = fingerprint(&dir);
            if events.is_ok() && now != last {
                last = now;
                runtime.block_on(reload(&cell, dir.clone(), &metrics));
            }
        }
    });
}

/// Names, sizes and modification times of every file under `dir`.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                pending.push(entry.path());
            } else {
                found.push((entry.path(), meta.len(), meta.modified().ok()));
            }
        }
    }
    found.sort();
    found
}

/// The server a settings command is for, if the member may change settings there;
/// otherwise the reason is sent and `None` returned.
async fn admin_guild(ctx: Context<'_>) -> Result<Option<u64>, Error> {
    let Some(guild) = ctx.guild_id() else {
        say(
            ctx,
            "Settings belong to a server: use this command in a server, not in DMs.",
        )
        .await?;
        return Ok(None);
    };
    // Discord hides the command from members without Manage Server, but a permission
    // override could show it; the member's own permissions decide.
    let permissions = match ctx {
        poise::Context::Application(app) => app.interaction.member.as_ref().and_then(|m| m.permissions),
        poise::Context::Prefix(_) => None,
    }
    .unwrap_or_else(Permissions::empty);
    if !(permissions.manage_guild() || permissions.administrator()) {
        say(ctx, "You need the Manage Server permission to use this command.").await?;
        return Ok(None);
    }
    Ok(Some(guild.get()))
}

/// Reports the outcome of a settings change, which also drops the server's cached settings.
async fn changed(ctx: Context<'_>, guild: u64, message: &str) -> Result<(), Error> {
    ctx.data().forget_settings(guild);
    say(ctx, message).await
}

async fn say(ctx: Context<'_>, text: &str) -> Result<(), Error> {
    let reply = CreateReply::default()
        .content(render::fit(text, crate::discord::limits::CONTENT))
        .ephemeral(true)
        .allowed_mentions(no_pings());
    ctx.send(reply).await?;
    Ok(())
}
