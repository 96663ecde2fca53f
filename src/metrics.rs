//! Operational counters and the optional HTTP endpoint that serves them.
//!
//! `METRICS_ADDR` (off by default) starts a small server with `/healthz` (200 when the
//! gateway is connected, the knowledge is loaded and the database answers; 503 with the
//! reason otherwise) and `/metrics` in Prometheus' text format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;

use crate::store::Store;

/// Upper bounds of the answer latency histogram, in seconds.
const LATENCY_BUCKETS: [f64; 8] = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0];

/// Counters shared by the bot's handlers and the endpoint.
#[derive(Debug, Default)]
pub struct Metrics {
    questions: Mutex<BTreeMap<(String, String), u64>>,
    latency: Mutex<Histogram>,
    unknown_roles: AtomicU64,
    reconnects: AtomicU64,
    reload_failures: AtomicU64,
    connected: AtomicBool,
    shards_seen: Mutex<std::collections::HashSet<u32>>,
}

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; LATENCY_BUCKETS.len()],
    total: u64,
    sum: f64,
}

impl Metrics {
    /// Counts one answered question with its status, aspect and latency.
    pub fn question(&self, status: &str, aspect: Option<&str>, seconds: f64) {
        let key = (status.to_string(), aspect.unwrap_or("none").to_string());
        *self
            .questions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key)
            .or_default() += 1;
        if status == "unknown_role" {
            self.unknown_roles.fetch_add(1, Ordering::Relaxed);
        }
        let mut latency = self.latency.lock().unwrap_or_else(|e| e.into_inner());
        for (count, bound) in latency.counts.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *count += 1;
            }
        }
        latency.total += 1;
        latency.sum += seconds;
    }

    /// Records that the gateway is up (the first READY, before any event is handled).
    pub fn gateway_ready(&self) {
        self.connected.store(true, Ordering::Relaxed);
    }

    /// Records a gateway session (READY or RESUMED) of `shard`: every session of a shard
    /// after its first is a reconnect.
    pub fn gateway_session(&self, shard: u32) {
        self.connected.store(true, Ordering::Relaxed);
        if !self
            .shards_seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(shard)
        {
            self.reconnects.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Records that the gateway connection is up again.
    pub fn gateway_connected(&self) {
        self.connected.store(true, Ordering::Relaxed);
    }

    /// Records that the gateway connection was lost.
    pub fn gateway_disconnected(&self) {
        self.connected.store(false, Ordering::Relaxed);
    }

    /// Counts a knowledge reload that failed (the last good knowledge stayed).
    pub fn reload_failed(&self) {
        self.reload_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Everything in Prometheus' text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP rolecall_questions_total Questions answered, by outcome and aspect.\n");
        out.push_str("# TYPE rolecall_questions_total counter\n");
        for ((status, aspect), count) in self.questions.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = writeln!(
                out,
                "rolecall_questions_total{{status=\"{status}\",aspect=\"{aspect}\"}} {count}"
            );
        }
        let latency = self.latency.lock().unwrap_or_else(|e| e.into_inner());
        out.push_str("# HELP rolecall_answer_seconds Time from a question's arrival to its reply.\n");
        out.push_str("# TYPE rolecall_answer_seconds histogram\n");
        for (count, bound) in latency.counts.iter().zip(LATENCY_BUCKETS) {
            let _ = writeln!(out, "rolecall_answer_seconds_bucket{{le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(
            out,
            "rolecall_answer_seconds_bucket{{le=\"+Inf\"}} {}",
            latency.total
        );
        let _ = writeln!(out, "rolecall_answer_seconds_sum {}", latency.sum);
        let _ = writeln!(out, "rolecall_answer_seconds_count {}", latency.total);
        for (name, help, value) in [
            (
                "rolecall_unknown_role_total",
                "Questions about roles the knowledge lacks.",
                &self.unknown_roles,
            ),
            (
                "rolecall_gateway_reconnects_total",
                "Gateway reconnections after the first connect.",
                &self.reconnects,
            ),
            (
                "rolecall_knowledge_reload_failures_total",
                "Knowledge reloads refused for problems.",
                &self.reload_failures,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let connected = u8::from(self.connected.load(Ordering::Relaxed));
        let _ = writeln!(
            out,
            "# HELP rolecall_gateway_connected Whether the gateway is connected.\n# TYPE rolecall_gateway_connected gauge\nrolecall_gateway_connected {connected}"
        );
        out
    }
}

#[derive(Clone)]
struct Endpoint {
    metrics: Arc<Metrics>,
    store: Arc<Store>,
}

/// Serves `/healthz` and `/metrics` on `addr` until the process ends.
pub async fn serve(addr: SocketAddr, metrics: Arc<Metrics>, store: Arc<Store>) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on METRICS_ADDR {addr}: {e}"))?;
    tracing::info!(%addr, "serving /healthz and /metrics");
    let app = Router::new()
        .route("/healthz", get(health))
        .route(
            "/metrics",
            get(|State(e): State<Endpoint>| async move { e.metrics.render() }),
        )
        .with_state(Endpoint { metrics, store });
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(error = %error, "the metrics endpoint stopped");
        }
    });
    Ok(())
}

async fn health(State(endpoint): State<Endpoint>) -> (StatusCode, String) {
    let mut problems = Vec::new();
    if !endpoint.metrics.connected.load(Ordering::Relaxed) {
        problems.push("gateway not connected");
    }
    match tokio::time::timeout(Duration::from_secs(4), endpoint.store.ping()).await {
        Ok(Ok(())) => {}
        _ => problems.push("database unreachable"),
    }
    if problems.is_empty() {
        (
            StatusCode::OK,
            "ok: gateway connected, knowledge loaded, database reachable\n".to_string(),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("unhealthy: {}\n", problems.join(", ")),
        )
    }
}
