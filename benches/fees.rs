//! Fee benchmarks on a `demo --units 5000 --months 36` office: a quarterly billing run, the
//! arrears list, a unit's bills at the counter, and one payment with its receipt.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use wuye_desk::domain::fees::Period;
use wuye_desk::domain::kinds::PayMethod;
use wuye_desk::store::Payment;

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("fees");
    group.sample_size(10);
    let next = Period::parse("2027Q1").expect("period");
    let mut n = 0;
    group.bench_function(
        "quarterly billing run, 5000 units (preview + commit)",
        |b| {
            b.iter_batched(
                || {
                    n += 1;
                    let store = common::open(&common::demo_copy(&format!("billing-{}", n % 2)));
                    let actor = store.cli_operator(None).expect("operator");
                    (store, actor)
                },
                |(mut store, actor)| {
                    black_box(store.run_billing(&actor, &next).expect("run").drafts.len())
                },
                BatchSize::PerIteration,
            );
        },
    );
    let store = common::open(&common::demo_path());
    let arrears = store.arrears().expect("arrears");
    println!("arrears: {} units", arrears.len());
    group.sample_size(30);
    group.bench_function("arrears list", |b| {
        b.iter(|| black_box(store.arrears().expect("arrears").len()))
    });
    let unit = arrears.first().map_or(1, |a| a.unit_id);
    group.bench_function("a unit's bills at the counter", |b| {
        b.iter(|| black_box(store.unit_bills(unit).expect("bills").len()));
    });
    drop(store);
    let mut store = common::open(&common::demo_copy("collect"));
    let actor = store.cli_operator(None).expect("operator");
    group.bench_function(
        "one payment with its receipt (one transaction, hash chained)",
        |b| {
            b.iter(|| {
                let p = Payment {
                    unit_id: unit,
                    payer: "业主".into(),
                    method: PayMethod::WeChat,
                    bills: vec![],
                    prepay_fen: 10000,
                    balance_used_fen: 0,
                    tendered_fen: 0,
                    note: String::new(),
                };
                black_box(store.collect(&actor, &p).expect("collect"))
            });
        },
    );
    group.finish();
}

criterion_group!(fees, benches);
criterion_main!(fees);
