//! The fake's WebSocket gateway: HELLO, IDENTIFY (READY and a GUILD_CREATE for each guild of the
//! shard), RESUME (the missed events, then RESUMED; or INVALID_SESSION), heartbeats and their
//! ACKs, and the frames a test sends through `FakeDiscord` (dispatches, other ops, closes and
//! dropped connections).
//!
//! Frames go out as plain text: serenity inflates each binary frame on its own, and text needs
//! no compression at all.

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::WebSocketStream;

use super::payloads::{self, guild, second_guild};
use super::{Shared, State};

type Sink = SplitSink<WebSocketStream<TcpStream>, WsMessage>;
type Source = SplitStream<WebSocketStream<TcpStream>>;

/// A frame for a gateway connection's task to send.
pub(super) enum Outgoing {
    Dispatch(String, Value),
    /// A non-dispatch payload: `{"op": op, "d": d}` (RECONNECT, INVALID_SESSION, ...).
    Op(u8, Value),
    Close(u16),
    /// Drops the TCP connection without a close frame (what a client sees as 1006).
    Drop,
}

/// A live gateway connection.
pub(super) struct Session {
    pub(super) id: usize,
    pub(super) tx: mpsc::UnboundedSender<Outgoing>,
    /// READY + GUILD_CREATE (or RESUMED) were sent: dispatches go to it.
    pub(super) ready: bool,
    /// `[shard id, shard count]` from IDENTIFY (or from the session it resumed).
    shard: [u64; 2],
    /// The Discord session the connection carries, once IDENTIFYed or RESUMEd.
    pub(super) session_id: Option<String>,
    /// It became ready by RESUME rather than IDENTIFY.
    pub(super) resumed: bool,
}

impl Session {
    /// Whether Discord would send this session the events of `guild` (DMs go to shard 0).
    pub(super) fn serves(&self, guild: Option<u64>) -> bool {
        let [id, total] = self.shard;
        guild.map_or(0, |g| (g >> 22) % total.max(1)) == id
    }
}

/// What a Discord session sent so far, kept after its connection ends so that a RESUME on a new
/// connection can replay what the bot missed.
#[derive(Default)]
pub(super) struct SessionLog {
    seq: u64,
    /// Every dispatch frame sent in the session, in order.
    frames: Vec<Value>,
    shard: [u64; 2],
}

/// How a gateway connection became ready.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handshake {
    Identify,
    Resume,
}

fn frame(value: &Value) -> WsMessage {
    WsMessage::Text(value.to_string())
}

/// Serves one gateway connection until it closes, is closed by a test, or drops.
pub(super) async fn connection(shared: Arc<Shared>, stream: TcpStream) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let (id, heartbeat_interval) = {
        let mut state = shared.lock();
        state.connections += 1;
        let id = state.connections;
        state.sessions.push(Session {
            id,
            tx,
            ready: false,
            shard: [0, 1],
            session_id: None,
            resumed: false,
        });
        (id, state.heartbeat_interval_ms)
    };
    shared.notify();

    let hello = json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": heartbeat_interval}});
    let mut open = sink.send(frame(&hello)).await.is_ok();
    // The Discord session this connection carries. Kept here, not only in `state.sessions`:
    // `disconnect*` removes the connection from there while dispatches are still queued.
    let mut session: Option<String> = None;
    while open {
        tokio::select! {
            incoming = source.next() => {
                let text = match incoming {
                    Some(Ok(WsMessage::Text(text))) => text,
                    Some(Ok(WsMessage::Binary(bytes))) => String::from_utf8_lossy(&bytes).into_owned(),
                    Some(Ok(WsMessage::Close(frame))) => {
                        if let Some(frame) = frame {
                            shared.lock().client_closes.push((u16::from(frame.code), std::time::Instant::now()));
                        }
                        // Sends the close reply tungstenite queued, finishing the handshake.
                        let _ = sink.flush().await;
                        break;
                    }
                    Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                open = receive(&shared, id, &text, &mut session, &mut sink).await;
            }
            outgoing = rx.recv() => match outgoing {
                Some(Outgoing::Close(code)) => {
                    close(&mut sink, &mut source, code).await;
                    break;
                }
                // Leaving the loop drops the socket: no close frame, just the TCP connection
                // going away.
                Some(Outgoing::Drop) | None => break,
                Some(outgoing) => open = send(&shared, session.as_deref(), outgoing, &mut sink).await,
            },
        }
    }
    shared.lock().sessions.retain(|s| s.id != id);
    shared.notify();
}

/// Answers one payload from the bot (heartbeat, IDENTIFY, RESUME; others are ignored) on
/// connection `id`; says whether the connection is still open.
async fn receive(
    shared: &Shared,
    id: usize,
    text: &str,
    session: &mut Option<String>,
    sink: &mut Sink,
) -> bool {
    let Ok(payload) = serde_json::from_str::<Value>(text) else {
        return true;
    };
    let d = payload.get("d").cloned().unwrap_or(Value::Null);
    let op = payload.get("op").and_then(Value::as_u64);
    let replies = match op {
        Some(1) => heartbeat(shared),
        Some(2) => {
            let (frames, started) = identify(shared, id, d);
            *session = Some(started);
            frames
        }
        Some(6) => {
            let (frames, resumed) = resume(shared, id, &d);
            *session = resumed;
            frames
        }
        _ => vec![],
    };
    let mut open = true;
    for reply in replies {
        open &= sink.send(frame(&reply)).await.is_ok();
    }
    if matches!(op, Some(2 | 6)) && open {
        let mut state = shared.lock();
        if let Some(session) = state.sessions.iter_mut().find(|s| s.id == id) {
            // A refused RESUME leaves the connection without a session.
            session.ready = session.session_id.is_some();
        }
        drop(state);
        shared.notify();
    }
    open
}

