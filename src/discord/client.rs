//! Connecting to Discord: the HTTP client, intents, the poise framework and its options,
//! command registration, the shards this process runs, and a clean shutdown on
//! SIGINT/SIGTERM: no new events, the ones being handled finish (for at most
//! [`DRAIN_LIMIT`]), usage counts are written, and only then is the gateway closed (1000).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use serenity::all::{ClientBuilder, GatewayIntents, GuildId, HttpBuilder, UserId};

use crate::config::Config;
use crate::discord::ask::Asking;
use crate::discord::types::{Context, Data, Error};
use crate::discord::usage::Usage;
use crate::discord::{commands, errors, events, heartbeat, render};
use crate::live_knowledge::LiveKnowledge;
use crate::metrics::Metrics;
use crate::store::Store;

/// Runs the bot until it is stopped by SIGINT/SIGTERM, or fails.
///
/// # Errors
/// The token is missing or rejected, an intent is refused, registering the commands failed,
/// or the metrics address cannot be bound.
pub async fn run(config: Config, knowledge: LiveKnowledge, store: Store) -> anyhow::Result<()> {
    let store = Arc::new(store);
    let knowledge = Arc::new(knowledge);
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
    match store.migrate().await {
        Ok(()) => tracing::info!("settings database ready"),
        Err(error) => {
            tracing::error!(error = %format!("{error:#}"), "settings database unavailable; answering with default settings until it is back")
        }
    }
    let reload_metrics = Arc::clone(&metrics);
    knowledge.watch(move |outcome| {
        if outcome.is_err() {
            reload_metrics.reload_failed();
        }
    });
    let data = Data {
        asking: Asking::new(Arc::clone(&knowledge), Arc::clone(&store), Arc::clone(&metrics)),
        knowledge,
        store,
        metrics,
    };
    let usage = Arc::clone(data.asking.usage());
    usage.flush_periodically();
    let store = Arc::clone(&data.store);
    let setup_error: Arc<Mutex<Option<String>>> = Arc::default();
    let framework = Tracked {
        framework: framework(&config, data, Arc::clone(&setup_error)),
        handlers: Arc::default(),
    };
    let handlers = Arc::clone(&framework.handlers);
    let mut client = ClientBuilder::new_with_http(http.build(), intents(&config))
        .cache_settings(cache_settings())
        .framework(framework)
        .await
        .context("building the Discord client")?;
    let shards = Arc::clone(&client.shard_manager);
    heartbeat::watch(Arc::clone(&shards));
    let flushed = Arc::clone(&usage);
    tokio::spawn(async move {
        shutdown_signal().await;
        shut_down(&handlers, &flushed).await;
        shards.shutdown_all().await;
    });
    let result = match config.shards {
        Some(shards) => {
            client
                .start_shard_range(shards.first..shards.last, shards.total)
                .await
        }
        None => client.start_autosharded().await,
    };
    usage.flush().await;
    store.close().await;
    if let Some(message) = setup_error.lock().unwrap_or_else(|e| e.into_inner()).take() {
        anyhow::bail!(message);
    }
    result.map_err(explain_start_error)
}

