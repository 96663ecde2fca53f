//! A burst of 1,000 slash-command interactions through the fake Discord to the real bot:
//! how many are answered, the time from INTERACTION_CREATE to the callback (p50, p99, max),
//! and the bot's memory before and after.
//!
//! Run with `cargo bench --bench discord_burst`.

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::json;
use support::bot::connected;
use support::{fake_discord, percentile, print_log, rss_kib};

const INTERACTIONS: u64 = 1_000;
const QUESTIONS: [&str; 8] = [
    "how much does an executive producer earn?",
    "senior vs executive producer — who does what?",
    "what do PAs get lumbered with",
    "excutive prodcer vs line producer hours",
    "do I need a degree to be an associate producer",
    "creative producer skills",
    "how much does a flight attendant earn",
    "supervising producer vs producer",
];

#[tokio::main]
async fn main() {
    let (fake, bot) = connected(&[("RUST_LOG", "warn")]).await;
    let rss_start = rss_kib(bot.child.id());

    let mut sent = HashMap::new();
    let started = Instant::now();
    for id in 1..=INTERACTIONS {
        let question = QUESTIONS[id as usize % QUESTIONS.len()];
        let options = json!([{"name": "question", "type": 3, "value": question}]);
        let event = fake_discord::slash_command(id, "ask", options, id % 3 != 0);
        sent.insert(id, Instant::now());
        fake.dispatch("INTERACTION_CREATE", event).await;
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        latencies = fake
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/callback"))
            .filter_map(|r| {
                let id: u64 = r.path.split('/').nth(4)?.parse().ok()?;
                Some(r.at.duration_since(*sent.get(&id)?))
            })
            .collect();
        if latencies.len() as u64 >= INTERACTIONS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let wall = started.elapsed();
    let rss_end = rss_kib(bot.child.id());
    print_log(&bot);
    drop(bot);

    latencies.sort();
    let at = |p: f64| percentile(&latencies, p);
    println!(
        "answered {} of {INTERACTIONS} interactions in {wall:?}",
        latencies.len()
    );
    println!(
        "INTERACTION_CREATE → callback: p50 {:?}, p99 {:?}, max {:?}",
        at(0.50),
        at(0.99),
        at(1.0)
    );
    println!("bot RSS: {rss_start} KiB after start, {rss_end} KiB after the burst");
    println!("request bodies Discord would reject: {}", fake.violations().len());
}
