//! A fake Discord on 127.0.0.1 (HTTP API + WebSocket gateway) for the bot's integration tests.
//!
//! The real bot (serenity 0.12.5 + poise 0.7) can't be tested against discord.com, so the tests
//! point it at this server instead: the HTTP client via `HttpBuilder::proxy(api_url)` with the
//! rate limiter disabled, the gateway via the URL that `GET /api/v10/gateway` returns. The fake
//! records every HTTP request (method, path, JSON body) so that a test can wait for the bot's
//! answer, plays the gateway handshake (HELLO, IDENTIFY → READY + GUILD_CREATE, RESUME →
//! RESUMED, heartbeats), lets a test dispatch events (slash commands, messages, ...), and
//! checks every request body against the limits that the real Discord enforces (name formats,
//! lengths, counts, `allowed_mentions`), recording each breach as a violation instead of
//! failing the request, so a test can assert that there are none.
//!
//! Every request body is also validated against Discord's own OpenAPI description
//! (`../shared/discord/openapi.json`, read at run time; skipped with a note on stderr where it is
//! absent): the body must match the schema of the request's path and method, and each
//! mismatch is a violation too.
//!
//! Faults for the bot to survive: gateway closes (`disconnect`), abrupt TCP drops
//! (`disconnect_abruptly`), RECONNECT and INVALID_SESSION (`send_op`), heartbeats without ACKs
//! (`set_heartbeat_ack`, with `set_heartbeat_interval` to notice it quickly), HTTP errors and
//! rate limits (`set_http_status`, `set_rate_limit`) and a slow API (`set_http_delay`). RESUME
//! replays the events the bot missed, as Discord does.
//!
//! What serenity needs from each payload is listed in `../shared/discord/README.md`; the
//! payload builders at the end of this file fill every one of those fields.

// Not every test uses every helper: each test module takes what it needs.
#![allow(dead_code)]

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Map, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::task::AbortHandle;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// How long `wait_for`, `wait_ready` and `dispatch` wait before failing the test.
const WAIT: Duration = Duration::from_secs(20);
/// The timestamp of every fake message, member and guild join.
const TIMESTAMP: &str = "2024-01-01T00:00:00.000000+00:00";
/// Discord's default `@everyone` permissions (view, send, embed, attach, history, commands, ...).
const MEMBER_PERMISSIONS: &str = "1071698660929";
/// The id of every command in `slash_command` / `autocomplete` payloads (poise matches by name).
const COMMAND_ID: u64 = 900_000_000_000_000_100;
/// The author of `bot_message`.
const OTHER_BOT_ID: u64 = 900_000_000_000_000_032;
/// Ids of messages the fake creates start here.
const FIRST_MESSAGE_ID: u64 = 910_000_000_000_000_000;
/// The heartbeat interval sent in HELLO unless a test sets another (Discord's usual value).
const HEARTBEAT_INTERVAL_MS: u64 = 41_250;
/// The `retry_after` of a 429 set with `set_http_status` (use `set_rate_limit` to choose).
const DEFAULT_RETRY_AFTER_SECS: f64 = 1.0;

/// One HTTP request the bot sent to the fake.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The path without the query, e.g. `/api/v10/interactions/1/tok-1/callback`.
    pub path: String,
    /// The JSON body (`payload_json` for multipart bodies), `Null` if there is none. A body that
    /// is not JSON is kept as a string.
    pub body: Value,
    /// When the fake received it (a delayed answer goes out later).
    pub at: Instant,
    /// The HTTP status the fake answered (or, after a delay, will answer) with.
    pub status: u16,
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.body.to_string();
        let body: String = body.chars().take(300).collect();
        write!(f, "{} {} [{}] {}", self.method, self.path, self.status, body)
    }
}

/// A frame for a gateway connection's task to send.
enum Outgoing {
    Dispatch(String, Value),
    /// A non-dispatch payload: `{"op": op, "d": d}` (RECONNECT, INVALID_SESSION, ...).
    Op(u8, Value),
    Close(u16),
    /// Drops the TCP connection without a close frame (what a client sees as 1006).
    Drop,
}

/// A live gateway connection.
struct Session {
    id: usize,
    tx: mpsc::UnboundedSender<Outgoing>,
    /// READY + GUILD_CREATE (or RESUMED) were sent: dispatches go to it.
    ready: bool,
    /// `[shard id, shard count]` from IDENTIFY (or from the session it resumed).
    shard: [u64; 2],
    /// The Discord session the connection carries, once IDENTIFYed or RESUMEd.
    session_id: Option<String>,
    /// It became ready by RESUME rather than IDENTIFY.
    resumed: bool,
}

/// What a Discord session sent so far, kept after its connection ends so that a RESUME on a new
/// connection can replay what the bot missed.
#[derive(Default)]
struct SessionLog {
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

impl Session {
    /// Whether Discord would send this session the events of `guild` (DMs go to shard 0).
    fn serves(&self, guild: Option<u64>) -> bool {
        let [id, total] = self.shard;
        guild.map_or(0, |g| (g >> 22) % total.max(1)) == id
    }
}

struct HttpOverride {
    path_contains: String,
    status: u16,
    /// Seconds, for a 429.
    retry_after: f64,
    times: usize,
}

struct HttpDelay {
    path_contains: String,
    delay: Duration,
    times: usize,
}

struct State {
    requests: Vec<Request>,
    violations: Vec<String>,
    identify: Option<Value>,
    connections: usize,
    identifies: usize,
    resumes: usize,
    heartbeats: usize,
    /// Whether op 1 heartbeats get an op 11 ACK.
    heartbeat_ack: bool,
    /// The `heartbeat_interval` sent in HELLO to new connections.
    heartbeat_interval_ms: u64,
    sessions: Vec<Session>,
    /// By session id: every Discord session started so far.
    logs: HashMap<String, SessionLog>,
    /// Sessions ended by INVALID_SESSION `d: false`: a RESUME of one gets op 9 again.
    invalidated: HashSet<String>,
    overrides: Vec<HttpOverride>,
    delays: Vec<HttpDelay>,
    /// Messages the fake created, by id, so edits and fetches see them.
    messages: HashMap<u64, Value>,
    /// Interaction token → id of its original response message.
    originals: HashMap<String, u64>,
    next_message_id: u64,
    tasks: Vec<AbortHandle>,
}

impl Default for State {
    fn default() -> State {
        State {
            requests: Vec::new(),
            violations: Vec::new(),
            identify: None,
            connections: 0,
            identifies: 0,
            resumes: 0,
            heartbeats: 0,
            heartbeat_ack: true,
            heartbeat_interval_ms: HEARTBEAT_INTERVAL_MS,
            sessions: Vec::new(),
            logs: HashMap::new(),
            invalidated: HashSet::new(),
            overrides: Vec::new(),
            delays: Vec::new(),
            messages: HashMap::new(),
            originals: HashMap::new(),
            next_message_id: FIRST_MESSAGE_ID,
            tasks: Vec::new(),
        }
    }
}

struct Shared {
    state: Mutex<State>,
    /// Bumped on every change a waiter may care about.
    changed: watch::Sender<u64>,
    gateway_url: String,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn notify(&self) {
        self.changed.send_modify(|n| *n += 1);
    }
}

/// The fake Discord server. Dropping it stops its listeners and connections.
pub struct FakeDiscord {
    shared: Arc<Shared>,
    api_url: String,
}

impl FakeDiscord {
    pub const BOT_ID: u64 = 900_000_000_000_000_001;
    pub const APP_ID: u64 = 900_000_000_000_000_002;
    pub const GUILD_ID: u64 = 900_000_000_000_000_010;
    /// The role given to the bot's member (the `@everyone` role's id is `GUILD_ID`).
    pub const BOT_ROLE_ID: u64 = 900_000_000_000_000_011;
    /// The guild's one text channel.
    pub const CHANNEL_ID: u64 = 900_000_000_000_000_020;
    /// A second guild, served only when the bot runs more than one shard: with two shards
    /// it is on shard 0 and `GUILD_ID` on shard 1 (`(id >> 22) % shards`).
    pub const SECOND_GUILD_ID: u64 = 900_000_000_004_194_314;
    /// The second guild's text channel.
    pub const SECOND_CHANNEL_ID: u64 = 900_000_000_000_000_022;
    /// The DM channel between the bot and `USER_ID`.
    pub const DM_CHANNEL_ID: u64 = 900_000_000_000_000_021;
    /// The application's owner (also the guild's owner and a member).
    pub const OWNER_ID: u64 = 900_000_000_000_000_030;
    /// A normal guild member, the author of `message` and the user of the interactions.
    pub const USER_ID: u64 = 900_000_000_000_000_031;

