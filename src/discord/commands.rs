//! The slash commands: `/compare`, `/role`, `/ask`, `/roles`, `/help`.
//!
//! Each command only turns its options into an engine call and sends the rendered reply;
//! the answering itself lives in the engine.

use std::time::Instant;

use poise::CreateReply;
use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse};

use crate::discord::render::{self, no_pings, Reply};
use crate::discord::send;
use crate::discord::state::CooldownCheck;
use crate::discord::{admin, Context, Error};
use crate::engine::answer::Answer;
use crate::engine::aspect::Aspect;
use crate::engine::{Aliases, Engine};

/// The aspects offered as a choice list.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum AspectChoice {
    Overview,
    Duties,
    Requirements,
    #[name = "Work environment"]
    Environment,
    Skills,
    Salary,
}

impl From<AspectChoice> for Aspect {
    fn from(choice: AspectChoice) -> Aspect {
        match choice {
            AspectChoice::Overview => Aspect::Overview,
            AspectChoice::Duties => Aspect::Duties,
            AspectChoice::Requirements => Aspect::Requirements,
            AspectChoice::Environment => Aspect::Environment,
            AspectChoice::Skills => Aspect::Skills,
            AspectChoice::Salary => Aspect::Salary,
        }
    }
}

/// Every command, in the order they are registered.
pub fn all() -> Vec<poise::Command<crate::discord::Data, Error>> {
    vec![
        compare(),
        role(),
        ask(),
        path(),
        roles(),
        help(),
        ask_about_message(),
        admin::config(),
        admin::stats(),
        admin::knowledge(),
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
    let aspect = aspect.map_or(Aspect::Overview, Aspect::from);
    answer_question(ctx, |engine, aliases| {
        match (
            resolve(engine, aliases, &role_a, aspect),
            resolve(engine, aliases, &role_b, aspect),
        ) {
            (Ok(a), Ok(b)) => engine
                .answer_about(&[&a, &b], aspect)
                .expect("resolved ids are known"),
            (Err(unknown), _) | (_, Err(unknown)) => *unknown,
        }
    })
    .await
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
    let aspect = aspect.map_or(Aspect::Overview, Aspect::from);
    answer_question(ctx, |engine, aliases| {
        match resolve(engine, aliases, &role, aspect) {
            Ok(id) => engine
                .answer_about(&[&id], aspect)
                .expect("resolved ids are known"),
            Err(unknown) => *unknown,
        }
    })
    .await
}

/// Ask a question about job roles in your own words
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "For example: how much does a line producer earn?"]
    #[max_length = 1000]
    question: String,
) -> Result<(), Error> {
    tracing::debug!(text = %question, "question from /ask");
    answer_question(ctx, |engine, aliases| {
        engine.answer_with(&question, Some(aliases))
    })
    .await
}

/// A role's career path: what usually leads to it and what comes after
#[poise::command(slash_command)]
pub async fn path(
    ctx: Context<'_>,
    #[description = "The role"]
    #[autocomplete = "autocomplete_role"]
    role: String,
) -> Result<(), Error> {
    answer_question(ctx, |engine, aliases| {
        match resolve(engine, aliases, &role, Aspect::Overview) {
            Ok(id) => engine.path_of(&id).expect("resolved ids are known"),
            Err(unknown) => *unknown,
        }
    })
    .await
}

/// Answers the question in a message, as a reply to that message.
#[poise::command(context_menu_command = "Ask rolecall")]
pub async fn ask_about_message(ctx: Context<'_>, message: serenity::all::Message) -> Result<(), Error> {
    let started = std::time::Instant::now();
    let data = ctx.data();
    let server = data.server(ctx.guild_id()).await;
    let engine = data.engine();
    let answer = engine.answer_with(&message.content, Some(&server.aliases));
    let mut reply = render::answer(&engine, &answer);
    render::add_delete_button(&mut reply, ctx.author().id.get());
    // A reply in the channel shows whose message it answers; if the bot may not post
    // there, the answer comes as the command's own response instead.
    match send::post(ctx.http(), message.channel_id, &reply, Some(&message)).await {
        Ok(_) => {
            let note = CreateReply::default()
                .content("Answered that message.")
                .ephemeral(true);
            ctx.send(note.allowed_mentions(no_pings())).await?;
        }
        Err(error) => {
            tracing::debug!(error = %error, "could not reply in the channel");
            respond(ctx, &reply, false).await?;
        }
    }
    data.finish(ctx.guild_id(), "context_menu", &answer, started);
    Ok(())
}

