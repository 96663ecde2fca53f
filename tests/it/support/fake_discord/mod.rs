//! A fake Discord on 127.0.0.1 (HTTP API + WebSocket gateway) for the bot's integration tests
//! and the bot benchmarks (which include this folder with `#[path]`).
//!
//! The real bot (serenity 0.12.5 + poise 0.7) can't be tested against discord.com, so the tests
//! point it at this server instead: the HTTP client via `HttpBuilder::proxy(api_url)` with the
//! rate limiter disabled, the gateway via the URL that `GET /api/v10/gateway` returns. The fake
//! records every HTTP request (method, path, JSON body, uploaded files) so that a test can wait
//! for the bot's answer, plays the gateway handshake (HELLO, IDENTIFY → READY + GUILD_CREATE,
//! RESUME → RESUMED, heartbeats), lets a test dispatch events (slash commands, messages, ...),
//! and checks every request body against the limits that the real Discord enforces (name
//! formats, lengths, counts, `allowed_mentions`) and against Discord's own OpenAPI description,
//! recording each breach as a violation instead of failing the request, so a test can assert
//! that there are none.
//!
//! Faults for the bot to survive: gateway closes (`disconnect`), abrupt TCP drops
//! (`disconnect_abruptly`), RECONNECT and INVALID_SESSION (`send_op`), heartbeats without ACKs
//! (`set_heartbeat_ack`, with `set_heartbeat_interval` to notice it quickly), HTTP errors and
//! rate limits (`set_http_status`, `set_rate_limit`) and a slow API (`set_http_delay`). RESUME
//! replays the events the bot missed, as Discord does.
//!
//! This file holds the `FakeDiscord` handle and the state its parts share; by concern:
//! `gateway` (the WebSocket side), `http` (routes and answers), `payloads` (builders of the
//! payloads Discord documents, also used by tests to make events), `checks` (limits on request
//! bodies) and `openapi` (request bodies against Discord's schemas).

// Not every test uses every helper: each test module takes what it needs.
#![allow(dead_code)]

mod checks;
mod gateway;
mod http;
mod openapi;
mod payloads;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::AbortHandle;

use gateway::{Outgoing, Session, SessionLog};

pub use gateway::Handshake;
// The events tests dispatch. The benchmarks make only some of them.
#[allow(unused_imports)]
pub use payloads::{autocomplete, bot_message, component, message, message_menu, slash_command};

/// How long `wait_for`, `wait_ready` and `dispatch` wait before failing the test.
const WAIT: Duration = Duration::from_secs(20);
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
    /// The files of a multipart/form-data body (every part but `payload_json`).
    pub files: Vec<Upload>,
    /// When the fake received it (a delayed answer goes out later).
    pub at: Instant,
    /// The HTTP status the fake answered (or, after a delay, will answer) with.
    pub status: u16,
}

/// A file uploaded in a multipart/form-data body.
#[derive(Clone, Debug)]
pub struct Upload {
    /// The form field, e.g. `files[0]`.
    pub name: String,
    /// The file name, e.g. `salary.png`.
    pub file_name: Option<String>,
    /// The part's `Content-Type`, e.g. `image/png`.
    pub content_type: Option<String>,
    /// The file's size in bytes.
    pub bytes: usize,
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.body.to_string();
        let body: String = body.chars().take(300).collect();
        write!(f, "{} {} [{}] {}", self.method, self.path, self.status, body)
    }
}

/// A fault switched on for the next `times` requests whose path contains `path_contains`.
struct HttpFault<T> {
    path_contains: String,
    times: usize,
    fault: T,
}

impl<T: Copy> HttpFault<T> {
    /// The first of `faults` still pending for `path`, which it uses up once.
    fn take(faults: &mut [HttpFault<T>], path: &str) -> Option<T> {
        let pending = faults
            .iter_mut()
            .find(|f| f.times > 0 && path.contains(&f.path_contains))?;
        pending.times -= 1;
        Some(pending.fault)
    }
}

/// An HTTP error answer: the status, and for a 429 the `retry_after` in seconds.
#[derive(Clone, Copy)]
struct HttpError {
    status: u16,
    retry_after: f64,
}

/// Everything the fake knows: what it received, its gateway sessions, the messages it created,
/// and the fault switches a test set.
struct State {
    requests: Vec<Request>,
    violations: Vec<String>,
    identify: Option<Value>,
    connections: usize,
    identifies: usize,
    resumes: usize,
    heartbeats: usize,
    /// The close frames the bot sent: (code, when), in order.
    client_closes: Vec<(u16, Instant)>,
    /// Whether op 1 heartbeats get an op 11 ACK.
    heartbeat_ack: bool,
    /// The `heartbeat_interval` sent in HELLO to new connections.
    heartbeat_interval_ms: u64,
    sessions: Vec<Session>,
    /// By session id: every Discord session started so far.
    logs: HashMap<String, SessionLog>,
    /// Sessions ended by INVALID_SESSION `d: false`: a RESUME of one gets op 9 again.
    invalidated: HashSet<String>,
    /// Error answers switched on by `set_http_status` and `set_rate_limit`.
    overrides: Vec<HttpFault<HttpError>>,
    /// Slow answers switched on by `set_http_delay`.
    delays: Vec<HttpFault<Duration>>,
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
            client_closes: Vec::new(),
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

/// What the `FakeDiscord` handle, the HTTP handler and the gateway connections share.
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
        openapi::spec();
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

        let router = Router::new().fallback(http::handle).with_state(shared.clone());
        let http_task = tokio::spawn(async move {
            let _ = axum::serve(http, router).await;
        });
        let gateway_shared = shared.clone();
        let gateway_task = tokio::spawn(async move {
            while let Ok((stream, _)) = gateway.accept().await {
                let conn = tokio::spawn(gateway::connection(gateway_shared.clone(), stream));
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
        let fault = HttpError {
            status,
            retry_after: DEFAULT_RETRY_AFTER_SECS,
        };
        self.shared.lock().overrides.push(HttpFault {
            path_contains: path_contains.to_string(),
            times,
            fault,
        });
    }

    /// The next `times` requests whose path contains `path_contains` get Discord's 429: the
    /// body `{"message": "You are being rate limited.", "retry_after": <secs>, "global": false}`
    /// and the headers `retry-after` (whole seconds, rounded up, as Discord sends it) and
    /// `x-ratelimit-{limit,remaining,reset,reset-after,bucket,scope}`.
    pub fn set_rate_limit(&self, path_contains: &str, retry_after: Duration, times: usize) {
        let fault = HttpError {
            status: 429,
            retry_after: retry_after.as_secs_f64(),
        };
        self.shared.lock().overrides.push(HttpFault {
            path_contains: path_contains.to_string(),
            times,
            fault,
        });
    }

    /// The next `times` requests whose path contains `path_contains` are answered only after
    /// `delay` (a slow Discord). The request is recorded (and `wait_for` sees it) on arrival.
    pub fn set_http_delay(&self, path_contains: &str, delay: Duration, times: usize) {
        self.shared.lock().delays.push(HttpFault {
            path_contains: path_contains.to_string(),
            times,
            fault: delay,
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

    /// The close frames the bot sent, as (code, when it arrived); 1000 is a clean shutdown.
    pub fn client_closes(&self) -> Vec<(u16, Instant)> {
        self.shared.lock().client_closes.clone()
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