    /// Binds the HTTP API and the gateway on two fresh 127.0.0.1 ports and starts serving.
    pub async fn start() -> FakeDiscord {
        // Loaded (once per test binary) before serving, so that a broken spec fails here.
        openapi_spec();
        let http = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake Discord HTTP");
        let gateway = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake Discord gateway");
        let api_url = format!("http://{}", http.local_addr().unwrap());
        let gateway_url = format!("ws://{}/", gateway.local_addr().unwrap());
        let (changed, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                next_message_id: FIRST_MESSAGE_ID,
                ..State::default()
            }),
            changed,
            gateway_url,
        });

        let router = Router::new().fallback(handle_http).with_state(shared.clone());
        let http_task = tokio::spawn(async move {
            let _ = axum::serve(http, router).await;
        });
        let gateway_shared = shared.clone();
        let gateway_task = tokio::spawn(async move {
            while let Ok((stream, _)) = gateway.accept().await {
                let conn = tokio::spawn(gateway_connection(gateway_shared.clone(), stream));
                gateway_shared.lock().tasks.push(conn.abort_handle());
            }
        });
        {
            let mut state = shared.lock();
            state.tasks.push(http_task.abort_handle());
            state.tasks.push(gateway_task.abort_handle());
        }
        FakeDiscord { shared, api_url }
    }

    /// `http://127.0.0.1:PORT`: the bot appends `/api/v10/...` (serenity's `proxy`).
    pub fn api_url(&self) -> String {
        self.api_url.clone()
    }

    /// `ws://127.0.0.1:PORT/`, as `GET /api/v10/gateway` returns it.
    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url.clone()
    }

    /// Every HTTP request received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().requests.clone()
    }

    /// The first request (already received or still to come) that matches `pred`; panics
    /// after 20 s, naming `what` and listing the requests received.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Request) -> bool) -> Request {
        self.wait_until(what, |state| state.requests.iter().find(|r| pred(r)).cloned())
            .await
    }

    /// Waits until a live gateway connection has IDENTIFYed and been sent READY and
    /// GUILD_CREATE (or has RESUMEd and been sent RESUMED).
    pub async fn wait_ready(&self) {
        self.wait_until("a gateway session to be READY", |state| {
            state.sessions.iter().any(|s| s.ready).then_some(())
        })
        .await
    }

    /// Sends the dispatch `event` with `data` (op 0, the connection's next `s`) to every ready
    /// gateway connection whose shard serves the event's guild (DMs: shard 0), first waiting
    /// (up to 20 s) for one.
    pub async fn dispatch(&self, event: &str, data: Value) {
        let guild = data
            .get("guild_id")
            .or_else(|| {
                if event.starts_with("GUILD_") {
                    data.get("id")
                } else {
                    None
                }
            })
            .and_then(Value::as_str)
            .and_then(|g| g.parse::<u64>().ok());
        let senders = self
            .wait_until(
                &format!("a READY gateway session to dispatch {event} to"),
                |state| {
                    let senders: Vec<_> = state
                        .sessions
                        .iter()
                        .filter(|s| s.ready && s.serves(guild))
                        .map(|s| s.tx.clone())
                        .collect();
                    (!senders.is_empty()).then_some(senders)
                },
            )
            .await;
        for tx in senders {
            let _ = tx.send(Outgoing::Dispatch(event.to_string(), data.clone()));
        }
    }

    /// The `d` of the last IDENTIFY received.
    pub fn identify(&self) -> Option<Value> {
        self.shared.lock().identify.clone()
    }

    /// Every rule breach found in request bodies so far, one readable line each.
    pub fn violations(&self) -> Vec<String> {
        self.shared.lock().violations.clone()
    }

    /// Closes the live gateway connection(s) with `close_code` (e.g. 4000 to make the bot
    /// resume, 4004 for an authentication failure).
    pub async fn disconnect(&self, close_code: u16) {
        let sessions = std::mem::take(&mut self.shared.lock().sessions);
        self.shared.notify();
        for session in sessions {
            let _ = session.tx.send(Outgoing::Close(close_code));
        }
    }

    /// How many gateway connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.lock().connections
    }

    /// The next `times` requests whose path contains `path_contains` are answered with
    /// `status` and a Discord-style JSON error (`usize::MAX`: all of them). A 429 is Discord's
    /// rate limit answer, with `retry_after` 1 s (see `set_rate_limit`).
    pub fn set_http_status(&self, path_contains: &str, status: u16, times: usize) {
        self.shared.lock().overrides.push(HttpOverride {
            path_contains: path_contains.to_string(),
            status,
            retry_after: DEFAULT_RETRY_AFTER_SECS,
            times,
        });
    }

    /// The next `times` requests whose path contains `path_contains` get Discord's 429: the
    /// body `{"message": "You are being rate limited.", "retry_after": <secs>, "global": false}`
    /// and the headers `retry-after` (whole seconds, rounded up, as Discord sends it) and
    /// `x-ratelimit-{limit,remaining,reset,reset-after,bucket,scope}`.
    pub fn set_rate_limit(&self, path_contains: &str, retry_after: Duration, times: usize) {
        self.shared.lock().overrides.push(HttpOverride {
            path_contains: path_contains.to_string(),
            status: 429,
            retry_after: retry_after.as_secs_f64(),
            times,
        });
    }

    /// The next `times` requests whose path contains `path_contains` are answered only after
    /// `delay` (a slow Discord). The request is recorded (and `wait_for` sees it) on arrival.
    pub fn set_http_delay(&self, path_contains: &str, delay: Duration, times: usize) {
        self.shared.lock().delays.push(HttpDelay {
            path_contains: path_contains.to_string(),
            delay,
            times,
        });
    }

    /// Removes every pending `set_http_status`, `set_rate_limit` and `set_http_delay`.
    pub fn clear_http_faults(&self) {
        let mut state = self.shared.lock();
        state.overrides.clear();
        state.delays.clear();
    }

    /// Like `wait_for`, but fails after `limit` instead of 20 s.
    pub async fn wait_for_within(
        &self,
        limit: Duration,
        what: &str,
        pred: impl Fn(&Request) -> bool,
    ) -> Request {
        self.wait_until_within(limit, what, |state| {
            state.requests.iter().find(|r| pred(r)).cloned()
        })
        .await
    }

    /// Sends `{"op": op, "d": d}` to every live gateway connection: op 7 RECONNECT, op 9
    /// INVALID_SESSION (`d` false: the session can't be resumed; true: it can), op 1 (asks for
    /// a heartbeat). After op 7 or 9 the connections get no more dispatches (the bot is expected
    /// to reconnect); after op 9 with `d: false`, a RESUME of their sessions is refused with
    /// op 9 again.
    pub fn send_op(&self, op: u8, d: Value) {
        let mut state = self.shared.lock();
        let mut invalidated = Vec::new();
        for session in &mut state.sessions {
            if matches!(op, 7 | 9) {
                session.ready = false;
            }
            if op == 9 && d == json!(false) {
                invalidated.extend(session.session_id.clone());
            }
            let _ = session.tx.send(Outgoing::Op(op, d.clone()));
        }
        state.invalidated.extend(invalidated);
        drop(state);
        self.shared.notify();
    }

    /// Drops the live gateway connection(s) without a close frame, as a network failure would
    /// (a client reports close code 1006, which can't be sent in a close frame).
    pub fn disconnect_abruptly(&self) {
        let sessions = std::mem::take(&mut self.shared.lock().sessions);
        self.shared.notify();
        for session in sessions {
            let _ = session.tx.send(Outgoing::Drop);
        }
    }

    /// Whether op 1 heartbeats are answered with op 11 ACK (by default they are). Without ACKs
    /// the bot should decide, one heartbeat interval later, that the connection is a zombie.
    pub fn set_heartbeat_ack(&self, enabled: bool) {
        self.shared.lock().heartbeat_ack = enabled;
    }

    /// The `heartbeat_interval` (ms) that HELLO announces to connections made from now on
    /// (41250 by default); set it before the bot connects.
    pub fn set_heartbeat_interval(&self, ms: u64) {
        self.shared.lock().heartbeat_interval_ms = ms;
    }

    /// How many IDENTIFYs (op 2) the gateway received.
    pub fn identifies(&self) -> usize {
        self.shared.lock().identifies
    }

    /// How many RESUMEs (op 6) the gateway received, accepted or not.
    pub fn resumes(&self) -> usize {
        self.shared.lock().resumes
    }

    /// How many heartbeats (op 1) the gateway received.
    pub fn heartbeats(&self) -> usize {
        self.shared.lock().heartbeats
    }

    /// Waits (up to 20 s) until a gateway connection made after the first `after` ones
    /// (compare `connections()`) is ready, and says whether it IDENTIFYed or RESUMEd.
    pub async fn wait_new_session(&self, after: usize) -> Handshake {
        self.wait_until(
            &format!("a new gateway session (connection > {after}) to be ready"),
            |state| {
                state.sessions.iter().find(|s| s.id > after && s.ready).map(|s| {
                    if s.resumed {
                        Handshake::Resume
                    } else {
                        Handshake::Identify
                    }
                })
            },
        )
        .await
    }

    /// Waits (up to 20 s) until more than `after` gateway connections were accepted.
    pub async fn wait_connections(&self, after: usize) {
        self.wait_until(&format!("more than {after} gateway connections"), |state| {
            (state.connections > after).then_some(())
        })
        .await
    }

    async fn wait_until<T>(&self, what: &str, check: impl FnMut(&State) -> Option<T>) -> T {
        self.wait_until_within(WAIT, what, check).await
    }

    async fn wait_until_within<T>(
        &self,
        limit: Duration,
        what: &str,
        mut check: impl FnMut(&State) -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + limit;
        let mut changed = self.shared.changed.subscribe();
        loop {
            if let Some(found) = check(&self.shared.lock()) {
                return found;
            }
            if tokio::time::timeout_at(deadline, changed.changed())
                .await
                .is_err()
            {
                let state = self.shared.lock();
                let requests: Vec<String> = state.requests.iter().map(|r| format!("  {r}")).collect();
                let violations = state.violations.join("\n  ");
                drop(state);
                panic!(
                    "fake Discord: timed out after {limit:?} waiting for {what}.\nRequests received ({}):\n{}\nViolations:\n  {violations}",
                    requests.len(),
                    requests.join("\n")
                );
            }
        }
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for task in self.shared.lock().tasks.drain(..) {
            task.abort();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Gateway

fn frame(value: &Value) -> WsMessage {
    WsMessage::Text(value.to_string())
}

async fn gateway_connection(shared: Arc<Shared>, stream: TcpStream) {
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
                    Some(Ok(WsMessage::Close(_))) => {
                        // Sends the close reply tungstenite queued, finishing the handshake.
                        let _ = sink.flush().await;
                        break;
                    }
                    Some(Err(_)) | None => break,
                    Some(Ok(_)) => continue,
                };
                let Ok(payload) = serde_json::from_str::<Value>(&text) else { continue };
                let d = payload.get("d").cloned().unwrap_or(Value::Null);
                let op = payload.get("op").and_then(Value::as_u64);
                let replies = match op {
                    Some(1) => {
                        let mut state = shared.lock();
                        state.heartbeats += 1;
                        if state.heartbeat_ack {
                            vec![json!({"op": 11, "s": null, "t": null, "d": null})]
                        } else {
                            vec![]
                        }
                    }
                    Some(2) => {
                        let (frames, started) = identify(&shared, id, d);
                        session = Some(started);
                        frames
                    }
                    Some(6) => {
                        let (frames, resumed) = resume(&shared, id, &d);
                        session = resumed;
                        frames
                    }
                    _ => vec![],
                };
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
            }
            outgoing = rx.recv() => match outgoing {
                Some(Outgoing::Dispatch(event, data)) => {
                    let dispatch = session
                        .as_deref()
                        .and_then(|session| log_dispatch(&mut shared.lock(), session, &event, data));
                    if let Some(dispatch) = dispatch {
                        open = sink.send(frame(&dispatch)).await.is_ok();
                    }
                }
                Some(Outgoing::Op(op, d)) => {
                    let payload = json!({"op": op, "s": null, "t": null, "d": d});
                    open = sink.send(frame(&payload)).await.is_ok();
                }
                Some(Outgoing::Close(code)) => {
                    let close = CloseFrame { code: CloseCode::from(code), reason: "fake Discord disconnect".into() };
                    let _ = sink.send(WsMessage::Close(Some(close))).await;
                    // Let the client answer the close handshake rather than resetting the socket.
                    let _ = tokio::time::timeout(Duration::from_secs(2), async {
                        while let Some(Ok(_)) = source.next().await {}
                    })
                    .await;
                    break;
                }
                // Leaving the loop drops the socket: no close frame, just the TCP connection
                // going away.
                Some(Outgoing::Drop) | None => break,
            },
        }
    }
    shared.lock().sessions.retain(|s| s.id != id);
    shared.notify();
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
    let ready = ready_payload(&shared.gateway_url, connection, &guilds);
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

