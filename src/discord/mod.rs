//! The Discord adapter: the only module that knows about serenity and poise.
//!
//! It connects to the gateway, registers the slash commands, and turns interactions and
//! messages into engine calls and rendered replies. Everything it says comes from the
//! engine; nothing here decides what an answer is.

pub mod admin;
pub mod commands;
pub mod events;
pub mod limits;
pub mod markup;
pub mod render;
pub mod send;
pub mod state;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use serenity::all::{ClientBuilder, GatewayIntents, GuildId, HttpBuilder};

use crate::config::Config;
use crate::engine::Engine;
use crate::metrics::Metrics;
use crate::store::Store;

pub use crate::discord::state::Data;

/// The error type of command and event handlers.
pub type Error = anyhow::Error;
/// The poise context the commands receive.
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// Runs the bot until it is stopped by SIGINT/SIGTERM, or fails.
pub async fn run(config: Config, engine: Engine, store: Store) -> anyhow::Result<()> {
    let store = Arc::new(store);
    let metrics = Arc::new(Metrics::default());
    if let Some(addr) = config.metrics_addr {
        crate::metrics::serve(addr, Arc::clone(&metrics), Arc::clone(&store)).await?;
    }
    let token = config.token.clone().context("DISCORD_TOKEN is not set")?;
    let mut http = HttpBuilder::new(token.expose()).default_allowed_mentions(render::no_pings());
    if let Some(url) = &config.api_url {
        // serenity's rate limiter ignores the proxy setting, so a custom API URL needs it off.
        http = http.proxy(url.clone()).ratelimiter_disabled(true);
    }
    let guild_id = config.guild_id.map(GuildId::new);
    let setup_error: Arc<Mutex<Option<String>>> = Arc::default();
    let setup_error_slot = Arc::clone(&setup_error);
    match store.migrate().await {
        Ok(()) => tracing::info!("settings database ready"),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "settings database unavailable; answering with default settings until it is back")
        }
    }
    let engine = state::EngineCell::new(engine);
    admin::watch_knowledge(engine.clone(), config.knowledge_dir.clone(), Arc::clone(&metrics));
    let setup_metrics = Arc::clone(&metrics);
    let usage = Arc::new(state::Usage::new(Arc::clone(&store)));
    let flusher = Arc::clone(&usage);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
            flusher.flush().await;
        }
    });
    let data = Data::new(
        engine,
        config.knowledge_dir.clone(),
        store,
        metrics,
        Arc::clone(&usage),
    );
    let owners: HashSet<serenity::all::UserId> = config.owner_ids.iter().map(|id| (*id).into()).collect();
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            owners,
            on_error: |error| Box::pin(on_error(error)),
            // A replayed interaction (after a gateway resume) is answered only once.
            command_check: Some(|ctx| Box::pin(claim_interaction(ctx))),
            event_handler: |framework, event| {
                Box::pin(events::handle(
                    framework.serenity_context,
                    event,
                    framework.user_data,
                ))
            },
            allowed_mentions: Some(render::no_pings()),
            prefix_options: poise::PrefixFrameworkOptions {
                mention_as_prefix: false,
                ..Default::default()
            },
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                // READY itself starts this setup, so the event handler never sees it.
                setup_metrics.gateway_ready();
                let registered = register(ctx, commands, guild_id).await;
                if let Err(error) = registered {
                    let message = format!("registering slash commands failed: {error}");
                    *setup_error_slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(message.clone());
                    framework.shard_manager().shutdown_all().await;
                    anyhow::bail!(message);
                }
                tracing::info!(
                    user = %ready.user.name,
                    guilds = ready.guilds.len(),
                    scope = if guild_id.is_some() { "guild" } else { "global" },
                    "connected and commands registered"
                );
                Ok(data)
            })
        })
        .build();
    let mut intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if config.message_content {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    // The bot needs guilds and channels (to check settings); caching every user and
    // message it sees would only make memory grow with traffic.
    let mut cache = serenity::all::Settings::default();
    cache.cache_users = false;
    cache.max_messages = 0;
    let mut client = ClientBuilder::new_with_http(http.build(), intents)
        .cache_settings(cache)
        .framework(framework)
        .await
        .context("building the Discord client")?;
    let shards = Arc::clone(&client.shard_manager);
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        shards.shutdown_all().await;
    });
    let final_flush = Arc::clone(&usage);
    let result = match config.shards {
        Some(shards) => {
            client
                .start_shard_range(shards.first..shards.last, shards.total)
                .await
        }
        None => client.start_autosharded().await,
    };
    final_flush.flush().await;
    if let Some(message) = setup_error.lock().unwrap_or_else(|e| e.into_inner()).take() {
        anyhow::bail!(message);
    }
    result.map_err(explain_start_error)
}

