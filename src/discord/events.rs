//! Events that are not slash commands: questions in messages (mentions and DMs) and
//! clicks on the buttons and menus under replies.

use std::time::Instant;

use serenity::all::{
    ComponentInteraction, ComponentInteractionDataKind, Context as SerenityContext,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, FullEvent, Interaction,
    Message,
};

use crate::discord::render::{self, no_pings, Action, Reply};
use crate::discord::{log_answer, Data, Error};
use crate::engine::aspect::Aspect;

/// Handles one gateway event that poise passes on.
pub async fn handle(ctx: &SerenityContext, event: &FullEvent, data: &Data) -> Result<(), Error> {
    match event {
        FullEvent::Message { new_message } => on_message(ctx, new_message, data).await,
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(component),
        } => on_component(ctx, component, data).await,
        _ => Ok(()),
    }
}

/// Answers a message that asks the bot something: a DM, or a message that mentions it.
async fn on_message(ctx: &SerenityContext, message: &Message, data: &Data) -> Result<(), Error> {
    let bot_id = ctx.cache.current_user().id;
    if message.author.bot || message.author.id == bot_id {
        return Ok(());
    }
    let is_dm = message.guild_id.is_none();
    let mentions_bot = message.mentions.iter().any(|u| u.id == bot_id)
        || message.content.contains(&format!("<@{bot_id}>"))
        || message.content.contains(&format!("<@!{bot_id}>"));
    if !(is_dm || mentions_bot) || !data.first_time(message.id.get()) {
        return Ok(());
    }
    let started = Instant::now();
    let engine = data.engine();
    let answer = engine.answer(&message.content);
    tracing::debug!(text = %message.content, "question from a message");
    let reply = render::answer(&engine, &answer);
    let mut create = CreateMessage::new()
        .reference_message(message)
        .allowed_mentions(no_pings())
        .embeds(reply.embeds)
        .components(reply.components);
    if !reply.content.is_empty() {
        create = create.content(reply.content);
    }
    let result = message.channel_id.send_message(&ctx.http, create).await;
    log_answer(
        message.guild_id,
        if is_dm { "dm" } else { "mention" },
        &answer,
        started,
    );
    result?;
    Ok(())
}

/// A click on an aspect menu, a "did you mean" button or a page button: the reply is
/// edited in place.
async fn on_component(
    ctx: &SerenityContext,
    component: &ComponentInteraction,
    data: &Data,
) -> Result<(), Error> {
    let Some(action) = Action::parse(&component.data.custom_id) else {
        return Ok(());
    };
    if !data.first_time(component.id.get()) {
        return Ok(());
    }
    let started = Instant::now();
    let engine = data.engine();
    let (reply, answer) = match action {
        Action::Roles(page) => (render::roles_page(&engine, page), None),
        Action::Ask(id, aspect) => match engine.answer_about(&[&id], aspect) {
            Some(answer) => (render::answer(&engine, &answer), Some(answer)),
            None => (gone(&engine), None),
        },
        Action::View(ids) => {
            let aspect = match &component.data.kind {
                ComponentInteractionDataKind::StringSelect { values } => values
                    .first()
                    .and_then(|v| Aspect::parse(v))
                    .unwrap_or(Aspect::Overview),
                _ => Aspect::Overview,
            };
            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
            match engine.answer_about(&ids, aspect) {
                Some(answer) => (render::answer(&engine, &answer), Some(answer)),
                None => (gone(&engine), None),
            }
        }
    };
    let mut message = CreateInteractionResponseMessage::new()
        .allowed_mentions(no_pings())
        .embeds(reply.embeds)
        .components(reply.components)
        .content(reply.content);
    if component
        .message
        .flags
        .is_some_and(|f| f.contains(serenity::all::MessageFlags::EPHEMERAL))
    {
        message = message.ephemeral(true);
    }
    let result = component
        .create_response(&ctx.http, CreateInteractionResponse::UpdateMessage(message))
        .await;
    if let Some(answer) = answer {
        log_answer(component.guild_id, "button", &answer, started);
    }
    result?;
    Ok(())
}

/// The reply when a button names a role that the knowledge no longer has.
fn gone(engine: &crate::engine::Engine) -> Reply {
    let mut reply = render::roles_page(engine, 0);
    reply.content = "That role is no longer in my knowledge; here is what I know now.".to_string();
    reply
}
