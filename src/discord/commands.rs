//! The question commands (`/compare`, `/role`, `/ask`, `/path`, `/roles`, `/help`) and the
//! "Ask rolecall" message menu.
//!
//! Each command only translates: its options become a [`Question`] for the pipeline in
//! `ask.rs`, and the [`Outcome`] becomes the interaction's response.

use std::borrow::Cow;

use poise::{ChoiceParameter, CommandParameterChoice, CreateReply};
use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse, Message};

use crate::discord::ask::{Asker, Outcome, Question, Via};
use crate::discord::render::{self, no_pings, Reply};
use crate::discord::types::{Context, Data, Error};
use crate::discord::{admin, limits, send};
use crate::engine::aspect::Aspect;

/// An aspect picked from a command's choice list; the choices are [`Aspect::ALL`], labelled
/// by their headings, so the list follows the engine's aspects.
#[derive(Debug, Clone, Copy)]
pub struct AspectChoice(pub Aspect);

impl ChoiceParameter for AspectChoice {
    fn list() -> Cow<'static, [CommandParameterChoice]> {
        Aspect::ALL
            .iter()
            .map(|aspect| CommandParameterChoice {
                name: Cow::Borrowed(aspect.heading()),
                localizations: Cow::Borrowed(&[]),
                // poise's own derive fills this marker field the same way.
                __non_exhaustive: (),
            })
            .collect()
    }

    fn from_index(index: usize) -> Option<AspectChoice> {
        Aspect::ALL.get(index).copied().map(AspectChoice)
    }

    fn from_name(name: &str) -> Option<AspectChoice> {
        Aspect::parse(name).map(AspectChoice)
    }

    fn name(&self) -> &'static str {
        self.0.heading()
    }

    fn localized_name(&self, _locale: &str) -> Option<&'static str> {
        None
    }
}

/// Every command, in the order they are registered.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        compare(),
        role(),
        ask(),
        path(),
        roles(),
        help(),
        ask_about_message(),
        admin::config::config(),
        admin::stats::stats(),
        admin::knowledge::knowledge(),
    ]
}

/// Compare two roles side by side
#[poise::command(slash_command)]
pub async fn compare(
    ctx: Context<'_>,
    #[description = "The first role"]
    #[autocomplete = "autocomplete_role"]
    role_a: String,
    #[description = "The second role"]
    #[autocomplete = "autocomplete_role"]
    role_b: String,
    #[description = "What to compare (default: overview)"] aspect: Option<AspectChoice>,
) -> Result<(), Error> {
    let aspect = aspect.map_or(Aspect::Overview, |a| a.0);
    let roles = vec![role_a.as_str(), role_b.as_str()];
    answer(ctx, Question::Typed { roles, aspect }).await
}

/// One role, one aspect
#[poise::command(slash_command)]
pub async fn role(
    ctx: Context<'_>,
    #[description = "The role"]
    #[autocomplete = "autocomplete_role"]
    role: String,
    #[description = "What to show (default: overview)"] aspect: Option<AspectChoice>,
) -> Result<(), Error> {
    let aspect = aspect.map_or(Aspect::Overview, |a| a.0);
    let roles = vec![role.as_str()];
    answer(ctx, Question::Typed { roles, aspect }).await
}

/// Ask a question about job roles in your own words
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "Your question in your own words: a role, and what you want to know about it"]
    #[max_length = 1000]
    question: String,
) -> Result<(), Error> {
    let text = crate::markup::strip_markup(&question);
    answer(ctx, Question::Text(&text)).await
}

/// A role's career path: what usually leads to it and what comes after
#[poise::command(slash_command)]
pub async fn path(
    ctx: Context<'_>,
    #[description = "The role"]
    #[autocomplete = "autocomplete_role"]
    role: String,
) -> Result<(), Error> {
    answer(ctx, Question::Path(&role)).await
}

/// Answers the question in a message, as a reply to that message.
#[poise::command(context_menu_command = "Ask rolecall")]
pub async fn ask_about_message(ctx: Context<'_>, message: Message) -> Result<(), Error> {
    let text = crate::markup::strip_markup(&message.content);
    let outcome = ctx
        .data()
        .asking
        .ask(asker(ctx), Via::MessageMenu, Question::Text(&text))
        .await;
    let Outcome::Reply {
        reply,
        private: false,
    } = outcome
    else {
        return respond(ctx, outcome).await;
    };
    // A reply in the channel shows whose message it answers; if the bot may not post
    // there, the answer comes as the command's own response instead.
    match send::post(ctx.http(), message.channel_id, &reply, Some(&message)).await {
        Ok(_) => {
            let note = CreateReply::default()
                .content("Answered that message.")
                .ephemeral(true)
                .allowed_mentions(no_pings());
            ctx.send(note).await?;
            Ok(())
        }
        Err(error) => {
            tracing::debug!(error = %error, "could not reply in the channel");
            respond(
                ctx,
                Outcome::Reply {
                    reply,
                    private: false,
                },
            )
            .await
        }
    }
}

/// List every role I know
#[poise::command(slash_command)]
pub async fn roles(ctx: Context<'_>) -> Result<(), Error> {
    let reply = render::roles_page(&ctx.data().knowledge.engine(), 0);
    respond_with(ctx, &reply, false).await
}

/// What you can ask, with examples
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let reply = render::help(&ctx.data().knowledge.engine());
    respond_with(ctx, &reply, false).await
}

/// Autocomplete for role options: the best fuzzy matches, by name.
pub async fn autocomplete_role(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let choices = ctx
        .data()
        .asking
        .suggest(partial, limits::CHOICES)
        .into_iter()
        .map(|(name, id)| AutocompleteChoice::new(render::fit(&name, limits::CHOICE_NAME), id))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// Asks the pipeline and sends the outcome as the command's response.
async fn answer(ctx: Context<'_>, question: Question<'_>) -> Result<(), Error> {
    let outcome = ctx.data().asking.ask(asker(ctx), Via::Command, question).await;
    respond(ctx, outcome).await
}

fn asker(ctx: Context<'_>) -> Asker {
    Asker {
        user: ctx.author().id.get(),
        guild: ctx.guild_id().map(|g| g.get()),
        channel: ctx.channel_id().get(),
    }
}

/// Sends an outcome as the command's response. Every interaction needs a response, so a
/// cooldown is said (privately) each time.
async fn respond(ctx: Context<'_>, outcome: Outcome) -> Result<(), Error> {
    match outcome {
        Outcome::Reply { reply, private } => respond_with(ctx, &reply, private).await,
        Outcome::Cooldown { seconds, .. } => {
            let note = CreateReply::default()
                .content(render::cooldown_note(seconds))
                .ephemeral(true)
                .allowed_mentions(no_pings());
            ctx.send(note).await?;
            Ok(())
        }
        Outcome::Ignore => Ok(()),
    }
}

/// Sends `reply` (with its chart, if any) as the interaction's response.
async fn respond_with(ctx: Context<'_>, reply: &Reply, private: bool) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        anyhow::bail!("rolecall registers no prefix commands");
    };
    let interaction = (app.interaction.id, app.interaction.token.as_str());
    send::respond(ctx.http(), interaction, send::CHANNEL_MESSAGE, reply, private).await?;
    app.has_sent_initial_response
        .store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}
