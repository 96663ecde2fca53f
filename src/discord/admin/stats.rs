//! `/stats`: what people in a server ask about, and which roles they miss, from the usage
//! counts (no message text is stored).

use serenity::all::{CreateEmbed, CreateEmbedFooter};

use crate::discord::admin::{admin_guild, count_lines, say, show};
use crate::discord::limits;
use crate::discord::render::{defuse, fit};
use crate::discord::types::{Context, Error};

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
    let engine = ctx.data().knowledge.engine();
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
            fit(
                &count_lines(&stats.by_aspect, str::to_string),
                limits::FIELD_VALUE,
            ),
            true,
        )
        .field(
            "By role",
            fit(&count_lines(&stats.by_role, role_name), limits::FIELD_VALUE),
            true,
        )
        .field(
            "Asked about, but not in the knowledge (top 10)",
            fit(
                &defuse(&count_lines(&stats.unknown, str::to_string)),
                limits::FIELD_VALUE,
            ),
            false,
        )
        .footer(CreateEmbedFooter::new("Counts only; no message text is stored."));
    show(ctx, embed).await
}
