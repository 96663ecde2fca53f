//! The fake's HTTP API: records each request (with its body: JSON, or the `payload_json` and
//! files of a multipart/form-data body, parsed by `multer`), checks the body (`checks`,
//! `openapi`), and answers as Discord does: the gateway URL, the application, command
//! registration echoed back with ids, interaction callbacks (204), messages created, fetched and
//! edited, and the errors, rate limits and delays a test switches on.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::payloads::{self, application, bot_user, dm_channel, message_object, text_channel};
use super::{checks, openapi, FakeDiscord, HttpFault, Request, Shared, State, Upload};

/// The largest body the fake reads (Discord's own limit for uploads is lower).
const MAX_BODY_BYTES: usize = 64 << 20;

/// Records, checks and answers one request.
pub(super) async fn handle(
    AxumState(shared): AxumState<Arc<Shared>>,
    request: axum::extract::Request,
) -> Response {
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let headers = request.headers().clone();
    let (body, files) = read_body(&headers, request.into_body()).await;
    let mut request = Request {
        method,
        path,
        body,
        files,
        at: Instant::now(),
        status: 0,
    };

    let route = request
        .path
        .strip_prefix("/api/v10")
        .unwrap_or(&request.path)
        .to_string();
    let segments: Vec<&str> = route.split('/').filter(|s| !s.is_empty()).collect();
    let where_ = format!("{} {}", request.method, request.path);
    let mut violations = checks::check_request(&request.method, &segments, &request.body, &where_);
    violations.extend(openapi::check(&request.method, &route, &request.body, &where_));

    let (response, delay) = {
        let mut state = shared.lock();
        state.violations.extend(violations);
        let failure = HttpFault::take(&mut state.overrides, &request.path);
        let delay = HttpFault::take(&mut state.delays, &request.path);
        let response = match failure {
            Some(error) => error_response(error.status, error.retry_after),
            None => answer(
                &mut state,
                &shared.gateway_url,
                &request.method,
                &segments,
                &request.body,
            ),
        };
        request.status = response.status().as_u16();
        state.requests.push(request);
        (response, delay)
    };
    shared.notify();
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    response
}