/// Sends a dispatch (logged in `session`, dropped without one) or another op; says whether the
/// connection is still open.
async fn send(shared: &Shared, session: Option<&str>, outgoing: Outgoing, sink: &mut Sink) -> bool {
    let payload = match outgoing {
        Outgoing::Dispatch(event, data) => {
            session.and_then(|session| log_dispatch(&mut shared.lock(), session, &event, data))
        }
        Outgoing::Op(op, d) => Some(json!({"op": op, "s": null, "t": null, "d": d})),
        Outgoing::Close(_) | Outgoing::Drop => None,
    };
    match payload {
        Some(payload) => sink.send(frame(&payload)).await.is_ok(),
        None => true,
    }
}

/// Closes the connection with `code`, letting the client answer the close handshake rather than
/// resetting the socket.
async fn close(sink: &mut Sink, source: &mut Source, code: u16) {
    let close = CloseFrame {
        code: CloseCode::from(code),
        reason: "fake Discord disconnect".into(),
    };
    let _ = sink.send(WsMessage::Close(Some(close))).await;
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(_)) = source.next().await {}
    })
    .await;
}

/// Counts a heartbeat and answers it with an ACK (op 11) unless ACKs are switched off.
fn heartbeat(shared: &Shared) -> Vec<Value> {
    let mut state = shared.lock();
    state.heartbeats += 1;
    if state.heartbeat_ack {
        vec![json!({"op": 11, "s": null, "t": null, "d": null})]
    } else {
        vec![]
    }
}

/// Answers an IDENTIFY on connection `connection`: a new session, READY and GUILD_CREATE for
/// each guild of the shard. Returns the frames and the session id.
fn identify(shared: &Shared, connection: usize, d: Value) -> (Vec<Value>, String) {
    let shard = match d.get("shard").and_then(Value::as_array).map(|s| s.as_slice()) {
        Some([id, total]) => [id.as_u64().unwrap_or(0), total.as_u64().unwrap_or(1).max(1)],
        _ => [0, 1],
    };
    let guilds: Vec<Value> = if shard[1] > 1 {
        [guild(), second_guild()]
            .into_iter()
            .filter(|g| {
                let id: u64 = g["id"].as_str().unwrap().parse().unwrap();
                (id >> 22) % shard[1] == shard[0]
            })
            .collect()
    } else {
        vec![guild()]
    };
    let session_id = format!("fake-session-{connection}");
    let mut state = shared.lock();
    state.identifies += 1;
    state.identify = Some(d);
    state.logs.insert(
        session_id.clone(),
        SessionLog {
            shard,
            ..SessionLog::default()
        },
    );
    if let Some(session) = state.sessions.iter_mut().find(|s| s.id == connection) {
        session.shard = shard;
        session.session_id = Some(session_id.clone());
        session.resumed = false;
    }
    let ready = payloads::ready(&shared.gateway_url, connection, &guilds);
    let mut frames = Vec::new();
    frames.extend(log_dispatch(&mut state, &session_id, "READY", ready));
    for guild in guilds {
        frames.extend(log_dispatch(&mut state, &session_id, "GUILD_CREATE", guild));
    }
    (frames, session_id)
}

/// Answers a RESUME on connection `connection`: the events of the session after the bot's
/// `seq`, then RESUMED; or op 9 (not resumable) for an unknown or invalidated session. Returns
/// the frames and the session id if resumed.
fn resume(shared: &Shared, connection: usize, d: &Value) -> (Vec<Value>, Option<String>) {
    let session_id = d
        .get("session_id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
    let mut state = shared.lock();
    state.resumes += 1;
    let shard = match state.logs.get(&session_id) {
        Some(log) if !state.invalidated.contains(&session_id) => log.shard,
        _ => return (vec![json!({"op": 9, "s": null, "t": null, "d": false})], None),
    };
    // The session moves to this connection: one that still carries it gets nothing more.
    for session in &mut state.sessions {
        if session.id != connection && session.session_id.as_deref() == Some(session_id.as_str()) {
            session.ready = false;
            session.session_id = None;
        }
    }
    if let Some(session) = state.sessions.iter_mut().find(|s| s.id == connection) {
        session.shard = shard;
        session.session_id = Some(session_id.clone());
        session.resumed = true;
    }
    let mut frames: Vec<Value> = state.logs[&session_id]
        .frames
        .iter()
        .filter(|f| f["s"].as_u64().unwrap_or(0) > seq)
        .cloned()
        .collect();
    frames.extend(log_dispatch(&mut state, &session_id, "RESUMED", json!({})));
    (frames, Some(session_id))
}

/// The dispatch frame (op 0) for `event`, with the session's next `s`, kept for replays.
fn log_dispatch(state: &mut State, session_id: &str, event: &str, data: Value) -> Option<Value> {
    let log = state.logs.get_mut(session_id)?;
    log.seq += 1;
    let frame = json!({"op": 0, "s": log.seq, "t": event, "d": data});
    log.frames.push(frame.clone());
    Some(frame)
}
