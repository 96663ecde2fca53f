//! The slash commands: `/compare`, `/role`, `/ask`, `/roles`, `/help`.
//!
//! Each command only turns its options into an engine call and sends the rendered reply;
//! the answering itself lives in the engine.

use std::time::Instant;

use poise::CreateReply;
use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse};

use crate::discord::render::{self, no_pings, Reply};
use crate::discord::{log_answer, Context, Error};
use crate::engine::answer::{Answer, Status};
use crate::engine::aspect::Aspect;
use crate::engine::Engine;

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
    vec![compare(), role(), ask(), roles(), help()]
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
    let started = Instant::now();
    let engine = ctx.data().engine();
    let aspect = aspect.map_or(Aspect::Overview, Aspect::from);
    let answer = match (
        resolve(&engine, &role_a, aspect),
        resolve(&engine, &role_b, aspect),
    ) {
        (Ok(a), Ok(b)) => engine
            .answer_about(&[&a, &b], aspect)
            .expect("resolved ids are known"),
        (Err(unknown), _) | (_, Err(unknown)) => *unknown,
    };
    send(ctx, &engine, &answer, started).await
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
    let started = Instant::now();
    let engine = ctx.data().engine();
    let aspect = aspect.map_or(Aspect::Overview, Aspect::from);
    let answer = match resolve(&engine, &role, aspect) {
        Ok(id) => engine
            .answer_about(&[&id], aspect)
            .expect("resolved ids are known"),
        Err(unknown) => *unknown,
    };
    send(ctx, &engine, &answer, started).await
}

/// Ask a question about job roles in your own words
#[poise::command(slash_command)]
pub async fn ask(
    ctx: Context<'_>,
    #[description = "For example: how much does a line producer earn?"]
    #[max_length = 1000]
    question: String,
) -> Result<(), Error> {
    let started = Instant::now();
    let engine = ctx.data().engine();
    let answer = engine.answer(&question);
    send(ctx, &engine, &answer, started).await
}

/// List every role I know
#[poise::command(slash_command)]
pub async fn roles(ctx: Context<'_>) -> Result<(), Error> {
    let engine = ctx.data().engine();
    reply(ctx, render::roles_page(&engine, 0)).await
}

/// What you can ask, with examples
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let engine = ctx.data().engine();
    reply(ctx, render::help(&engine)).await
}

/// Autocomplete for role options: the best 25 fuzzy matches, by name.
async fn autocomplete_role(ctx: Context<'_>, partial: &str) -> CreateAutocompleteResponse {
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
fn resolve(engine: &Engine, typed: &str, aspect: Aspect) -> Result<String, Box<Answer>> {
    if engine.knowledge().role(typed).is_some() {
        return Ok(typed.to_string());
    }
    let answer = engine.answer(typed);
    match (answer.status, answer.roles.as_slice()) {
        (Status::Answered, [id]) => Ok(id.clone()),
        _ => {
            let mut unknown = answer;
            if unknown.status == Status::Answered || unknown.suggestions.is_empty() {
                unknown.status = Status::UnknownRole;
                unknown.title = "I don't know that role".to_string();
                unknown.suggestions = engine
                    .suggest(typed, 4)
                    .into_iter()
                    .map(|r| r.id.clone())
                    .collect();
                unknown.parts = vec![crate::engine::answer::Part {
                    heading: None,
                    text: format!("\"{}\" is not a role I know.", render::fit(typed, 100)),
                }];
            }
            unknown.asked_aspect = aspect;
            Err(Box::new(unknown))
        }
    }
}

async fn send(ctx: Context<'_>, engine: &Engine, answer: &Answer, started: Instant) -> Result<(), Error> {
    let result = reply(ctx, render::answer(engine, answer)).await;
    log_answer(ctx.guild_id(), "slash", answer, started);
    result
}

async fn reply(ctx: Context<'_>, reply: Reply) -> Result<(), Error> {
    let mut message = CreateReply::default()
        .allowed_mentions(no_pings())
        .components(reply.components);
    for embed in reply.embeds {
        message = message.embed(embed);
    }
    if !reply.content.is_empty() {
        message = message.content(reply.content);
    }
    ctx.send(message).await?;
    Ok(())
}
