//! Gateway events that are not slash commands: messages that may be questions, clicks on
//! the components under answers, gateway sessions, and the bot leaving a server.
//!
//! Questions go to the pipeline in `ask.rs`; this file only reads Discord's events and
//! delivers the outcomes.

use serenity::all::{
    ActionRowComponent, ButtonKind, ComponentInteraction, ComponentInteractionDataKind,
    Context as SerenityContext, CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage,
    FullEvent, Interaction, Message, MessageFlags,
};

use crate::discord::ask::{Asker, Outcome, Question, Via};
use crate::discord::custom_id::Action;
use crate::discord::render::{self, no_pings};
use crate::discord::send;
use crate::discord::types::{Data, Error};
use crate::engine::aspect::Aspect;

/// The private note for a click on a component whose custom id this version cannot read.
pub const BUTTON_FROM_OLDER_VERSION: &str =
    "This button is from an older version of rolecall; please ask again.";

/// A response to an interaction that only the member who made it sees, pinging nobody.
pub fn private_note(text: &str) -> CreateInteractionResponse {
    let note = CreateInteractionResponseMessage::new()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(no_pings());
    CreateInteractionResponse::Message(note)
}

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
            left_server(data, incomplete.id.get()).await;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// A message that may ask the bot something: a DM, a mention, or a message in a channel
/// the server lets the bot answer in.
async fn on_message(ctx: &SerenityContext, message: &Message, data: &Data) -> Result<(), Error> {
    let bot_id = ctx.cache.current_user().id;
    if message.author.bot || message.author.id == bot_id {
        return Ok(());
    }
    if !data.asking.take_event(message.id.get()) {
        return Ok(());
    }
    let mentioned = message.mentions.iter().any(|u| u.id == bot_id)
        || message.content.contains(&format!("<@{bot_id}>"))
        || message.content.contains(&format!("<@!{bot_id}>"));
    let asker = Asker {
        user: message.author.id.get(),
        guild: message.guild_id.map(|g| g.get()),
        channel: message.channel_id.get(),
    };
    let via = Via::Message {
        channel: message.channel_id.get(),
        mentioned,
    };
    let text = crate::markup::strip_markup(&message.content);
    match data.asking.ask(asker, via, Question::Text(&text)).await {
        Outcome::Ignore | Outcome::Cooldown { told: true, .. } => Ok(()),
        Outcome::Cooldown { seconds, told: false } => {
            let note = CreateMessage::new()
                .content(render::cooldown_note(seconds))
                .allowed_mentions(no_pings());
            if let Err(error) = message.author.direct_message(&ctx.http, note).await {
                tracing::debug!(error = %error, "could not send the cooldown note");
            }
            Ok(())
        }
        Outcome::Reply { reply, private: true } => {
            let dm = message.author.create_dm_channel(&ctx.http).await?;
            send::post(&ctx.http, dm.id, &reply, None).await?;
            Ok(())
        }
        Outcome::Reply {
            reply,
            private: false,
        } => {
            send::post(&ctx.http, message.channel_id, &reply, Some(message)).await?;
            Ok(())
        }
    }
}

/// A click on an aspect menu, a "did you mean", career-path or page button (the reply is
/// edited in place), or a delete button.
async fn on_component(
    ctx: &SerenityContext,
    component: &ComponentInteraction,
    data: &Data,
) -> Result<(), Error> {
    if !data.asking.take_event(component.id.get()) {
        return Ok(());
    }
    let Some(action) = Action::parse(&component.data.custom_id) else {
        tracing::warn!(custom_id = %component.data.custom_id, "a component this version cannot read");
        let note = private_note(BUTTON_FROM_OLDER_VERSION);
        component.create_response(&ctx.http, note).await?;
        return Ok(());
    };
    let question = match action {
        Action::Delete(asker) => return delete_answer(ctx, component, asker).await,
        Action::Roles(page) => {
            let reply = render::roles_page(&data.knowledge.engine(), page);
            return update(ctx, component, &reply).await;
        }
        Action::Ask(role, aspect) => Question::Known {
            roles: vec![role],
            aspect,
        },
        Action::View(roles) => Question::Known {
            roles,
            aspect: picked_aspect(component).unwrap_or(Aspect::Overview),
        },
    };
    let asker = Asker {
        user: component.user.id.get(),
        guild: component.guild_id.map(|g| g.get()),
        channel: component.channel_id.get(),
    };
    let via = Via::Component {
        delete_owner: delete_button_owner(component),
    };
    match data.asking.ask(asker, via, question).await {
        Outcome::Reply { reply, .. } => update(ctx, component, &reply).await,
        Outcome::Cooldown { .. } | Outcome::Ignore => Ok(()),
    }
}

/// Replaces the clicked message with `reply`, keeping it private if it was. The new files
/// replace the old ones, so a chart goes when the aspect is not salary.
async fn update(
    ctx: &SerenityContext,
    component: &ComponentInteraction,
    reply: &render::Reply,
) -> Result<(), Error> {
    let ephemeral = component
        .message
        .flags
        .is_some_and(|f| f.contains(MessageFlags::EPHEMERAL));
    let interaction = (component.id, component.token.as_str());
    send::respond(&ctx.http, interaction, send::UPDATE_MESSAGE, reply, ephemeral).await
}

/// The aspect picked in a select menu.
fn picked_aspect(component: &ComponentInteraction) -> Option<Aspect> {
    match &component.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => {
            values.first().and_then(|v| Aspect::parse(v))
        }
        _ => None,
    }
}

/// Deletes an answer when the member who asked clicks its delete button; anyone else is
/// told, privately, that they cannot.
async fn delete_answer(
    ctx: &SerenityContext,
    component: &ComponentInteraction,
    asker: u64,
) -> Result<(), Error> {
    if component.user.id.get() != asker {
        let refusal = private_note("Only the person who asked can delete this answer.");
        component.create_response(&ctx.http, refusal).await?;
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

/// Who may delete the message a component belongs to, read from its delete button.
fn delete_button_owner(component: &ComponentInteraction) -> Option<u64> {
    component
        .message
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            ActionRowComponent::Button(button) => match &button.data {
                ButtonKind::NonLink { custom_id, .. } => match Action::parse(custom_id) {
                    Some(Action::Delete(user)) => Some(user),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        })
}

/// The bot was removed from `guild`: its settings go.
async fn left_server(data: &Data, guild: u64) {
    data.asking.servers.remove(guild).await;
    match data.store.delete_guild(guild).await {
        Ok(()) => tracing::info!(guild, "removed from a server; its settings are deleted"),
        Err(error) => {
            tracing::warn!(guild, error = %error, "removed from a server; settings not deleted")
        }
    }
}