fn ready_payload(gateway_url: &str, connection: usize, guilds: &[Value]) -> Value {
    let guilds: Vec<Value> = guilds
        .iter()
        .map(|g| json!({"id": g["id"], "unavailable": true}))
        .collect();
    json!({
        "v": 10,
        "user": bot_user(),
        "guilds": guilds,
        "session_id": format!("fake-session-{connection}"),
        "resume_gateway_url": gateway_url,
        "application": {"id": FakeDiscord::APP_ID.to_string(), "flags": 0},
        "private_channels": [],
        "relationships": [],
        "user_settings": {},
        "presences": [],
        "guild_join_requests": [],
    })
}

// ---------------------------------------------------------------------------------------------
// HTTP API

async fn handle_http(AxumState(shared): AxumState<Arc<Shared>>, request: axum::extract::Request) -> Response {
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let headers = request.headers().clone();
    let bytes = axum::body::to_bytes(request.into_body(), 64 << 20)
        .await
        .unwrap_or_default();
    let body = parse_body(&headers, &bytes);
    let mut request = Request {
        method,
        path,
        body,
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
    let mut violations = check_request(&request.method, &segments, &request.body, &where_);
    violations.extend(check_openapi(&request.method, &route, &request.body, &where_));

    let (response, delay) = {
        let mut state = shared.lock();
        state.violations.extend(violations);
        let failure = state
            .overrides
            .iter_mut()
            .find(|o| o.times > 0 && request.path.contains(&o.path_contains))
            .map(|o| {
                o.times -= 1;
                (o.status, o.retry_after)
            });
        let delay = state
            .delays
            .iter_mut()
            .find(|d| d.times > 0 && request.path.contains(&d.path_contains))
            .map(|d| {
                d.times -= 1;
                d.delay
            });
        let response = match failure {
            Some((status, retry_after)) => error_response(status, retry_after),
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

fn parse_body(headers: &HeaderMap, bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        return multipart_payload_json(content_type, bytes).unwrap_or(Value::Null);
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// The `payload_json` part of a multipart/form-data body.
fn multipart_payload_json(content_type: &str, bytes: &[u8]) -> Option<Value> {
    let boundary = content_type
        .split("boundary=")
        .nth(1)?
        .split(';')
        .next()?
        .trim_matches('"');
    let delimiter = format!("\r\n--{boundary}");
    let name_at = find(bytes, b"name=\"payload_json\"")?;
    let start = name_at + find(&bytes[name_at..], b"\r\n\r\n")? + 4;
    let end = start + find(&bytes[start..], delimiter.as_bytes())?;
    serde_json::from_slice(&bytes[start..end]).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
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
            let id = if *message == "@original" {
                state.originals.get(*token).copied()
            } else {
                message.parse().ok()
            };
            let id = match id {
                Some(id) => id,
                None => {
                    state.violations.push(format!(
                        "{method} /webhooks/…/{token}/messages/@original: no interaction response was sent for this token yet (Discord answers 404 Unknown Message)"
                    ));
                    let id = store_message(state, FakeDiscord::CHANNEL_ID, &Value::Null, true, None);
                    state.originals.insert(token.to_string(), id);
                    id
                }
            };
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
        _ => not_found(),
    }
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
    command.insert("id".into(), json!((COMMAND_ID + 1 + index).to_string()));
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
        message["edited_timestamp"] = json!(TIMESTAMP);
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

// ---------------------------------------------------------------------------------------------
// Violations

fn check_request(method: &str, path: &[&str], body: &Value, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    match (method, path) {
        ("PUT", ["applications", _, "commands"] | ["applications", _, "guilds", _, "commands"]) => {
            match body.as_array() {
                Some(commands) => {
                    if commands.len() > 100 {
                        out.push(format!("{at}: {} commands (max 100)", commands.len()));
                    }
                    duplicates(commands, "command", at, &mut out, |c| {
                        format!(
                            "{} (type {})",
                            str_of(c, "name"),
                            c.get("type").and_then(Value::as_u64).unwrap_or(1)
                        )
                    });
                    for command in commands {
                        check_command(command, at, &mut out);
                    }
                }
                None => out.push(format!("{at}: body is not an array of commands")),
            }
        }
        ("POST", ["applications", _, "commands"] | ["applications", _, "guilds", _, "commands"]) => {
            check_command(body, at, &mut out)
        }
        ("POST", ["interactions", _, _, "callback"]) => {
            let data = body.get("data").unwrap_or(&Value::Null);
            match body.get("type").and_then(Value::as_u64) {
                Some(4) => check_message(data, &format!("{at} (type 4) data"), true, true, &mut out),
                Some(7) => check_message(data, &format!("{at} (type 7) data"), true, false, &mut out),
                Some(5 | 6) => check_message(data, &format!("{at} data"), false, false, &mut out),
                Some(8) => check_autocomplete(data, at, &mut out),
                Some(1..=12) => {}
                other => out.push(format!("{at}: invalid interaction callback type {other:?}")),
            }
        }
        ("POST", ["webhooks", _, _] | ["channels", _, "messages"]) => {
            check_message(body, at, true, true, &mut out)
        }
        ("PATCH", ["webhooks", _, _, "messages", _] | ["channels", _, "messages", _]) => {
            check_message(body, at, false, false, &mut out)
        }
        _ => {}
    }
    out
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

fn len(value: &Value, key: &str) -> usize {
    str_of(value, key).chars().count()
}

/// A non-empty array field (Discord treats `[]` like an absent field).
fn list<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn valid_name(name: &str) -> bool {
    (1..=32).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c == '-' || c == '_' || c.is_ascii_lowercase() || c.is_ascii_digit())
}

fn duplicates(items: &[Value], what: &str, at: &str, out: &mut Vec<String>, key: impl Fn(&Value) -> String) {
    let mut seen = std::collections::HashSet::new();
    for item in items {
        let key = key(item);
        if !seen.insert(key.clone()) {
            out.push(format!("{at}: duplicate {what} name {key}"));
        }
    }
}

fn check_command(command: &Value, at: &str, out: &mut Vec<String>) {
    let name = str_of(command, "name");
    let at = format!("{at}: command {name:?}");
    let kind = command.get("type").and_then(Value::as_u64).unwrap_or(1);
    let description = len(command, "description");
    if kind == 1 {
        if !valid_name(name) {
            out.push(format!("{at}: name must match ^[-_a-z0-9]{{1,32}}$"));
        }
        if !(1..=100).contains(&description) {
            out.push(format!(
                "{at}: description has {description} chars (slash commands need 1-100)"
            ));
        }
    } else {
        if !(1..=32).contains(&name.chars().count()) {
            out.push(format!("{at}: name must have 1-32 chars"));
        }
        if description != 0 {
            out.push(format!(
                "{at}: context menu commands must have an empty description"
            ));
        }
    }
    check_options(list(command, "options"), &at, out);
}

fn check_options(options: &[Value], at: &str, out: &mut Vec<String>) {
    if options.len() > 25 {
        out.push(format!("{at}: {} options (max 25)", options.len()));
    }
    duplicates(options, "option", at, out, |o| str_of(o, "name").to_string());
    let mut optional_seen = false;
    for option in options {
        let name = str_of(option, "name");
        let at = format!("{at} option {name:?}");
        let kind = option.get("type").and_then(Value::as_u64).unwrap_or(0);
        if !valid_name(name) {
            out.push(format!("{at}: name must match ^[-_a-z0-9]{{1,32}}$"));
        }
        let description = len(option, "description");
        if !(1..=100).contains(&description) {
            out.push(format!("{at}: description has {description} chars (need 1-100)"));
        }
        if !(1..=11).contains(&kind) {
            out.push(format!("{at}: invalid option type {kind}"));
        }
        if matches!(kind, 1 | 2) {
            check_options(list(option, "options"), &at, out);
            continue;
        }
        let required = option.get("required").and_then(Value::as_bool).unwrap_or(false);
        if required && optional_seen {
            out.push(format!("{at}: required option after an optional one"));
        }
        optional_seen |= !required;
        let choices = list(option, "choices");
        if choices.len() > 25 {
            out.push(format!("{at}: {} choices (max 25)", choices.len()));
        }
        if !choices.is_empty() && option.get("autocomplete").and_then(Value::as_bool) == Some(true) {
            out.push(format!("{at}: autocomplete options can't have choices"));
        }
        check_choices(choices, &at, out);
    }
}

fn check_choices(choices: &[Value], at: &str, out: &mut Vec<String>) {
    for choice in choices {
        let name = len(choice, "name");
        if !(1..=100).contains(&name) {
            out.push(format!(
                "{at}: choice name {:?} has {name} chars (need 1-100)",
                str_of(choice, "name")
            ));
        }
        if let Some(value) = choice.get("value").and_then(Value::as_str) {
            if value.chars().count() > 100 {
                out.push(format!("{at}: choice value {value:?} longer than 100 chars"));
            }
        }
    }
}

fn check_autocomplete(data: &Value, at: &str, out: &mut Vec<String>) {
    let choices = list(data, "choices");
    if choices.len() > 25 {
        out.push(format!(
            "{at} (type 8): {} autocomplete choices (max 25)",
            choices.len()
        ));
    }
    check_choices(choices, &format!("{at} (type 8)"), out);
}

/// Checks a message body (create or edit); `creates` also requires `allowed_mentions` and
/// some content.
fn check_message(body: &Value, at: &str, creates: bool, needs_content: bool, out: &mut Vec<String>) {
    if !body.is_object() {
        if creates {
            out.push(format!("{at}: no message body"));
        }
        return;
    }
    let content = len(body, "content");
    if content > 2000 {
        out.push(format!("{at}: content has {content} chars (max 2000)"));
    }
    let embeds = list(body, "embeds");
    if embeds.len() > 10 {
        out.push(format!("{at}: {} embeds (max 10)", embeds.len()));
    }
    let mut total = 0;
    for (i, embed) in embeds.iter().enumerate() {
        total += check_embed(embed, &format!("{at}: embed {i}"), out);
    }
    if total > 6000 {
        out.push(format!("{at}: embeds have {total} chars in total (max 6000)"));
    }
    let components = list(body, "components");
    check_components(components, at, out);
    if needs_content
        && content == 0
        && embeds.is_empty()
        && components.is_empty()
        && list(body, "attachments").is_empty()
        && list(body, "sticker_ids").is_empty()
        && body.get("poll").is_none_or(Value::is_null)
    {
        out.push(format!(
            "{at}: empty message (Discord: Cannot send an empty message)"
        ));
    }
    match body.get("allowed_mentions").filter(|v| !v.is_null()) {
        None if creates => out.push(format!(
            "{at}: no allowed_mentions (the message could ping @everyone)"
        )),
        None => {}
        Some(mentions) => {
            for parse in list(mentions, "parse") {
                if let Some(kind @ ("everyone" | "roles" | "users")) = parse.as_str() {
                    out.push(format!("{at}: allowed_mentions.parse allows {kind:?}"));
                }
            }
            for key in ["users", "roles"] {
                if !list(mentions, key).is_empty() {
                    out.push(format!("{at}: allowed_mentions.{key} is not empty"));
                }
            }
        }
    }
}

/// Checks one embed and returns its character count towards the 6000 total.
fn check_embed(embed: &Value, at: &str, out: &mut Vec<String>) -> usize {
    let mut limit = |what: &str, chars: usize, max: usize| {
        if chars > max {
            out.push(format!("{at}: {what} has {chars} chars (max {max})"));
        }
        chars
    };
    let empty = json!({});
    let footer = embed.get("footer").unwrap_or(&empty);
    let author = embed.get("author").unwrap_or(&empty);
    let mut total = limit("title", len(embed, "title"), 256)
        + limit("description", len(embed, "description"), 4096)
        + limit("footer text", len(footer, "text"), 2048)
        + limit("author name", len(author, "name"), 256);
    let fields = list(embed, "fields");
    for (i, field) in fields.iter().enumerate() {
        total += limit(&format!("field {i} name"), len(field, "name"), 256);
        total += limit(&format!("field {i} value"), len(field, "value"), 1024);
    }
    if fields.len() > 25 {
        out.push(format!("{at}: {} fields (max 25)", fields.len()));
    }
    for (i, field) in fields.iter().enumerate() {
        for key in ["name", "value"] {
            if str_of(field, key).trim().is_empty() {
                out.push(format!("{at}: field {i} has an empty {key}"));
            }
        }
    }
    total
}

fn check_components(rows: &[Value], at: &str, out: &mut Vec<String>) {
    if rows.len() > 5 {
        out.push(format!("{at}: {} action rows (max 5)", rows.len()));
    }
    for (r, row) in rows.iter().enumerate() {
        let at = format!("{at}: action row {r}");
        if row.get("type").and_then(Value::as_u64) != Some(1) {
            out.push(format!("{at}: top-level component is not an action row (type 1)"));
            continue;
        }
        let components = list(row, "components");
        if components.is_empty() || components.len() > 5 {
            out.push(format!("{at}: {} components (need 1-5)", components.len()));
        }
        for (c, component) in components.iter().enumerate() {
            let at = format!("{at} component {c}");
            let kind = component.get("type").and_then(Value::as_u64).unwrap_or(0);
            let custom_id = len(component, "custom_id");
            if custom_id > 100 {
                out.push(format!("{at}: custom_id has {custom_id} chars (max 100)"));
            }
            match kind {
                2 => {
                    let label = len(component, "label");
                    if label > 80 {
                        out.push(format!("{at}: button label has {label} chars (max 80)"));
                    }
                }
                3 | 5..=8 => {
                    if components.len() > 1 {
                        out.push(format!("{at}: a select menu must be alone in its action row"));
                    }
                    let options = list(component, "options");
                    if options.len() > 25 || (kind == 3 && options.is_empty()) {
                        out.push(format!("{at}: {} select options (need 1-25)", options.len()));
                    }
                    for (o, option) in options.iter().enumerate() {
                        for key in ["label", "value", "description"] {
                            if len(option, key) > 100 {
                                out.push(format!("{at}: option {o} {key} longer than 100 chars"));
                            }
                        }
                    }
                    if len(component, "placeholder") > 150 {
                        out.push(format!("{at}: placeholder longer than 150 chars"));
                    }
                }
                other => out.push(format!(
                    "{at}: component type {other} can't be in a message action row"
                )),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// OpenAPI: request bodies against Discord's own schema

/// Where Discord's OpenAPI description is (beside the clone, see `../shared/discord/README.md`).
const OPENAPI_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/discord/openapi.json");

/// Discord's OpenAPI description: its request body schemas by route and method.
struct OpenApi {
    routes: Vec<Route>,
    /// `components.schemas`, where `$ref`s point.
    schemas: Map<String, Value>,
}

/// One templated path of the spec, e.g. `/interactions/{interaction_id}/{interaction_token}/callback`.
struct Route {
    template: String,
    /// `None` for a `{parameter}` segment.
    segments: Vec<Option<String>>,
    /// By upper-case method: the JSON body schema and whether a body is required.
    bodies: HashMap<String, (Value, bool)>,
}

/// The spec, read once per test binary; `None` (said once on stderr) if the file is absent.
fn openapi_spec() -> Option<&'static OpenApi> {
    static SPEC: OnceLock<Option<OpenApi>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let bytes = match std::fs::read(OPENAPI_PATH) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!(
                    "fake Discord: {OPENAPI_PATH} is absent ({error}); request bodies are NOT checked against Discord's OpenAPI schema"
                );
                return None;
            }
        };
        let doc: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|error| panic!("fake Discord: {OPENAPI_PATH} is not JSON: {error}"));
        Some(OpenApi::new(doc))
    })
    .as_ref()
}

impl OpenApi {
    fn new(mut doc: Value) -> OpenApi {
        let schemas = match doc.pointer_mut("/components/schemas").map(Value::take) {
            Some(Value::Object(schemas)) => schemas,
            _ => panic!("fake Discord: {OPENAPI_PATH} has no components.schemas"),
        };
        let mut routes = Vec::new();
        for (template, item) in doc["paths"].as_object().into_iter().flatten() {
            let mut bodies = HashMap::new();
            for (method, operation) in item.as_object().into_iter().flatten() {
                let Some(body) = operation.get("requestBody") else {
                    continue;
                };
                let content = &body["content"];
                // `payload_json` of a multipart body is the same JSON as the JSON body.
                let schema = ["application/json", "multipart/form-data"]
                    .iter()
                    .find_map(|kind| content.get(*kind).and_then(|c| c.get("schema")));
                if let Some(schema) = schema {
                    let required = body.get("required").and_then(Value::as_bool).unwrap_or(false);
                    bodies.insert(method.to_uppercase(), (schema.clone(), required));
                }
            }
            let segments = template
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|s| (!s.starts_with('{')).then(|| s.to_string()))
                .collect();
            routes.push(Route {
                template: template.clone(),
                segments,
                bodies,
            });
        }
        OpenApi { routes, schemas }
    }

    /// The route that `path` (without `/api/v10`) matches, preferring literal segments over
    /// parameters (`/messages/@original` over `/messages/{message_id}`).
    fn route(&self, path: &str) -> Option<&Route> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.routes
            .iter()
            .filter(|route| {
                route.segments.len() == segments.len()
                    && route
                        .segments
                        .iter()
                        .zip(&segments)
                        .all(|(template, segment)| template.as_deref().is_none_or(|t| t == *segment))
            })
            .max_by_key(|route| route.segments.iter().filter(|s| s.is_some()).count())
    }
}

/// Checks a request body against the spec's schema for its path and method; one line per
/// mismatch, naming the place in the body and the schema rule it breaks.
fn check_openapi(method: &str, route: &str, body: &Value, at: &str) -> Vec<String> {
    let Some(spec) = openapi_spec() else {
        return Vec::new();
    };
    let Some(matched) = spec.route(route) else {
        return if body.is_null() {
            Vec::new()
        } else {
            vec![format!("{at}: OpenAPI: no such path in Discord's API")]
        };
    };
    let Some((schema, required)) = matched.bodies.get(method) else {
        return Vec::new();
    };
    let location = format!(
        "paths[{}].{}.requestBody",
        matched.template,
        method.to_lowercase()
    );
    if body.is_null() {
        return if *required {
            vec![format!("{at}: OpenAPI: no JSON body, but {location} is required")]
        } else {
            Vec::new()
        };
    }
    let mut errors = Vec::new();
    Validator { spec }.check(schema, &location, body, "", &mut errors, 0, false);
    errors
        .into_iter()
        .map(|e| {
            let place = if e.at.is_empty() { "(body)" } else { e.at.as_str() };
            format!("{at}: OpenAPI: {place}: {} [schema {}]", e.message, e.schema)
        })
        .collect()
}

/// One mismatch: where in the instance (a JSON pointer), which schema rule, what is wrong.
struct SchemaError {
    at: String,
    schema: String,
    message: String,
}

/// A validator for the subset of JSON Schema that Discord's spec uses: `type` (also a list,
/// and `"null"`), `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`,
/// `minLength`/`maxLength`, `minimum`/`maximum`, `minItems`/`maxItems`, `uniqueItems`,
/// `minProperties`/`maxProperties`, `oneOf`/`anyOf`/`allOf`, `$ref` to
/// `#/components/schemas/...`, and its two `pattern`s. `format` is not checked (a formatted
/// value is just a string or a number).
struct Validator<'a> {
    spec: &'a OpenApi,
}

