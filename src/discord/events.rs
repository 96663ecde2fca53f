//! Events that are not slash commands: questions in messages, clicks on the buttons and
//! menus under replies, and the bot leaving a server.

use std::time::Instant;

use serenity::all::{
    ComponentInteraction, ComponentInteractionDataKind, Context as SerenityContext,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, FullEvent, Interaction,
    Message, MessageFlags,
};

use crate::discord::render::{self, no_pings, Action, Reply};
use crate::discord::send;
use crate::discord::state::CooldownCheck;
use crate::discord::{Data, Error};
use crate::engine::answer::Status;
use crate::engine::aspect::Aspect;

/// Handles one gateway event that poise passes on.
pub async fn handle(ctx: &SerenityContext, event: &FullEvent, data: &Data) -> Result<(), Error> {
    match event {
        FullEvent::Message { new_message } => on_message(ctx, new_message, data).await,
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(component),
        } => on_component(ctx, component, data).await,
        FullEvent::Ready { .. } | FullEvent::Resume { .. } => {
            data.metrics.gateway_session(ctx.shard_id.0);
            Ok(())
        }
        FullEvent::ShardStageUpdate { event } => {
            if event.new == serenity::all::ConnectionStage::Connected {
                data.metrics.gateway_connected();
            } else {
                data.metrics.gateway_disconnected();
            }
            Ok(())
        }
        // `unavailable` means an outage; otherwise the bot was removed from the server.
        FullEvent::GuildDelete { incomplete, .. } if !incomplete.unavailable => {
            let guild = incomplete.id.get();
            data.forget_settings(guild);
            match data.store.delete_guild(guild).await {
                Ok(()) => tracing::info!(guild, "removed from a server; its settings are deleted"),
                Err(error) => {
                    tracing::warn!(guild, error = %error, "removed from a server; settings not deleted")
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Where a message came from, which decides whether it is a question for the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Dm,
    Mention,
    /// An answer channel, or anywhere when the server does not require a mention.
    Channel,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Dm => "dm",
            Source::Mention => "mention",
            Source::Channel => "channel",
        }
    }
}

/// Answers a message that asks the bot something: a DM, a mention, or — where the server
/// allows it — a clear question about a role without a mention.
async fn on_message(ctx: &SerenityContext, message: &Message, data: &Data) -> Result<(), Error> {
    let bot_id = ctx.cache.current_user().id;
    if message.author.bot || message.author.id == bot_id {
        return Ok(());
    }
    let mentioned = message.mentions.iter().any(|u| u.id == bot_id)
        || message.content.contains(&format!("<@{bot_id}>"))
        || message.content.contains(&format!("<@!{bot_id}>"));
    let server = data.server(message.guild_id).await;
    let source = if message.guild_id.is_none() {
        Source::Dm
    } else if mentioned {
        Source::Mention
    } else if server.settings.channels.contains(&message.channel_id.get()) || !server.settings.require_mention
    {
        Source::Channel
    } else {
        return Ok(());
    };
    let started = Instant::now();
    let engine = data.engine();
    let answer = engine.answer_with(&message.content, Some(&server.aliases));
    // Without a mention, only questions about jobs are answered, not every chat line.
    let wanted = match source {
        Source::Dm | Source::Mention => true,
        Source::Channel if server.settings.require_mention => answer.status != Status::NotUnderstood,
        Source::Channel => answer.status == Status::Answered,
    };
    if !wanted || !data.first_time(message.id.get()) {
        return Ok(());
    }
    tracing::debug!(text = %message.content, "question from a message");
    match data.cooldown(
        message.guild_id,
        message.author.id.get(),
        server.settings.cooldown_secs,
    ) {
        CooldownCheck::Ready => {}
        CooldownCheck::Quiet => return Ok(()),
        CooldownCheck::Wait { seconds } => {
            let note = CreateMessage::new()
                .content(render::cooldown_note(seconds))
                .allowed_mentions(no_pings());
            if let Err(error) = message.author.direct_message(&ctx.http, note).await {
                tracing::debug!(error = %error, "could not send the cooldown note");
            }
            return Ok(());
        }
    }
    let mut reply = render::answer(&engine, &answer);
    if !server.settings.private_replies || source == Source::Dm {
        render::add_delete_button(&mut reply, message.author.id.get());
    }
    let result = if server.settings.private_replies && source != Source::Dm {
        match message.author.create_dm_channel(&ctx.http).await {
            Ok(dm) => send::post(&ctx.http, dm.id, &reply, None).await,
            Err(error) => Err(error.into()),
        }
    } else {
        send::post(&ctx.http, message.channel_id, &reply, Some(message)).await
    };
    data.finish(message.guild_id, source.name(), &answer, started);
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
    if let Action::Delete(asker) = action {
        return delete_answer(ctx, component, asker).await;
    }
    let started = Instant::now();
    let engine = data.engine();
    let (mut reply, answer) = match action {
        Action::Delete(_) => return Ok(()),
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
    // The answer keeps its delete button when it switches aspect.
    if let Some(asker) = delete_button_owner(component) {
        render::add_delete_button(&mut reply, asker);
    }
    // The new files replace the old ones, so a chart goes when the aspect is not salary.
    let ephemeral = component
        .message
        .flags
        .is_some_and(|f| f.contains(MessageFlags::EPHEMERAL));
    let interaction = (component.id, component.token.as_str());
    let result = send::respond(&ctx.http, interaction, send::UPDATE_MESSAGE, &reply, ephemeral).await;
    if let Some(answer) = answer {
        data.finish(component.guild_id, "button", &answer, started);
    }
    result?;
    Ok(())
}

/// Deletes an answer when the member who asked clicks its delete button; anyone else is
/// told, privately, that they cannot.
async fn delete_answer(
    ctx: &SerenityContext,
    component: &ComponentInteraction,
    asker: u64,
) -> Result<(), Error> {
    if component.user.id.get() != asker {
        let refusal = CreateInteractionResponseMessage::new()
            .content("Only the person who asked can delete this answer.")
            .ephemeral(true)
            .allowed_mentions(no_pings());
        component
            .create_response(&ctx.http, CreateInteractionResponse::Message(refusal))
            .await?;
        return Ok(());
    }
    component
        .create_response(&ctx.http, CreateInteractionResponse::Acknowledge)
        .await?;
    component.message.delete(&ctx.http).await?;
    tracing::info!(
        guild = component.guild_id.map(|g| g.get()),
        "an answer was deleted by its asker"
    );
    Ok(())
}

/// Who may delete the message a component belongs to, from its delete button.
fn delete_button_owner(component: &ComponentInteraction) -> Option<u64> {
    component
        .message
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            serenity::all::ActionRowComponent::Button(button) => match &button.data {
                serenity::all::ButtonKind::NonLink { custom_id, .. } => match Action::parse(custom_id) {
                    Some(Action::Delete(user)) => Some(user),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
}

/// The reply when a button names a role that the knowledge no longer has.
fn gone(engine: &crate::engine::Engine) -> Reply {
    let mut reply = render::roles_page(engine, 0);
    reply.content = "That role is no longer in my knowledge; here is what I know now.".to_string();
    reply
}
