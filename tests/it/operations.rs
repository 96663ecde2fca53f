//! Career paths, the "Ask rolecall" message menu, deleting an answer, and the health and
//! metrics endpoint, through the real bot and the fake Discord.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::bot::{assert_no_violations, callback, connected, embed, option};
use crate::support::fake_discord::{self, FakeDiscord, Request};
use crate::support::{arg, knowledge_dir, role_file, rolecall};

#[test]
fn check_rejects_career_links_to_unknown_roles_and_cycles() {
    let link = |text: String, to: &str| {
        text.replacen("aliases = []", &format!("aliases = []\nleads_to = [\"{to}\"]"), 1)
    };
    let dir = knowledge_dir(&[
        ("roles/a.md", link(role_file("a", "Alpha analyst", &[]), "b")),
        ("roles/b.md", link(role_file("b", "Beta analyst", &[]), "c")),
        ("roles/c.md", link(role_file("c", "Gamma analyst", &[]), "a")),
        ("roles/d.md", link(role_file("d", "Delta analyst", &[]), "nobody")),
    ]);
    let output = rolecall(&["check", "--knowledge", arg(dir.path())], b"");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("roles/d.md:1: career path names unknown role id \"nobody\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("career paths form a cycle: a → b → c → a"),
        "{stdout}"
    );
}

#[test]
fn path_questions_show_the_ladder() {
    let output = rolecall(&["ask", "what comes after senior producer?"], b"");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Usually leads to: Executive producer."), "{text}");
    let output = rolecall(&["ask", "--json", "how do I become an executive producer?"], b"");
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["aspect"], "requirements");
    let text = answer["text"].as_str().unwrap();
    assert!(text.contains("Career path: Production assistant → "), "{text}");
    assert!(text.contains("→ Executive producer."), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn path_command_offers_buttons_to_each_step() {
    let (fake, _bot) = connected(&[]).await;
    let options = json!([option("role", 3, json!("producer"))]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(1, "path", options, true),
    )
    .await;
    let body = callback(&fake, 1).await;
    assert_eq!(embed(&body)["title"], "Producer — Career path");
    let field = embed(&body)["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Career path")
        .cloned();
    let value = field.expect("a career path field")["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        value.contains("Usually leads to: Senior producer, Supervising producer."),
        "{value}"
    );
    let buttons: Vec<&str> = body["data"]["components"][1]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["custom_id"].as_str().unwrap())
        .collect();
    assert!(
        buttons.contains(&"rc:ask:overview:senior-producer"),
        "{buttons:?}"
    );
    assert_no_violations(&fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_message_menu_answers_as_a_reply_and_only_the_asker_can_delete() {
    let (fake, _bot) = connected(&[]).await;
    let menu = fake_discord::message_menu(2, 55, "how much does a line producer earn?");
    fake.dispatch("INTERACTION_CREATE", menu).await;
    let reply = fake
        .wait_for("the reply to message 55", |r: &Request| {
            r.method == "POST" && r.body["message_reference"]["message_id"] == "55"
        })
        .await;
    assert_eq!(reply.body["embeds"][0]["title"], "Line producer — Salary");
    assert_eq!(reply.body["allowed_mentions"]["replied_user"], false);
    assert_eq!(
        callback(&fake, 2).await["data"]["flags"],
        64,
        "the asker gets a private note"
    );

    let delete_id = format!("rc:del:{}", FakeDiscord::USER_ID);
    let rows = reply.body["components"].as_array().unwrap();
    assert!(
        rows.iter()
            .any(|row| row["components"][0]["custom_id"] == delete_id.as_str()),
        "{rows:?}"
    );
    // Someone else clicks delete: refused, nothing deleted.
    let mut other = fake_discord::component(3, &delete_id, 2, &[], 91);
    other["member"]["user"]["id"] = json!("123");
    fake.dispatch("INTERACTION_CREATE", other).await;
    let refusal = callback(&fake, 3).await;
    assert_eq!(
        refusal["data"]["content"],
        "Only the person who asked can delete this answer."
    );
    // The asker clicks it: the answer goes.
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::component(4, &delete_id, 2, &[], 91),
    )
    .await;
    callback(&fake, 4).await;
    let deleted = fake
        .wait_for("the deletion", |r: &Request| {
            r.method == "DELETE" && r.path.ends_with("/messages/91")
        })
        .await;
    assert_eq!(deleted.method, "DELETE");
    let deletions = fake.requests().iter().filter(|r| r.method == "DELETE").count();
    assert_eq!(deletions, 1, "only the asker's click deletes");
    assert_no_violations(&fake);
}

async fn http_get(addr: &str, path: &str) -> (u16, String) {
    for _ in 0..100 {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await {
            let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
            stream.write_all(request.as_bytes()).await.unwrap();
            let mut response = String::new();
            stream.read_to_string(&mut response).await.unwrap();
            let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
            return (
                head.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0),
                body.to_string(),
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing listens on {addr}");
}

/// A free address on 127.0.0.1 for the metrics endpoint.
fn free_addr() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("127.0.0.1:{}", listener.local_addr().unwrap().port())
}

/// Scrapes `/metrics` until it contains `line` (up to 5 s) and returns the last scrape.
async fn metrics_with(addr: &str, line: &str) -> String {
    let mut metrics = String::new();
    for _ in 0..100 {
        metrics = http_get(addr, "/metrics").await.1;
        if metrics.contains(line) {
            return metrics;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("/metrics never showed {line:?}:\n{metrics}");
}

#[tokio::test(flavor = "multi_thread")]
async fn health_and_metrics_are_served_when_asked_for() {
    let addr = free_addr();
    let (fake, _bot) = connected(&[("METRICS_ADDR", addr.as_str())]).await;
    let (status, body) = http_get(&addr, "/healthz").await;
    assert_eq!(
        (status, body.trim()),
        (200, "ok: gateway connected, knowledge loaded, database reachable")
    );
    let ask = json!([option("question", 3, json!("EP salary"))]);
    fake.dispatch(
        "INTERACTION_CREATE",
        fake_discord::slash_command(5, "ask", ask, true),
    )
    .await;
    callback(&fake, 5).await;
    let metrics = metrics_with(
        &addr,
        "rolecall_questions_total{status=\"answered\",aspect=\"salary\"} 1",
    )
    .await;
    assert!(metrics.contains("rolecall_answer_seconds_count 1"), "{metrics}");
    assert!(metrics.contains("rolecall_gateway_connected 1"), "{metrics}");
    fake.disconnect(4000).await;
    // The bot resumes; a reconnect is counted.
    fake.wait_ready().await;
    metrics_with(&addr, "rolecall_gateway_reconnects_total 1").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn health_reports_an_unreachable_database() {
    let addr = free_addr();
    let env = [
        ("METRICS_ADDR", addr.as_str()),
        ("DATABASE_URL", "postgres://rolecall@127.0.0.1:9/nowhere"),
    ];
    let (_fake, _bot) = connected(&env).await;
    let (status, body) = http_get(&addr, "/healthz").await;
    assert_eq!((status, body.trim()), (503, "unhealthy: database unreachable"));
}
