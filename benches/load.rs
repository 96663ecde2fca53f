//! Sustained load through the fake Discord: 10,000 slash-command questions and 10,000
//! mention questions from many members, paced over about a minute, while one member spams
//! past the server's cooldown. Reports how many were answered, the latency from event to
//! reply (p50, p99), how the spam was handled, and the bot's memory at the start, middle
//! and end.
//!
//! Run with `cargo bench --bench load` (PostgreSQL is not needed: settings use SQLite).

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::json;
use support::bot::{connected, Bot};
use support::fake_discord::{self, FakeDiscord};
use support::{percentile, print_log, rss_kib};

const EACH: u64 = 10_000;
const SPAM: u64 = 300;
const COOLDOWN_SECS: u32 = 600;
const QUESTIONS: [&str; 6] = [
    "how much does an executive producer earn?",
    "senior vs executive producer, who does what?",
    "what do PAs get lumbered with",
    "do I need a degree to be an associate producer",
    "line producer hours",
    "how much does a flight attendant earn",
];

/// The replies counted so far.
#[derive(Default)]
struct Tally {
    /// From each question's event to its reply.
    latencies: Vec<Duration>,
    /// Answers to the spammer.
    spam_replies: usize,
    /// Cooldown notes ("You're asking quickly").
    notes: usize,
}

#[tokio::main]
async fn main() {
    let data = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/settings.db", data.path().display());
    let store = rolecall::store::Store::open(&url).unwrap();
    store
        .set_cooldown(FakeDiscord::GUILD_ID, COOLDOWN_SECS)
        .await
        .unwrap();
    drop(store);

    let (fake, bot) = connected(&[("RUST_LOG", "warn"), ("DATABASE_URL", &url)]).await;
    let rss_start = rss_kib(bot.child.id());
    let started = Instant::now();
    let (sent, rss_middle) = send_questions(&fake, &bot).await;
    let dispatch_time = started.elapsed();

    let deadline = Instant::now() + Duration::from_secs(120);
    let mut tally = count_replies(&fake, &sent);
    while (tally.latencies.len() as u64) < 2 * EACH && Instant::now() <= deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
        tally = count_replies(&fake, &sent);
    }
    let rss_end = rss_kib(bot.child.id());
    print_log(&bot);
    drop(bot);

    let Tally {
        mut latencies,
        spam_replies,
        notes,
    } = tally;
    latencies.sort();
    println!(
        "sent {} questions from {} members in {dispatch_time:?}, plus {SPAM} spam messages",
        2 * EACH,
        2 * EACH
    );
    println!("answered {} of {}", latencies.len(), 2 * EACH);
    println!(
        "event → reply: p50 {:?}, p99 {:?}, max {:?}",
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0)
    );
    println!("spammer ({SPAM} questions in one {COOLDOWN_SECS} s window): {spam_replies} answer(s), {notes} cooldown note(s)");
    println!("bot RSS: start {rss_start} KiB, middle {rss_middle} KiB, end {rss_end} KiB");
    println!("request bodies Discord would reject: {}", fake.violations().len());
}

/// Sends the questions (a slash command and a mention from two new members each time) and the
/// spam, paced; returns when each question went out (by `i{interaction id}` and
/// `m{message id}`) and the bot's memory halfway.
async fn send_questions(fake: &FakeDiscord, bot: &Bot) -> (HashMap<String, Instant>, u64) {
    let spammer = 700_000_000_000_000_001u64;
    let mut sent: HashMap<String, Instant> = HashMap::new();
    let mut rss_middle = 0;
    // Paced at about 350 events a second.
    let pace = Duration::from_micros(2_850);
    for n in 1..=EACH {
        let member = 800_000_000_000_000_000 + n;
        let question = QUESTIONS[n as usize % QUESTIONS.len()];
        let mut interaction = fake_discord::slash_command(
            n,
            "ask",
            json!([{"name": "question", "type": 3, "value": question}]),
            true,
        );
        interaction["member"]["user"]["id"] = json!(member.to_string());
        sent.insert(format!("i{n}"), Instant::now());
        fake.dispatch("INTERACTION_CREATE", interaction).await;

        let id = 5_000_000 + n;
        let mut message =
            fake_discord::message(id, &format!("<@{}> {question}", FakeDiscord::BOT_ID), true, true);
        message["author"]["id"] = json!((member + EACH).to_string());
        sent.insert(format!("m{id}"), Instant::now());
        fake.dispatch("MESSAGE_CREATE", message).await;

        if n % (EACH / SPAM) == 0 {
            let id = 9_000_000 + n;
            let mut spam =
                fake_discord::message(id, &format!("<@{}> EP pay??", FakeDiscord::BOT_ID), true, true);
            spam["author"]["id"] = json!(spammer.to_string());
            fake.dispatch("MESSAGE_CREATE", spam).await;
        }
        if n == EACH / 2 {
            rss_middle = rss_kib(bot.child.id());
        }
        tokio::time::sleep(pace).await;
    }
    (sent, rss_middle)
}

/// The replies the bot sent so far to the questions in `sent`, to the spammer, and its
/// cooldown notes.
fn count_replies(fake: &FakeDiscord, sent: &HashMap<String, Instant>) -> Tally {
    let mut tally = Tally::default();
    for request in fake.requests() {
        if request.method != "POST" {
            continue;
        }
        if request.path.ends_with("/callback") {
            let id = request.path.split('/').nth(4).unwrap_or_default();
            if let Some(at) = sent.get(&format!("i{id}")) {
                tally.latencies.push(request.at.duration_since(*at));
            }
        } else if let Some(reference) = request.body["message_reference"]["message_id"].as_str() {
            if reference.starts_with('9') && reference.len() == 7 {
                tally.spam_replies += 1;
            } else if let Some(at) = sent.get(&format!("m{reference}")) {
                tally.latencies.push(request.at.duration_since(*at));
            }
        } else if request.body["content"]
            .as_str()
            .is_some_and(|c| c.starts_with("You're asking quickly"))
        {
            tally.notes += 1;
        }
    }
    tally
}