impl Validator<'_> {
    /// Checks `value` (at `at`) against `schema` (at `loc`), adding mismatches to `out`. With
    /// `fast`, stops at the first mismatch (enough to tell whether an alternative matches).
    #[allow(clippy::too_many_arguments)]
    fn check(
        &self,
        schema: &Value,
        loc: &str,
        value: &Value,
        at: &str,
        out: &mut Vec<SchemaError>,
        depth: usize,
        fast: bool,
    ) {
        macro_rules! stop_if_failed {
            () => {
                if fast && !out.is_empty() {
                    return;
                }
            };
        }
        let Some(schema) = schema.as_object() else {
            return;
        };
        if depth > 100 {
            fail(out, at, loc, "$ref", "schema nesting too deep".to_string());
            return;
        }
        if let Some(kind) = schema.get("type") {
            let kinds: Vec<&str> = match kind {
                Value::String(kind) => vec![kind.as_str()],
                Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            if !kinds.is_empty() && !kinds.iter().any(|kind| is_type(value, kind)) {
                let message = format!("expected {}, got {}", kinds.join(" or "), describe(value));
                fail(out, at, loc, "type", message);
                // The other rules of this schema assume its type.
                return;
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.iter().any(|a| same(a, value)) {
                let message = format!(
                    "{} is not one of {}",
                    describe(value),
                    Value::Array(allowed.clone())
                );
                fail(out, at, loc, "enum", message);
            }
        }
        if let Some(constant) = schema.get("const") {
            if !same(constant, value) {
                fail(
                    out,
                    at,
                    loc,
                    "const",
                    format!("{} is not {constant}", describe(value)),
                );
            }
        }
        stop_if_failed!();
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let target = reference
                .strip_prefix("#/components/schemas/")
                .and_then(|name| self.spec.schemas.get(name));
            match target {
                Some(target) => self.check(target, reference, value, at, out, depth + 1, fast),
                None => fail(out, at, loc, "$ref", format!("unresolvable $ref {reference}")),
            }
            stop_if_failed!();
        }
        let number = |key: &str| schema.get(key).filter(|v| v.is_number());
        let count = |key: &str| schema.get(key).and_then(Value::as_u64).map(|n| n as usize);
        match value {
            Value::String(text) => {
                let chars = text.chars().count();
                if let Some(min) = count("minLength").filter(|min| chars < *min) {
                    fail(out, at, loc, "minLength", format!("{chars} chars (min {min})"));
                }
                if let Some(max) = count("maxLength").filter(|max| chars > *max) {
                    fail(out, at, loc, "maxLength", format!("{chars} chars (max {max})"));
                }
                if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                    if matches_pattern(pattern, text) == Some(false) {
                        let message = format!("{} does not match {pattern}", describe(value));
                        fail(out, at, loc, "pattern", message);
                    }
                }
            }
            Value::Number(_) => {
                if let Some(min) = number("minimum") {
                    if compare(value, min) == Some(Ordering::Less) {
                        fail(out, at, loc, "minimum", format!("{value} < {min}"));
                    }
                }
                if let Some(max) = number("maximum") {
                    if compare(value, max) == Some(Ordering::Greater) {
                        fail(out, at, loc, "maximum", format!("{value} > {max}"));
                    }
                }
            }
            Value::Array(items) => {
                if let Some(min) = count("minItems").filter(|min| items.len() < *min) {
                    fail(
                        out,
                        at,
                        loc,
                        "minItems",
                        format!("{} items (min {min})", items.len()),
                    );
                }
                if let Some(max) = count("maxItems").filter(|max| items.len() > *max) {
                    fail(
                        out,
                        at,
                        loc,
                        "maxItems",
                        format!("{} items (max {max})", items.len()),
                    );
                }
                if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
                    let repeated = items
                        .iter()
                        .enumerate()
                        .any(|(i, a)| items[..i].iter().any(|b| same(a, b)));
                    if repeated {
                        fail(out, at, loc, "uniqueItems", "items are not unique".to_string());
                    }
                }
                if let Some(item_schema) = schema.get("items") {
                    let item_loc = format!("{loc}/items");
                    for (i, item) in items.iter().enumerate() {
                        stop_if_failed!();
                        let item_at = format!("{at}/{i}");
                        self.check(item_schema, &item_loc, item, &item_at, out, depth + 1, fast);
                    }
                }
            }
            Value::Object(fields) => self.check_object(schema, loc, fields, at, out, depth, fast),
            _ => {}
        }
        stop_if_failed!();
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for (i, branch) in all.iter().enumerate() {
                self.check(
                    branch,
                    &format!("{loc}/allOf/{i}"),
                    value,
                    at,
                    out,
                    depth + 1,
                    fast,
                );
                stop_if_failed!();
            }
        }
        for keyword in ["anyOf", "oneOf"] {
            if let Some(branches) = schema.get(keyword).and_then(Value::as_array) {
                self.check_alternatives(keyword, branches, loc, value, at, out, depth, fast);
                stop_if_failed!();
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    #[allow(clippy::too_many_arguments)]
    fn check_object(
        &self,
        schema: &Map<String, Value>,
        loc: &str,
        fields: &Map<String, Value>,
        at: &str,
        out: &mut Vec<SchemaError>,
        depth: usize,
        fast: bool,
    ) {
        let count = |key: &str| schema.get(key).and_then(Value::as_u64).map(|n| n as usize);
        let properties = schema.get("properties").and_then(Value::as_object);
        let schema_of = |key: &str| properties.and_then(|p| p.get(key));
        // Discord treats an empty list like an absent field, and serenity sends some
        // (`"choices": []`, `"channel_types": []` on every option): see
        // ../shared/discord/README.md. So `[]` is neither checked nor counted as present.
        let present: Vec<(&String, &Value)> = fields
            .iter()
            .filter(|(_, v)| !v.as_array().is_some_and(Vec::is_empty))
            .collect();
        // Discriminators (`"type": {"enum": [2]}`) first: in an alternative that is not meant
        // for this value they fail at once, and that is what tells alternatives apart.
        let discriminator =
            |key: &str| schema_of(key).is_some_and(|s| s.get("enum").is_some() || s.get("const").is_some());
        let (first, rest): (Vec<_>, Vec<_>) = present.iter().partition(|(key, _)| discriminator(key));
        let check_field = |key: &String, field: &Value, out: &mut Vec<SchemaError>| {
            let at = format!("{at}/{key}");
            match schema_of(key) {
                Some(property) => {
                    let loc = format!("{loc}/properties/{key}");
                    self.check(property, &loc, field, &at, out, depth + 1, fast)
                }
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        let message = format!("field {key:?} is not allowed");
                        fail(out, &at, loc, "additionalProperties", message)
                    }
                    Some(extra @ Value::Object(_)) => {
                        let loc = format!("{loc}/additionalProperties");
                        self.check(extra, &loc, field, &at, out, depth + 1, fast)
                    }
                    _ => {}
                },
            }
        };
        for (key, field) in first {
            check_field(key, field, out);
            if fast && !out.is_empty() {
                return;
            }
        }
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().unwrap_or("");
            if !present.iter().any(|(key, _)| key.as_str() == name) {
                fail(
                    out,
                    at,
                    loc,
                    "required",
                    format!("missing required field {name:?}"),
                );
            }
        }
        if let Some(min) = count("minProperties").filter(|min| present.len() < *min) {
            fail(
                out,
                at,
                loc,
                "minProperties",
                format!("{} fields (min {min})", present.len()),
            );
        }
        if let Some(max) = count("maxProperties").filter(|max| present.len() > *max) {
            fail(
                out,
                at,
                loc,
                "maxProperties",
                format!("{} fields (max {max})", present.len()),
            );
        }
        for (key, field) in rest {
            if fast && !out.is_empty() {
                return;
            }
            check_field(key, field, out);
        }
    }

    /// `anyOf` (at least one alternative matches) and `oneOf` (exactly one does).
    #[allow(clippy::too_many_arguments)]
    fn check_alternatives(
        &self,
        keyword: &str,
        branches: &[Value],
        loc: &str,
        value: &Value,
        at: &str,
        out: &mut Vec<SchemaError>,
        depth: usize,
        fast: bool,
    ) {
        let branch_loc = |i: usize| format!("{loc}/{keyword}/{i}");
        let results: Vec<Vec<SchemaError>> = branches
            .iter()
            .enumerate()
            .map(|(i, branch)| {
                let mut errors = Vec::new();
                self.check(branch, &branch_loc(i), value, at, &mut errors, depth + 1, true);
                errors
            })
            .collect();
        let matching: Vec<usize> = (0..results.len()).filter(|i| results[*i].is_empty()).collect();
        if matching.is_empty() {
            // Report the alternative meant for this value: not one whose discriminator (a
            // `const`/`enum` field such as `type`) or JSON type differs, and then the one whose
            // first mismatch is deepest.
            let mismatch = |errors: &[SchemaError]| {
                errors.iter().any(|e| {
                    let rule = e.schema.rsplit('/').next().unwrap_or("");
                    let child = e.at.rsplit_once('/').is_some_and(|(parent, _)| parent == at);
                    (e.at == at && rule == "type") || (child && matches!(rule, "enum" | "const"))
                })
            };
            let closest = (0..results.len()).max_by_key(|i| {
                let errors = &results[*i];
                let shallowest = errors.iter().map(|e| e.at.matches('/').count()).min();
                (!mismatch(errors), shallowest)
            });
            match closest {
                Some(i) if fast => out.extend(results.into_iter().nth(i).unwrap_or_default()),
                // Every mismatch of that alternative, not just its first.
                Some(i) => self.check(&branches[i], &branch_loc(i), value, at, out, depth + 1, false),
                None => fail(out, at, loc, keyword, "no alternatives".to_string()),
            }
        } else if keyword == "oneOf" && matching.len() > 1 {
            let names: Vec<String> = matching.iter().map(|i| branch_name(&branches[*i], *i)).collect();
            let message = format!(
                "{} matches {} alternatives, not exactly one: {}",
                describe(value),
                matching.len(),
                names.join(", ")
            );
            fail(out, at, loc, keyword, message);
        }
    }
}