/// List every role I know
#[poise::command(slash_command)]
pub async fn roles(ctx: Context<'_>) -> Result<(), Error> {
    let engine = ctx.data().engine();
    reply(ctx, render::roles_page(&engine, 0), false).await
}

/// What you can ask, with examples
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let engine = ctx.data().engine();
    reply(ctx, render::help(&engine), false).await
}

/// Autocomplete for role options: the best 25 fuzzy matches, by name.
pub async fn autocomplete_role(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
    let engine = ctx.data().engine();
    let choices = engine
        .suggest(partial, 25)
        .into_iter()
        .map(|role| AutocompleteChoice::new(render::fit(&role.name, 100), role.id.clone()))
        .collect();
    CreateAutocompleteResponse::new().set_choices(choices)
}

/// A role option's value: an id picked from autocomplete, or text typed by hand. Text
/// that names no single role becomes the "did you mean" answer to send instead.
fn resolve(engine: &Engine, aliases: &Aliases, typed: &str, aspect: Aspect) -> Result<String, Box<Answer>> {
    engine.resolve_role(typed, Some(aliases), aspect)
}

/// Answers a question command: applies the server's cooldown and aliases, and replies
/// publicly or privately as the server chose.
async fn answer_question(
    ctx: Context<'_>,
    build: impl FnOnce(&Engine, &Aliases) -> Answer,
) -> Result<(), Error> {
    let started = Instant::now();
    let data = ctx.data();
    let server = data.server(ctx.guild_id()).await;
    let cooldown = data.cooldown(
        ctx.guild_id(),
        ctx.author().id.get(),
        server.settings.cooldown_secs,
    );
    if cooldown != CooldownCheck::Ready {
        // Every interaction needs a response; this one is seen by the asker alone.
        let seconds = if let CooldownCheck::Wait { seconds } = cooldown {
            seconds
        } else {
            1
        };
        let note = CreateReply::default()
            .content(render::cooldown_note(seconds))
            .ephemeral(true)
            .allowed_mentions(no_pings());
        ctx.send(note).await?;
        return Ok(());
    }
    let engine = data.engine();
    let answer = build(&engine, &server.aliases);
    let mut rendered = render::answer(&engine, &answer);
    let private = server.settings.private_replies;
    if !private {
        render::add_delete_button(&mut rendered, ctx.author().id.get());
    }
    let result = respond(ctx, &rendered, private).await;
    data.finish(ctx.guild_id(), "slash", &answer, started);
    result
}

/// Sends an answer as the command's response (with its chart, if any).
async fn respond(ctx: Context<'_>, reply: &Reply, private: bool) -> Result<(), Error> {
    match ctx {
        poise::Context::Application(app) => {
            let interaction = (app.interaction.id, app.interaction.token.as_str());
            send::respond(ctx.http(), interaction, send::CHANNEL_MESSAGE, reply, private).await?;
            app.has_sent_initial_response
                .store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        }
        poise::Context::Prefix(_) => self::reply(ctx, reply.clone(), private).await,
    }
}

async fn reply(ctx: Context<'_>, reply: Reply, private: bool) -> Result<(), Error> {
    let mut message = CreateReply::default()
        .allowed_mentions(no_pings())
        .components(reply.components.clone())
        .ephemeral(private);
    for file in reply.files() {
        message = message.attachment(file);
    }
    for embed in reply.embeds {
        message = message.embed(embed);
    }
    if !reply.content.is_empty() {
        message = message.content(reply.content);
    }
    ctx.send(message).await?;
    Ok(())
}