/// The JSON body (`Null` if empty; a string if it is not JSON), or for a multipart/form-data
/// body its `payload_json` part (`Null` if absent or not JSON) and its other parts as files.
async fn read_body(headers: &HeaderMap, body: Body) -> (Value, Vec<Upload>) {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Ok(boundary) = multer::parse_boundary(content_type) {
        return multipart(body, boundary).await.unwrap_or_default();
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .unwrap_or_default();
    if bytes.is_empty() {
        return (Value::Null, Vec::new());
    }
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (body, Vec::new())
}

/// The parts of a multipart/form-data body: `payload_json` (the same JSON as a JSON body) and
/// the files.
async fn multipart(body: Body, boundary: String) -> multer::Result<(Value, Vec<Upload>)> {
    let limit = multer::SizeLimit::new().whole_stream(MAX_BODY_BYTES as u64);
    let constraints = multer::Constraints::new().size_limit(limit);
    let mut parts = multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut payload = Value::Null;
    let mut files = Vec::new();
    while let Some(part) = parts.next_field().await? {
        let name = part.name().unwrap_or_default().to_string();
        let file_name = part.file_name().map(str::to_string);
        let content_type = part.content_type().map(ToString::to_string);
        let data = part.bytes().await?;
        if name == "payload_json" {
            payload = serde_json::from_slice(&data).unwrap_or(Value::Null);
        } else {
            files.push(Upload {
                name,
                file_name,
                content_type,
                bytes: data.len(),
            });
        }
    }
    Ok((payload, files))
}

fn error_response(status: u16, retry_after: f64) -> Response {
    if status == 429 {
        return rate_limited(retry_after);
    }
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let message = format!(
        "{}: {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    (status, Json(json!({"message": message, "code": 0}))).into_response()
}

/// Discord's answer to a request over a (per-route, not global) rate limit.
fn rate_limited(retry_after: f64) -> Response {
    // `code` is not in the body Discord's rate limit guide shows, but its OpenAPI
    // `RatelimitedResponse` requires it (through `Error`), and serenity fails to decode an error
    // body without it ("missing field `code`").
    let body = json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": false, "code": 0});
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
        + retry_after;
    let headers = response.headers_mut();
    for (name, value) in [
        ("retry-after", format!("{}", retry_after.ceil() as u64)),
        ("x-ratelimit-limit", "5".to_string()),
        ("x-ratelimit-remaining", "0".to_string()),
        ("x-ratelimit-reset", format!("{reset:.3}")),
        ("x-ratelimit-reset-after", format!("{retry_after:.3}")),
        ("x-ratelimit-bucket", "fake0bucket0for0tests".to_string()),
        ("x-ratelimit-scope", "user".to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    response
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(json!({"message": "Unknown route", "code": 0})),
    )
        .into_response()
}

fn no_content() -> Response {
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Body::empty())
        .unwrap()
}

fn ok(value: Value) -> Response {
    (StatusCode::OK, Json(value)).into_response()
}

/// Discord's answer to a request that no fault switch caught: the application, its commands
/// and channels here, messages in `answer_messages`.
fn answer(state: &mut State, gateway_url: &str, method: &str, path: &[&str], body: &Value) -> Response {
    match (method, path) {
        ("GET", ["gateway"]) => ok(json!({"url": gateway_url})),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": gateway_url,
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
        })),
        ("GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]) => ok(application()),
        ("GET", ["users", "@me"]) => ok(bot_user()),
        ("GET", ["applications", _, "commands"] | ["applications", _, "guilds", _, "commands"]) => {
            ok(json!([]))
        }
        ("PUT", ["applications", _, "commands"]) => ok(echo_commands(body, None)),
        ("PUT", ["applications", _, "guilds", guild, "commands"]) => ok(echo_commands(body, Some(guild))),
        ("POST", ["applications", _, "commands"]) => ok(echo_command(body, None, 0)),
        ("POST", ["applications", _, "guilds", guild, "commands"]) => ok(echo_command(body, Some(guild), 0)),
        ("GET", ["channels", channel]) => match channel.parse::<u64>() {
            Ok(FakeDiscord::CHANNEL_ID) => ok(text_channel()),
            Ok(FakeDiscord::DM_CHANNEL_ID) => ok(dm_channel(FakeDiscord::USER_ID)),
            _ => not_found(),
        },
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = body
                .get("recipient_id")
                .and_then(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .or_else(|| v.as_u64().map(|n| n.to_string()))
                })
                .and_then(|s| s.parse().ok())
                .unwrap_or(FakeDiscord::USER_ID);
            ok(dm_channel(recipient))
        }
        _ => answer_messages(state, method, path, body),
    }
}

/// Interaction callbacks and messages: created (and kept, so that edits and fetches see them),
/// fetched, edited and deleted.
fn answer_messages(state: &mut State, method: &str, path: &[&str], body: &Value) -> Response {
    match (method, path) {
        ("POST", ["interactions", _, token, "callback"]) => {
            let kind = body.get("type").and_then(Value::as_u64).unwrap_or(0);
            let data = body.get("data").cloned().unwrap_or(Value::Null);
            if matches!(kind, 4..=7) {
                let id = store_message(state, FakeDiscord::CHANNEL_ID, &data, false, None);
                state.originals.insert(token.to_string(), id);
            }
            no_content()
        }
        ("POST", ["webhooks", _, _]) => {
            let id = store_message(state, FakeDiscord::CHANNEL_ID, body, true, None);
            ok(state.messages[&id].clone())
        }
        ("GET" | "PATCH", ["webhooks", _, token, "messages", message]) => {
            let id = webhook_message_id(state, method, token, message);
            ok(edit_message(state, id, FakeDiscord::CHANNEL_ID, body))
        }
        ("POST", ["channels", channel, "messages"]) => {
            let channel = channel.parse().unwrap_or(FakeDiscord::CHANNEL_ID);
            let id = store_message(state, channel, body, false, None);
            ok(state.messages[&id].clone())
        }
        ("GET" | "PATCH", ["channels", channel, "messages", message]) => {
            let channel = channel.parse().unwrap_or(FakeDiscord::CHANNEL_ID);
            match message.parse() {
                Ok(id) => ok(edit_message(state, id, channel, body)),
                Err(_) => not_found(),
            }
        }
        ("DELETE", ["channels", _, "messages", _] | ["webhooks", _, _, "messages", _]) => no_content(),
        ("PUT" | "DELETE", ["channels", _, "messages", _, "reactions", ..]) => no_content(),
        ("POST", ["channels", _, "typing"]) => no_content(),
        _ => not_found(),
    }
}

