//! Sends rendered replies as raw request bodies, so attachments are described exactly as
//! Discord's API schema expects (string ids), and every body carries no-ping mentions.

use std::time::Duration;

use serde_json::{json, Value};
use serenity::all::{ChannelId, Http, HttpError, InteractionId, Message};

use crate::discord::render::{Reply, CHART_FILE};
use crate::discord::types::Error;

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
    with_retries("interaction response", || {
        http.create_interaction_response(interaction.0, interaction.1, &body, reply.files())
    })
    .await
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
    with_retries("message", || http.send_message(channel, reply.files(), &body)).await
}

/// Attempts in all for one request before giving up.
const ATTEMPTS: u32 = 3;

/// Runs `request` again when Discord answers 429 (rate limited) or 5xx (its own fault),
/// waiting longer each time; after the last attempt the error is logged and returned.
async fn with_retries<T, F, Fut>(what: &str, mut request: F) -> Result<T, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = serenity::Result<T>>,
{
    let mut wait = Duration::from_millis(500);
    for attempt in 1..=ATTEMPTS {
        let error = match request().await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let status = match &error {
            serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => {
                Some(response.status_code.as_u16())
            }
            _ => None,
        };
        let retryable = status.is_some_and(|s| s == 429 || s >= 500);
        if !retryable || attempt == ATTEMPTS {
            tracing::error!(what, status, attempts = attempt, error = %error, "Discord refused a reply");
            return Err(error.into());
        }
        // A rate limit asks for at least its retry_after (under a second for replies).
        let pause = if status == Some(429) {
            wait.max(Duration::from_secs(1))
        } else {
            wait
        };
        tracing::warn!(
            what,
            status,
            attempt,
            wait_ms = pause.as_millis() as u64,
            "retrying a reply"
        );
        tokio::time::sleep(pause).await;
        wait *= 2;
    }
    unreachable!("the last attempt returns")
}
