//! Sends rendered replies as raw request bodies, so attachments are described exactly as
//! Discord's API schema expects (string ids), and every body carries no-ping mentions.

use serde_json::{json, Value};
use serenity::all::{ChannelId, Http, InteractionId, Message};

use crate::discord::render::{Reply, CHART_FILE};
use crate::discord::Error;

/// Interaction callback types used here.
pub const CHANNEL_MESSAGE: u8 = 4;
pub const UPDATE_MESSAGE: u8 = 7;
const EPHEMERAL: u64 = 1 << 6;

/// The JSON of a message made from `reply`.
pub fn message_body(reply: &Reply) -> Value {
    let mut body = json!({
        "embeds": reply.embeds,
        "components": reply.components,
        "allowed_mentions": {"parse": [], "users": [], "roles": [], "replied_user": false},
        "attachments": if reply.chart.is_some() { json!([{"id": "0", "filename": CHART_FILE}]) } else { json!([]) },
    });
    if !reply.content.is_empty() {
        body["content"] = json!(reply.content);
    }
    body
}

/// Answers an interaction with `reply` (`kind`: a new message or an update of the
/// clicked one), privately when `ephemeral`.
pub async fn respond(
    http: &Http,
    interaction: (InteractionId, &str),
    kind: u8,
    reply: &Reply,
    ephemeral: bool,
) -> Result<(), Error> {
    let mut data = message_body(reply);
    if ephemeral {
        data["flags"] = json!(EPHEMERAL);
    }
    if kind == UPDATE_MESSAGE && data.get("content").is_none() {
        // An update keeps fields it does not mention: clear old text explicitly.
        data["content"] = json!("");
    }
    let body = json!({"type": kind, "data": data});
    http.create_interaction_response(interaction.0, interaction.1, &body, reply.files())
        .await?;
    Ok(())
}

/// Posts `reply` in `channel`, as a reply to `reference` (without pinging its author).
pub async fn post(
    http: &Http,
    channel: ChannelId,
    reply: &Reply,
    reference: Option<&Message>,
) -> Result<Message, Error> {
    let mut body = message_body(reply);
    if let Some(message) = reference {
        body["message_reference"] = json!({
            "message_id": message.id.to_string(),
            "channel_id": message.channel_id.to_string(),
            "fail_if_not_exists": false,
        });
    }
    Ok(http.send_message(channel, reply.files(), &body).await?)
}
