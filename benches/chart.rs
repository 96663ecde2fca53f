//! How long one salary chart takes to draw and encode, against the target of 20 ms per
//! chart (the bot draws one for every salary answer).
//!
//! Run with `cargo bench --bench chart`. The answer compares two roles from the shipped
//! knowledge that both have a range, so the chart has two bars, a marker, and a full axis.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use rolecall::chart::salary_chart;
use rolecall::engine::Engine;

fn bench_chart(c: &mut Criterion) {
    let engine = Engine::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"))
        .expect("the shipped knowledge loads");
    let answer = engine.answer("line producer vs co-producer salary");
    let chart = salary_chart(&engine, &answer).expect("both roles have salary figures");
    assert_eq!(chart.bars.len(), 2);
    c.bench_function("salary chart, two roles", |b| {
        b.iter(|| salary_chart(&engine, black_box(&answer)))
    });
}

criterion_group!(benches, bench_chart);
criterion_main!(benches);
