//! `/knowledge check` and `/knowledge reload`, for the bot's owner: the same checks as
//! `rolecall check`, and a reload without a restart.

use crate::discord::admin::say;
use crate::discord::types::{Context, Error};
use crate::engine::knowledge::LoadError;
use crate::live_knowledge::log_refused;

/// Problems listed in one reply; the rest are counted.
const SHOWN_PROBLEMS: usize = 15;

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
    let live = std::sync::Arc::clone(&ctx.data().knowledge);
    let report = match tokio::task::spawn_blocking(move || live.check()).await? {
        Ok((knowledge, problems)) if problems.is_empty() => format!(
            "The knowledge is fine: {} roles and {} comparisons.",
            knowledge.roles.len(),
            knowledge.comparison_count()
        ),
        Ok((_, problems)) => problem_report(&problems),
        Err(error) => error.to_string(),
    };
    say(ctx, &report).await
}

/// Load the knowledge files again now
#[poise::command(slash_command, owners_only, rename = "reload")]
pub async fn knowledge_reload(ctx: Context<'_>) -> Result<(), Error> {
    let live = std::sync::Arc::clone(&ctx.data().knowledge);
    let report = match tokio::task::spawn_blocking(move || live.reload()).await? {
        Ok(roles) => format!("Reloaded: {roles} roles are in service."),
        Err(error) => {
            ctx.data().metrics.reload_failed();
            log_refused(&error);
            match error {
                LoadError::Invalid { problems } => format!(
                    "Not reloaded; the last good knowledge stays in service.\n{}",
                    problem_report(&problems)
                ),
                other => format!("Not reloaded ({other}); the last good knowledge stays in service."),
            }
        }
    };
    say(ctx, &report).await
}

/// The first problems in a code block, and how many more there are.
fn problem_report(problems: &[impl ToString]) -> String {
    let shown: Vec<String> = problems
        .iter()
        .take(SHOWN_PROBLEMS)
        .map(ToString::to_string)
        .collect();
    let more = problems.len().saturating_sub(shown.len());
    let mut text = format!("{} problem(s):\n```\n{}\n```", problems.len(), shown.join("\n"));
    if more > 0 {
        text.push_str(&format!(
            "…and {more} more; run `rolecall check` to see them all."
        ));
    }
    text
}