/// Records a mismatch of `value` at `at` with the rule `rule` of the schema at `loc`.
fn fail(out: &mut Vec<SchemaError>, at: &str, loc: &str, rule: &str, message: String) {
    out.push(SchemaError {
        at: at.to_string(),
        schema: format!("{loc}/{rule}"),
        message,
    });
}

fn branch_name(branch: &Value, index: usize) -> String {
    branch
        .get("$ref")
        .and_then(Value::as_str)
        .map(|r| r.trim_start_matches("#/components/schemas/").to_string())
        .unwrap_or_else(|| format!("#{index}"))
}

fn is_type(value: &Value, kind: &str) -> bool {
    match kind {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64() || value.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => true,
    }
}

/// The value, shortened, for a message. Objects and arrays are only named: failing
/// alternatives of a `oneOf` describe the whole value, and most of them are thrown away.
fn describe(value: &Value) -> String {
    match value {
        Value::Object(_) => "an object".to_string(),
        Value::Array(items) => format!("an array of {} items", items.len()),
        _ => {
            let text = value.to_string();
            if text.chars().count() > 80 {
                format!("{}…", text.chars().take(80).collect::<String>())
            } else {
                text
            }
        }
    }
}

/// JSON equality, with `1` equal to `1.0`.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => compare(a, b) == Some(Ordering::Equal),
        _ => a == b,
    }
}

