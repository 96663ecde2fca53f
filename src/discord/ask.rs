//! The one way a question becomes a reply on Discord.
//!
//! Slash commands, the "Ask rolecall" message menu, messages (DMs, mentions, answer
//! channels) and clicks on answers all come here, translated into an [`Asker`], a [`Via`]
//! and a [`Question`]. Here, and only here, the server's settings and aliases, the
//! members' cooldown, the engine, usage counts, metrics and the "answered" log line are
//! applied; what comes back is an [`Outcome`] for the caller to deliver.

use std::sync::Arc;
use std::time::Instant;

use moka::sync::Cache;

use crate::discord::cooldown::{CooldownCheck, Cooldowns};
use crate::discord::custom_id::RoleRef;
use crate::discord::render::{self, Reply};
use crate::discord::seen::SeenEvents;
use crate::discord::server_settings::{ServerSettings, ServerView};
use crate::discord::usage::Usage;
use crate::engine::answer::{Answer, Status};
use crate::engine::aspect::Aspect;
use crate::engine::follow_up::{Previous, FOLLOW_UP_WINDOW};
use crate::engine::Engine;
use crate::live_knowledge::LiveKnowledge;
use crate::metrics::Metrics;
use crate::store::Store;

/// Who asks, in which server (`None` in DMs) and in which channel (or DM channel).
#[derive(Debug, Clone, Copy)]
pub struct Asker {
    pub user: u64,
    pub guild: Option<u64>,
    pub channel: u64,
}

/// How a question reached the bot, which decides whether it is for the bot and how the
/// reply goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A slash command (`/ask`, `/role`, `/compare`, `/path`).
    Command,
    /// The "Ask rolecall" message menu.
    MessageMenu,
    /// A message in `channel`; in a server it is for the bot when it `mentioned` the bot,
    /// or in an answer channel, or anywhere when the server does not require a mention.
    Message { channel: u64, mentioned: bool },
    /// A click on the aspect menu or a button under an earlier answer; `delete_owner` is the
    /// member that answer's delete button belongs to, if it has one.
    Component { delete_owner: Option<u64> },
}

