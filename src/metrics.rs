//! Operational counters and the optional HTTP endpoint that serves them.
//!
//! `METRICS_ADDR` (off by default) starts a small server with `/healthz` (200 when the
//! gateway is connected, the knowledge is loaded and the database answers; 503 with the
//! reason otherwise) and `/metrics`. The series live in a `prometheus-client` [`Registry`]
//! and are written by that crate's Prometheus text encoder
//! ([`prometheus_text`], exposition format version 0.0.4, served as
//! `text/plain; version=0.0.4`), so the names and lines are the ones Prometheus expects.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::{prometheus_text, EncodeLabelSet};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::store::Store;

/// Upper bounds of the answer latency histogram, in seconds.
const LATENCY_BUCKETS: [f64; 8] = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0];

/// The labels of `rolecall_questions_total`: the answer's status (`answered`,
/// `unknown_role`, `not_understood`) and aspect id (`none` when there is none).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QuestionLabels {
    status: String,
    aspect: String,
}

/// Counters shared by the bot's handlers and the endpoint, registered in one [`Registry`].
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    questions: Family<QuestionLabels, Counter>,
    latency: Histogram,
    unknown_roles: Counter,
    reconnects: Counter,
    reload_failures: Counter,
    /// 1 while the gateway is connected, else 0.
    connected: Gauge,
    shards_seen: Mutex<HashSet<u32>>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        let questions = Family::<QuestionLabels, Counter>::default();
        let latency = Histogram::new(LATENCY_BUCKETS);
        let unknown_roles = Counter::default();
        let reconnects = Counter::default();
        let reload_failures = Counter::default();
        let connected = Gauge::default();
        // Counter names carry no `_total`: the encoder appends it.
        let mut registry = Registry::default();
        registry.register(
            "rolecall_questions",
            "Questions answered, by outcome and aspect.",
            questions.clone(),
        );
        registry.register(
            "rolecall_answer_seconds",
            "Time from a question's arrival to its reply.",
            latency.clone(),
        );
        registry.register(
            "rolecall_unknown_role",
            "Questions about roles the knowledge lacks.",
            unknown_roles.clone(),
        );
        registry.register(
            "rolecall_gateway_reconnects",
            "Gateway reconnections after the first connect.",
            reconnects.clone(),
        );
        registry.register(
            "rolecall_knowledge_reload_failures",
            "Knowledge reloads refused for problems.",
            reload_failures.clone(),
        );
        registry.register(
            "rolecall_gateway_connected",
            "Whether the gateway is connected.",
            connected.clone(),
        );
        Metrics {
            registry,
            questions,
            latency,
            unknown_roles,
            reconnects,
            reload_failures,
            connected,
            shards_seen: Mutex::default(),
        }
    }
}

impl Metrics {
    /// Counts one answered question with its status, aspect and latency in seconds.
    pub fn question(&self, status: &str, aspect: Option<&str>, seconds: f64) {
        let labels = QuestionLabels {
            status: status.to_string(),
            aspect: aspect.unwrap_or("none").to_string(),
        };
        self.questions.get_or_create(&labels).inc();
        if status == "unknown_role" {
            self.unknown_roles.inc();
        }
        self.latency.observe(seconds);
    }

    /// Records that the gateway is up (the first READY, before any event is handled).
    pub fn gateway_ready(&self) {
        self.connected.set(1);
    }

    /// Records a gateway session (READY or RESUMED) of `shard`: every session of a shard
    /// after its first is a reconnect.
    pub fn gateway_session(&self, shard: u32) {
        self.connected.set(1);
        if !self
            .shards_seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(shard)
        {
            self.reconnects.inc();
        }
    }

    /// Records that the gateway connection is up again.
    pub fn gateway_connected(&self) {
        self.connected.set(1);
    }

    /// Records that the gateway connection was lost.
    pub fn gateway_disconnected(&self) {
        self.connected.set(0);
    }

    /// Counts a knowledge reload that failed (the last good knowledge stayed).
    pub fn reload_failed(&self) {
        self.reload_failures.inc();
    }

    /// Whether the gateway is connected now.
    fn is_connected(&self) -> bool {
        self.connected.get() > 0
    }

    /// Everything in Prometheus' text exposition format, version 0.0.4.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail; the encoder's only errors are the writer's.
        let _ = prometheus_text::encode(&mut out, &self.registry);
        out
    }
}

#[derive(Clone)]
struct Endpoint {
    metrics: Arc<Metrics>,
    store: Arc<Store>,
}

/// Serves `/healthz` and `/metrics` on `addr` until the process ends.
///
/// Errors when `addr` cannot be bound.
pub async fn serve(addr: SocketAddr, metrics: Arc<Metrics>, store: Arc<Store>) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on METRICS_ADDR {addr}: {e}"))?;
    tracing::info!(%addr, "serving /healthz and /metrics");
    let app = Router::new()
        .route("/healthz", get(health))
        .route("/metrics", get(scrape))
        .with_state(Endpoint { metrics, store });
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(error = %error, "the metrics endpoint stopped");
        }
    });
    Ok(())
}

async fn scrape(State(endpoint): State<Endpoint>) -> ([(header::HeaderName, &'static str); 1], String) {
    (
        [(header::CONTENT_TYPE, prometheus_text::CONTENT_TYPE)],
        endpoint.metrics.render(),
    )
}

async fn health(State(endpoint): State<Endpoint>) -> (StatusCode, String) {
    let mut problems = Vec::new();
    if !endpoint.metrics.is_connected() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_keep_their_names_labels_and_buckets() {
        let metrics = Metrics::default();
        metrics.question("answered", Some("salary"), 0.002);
        metrics.question("unknown_role", None, 2.0);
        metrics.gateway_session(0);
        metrics.gateway_session(0);
        metrics.reload_failed();
        let text = metrics.render();
        for line in [
            "# TYPE rolecall_questions_total counter",
            "rolecall_questions_total{status=\"answered\",aspect=\"salary\"} 1",
            "rolecall_questions_total{status=\"unknown_role\",aspect=\"none\"} 1",
            "# TYPE rolecall_answer_seconds histogram",
            "rolecall_answer_seconds_bucket{le=\"0.0005\"} 0",
            "rolecall_answer_seconds_bucket{le=\"0.005\"} 1",
            "rolecall_answer_seconds_bucket{le=\"1\"} 1",
            "rolecall_answer_seconds_bucket{le=\"+Inf\"} 2",
            "rolecall_answer_seconds_sum 2.002",
            "rolecall_answer_seconds_count 2",
            "rolecall_unknown_role_total 1",
            "rolecall_gateway_reconnects_total 1",
            "rolecall_knowledge_reload_failures_total 1",
            "# TYPE rolecall_gateway_connected gauge",
            "rolecall_gateway_connected 1",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in:\n{text}");
        }
        metrics.gateway_disconnected();
        assert!(!metrics.is_connected());
        assert!(metrics.render().contains("rolecall_gateway_connected 0\n"));
    }
}