/// Compares two numbers exactly when both are integers (ids and permission masks exceed f64).
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    let integer = |v: &Value| v.as_i64().map(i128::from).or_else(|| v.as_u64().map(i128::from));
    match (integer(a), integer(b)) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// The spec's two patterns (snowflakes and `#rgb` colours); `None` for any other pattern, which
/// is not checked.
fn matches_pattern(pattern: &str, text: &str) -> Option<bool> {
    match pattern {
        "^(0|[1-9][0-9]*)$" => Some(
            text == "0"
                || (text.starts_with(|c: char| ('1'..='9').contains(&c))
                    && text.chars().all(|c| c.is_ascii_digit())),
        ),
        "^#(([0-9a-fA-F]{2}){3}|([0-9a-fA-F]){3})$" => Some(
            text.strip_prefix('#')
                .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit())),
        ),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// Payloads

fn user(id: u64, username: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": username,
        "discriminator": if bot { "0000" } else { "0" },
        "global_name": if bot { Value::Null } else { json!(username) },
        "avatar": null,
        "bot": bot,
        "system": false,
        "public_flags": 0,
        "flags": 0,
    })
}

fn bot_user() -> Value {
    let mut bot = user(FakeDiscord::BOT_ID, "rolecall", true);
    bot["verified"] = json!(true);
    bot["mfa_enabled"] = json!(false);
    bot
}