/// The poise framework: commands, the one error handler, the event handler, and the setup
/// that registers the commands when the first shard is ready. A failed registration is put
/// in `setup_error` and stops every shard.
fn framework(
    config: &Config,
    data: Data,
    setup_error: Arc<Mutex<Option<String>>>,
) -> poise::Framework<Data, Error> {
    let guild_id = config.guild_id.map(GuildId::new);
    let owners: HashSet<UserId> = config.owner_ids.iter().map(|id| UserId::new(*id)).collect();
    poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            owners,
            on_error: |error| Box::pin(errors::on_error(error)),
            // A replayed interaction (after a gateway resume) is answered only once.
            command_check: Some(|ctx| Box::pin(take_interaction(ctx))),
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
                // READY itself starts this setup, so the event handler never sees it.
                data.metrics.gateway_ready();
                if let Err(error) = register(ctx, &framework.options().commands, guild_id).await {
                    let message = format!("registering slash commands failed: {error}");
                    *setup_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(message.clone());
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
        .build()
}

/// The gateway intents: servers and their channels, messages in servers and DMs, and the
/// privileged MESSAGE_CONTENT only when configured.
fn intents(config: &Config) -> GatewayIntents {
    let mut intents =
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES;
    if config.message_content {
        intents |= GatewayIntents::MESSAGE_CONTENT;
    }
    intents
}

/// The bot needs servers and channels (to check settings); caching every user and message
/// it sees would only make memory grow with traffic.
fn cache_settings() -> serenity::all::Settings {
    let mut cache = serenity::all::Settings::default();
    cache.cache_users = false;
    cache.max_messages = 0;
    cache
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

/// Takes an invocation's interaction; false if it was already answered. poise runs the
/// check for each level of a subcommand, so the interaction is taken once per invocation.
async fn take_interaction(ctx: Context<'_>) -> Result<bool, Error> {
    struct Taken;
    if ctx.invocation_data::<Taken>().await.is_some() {
        return Ok(true);
    }
    let first = ctx.data().asking.take_event(ctx.id());
    if first {
        ctx.set_invocation_data(Taken).await;
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

/// How long a shutdown waits for the events being handled.
pub const DRAIN_LIMIT: Duration = Duration::from_secs(5);

/// The first half of a shutdown, while the gateway is still open: stop taking events, let
/// the ones being handled finish (their replies are sent and their usage counted), and
/// write the usage counts.
async fn shut_down(handlers: &Handlers, usage: &Usage) {
    tracing::info!("shutting down: taking no new events; finishing the ones being handled");
    let left = handlers.drain(DRAIN_LIMIT).await;
    if left > 0 {
        tracing::warn!(left, limit = ?DRAIN_LIMIT, "events still being handled at shutdown; not waiting longer");
    }
    usage.flush().await;
    tracing::info!("usage counts written; closing the gateway");
}

/// The poise framework, with each event counted while it is handled so that a shutdown
/// can wait for it, and events arriving during a shutdown left alone.
struct Tracked {
    framework: poise::Framework<Data, Error>,
    handlers: Arc<Handlers>,
}

#[serenity::async_trait]
impl serenity::framework::Framework for Tracked {
    async fn init(&mut self, client: &serenity::all::Client) {
        self.framework.init(client).await;
    }

    async fn dispatch(&self, ctx: serenity::all::Context, event: serenity::all::FullEvent) {
        let Some(_handling) = self.handlers.start() else {
            tracing::debug!(
                event = event.snake_case_name(),
                "shutting down; event not handled"
            );
            return;
        };
        self.framework.dispatch(ctx, event).await;
    }
}

/// How many events are being handled, and whether new ones are still taken.
#[derive(Default)]
struct Handlers {
    closing: AtomicBool,
    running: AtomicUsize,
    idle: tokio::sync::Notify,
}

/// One event being handled; dropping it ends the handling.
struct Handling<'a>(&'a Handlers);

impl Drop for Handling<'_> {
    fn drop(&mut self) {
        if self.0.running.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Handlers {
    /// Counts an event as being handled, or `None` once a shutdown began.
    fn start(&self) -> Option<Handling<'_>> {
        self.running.fetch_add(1, Ordering::SeqCst);
        let handling = Handling(self);
        (!self.closing.load(Ordering::SeqCst)).then_some(handling)
    }

    /// Takes no new events and waits up to `limit` for the running ones; returns how many
    /// are still running.
    async fn drain(&self, limit: Duration) -> usize {
        self.closing.store(true, Ordering::SeqCst);
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            // Created before the count is read, so a wake-up in between is not missed.
            let idle = self.idle.notified();
            let running = self.running.load(Ordering::SeqCst);
            if running == 0 || tokio::time::timeout_at(deadline, idle).await.is_err() {
                return self.running.load(Ordering::SeqCst);
            }
        }
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = match signal(SignalKind::terminate()) {
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