/// The id of webhook message `message` (`@original`: the interaction response of `token`). An
/// `@original` before any response is a violation (Discord answers 404); the fake then creates
/// the message so that the bot can go on.
fn webhook_message_id(state: &mut State, method: &str, token: &str, message: &str) -> u64 {
    let id = if message == "@original" {
        state.originals.get(token).copied()
    } else {
        message.parse().ok()
    };
    id.unwrap_or_else(|| {
        state.violations.push(format!(
            "{method} /webhooks/…/{token}/messages/@original: no interaction response was sent for this token yet (Discord answers 404 Unknown Message)"
        ));
        let id = store_message(state, FakeDiscord::CHANNEL_ID, &Value::Null, true, None);
        state.originals.insert(token.to_string(), id);
        id
    })
}

fn echo_commands(body: &Value, guild: Option<&str>) -> Value {
    let commands = body.as_array().cloned().unwrap_or_default();
    Value::Array(
        commands
            .iter()
            .enumerate()
            .map(|(i, c)| echo_command(c, guild, i as u64))
            .collect(),
    )
}

/// A registered command as Discord returns it: the request plus ids, version and defaults.
fn echo_command(command: &Value, guild: Option<&str>, index: u64) -> Value {
    let mut command = command.as_object().cloned().unwrap_or_default();
    let kind = command
        .get("type")
        .cloned()
        .filter(|t| !t.is_null())
        .unwrap_or(json!(1));
    command.insert("type".into(), kind);
    command.insert("id".into(), json!((payloads::COMMAND_ID + 1 + index).to_string()));
    command.insert("application_id".into(), json!(FakeDiscord::APP_ID.to_string()));
    command.insert("version".into(), json!("1"));
    if let Some(guild) = guild {
        command.insert("guild_id".into(), json!(guild));
    }
    for (key, default) in [
        ("name", json!("")),
        ("description", json!("")),
        ("default_member_permissions", Value::Null),
    ] {
        command.entry(key).or_insert(default);
    }
    command.entry("nsfw").or_insert(json!(false));
    // Requests may send the permission bits as an integer (the OpenAPI request schemas say
    // integer); Discord always answers with a digit string (`ApplicationCommandResponse`).
    if let Some(bits) = command.get("default_member_permissions").and_then(Value::as_u64) {
        command.insert("default_member_permissions".into(), json!(bits.to_string()));
    }
    Value::Object(command)
}

/// Creates a bot message from a message body and returns its id.
fn store_message(state: &mut State, channel: u64, body: &Value, webhook: bool, id: Option<u64>) -> u64 {
    let id = id.unwrap_or_else(|| {
        state.next_message_id += 1;
        state.next_message_id
    });
    let mut message = message_object(id, channel, bot_user(), "", channel == FakeDiscord::CHANNEL_ID);
    if webhook {
        message["webhook_id"] = json!(FakeDiscord::APP_ID.to_string());
    }
    message["application_id"] = json!(FakeDiscord::APP_ID.to_string());
    apply_body(&mut message, body);
    state.messages.insert(id, message);
    id
}

/// Applies an edit body (if any) to a stored message (created if unknown) and returns it.
fn edit_message(state: &mut State, id: u64, channel: u64, body: &Value) -> Value {
    if !state.messages.contains_key(&id) {
        store_message(state, channel, &Value::Null, false, Some(id));
    }
    let message = state.messages.get_mut(&id).expect("stored above");
    if body.is_object() {
        apply_body(message, body);
        message["edited_timestamp"] = json!(payloads::TIMESTAMP);
    }
    message.clone()
}

fn apply_body(message: &mut Value, body: &Value) {
    if let Some(content) = body.get("content").and_then(Value::as_str) {
        message["content"] = json!(content);
    }
    for key in ["embeds", "components"] {
        if let Some(list) = body.get(key).filter(|v| v.is_array()) {
            message[key] = list.clone();
        }
    }
    if let Some(flags) = body.get("flags").filter(|v| v.is_u64()) {
        message["flags"] = flags.clone();
    }
}
