//! The single error handler: users get a short private message that says what to do, the
//! log gets the details. No interaction is left without a response.

use poise::{CreateReply, FrameworkError};

use crate::discord::events::private_note;
use crate::discord::render::no_pings;
use crate::discord::types::{Context, Data, Error};

/// Handles every error poise reports, from commands, checks, argument parsing and events.
pub async fn on_error(error: FrameworkError<'_, Data, Error>) {
    match error {
        FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().name, error = %format!("{error:#}"), "command failed");
            tell(
                ctx,
                "Sorry, something went wrong while answering. Please try again in a moment.",
            )
            .await;
        }
        FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(event = event.snake_case_name(), error = %format!("{error:#}"), "event handler failed");
        }
        FrameworkError::CommandCheckFailed { ctx, .. } => {
            tracing::debug!(id = ctx.id(), "ignored an interaction that was already answered");
        }
        FrameworkError::ArgumentParse { error, ctx, .. } => {
            tracing::warn!(command = %ctx.command().name, error = %error, "could not read a command's options");
            tell(
                ctx,
                "I could not read the options of that command. Please pick them from Discord's lists and try again.",
            )
            .await;
        }
        FrameworkError::NotAnOwner { ctx, .. } => {
            tell(ctx, "Only the bot's owner can use this command.").await;
        }
        FrameworkError::CommandStructureMismatch { description, ctx, .. } => {
            tracing::warn!(command = %ctx.command().name, description, "a command's options do not match this version");
            tell(poise::Context::Application(ctx), OLDER_VERSION).await;
        }
        FrameworkError::UnknownInteraction {
            interaction,
            framework,
            ..
        } => {
            tracing::warn!(command = %interaction.data.name, "an interaction for a command this version does not have");
            let note = private_note(OLDER_VERSION);
            if let Err(error) = interaction
                .create_response(&framework.serenity_context.http, note)
                .await
            {
                tracing::warn!(error = %error, "could not tell the member about an unknown command");
            }
        }
        FrameworkError::Setup { error, .. } => {
            tracing::error!(error = %format!("{error:#}"), "setup failed");
        }
        other => {
            tracing::warn!(error = %other, "a framework error");
            // Every interaction gets a response, whatever went wrong with it.
            if let Some(ctx) = other.ctx() {
                tell(ctx, "Sorry, I could not run that command. Please try again.").await;
            }
        }
    }
}

/// The note for a command this version cannot read: one it does not have, or options that
/// do not fit its definition (an older version's, or values Discord did not resolve).
pub const OLDER_VERSION: &str = "I could not read that command; it may be from an older version of rolecall. Please run it again from Discord's command list.";

/// Sends `text` to the member who ran the command, privately; a failure is only logged.
async fn tell(ctx: Context<'_>, text: &str) {
    let reply = CreateReply::default()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(no_pings());
    if let Err(error) = ctx.send(reply).await {
        tracing::warn!(error = %error, "could not tell the member about an error");
    }
}
