//! The fake Discord itself: a raw gateway handshake, its payloads parsed by serenity's own
//! models, and wrong bodies caught, in JSON and in multipart/form-data: by the limit checks and
//! by Discord's OpenAPI schema.

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use serenity::model::event::{Event, GatewayEvent};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message as WsMessage;

type Gateway = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

use crate::support::fake_discord::{self, FakeDiscord};

/// A bare HTTP/1.1 request to the fake with a JSON body; returns the status and the JSON body
/// of the answer (`Null` if none).
async fn http(fake: &FakeDiscord, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    send(fake, method, path, "application/json", body.as_bytes()).await
}

/// A bare HTTP/1.1 request to the fake with any body; returns the status and the JSON body of
/// the answer (`Null` if none).
async fn send(fake: &FakeDiscord, method: &str, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    let addr = fake.api_url().trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// The next gateway frame, parsed by serenity.
async fn next(ws: &mut Gateway) -> GatewayEvent {
    match ws.next().await.unwrap().unwrap() {
        WsMessage::Text(text) => serde_json::from_str(&text).expect("serenity parses the frame"),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn fake_discord_handshake_payloads_and_violations() {
    let fake = FakeDiscord::start().await;
    let (_, gateway) = http(&fake, "GET", "/api/v10/gateway", None).await;
    let url = format!("{}?v=10&encoding=json", gateway["url"].as_str().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    assert!(matches!(next(&mut ws).await, GatewayEvent::Hello(41250)));
    let identify =
        json!({"op": 2, "d": {"token": "Bot x", "intents": 0, "compress": true, "properties": {}}});
    ws.send(WsMessage::Text(identify.to_string())).await.unwrap();
    assert!(matches!(
        next(&mut ws).await,
        GatewayEvent::Dispatch(1, Event::Ready(_))
    ));
    assert!(matches!(
        next(&mut ws).await,
        GatewayEvent::Dispatch(2, Event::GuildCreate(_))
    ));
    fake.wait_ready().await;
    assert_eq!(fake.identify().unwrap()["token"], "Bot x");

    // Every payload builder yields an event serenity accepts.
    let events = [
        (
            "INTERACTION_CREATE",
            fake_discord::slash_command(1, "ask", json!([]), true),
        ),
        (
            "INTERACTION_CREATE",
            fake_discord::slash_command(2, "ask", json!([]), false),
        ),
        (
            "INTERACTION_CREATE",
            fake_discord::autocomplete(3, "ask", json!([])),
        ),
        (
            "INTERACTION_CREATE",
            fake_discord::component(4, "more", 3, &["a"], 5),
        ),
        ("MESSAGE_CREATE", fake_discord::message(6, "hi", true, true)),
        ("MESSAGE_CREATE", fake_discord::message(7, "hi", false, false)),
        ("MESSAGE_CREATE", fake_discord::bot_message(8, "hi")),
    ];
    for (seq, (name, data)) in (3..).zip(events) {
        fake.dispatch(name, data).await;
        match next(&mut ws).await {
            GatewayEvent::Dispatch(s, Event::InteractionCreate(_) | Event::MessageCreate(_)) => {
                assert_eq!(s, seq)
            }
            other => panic!("{name} was not parsed as such: {other:?}"),
        }
    }

    // HTTP answers parse as serenity's models; an over-long message is reported.
    let (_, app) = http(&fake, "GET", "/api/v10/oauth2/applications/@me", None).await;
    serde_json::from_value::<serenity::model::application::CurrentApplicationInfo>(app).unwrap();
    let commands = json!([{"name": "ask", "description": "Ask", "type": 1, "options": []}]);
    let (_, commands) = http(&fake, "PUT", "/api/v10/applications/1/commands", Some(commands)).await;
    serde_json::from_value::<Vec<serenity::model::application::Command>>(commands).unwrap();
    assert_eq!(fake.violations(), Vec::<String>::new());
    let long = json!({"content": "x".repeat(3000), "allowed_mentions": {"parse": []}});
    let (status, sent) = http(&fake, "POST", "/api/v10/channels/1/messages", Some(long)).await;
    assert_eq!(status, 200);
    serde_json::from_value::<serenity::model::channel::Message>(sent).unwrap();
    fake.wait_for("the long message", |r| r.path == "/api/v10/channels/1/messages")
        .await;
    let violations = fake.violations();
    assert!(
        violations.len() == 1 && violations[0].contains("3000 chars"),
        "{violations:?}"
    );
}

/// Whether Discord's OpenAPI description is beside the project (the fake skips the schema
/// check without it).
fn have_openapi_spec() -> bool {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/discord/openapi.json")
        .exists()
}

/// A multipart/form-data body as serenity sends one: a file part and `payload_json`.
fn multipart(boundary: &str, payload: &Value, file: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"salary.png\"\r\n\
         Content-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\
             Content-Type: application/json\r\n\r\n{payload}\r\n--{boundary}--\r\n"
        )
        .as_bytes(),
    );
    body
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_bodies_are_caught_in_json_and_in_multipart() {
    let fake = FakeDiscord::start().await;

    // Only the schema knows this one: a message reference must be a snowflake.
    let reference = json!({
        "content": "x",
        "allowed_mentions": {"parse": []},
        "message_reference": {"message_id": "01"},
    });
    let (status, _) = http(&fake, "POST", "/api/v10/channels/1/messages", Some(reference)).await;
    assert_eq!(status, 200);
    let violations = fake.violations();
    if have_openapi_spec() {
        assert!(
            violations.len() == 1
                && violations[0].contains("OpenAPI: /message_reference/message_id: \"01\" does not match")
                && violations[0].contains("[schema #/components/schemas/SnowflakeType/pattern]"),
            "{violations:#?}"
        );
    } else {
        eprintln!("Discord's OpenAPI description is absent: the schema check is not tested here");
        assert_eq!(violations, Vec::<String>::new());
    }

    // A reply with its chart attached: the payload is read from `payload_json`, the file is
    // recorded, and an over-long title is caught by both checks.
    let reply = json!({"type": 4, "data": {
        "embeds": [{"title": "x".repeat(300)}],
        "attachments": [{"id": 0, "filename": "salary.png"}],
        "allowed_mentions": {"parse": []},
    }});
    let png = b"\x89PNG\r\n\x1a\n not really a picture";
    let body = multipart("fake-boundary-7d3f", &reply, png);
    let path = "/api/v10/interactions/9/tok-9/callback";
    let content_type = "multipart/form-data; boundary=fake-boundary-7d3f";
    let (status, _) = send(&fake, "POST", path, content_type, &body).await;
    assert_eq!(status, 204);
    let request = fake.wait_for("the multipart callback", |r| r.path == path).await;
    assert_eq!(request.body, reply);
    assert_eq!(request.files.len(), 1, "{:?}", request.files);
    let file = &request.files[0];
    assert_eq!(
        (file.name.as_str(), file.file_name.as_deref(), file.bytes),
        ("files[0]", Some("salary.png"), png.len())
    );
    let violations: Vec<String> = fake.violations().into_iter().skip(1).collect();
    let limit = violations
        .iter()
        .any(|v| v.contains("embed 0: title has 300 chars (max 256)"));
    let schema = violations.iter().any(|v| {
        v.contains("OpenAPI: /data/embeds/0/title:") && v.contains("RichEmbed/properties/title/maxLength")
    });
    assert!(limit && (schema || !have_openapi_spec()), "{violations:#?}");
}
