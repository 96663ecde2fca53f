//! Commands for server admins (`/config …`, `/stats`) and for the bot's owner
//! (`/knowledge …`), with the checks and the reply helpers they share.
//!
//! Every settings change goes through [`apply`]: the command validates its input, `apply`
//! writes to the store, reads the server's settings again only once the write
//! succeeded, and confirms (or says why nothing changed).

pub mod config;
pub mod knowledge;
pub mod stats;

use std::future::Future;

use poise::CreateReply;
use serenity::all::Permissions;

use crate::discord::limits;
use crate::discord::render::{self, no_pings};
use crate::discord::types::{Context, Error};
use crate::store::StoreError;

/// The server a settings command is for, if the member may change settings there;
/// otherwise the reason is sent and `None` returned.
pub async fn admin_guild(ctx: Context<'_>) -> Result<Option<u64>, Error> {
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

/// Writes a settings change for `guild` and tells the admin how it went: `confirm` words
/// the stored result; a store error is said as it is, and the cached settings stay.
pub async fn apply<T>(
    ctx: Context<'_>,
    guild: u64,
    write: impl Future<Output = Result<T, StoreError>>,
    confirm: impl FnOnce(T) -> String,
) -> Result<(), Error> {
    let message = match write.await {
        Ok(value) => {
            ctx.data().asking.servers.refresh(guild).await;
            confirm(value)
        }
        Err(error) => {
            tracing::error!(guild, command = %ctx.command().qualified_name, cause = %error.cause(), "settings not changed; the cached settings stay");
            error.to_string()
        }
    };
    say(ctx, &message).await
}

/// Sends `text` to the admin, privately.
pub async fn say(ctx: Context<'_>, text: &str) -> Result<(), Error> {
    let reply = CreateReply::default()
        .content(render::fit(text, limits::CONTENT))
        .ephemeral(true)
        .allowed_mentions(no_pings());
    ctx.send(reply).await?;
    Ok(())
}

/// Sends an embed to the admin, privately.
pub async fn show(ctx: Context<'_>, embed: serenity::all::CreateEmbed) -> Result<(), Error> {
    let reply = CreateReply::default()
        .embed(embed)
        .ephemeral(true)
        .allowed_mentions(no_pings());
    ctx.send(reply).await?;
    Ok(())
}

/// `rows` as "name: count" lines, or "none yet".
pub fn count_lines(rows: &[(String, i64)], name: impl Fn(&str) -> String) -> String {
    if rows.is_empty() {
        return "none yet".to_string();
    }
    rows.iter()
        .map(|(key, count)| format!("{}: {count}", name(key)))
        .collect::<Vec<_>>()
        .join("\n")
}
