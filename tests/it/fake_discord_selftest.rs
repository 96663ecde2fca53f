//! The fake Discord itself: a raw gateway handshake, its payloads parsed by serenity's own
//! models, and a violation caught in a message body.

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use serenity::model::event::{Event, GatewayEvent};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::Message as WsMessage;

type Gateway = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

use crate::support::fake_discord::{self, FakeDiscord};

/// A bare HTTP/1.1 request to the fake; returns the status and the JSON body (`Null` if none).
async fn http(fake: &FakeDiscord, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let addr = fake.api_url().trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream
        .write_all(format!("{head}{body}").as_bytes())
        .await
        .unwrap();
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