/// Registers the commands globally, or in one guild (instant, for trying the bot out).
async fn register(
    ctx: &serenity::all::Context,
    commands: &[poise::Command<Data, Error>],
    guild: Option<GuildId>,
) -> anyhow::Result<()> {
    let mut body = serde_json::to_value(poise::builtins::create_application_commands(commands))?;
    // serenity writes permission sets as strings; Discord's API schema describes
    // `default_member_permissions` as an integer, so send it as one.
    for command in body.as_array_mut().into_iter().flatten() {
        let permissions = command
            .get("default_member_permissions")
            .and_then(|p| p.as_str()?.parse::<u64>().ok());
        if let Some(permissions) = permissions {
            command["default_member_permissions"] = permissions.into();
        }
    }
    match guild {
        Some(guild) => ctx.http.create_guild_commands(guild, &body).await?,
        None => ctx.http.create_global_commands(&body).await?,
    };
    Ok(())
}

/// Marks an invocation's interaction as taken; false if it was already answered. poise
/// runs the check for each level of a subcommand, so the claim is kept per invocation.
async fn claim_interaction(ctx: Context<'_>) -> Result<bool, Error> {
    struct Claimed;
    if ctx.invocation_data::<Claimed>().await.is_some() {
        return Ok(true);
    }
    let first = ctx.data().first_time(ctx.id());
    if first {
        ctx.set_invocation_data(Claimed).await;
    }
    Ok(first)
}

/// Turns serenity's start-up errors into a message that says what to fix.
fn explain_start_error(error: serenity::Error) -> anyhow::Error {
    use serenity::all::{GatewayError, HttpError};
    let rejected = match &error {
        serenity::Error::Gateway(GatewayError::InvalidAuthentication) => true,
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
            response.status_code.as_u16() == 401
        }
        _ => false,
    };
    if rejected {
        anyhow::anyhow!("Discord rejected DISCORD_TOKEN; copy a fresh token from the Developer Portal (Bot → Reset Token)")
    } else if matches!(
        error,
        serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents)
    ) {
        anyhow::anyhow!(
            "Discord refused the MESSAGE_CONTENT intent; enable it in the Developer Portal (Bot → Privileged Gateway Intents) or unset DISCORD_MESSAGE_CONTENT"
        )
    } else {
        anyhow::Error::new(error).context("the Discord connection failed")
    }
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// The single error handler: users see a short apology, the log gets the details.
async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().name, error = %format!("{error:#}"), "command failed");
            let apology = poise::CreateReply::default()
                .content("Sorry, something went wrong while answering. Please try again in a moment.")
                .ephemeral(true)
                .allowed_mentions(render::no_pings());
            let _ = ctx.send(apology).await;
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(event = event.snake_case_name(), error = %format!("{error:#}"), "event handler failed");
        }
        poise::FrameworkError::CommandCheckFailed { ctx, .. } => {
            tracing::debug!(id = ctx.id(), "ignored an interaction that was already answered");
        }
        poise::FrameworkError::ArgumentParse { error, ctx, .. } => {
            tracing::warn!(command = %ctx.command().name, error = %error, "could not read a command's options");
            let reply = poise::CreateReply::default()
                .content("I could not read the options of that command. Please pick them from Discord's lists and try again.")
                .ephemeral(true)
                .allowed_mentions(render::no_pings());
            let _ = ctx.send(reply).await;
        }
        poise::FrameworkError::NotAnOwner { ctx, .. } => {
            let refusal = poise::CreateReply::default()
                .content("Only the bot's owner can use this command.")
                .ephemeral(true)
                .allowed_mentions(render::no_pings());
            let _ = ctx.send(refusal).await;
        }
        poise::FrameworkError::Setup { error, .. } => {
            tracing::error!(error = %format!("{error:#}"), "setup failed");
        }
        other => {
            tracing::warn!(error = %other, "ignored a framework error");
        }
    }
}