fn normal_user() -> Value {
    user(FakeDiscord::USER_ID, "member", false)
}

fn guild_member(user: Value, roles: &[u64]) -> Value {
    let roles: Vec<String> = roles.iter().map(u64::to_string).collect();
    json!({
        "user": user,
        "nick": null,
        "avatar": null,
        "roles": roles,
        "joined_at": TIMESTAMP,
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
    })
}

fn application() -> Value {
    json!({
        "id": FakeDiscord::APP_ID.to_string(),
        "name": "rolecall",
        "icon": null,
        "description": "",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "bot": bot_user(),
        "owner": user(FakeDiscord::OWNER_ID, "owner", false),
        "verify_key": "0".repeat(64),
        "team": null,
        "flags": 0,
        "summary": "",
        "redirect_uris": [],
        "interactions_endpoint_url": null,
        "role_connections_verification_url": null,
        "integration_types_config": {"0": {}},
        "approximate_guild_count": 1,
    })
}

fn role(id: u64, name: &str, position: u64, managed: bool) -> Value {
    json!({
        "id": id.to_string(),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
        "hoist": false,
        "icon": null,
        "unicode_emoji": null,
        "position": position,
        "permissions": MEMBER_PERMISSIONS,
        "managed": managed,
        "mentionable": false,
        "flags": 0,
    })
}

fn text_channel() -> Value {
    json!({
        "id": FakeDiscord::CHANNEL_ID.to_string(),
        "type": 0,
        "guild_id": FakeDiscord::GUILD_ID.to_string(),
        "name": "general",
        "position": 0,
        "permission_overwrites": [],
        "topic": null,
        "nsfw": false,
        "last_message_id": null,
        "rate_limit_per_user": 0,
        "parent_id": null,
        "flags": 0,
    })
}

fn dm_channel(recipient: u64) -> Value {
    let recipient = if recipient == FakeDiscord::USER_ID {
        normal_user()
    } else {
        user(recipient, "someone", false)
    };
    json!({
        "id": FakeDiscord::DM_CHANNEL_ID.to_string(),
        "type": 1,
        "last_message_id": null,
        "recipients": [recipient],
        "flags": 0,
    })
}

/// The GUILD_CREATE payload: one text channel, `@everyone` + the bot's role, and three
/// members (the bot, the owner and `USER_ID`).
/// The GUILD_CREATE data of the second guild (see `FakeDiscord::SECOND_GUILD_ID`).
pub fn second_guild() -> Value {
    let text = guild().to_string();
    let text = text
        .replace(
            &FakeDiscord::GUILD_ID.to_string(),
            &FakeDiscord::SECOND_GUILD_ID.to_string(),
        )
        .replace(
            &FakeDiscord::CHANNEL_ID.to_string(),
            &FakeDiscord::SECOND_CHANNEL_ID.to_string(),
        );
    let mut guild: Value = serde_json::from_str(&text).unwrap();
    guild["name"] = json!("Rolecall Second");
    guild
}

pub fn guild() -> Value {
    let guild_id = FakeDiscord::GUILD_ID;
    let mut guild = json!({
        "id": guild_id.to_string(),
        "name": "Rolecall Test",
        "icon": null,
        "splash": null,
        "discovery_splash": null,
        "owner_id": FakeDiscord::OWNER_ID.to_string(),
        "afk_channel_id": null,
        "afk_timeout": 300,
        "widget_enabled": false,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [
            role(guild_id, "@everyone", 0, false),
            role(FakeDiscord::BOT_ROLE_ID, "rolecall", 1, true),
        ],
        "emojis": [],
        "features": [],
        "mfa_level": 0,
        "application_id": null,
        "system_channel_id": FakeDiscord::CHANNEL_ID.to_string(),
        "system_channel_flags": 0,
        "rules_channel_id": null,
        "max_members": 500000,
        "vanity_url_code": null,
        "description": null,
        "banner": null,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": null,
    });
    // In two parts: one `json!` this size exceeds the macro recursion limit.
    let rest = json!({
        "nsfw_level": 0,
        "stickers": [],
        "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
        "joined_at": TIMESTAMP,
        "large": false,
        "unavailable": false,
        "member_count": 3,
        "voice_states": [],
        "members": [
            guild_member(bot_user(), &[FakeDiscord::BOT_ROLE_ID]),
            guild_member(user(FakeDiscord::OWNER_ID, "owner", false), &[]),
            guild_member(normal_user(), &[]),
        ],
        "channels": [text_channel()],
        "threads": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
    });
    if let (Some(guild), Value::Object(rest)) = (guild.as_object_mut(), rest) {
        guild.extend(rest);
    }
    guild
}

