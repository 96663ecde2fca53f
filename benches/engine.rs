//! Answering speed and knowledge loading time, on the shipped knowledge and on a generated
//! knowledge directory of 10,000 roles.
//!
//! Run with `cargo bench --bench engine`. Besides criterion's timings, it prints the p50
//! and p99 latency of single answers, measured one by one.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion};
use role_file::{RoleFile, Salary};
use rolecall::engine::Engine;

#[path = "../tests/it/support/role_file.rs"]
mod role_file;

const QUESTIONS: [&str; 10] = [
    "how much does an executive producer earn?",
    "senior vs executive producer — who does what?",
    "excutive prodcer salary",
    "what do PAs get lumbered with",
    "is a line producer more stressed than an EP",
    "what's the capital of France?",
    "how much does a flight attendant earn",
    "<@123456789> do I need a degree to be an associate producer",
    "creative producer or co-producer, which pays more",
    "what makes a good supervising producer",
];

/// Writes a knowledge directory of `count` roles with made-up two- and three-word names
/// and aliases, so that matching cost can be measured at scale.
fn generate_knowledge(dir: &Path, count: usize) {
    const SYLLABLES: [&str; 24] = [
        "ka", "lo", "mi", "ren", "tas", "vor", "qui", "bel", "dor", "fen", "gal", "hur", "jin", "ko", "lum",
        "nar", "pel", "ros", "sul", "tam", "ul", "ves", "wen", "zor",
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut word = |syllables: usize| -> String {
        (0..syllables)
            .map(|_| SYLLABLES[(next() % 24) as usize])
            .collect()
    };
    let roles = dir.join("roles");
    std::fs::create_dir_all(&roles).unwrap();
    for i in 0..count {
        let name = format!("{} {} {} {i}", word(3), word(2), word(3));
        let alias = format!("{} {} {i}", word(3), word(3));
        let figure = Salary::new()
            .number("low", 30_000 + i)
            .number("high", 60_000 + i)
            .text("currency", "USD")
            .text("period", "year")
            .text("year", "2024")
            .text("source", "generated");
        let text = RoleFile::new(&format!("role-{i}"), &name)
            .aliases(&[alias])
            .sources(&["generated"])
            .salary(figure)
            .sections(|_, heading| format!("Generated text about {heading} for role {i}."))
            .text();
        std::fs::write(roles.join(format!("role-{i}.md")), text).unwrap();
    }
}

fn shipped() -> Engine {
    Engine::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge")).expect("shipped knowledge loads")
}

/// Answers every one of `QUESTIONS` (the roles found, summed, so that nothing is optimised away).
fn answer_all(engine: &Engine) -> usize {
    QUESTIONS
        .iter()
        .map(|q| black_box(engine.answer(q)).roles.len())
        .sum()
}

fn bench_shipped(c: &mut Criterion) {
    let engine = shipped();
    c.bench_function("answer/shipped knowledge (10 questions)", |b| {
        b.iter(|| answer_all(&engine))
    });
}

fn bench_generated(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    generate_knowledge(dir.path(), 10_000);
    let mut group = c.benchmark_group("10k roles");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("load", |b| b.iter(|| Engine::load(dir.path()).unwrap()));
    let engine = Engine::load(dir.path()).unwrap();
    group.sample_size(50).measurement_time(Duration::from_secs(5));
    group.bench_function("answer (10 questions)", |b| b.iter(|| answer_all(&engine)));
    group.finish();
}

/// Times single answers one by one and prints their p50 and p99.
fn percentiles(label: &str, engine: &Engine, questions: &[String]) {
    let mut samples: Vec<Duration> = Vec::new();
    for _ in 0..200 {
        for q in questions {
            let start = Instant::now();
            black_box(engine.answer(q));
            samples.push(start.elapsed());
        }
    }
    samples.sort();
    let at = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)];
    println!(
        "{label}: {} answers, p50 {:?}, p99 {:?}, max {:?}",
        samples.len(),
        at(0.50),
        at(0.99),
        at(1.0)
    );
}

fn report_percentiles() {
    let engine = shipped();
    let mut questions: Vec<String> = QUESTIONS.iter().map(|q| q.to_string()).collect();
    percentiles("shipped knowledge", &engine, &questions);
    let dir = tempfile::tempdir().unwrap();
    generate_knowledge(dir.path(), 10_000);
    let start = Instant::now();
    let engine = Engine::load(dir.path()).unwrap();
    println!("10k roles: loaded in {:?}", start.elapsed());
    // Questions that name generated roles, with and without a typo, next to the usual ones.
    for role in engine.knowledge().roles.iter().step_by(1_000) {
        questions.push(format!("how much does a {} earn", role.name.to_lowercase()));
        questions.push(format!(
            "{} duties",
            role.name.to_lowercase().replacen('a', "e", 1)
        ));
    }
    percentiles("10k roles", &engine, &questions);
}

criterion_group!(benches, bench_shipped, bench_generated);

fn main() {
    report_percentiles();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