/// What is asked.
#[derive(Debug, Clone)]
pub enum Question<'a> {
    /// Free text, with Discord's markup already removed.
    Text(&'a str),
    /// Roles as typed in command options (names, or ids picked from autocomplete), on one
    /// aspect.
    Typed { roles: Vec<&'a str>, aspect: Aspect },
    /// The career path of a role typed in a command option.
    Path(&'a str),
    /// Roles named by a component's custom id, on one aspect.
    Known { roles: Vec<RoleRef>, aspect: Aspect },
}

/// What to do about a question.
#[derive(Debug)]
pub enum Outcome {
    /// Send `reply`; `private` means only the asker may see it (ephemeral, or a DM for
    /// messages).
    Reply { reply: Reply, private: bool },
    /// The asker must wait `seconds` more; `told` when they were already told so in this
    /// cooldown window.
    Cooldown { seconds: u64, told: bool },
    /// Not a question for the bot: a chat line in a channel it answers without a mention.
    Ignore,
}

/// Everything answering needs, shared by every handler.
pub struct Asking {
    knowledge: Arc<LiveKnowledge>,
    metrics: Arc<Metrics>,
    /// Each server's settings; admin commands refresh a server's entry after a change.
    pub servers: ServerSettings,
    cooldowns: Cooldowns,
    seen: SeenEvents,
    usage: Arc<Usage>,
    /// The last answered question per (member, channel), for follow-ups.
    previous: Cache<(u64, u64), Previous>,
}

/// How many (member, channel) places keep their last question at most.
const FOLLOW_UP_PLACES: u64 = 100_000;

impl Asking {
    /// Answering from `knowledge`, with settings and usage counts in `store`.
    pub fn new(knowledge: Arc<LiveKnowledge>, store: Arc<Store>, metrics: Arc<Metrics>) -> Asking {
        Asking {
            servers: ServerSettings::new(Arc::clone(&store), Arc::clone(&knowledge)),
            usage: Arc::new(Usage::new(store)),
            knowledge,
            metrics,
            cooldowns: Cooldowns::default(),
            seen: SeenEvents::default(),
            previous: Cache::builder()
                .max_capacity(FOLLOW_UP_PLACES)
                .time_to_live(FOLLOW_UP_WINDOW)
                .build(),
        }
    }

    /// The buffered usage counts, to flush periodically and at shutdown.
    pub fn usage(&self) -> &Arc<Usage> {
        &self.usage
    }

    /// True the first time the event (interaction or message) `id` is taken; false when
    /// Discord delivers it again. Every event that can be answered is taken once, where it
    /// arrives: commands in the framework's command check, messages and components in the
    /// event handler.
    pub fn take_event(&self, id: u64) -> bool {
        self.seen.take(id)
    }

    /// Answers `question` from `asker`, arrived `via`.
    pub async fn ask(&self, asker: Asker, via: Via, question: Question<'_>) -> Outcome {
        let started = Instant::now();
        let server = self.servers.get(asker.guild).await;
        let Some(source) = Source::of(asker, via, &server) else {
            return Outcome::Ignore;
        };
        if let Question::Text(text) = &question {
            tracing::debug!(text, source = source.name(), "question");
        }
        let engine = self.knowledge.engine();
        let place = (asker.user, asker.channel);
        // Only free text can follow up on an earlier question.
        let previous = matches!(question, Question::Text(_))
            .then(|| self.previous.get(&place))
            .flatten();
        let Some(answer) = compose(&engine, &server, question, previous.as_ref()) else {
            return Outcome::Reply {
                reply: render::role_gone(&engine),
                private: false,
            };
        };
        if !source.wants(&answer, server.settings.require_mention) {
            return Outcome::Ignore;
        }
        if source != Source::Button {
            let cooldown = server.settings.cooldown_secs;
            if let CooldownCheck::Wait { seconds, told } =
                self.cooldowns.check(asker.guild, asker.user, cooldown)
            {
                return Outcome::Cooldown { seconds, told };
            }
        }
        let private = server.settings.private_replies && !matches!(source, Source::Dm | Source::Button);
        let mut reply = render::answer(&engine, &answer);
        let delete_owner = match via {
            Via::Component { delete_owner } => delete_owner,
            _ if private => None,
            _ => Some(asker.user),
        };
        if let Some(owner) = delete_owner {
            render::add_delete_button(&mut reply, owner);
        }
        if let Some(context) = Previous::of(&answer) {
            self.previous.insert(place, context);
        }
        self.record(asker.guild, source, &answer, started);
        Outcome::Reply { reply, private }
    }

    /// Roles that fit a partly typed name, best first, as (name, id) pairs: autocomplete,
    /// and role options typed by hand.
    pub fn suggest(&self, partial: &str, limit: usize) -> Vec<(String, String)> {
        self.knowledge
            .engine()
            .suggest(partial, limit)
            .into_iter()
            .map(|role| (role.name.clone(), role.id.clone()))
            .collect()
    }

    /// Logs an answered question and counts it in the metrics and the server's usage.
    fn record(&self, guild: Option<u64>, source: Source, answer: &Answer, started: Instant) {
        let elapsed = started.elapsed();
        tracing::info!(
            guild,
            source = source.name(),
            status = answer.status.id(),
            roles = %answer.roles.join(","),
            aspect = answer.aspect.map(|a| a.id()),
            latency_us = elapsed.as_micros() as u64,
            "answered"
        );
        self.metrics.question(
            answer.status.id(),
            answer.aspect.map(|a| a.id()),
            elapsed.as_secs_f64(),
        );
        let Some(guild) = guild else { return };
        if answer.status == Status::Answered {
            if let Some(aspect) = answer.aspect {
                self.usage.add(guild, "aspect", aspect.id().to_string());
            }
            for role in &answer.roles {
                self.usage.add(guild, "role", role.clone());
            }
        }
        if let (Status::UnknownRole, Some(name)) = (answer.status, &answer.unknown_name) {
            self.usage.add(guild, "unknown", name.clone());
        }
    }
}

/// Where a question came from, as logs and the reply rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Slash,
    ContextMenu,
    Dm,
    Mention,
    /// An answer channel, or anywhere when the server does not require a mention.
    Channel,
    Button,
}

impl Source {
    /// The source of a question, or `None` when a message is not for the bot.
    fn of(asker: Asker, via: Via, server: &ServerView) -> Option<Source> {
        Some(match via {
            Via::Command => Source::Slash,
            Via::MessageMenu => Source::ContextMenu,
            Via::Component { .. } => Source::Button,
            Via::Message { .. } if asker.guild.is_none() => Source::Dm,
            Via::Message { mentioned: true, .. } => Source::Mention,
            Via::Message { channel, .. }
                if server.settings.channels.contains(&channel) || !server.settings.require_mention =>
            {
                Source::Channel
            }
            Via::Message { .. } => return None,
        })
    }

    /// Whether `answer` is worth sending: without a mention, only questions about jobs are
    /// answered, not every chat line (and outside answer channels only answered ones).
    fn wants(self, answer: &Answer, require_mention: bool) -> bool {
        match self {
            Source::Channel if require_mention => answer.status != Status::NotUnderstood,
            Source::Channel => answer.status == Status::Answered,
            _ => true,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Source::Slash => "slash",
            Source::ContextMenu => "context_menu",
            Source::Dm => "dm",
            Source::Mention => "mention",
            Source::Channel => "channel",
            Source::Button => "button",
        }
    }
}

/// The engine's answer to `question` (free text may follow up on `previous`); `None` when
/// a component names a role the knowledge no longer has.
fn compose(
    engine: &Engine,
    server: &ServerView,
    question: Question<'_>,
    previous: Option<&Previous>,
) -> Option<Answer> {
    let aliases = Some(&server.aliases);
    Some(match question {
        Question::Text(text) => engine.answer_after(text, aliases, previous),
        Question::Typed { roles, aspect } => {
            let mut ids = Vec::with_capacity(roles.len());
            for typed in roles {
                match engine.resolve_role(typed, aliases, aspect) {
                    Ok(id) => ids.push(id),
                    Err(unknown) => return Some(*unknown),
                }
            }
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            engine.answer_about(&ids, aspect)?
        }
        Question::Path(typed) => match engine.resolve_role(typed, aliases, Aspect::Overview) {
            Ok(id) => engine.path_of(&id)?,
            Err(unknown) => *unknown,
        },
        Question::Known { roles, aspect } => {
            let knowledge = engine.knowledge();
            let ids: Option<Vec<&str>> = roles.iter().map(|r| r.resolve(knowledge)).collect();
            engine.answer_about(&ids?, aspect)?
        }
    })
}