fn message_object(id: u64, channel: u64, author: Value, content: &str, in_guild: bool) -> Value {
    let mut message = json!({
        "id": id.to_string(),
        "channel_id": channel.to_string(),
        "author": author,
        "content": content,
        "timestamp": TIMESTAMP,
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": false,
        "type": 0,
        "flags": 0,
    });
    if in_guild {
        message["guild_id"] = json!(FakeDiscord::GUILD_ID.to_string());
    }
    message
}

fn user_message(id: u64, content: &str, author: Value, in_guild: bool, mentions_bot: bool) -> Value {
    let channel = if in_guild {
        FakeDiscord::CHANNEL_ID
    } else {
        FakeDiscord::DM_CHANNEL_ID
    };
    let mut message = message_object(id, channel, author, content, in_guild);
    if mentions_bot {
        message["mentions"] = json!([bot_user()]);
    }
    if in_guild {
        let mut member = guild_member(Value::Null, &[]);
        member.as_object_mut().unwrap().remove("user");
        message["member"] = member;
    }
    message
}

/// A MESSAGE_CREATE payload from `USER_ID` (not a bot): in the guild channel with `member` if
/// `in_guild`, else in the DM channel. `mentions_bot` only fills `mentions`: put the
/// `<@BOT_ID>` text in `content` yourself.
pub fn message(id: u64, content: &str, mentions_bot: bool, in_guild: bool) -> Value {
    user_message(id, content, normal_user(), in_guild, mentions_bot)
}

/// A MESSAGE_CREATE payload in the guild channel from another bot (`author.bot = true`).
pub fn bot_message(id: u64, content: &str) -> Value {
    user_message(id, content, user(OTHER_BOT_ID, "otherbot", true), true, false)
}

/// The fields every INTERACTION_CREATE needs; `in_guild` selects `member` + `guild_id` (the
/// guild channel) or `user` (the DM channel).
fn interaction(id: u64, kind: u8, data: Value, in_guild: bool) -> Value {
    let mut interaction = json!({
        "id": id.to_string(),
        "application_id": FakeDiscord::APP_ID.to_string(),
        "type": kind,
        "data": data,
        "token": format!("tok-{id}"),
        "version": 1,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 26214400,
        "app_permissions": MEMBER_PERMISSIONS,
    });
    if in_guild {
        let mut member = guild_member(normal_user(), &[]);
        member["permissions"] = json!(MEMBER_PERMISSIONS);
        interaction["member"] = member;
        interaction["guild_id"] = json!(FakeDiscord::GUILD_ID.to_string());
        interaction["channel_id"] = json!(FakeDiscord::CHANNEL_ID.to_string());
        interaction["guild_locale"] = json!("en-US");
        interaction["context"] = json!(0);
        interaction["authorizing_integration_owners"] = json!({"0": FakeDiscord::GUILD_ID.to_string()});
    } else {
        interaction["user"] = normal_user();
        interaction["channel_id"] = json!(FakeDiscord::DM_CHANNEL_ID.to_string());
        interaction["context"] = json!(1);
        interaction["authorizing_integration_owners"] = json!({"1": FakeDiscord::USER_ID.to_string()});
    }
    interaction
}

fn command_data(name: &str, options: Value, in_guild: bool) -> Value {
    let mut data = json!({"id": COMMAND_ID.to_string(), "name": name, "type": 1, "options": options});
    if in_guild {
        data["guild_id"] = json!(FakeDiscord::GUILD_ID.to_string());
    }
    data
}

/// An INTERACTION_CREATE for the slash command `name` (type 2) with `options` as Discord sends
/// them in `data.options`, from `USER_ID`; its token is `tok-{id}`.
pub fn slash_command(id: u64, name: &str, options: Value, in_guild: bool) -> Value {
    interaction(id, 2, command_data(name, options, in_guild), in_guild)
}

/// An autocomplete INTERACTION_CREATE (type 4) in the guild; mark the focused option
/// `"focused": true` in `options`.
pub fn autocomplete(id: u64, name: &str, options: Value) -> Value {
    interaction(id, 4, command_data(name, options, true), true)
}

/// A component INTERACTION_CREATE (type 3) in the guild from `USER_ID` on the bot's message
/// `message_id` (`component_type` 2 = button, 3 = string select with `values`).
pub fn component(id: u64, custom_id: &str, component_type: u8, values: &[&str], message_id: u64) -> Value {
    let data = json!({"custom_id": custom_id, "component_type": component_type, "values": values});
    let mut interaction = interaction(id, 3, data, true);
    let mut message = message_object(message_id, FakeDiscord::CHANNEL_ID, bot_user(), "", true);
    message["application_id"] = json!(FakeDiscord::APP_ID.to_string());
    interaction["message"] = message;
    interaction
}

/// The OpenAPI validator on hand-made bodies: it finds what Discord rejects and accepts what
/// Discord accepts (including serenity's empty lists).
#[cfg(test)]
mod openapi_checks {
    use super::*;

    fn check(method: &str, route: &str, body: Value) -> Vec<String> {
        if openapi_spec().is_none() {
            return Vec::new();
        }
        check_openapi(method, route, &body, "test")
    }

    fn has(errors: &[String], needle: &str) -> bool {
        errors.iter().any(|e| e.contains(needle))
    }

    #[test]
    fn routes_prefer_literal_segments() {
        let Some(spec) = openapi_spec() else { return };
        let route = |path: &str| spec.route(path).map(|r| r.template.as_str());
        assert_eq!(
            route("/webhooks/1/tok/messages/@original"),
            Some("/webhooks/{webhook_id}/{webhook_token}/messages/@original")
        );
        assert_eq!(
            route("/interactions/5/tok-5/callback"),
            Some("/interactions/{interaction_id}/{interaction_token}/callback")
        );
        assert_eq!(route("/applications/@me"), Some("/applications/@me"));
    }

    #[test]
    fn valid_bodies_pass_and_empty_lists_count_as_absent() {
        let reply = json!({"type": 4, "data": {
            "content": "hi",
            "embeds": [{"title": "T", "description": "D", "color": 5, "fields": [{"name": "a", "value": "b", "inline": true}]}],
            "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "rc:x"}]}],
            "allowed_mentions": {"parse": [], "replied_user": false},
            "flags": 64
        }});
        assert_eq!(
            check("POST", "/interactions/5/tok-5/callback", reply),
            Vec::<String>::new()
        );
        let commands = json!([{"name": "ask", "description": "Ask", "type": 1, "options": [
            {"type": 3, "name": "q", "description": "Q", "required": true, "choices": [], "channel_types": []}
        ]}]);
        assert_eq!(
            check("PUT", "/applications/1/commands", commands),
            Vec::<String>::new()
        );
    }

    #[test]
    fn invalid_bodies_are_reported_with_the_schema_rule() {
        if openapi_spec().is_none() {
            // Without Discord's spec beside the project there is nothing to check against.
            eprintln!("{OPENAPI_PATH} is missing: the schema checks cannot be tested here");
            return;
        }
        let long_title = json!({"type": 4, "data": {"embeds": [{"title": "x".repeat(300)}]}});
        let errors = check("POST", "/interactions/5/tok-5/callback", long_title);
        assert!(
            has(&errors, "/data/embeds/0/title: 300 chars (max 256)")
                && has(&errors, "RichEmbed/properties/title/maxLength"),
            "{errors:#?}"
        );
        let bad_type = json!({"type": 99});
        assert!(!check("POST", "/interactions/5/tok-5/callback", bad_type).is_empty());
        let empty_row = json!({"content": "x", "components": [{"type": 1, "components": []}]});
        let errors = check("POST", "/channels/1/messages", empty_row);
        assert!(
            has(&errors, "missing required field \"components\""),
            "{errors:#?}"
        );
        let bad_reference = json!({"content": "x", "message_reference": {"message_id": "01"}});
        let errors = check("POST", "/channels/1/messages", bad_reference);
        assert!(has(&errors, "/message_reference/message_id"), "{errors:#?}");
        let wrong_kind = json!({"content": 5});
        assert!(has(
            &check("PATCH", "/webhooks/1/t/messages/@original", wrong_kind),
            "expected string or null"
        ));
        assert!(has(
            &check("POST", "/channels/1/messages", Value::Null),
            "no JSON body"
        ));
    }
}
