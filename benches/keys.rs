//! Key benchmarks on a `demo --units 5000 --months 36` office (three years of loans): the
//! 钥匙 tab opening (its lists loaded and its first frame laid out), the status line's
//! overdue count, and one loan with its return.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use wuye_desk::domain::idcard::id_check_digit;
use wuye_desk::store::{IdentityCheck, KeyLoanForm};
use wuye_desk::ui::keys::KeysTab;

type Desk = common::Desk<KeysTab>;

fn frame(ui: &mut egui::Ui, d: &mut Desk) {
    d.draw(|tab, ctx| tab.ui(ui, ctx));
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("keys");
    group.sample_size(20);
    let demo = common::demo_path();
    let store = common::open(&demo);
    let sets = store.key_sets("").expect("sets");
    let loans: usize = sets
        .iter()
        .map(|k| store.key_loans_of(k.id, 100_000).expect("loans").len())
        .sum();
    println!(
        "key sets: {}, loans: {loans}, out now: {}, overdue: {}",
        sets.len(),
        store.open_key_loans().expect("open").len(),
        store.overdue_key_count().expect("overdue")
    );
    group.bench_function("keys tab lists loaded", |b| {
        b.iter(|| {
            let mut tab = KeysTab::default();
            tab.load(&store).expect("load");
            black_box(tab)
        });
    });
    group.bench_function("status line overdue count", |b| {
        b.iter(|| black_box(store.overdue_key_count().expect("count")));
    });
    let mut h = common::harness(frame, Desk::new(store, KeysTab::default()));
    h.step();
    group.bench_function("keys tab opens (load + first frame)", |b| {
        b.iter(|| {
            h.state_mut().tab = KeysTab::default();
            h.step();
        });
    });
    drop(h);
    let mut store = common::open(&common::demo_copy("keys-lend"));
    let actor = store.cli_operator(None).expect("operator");
    let free = store
        .key_sets("")
        .expect("sets")
        .into_iter()
        .find(|k| k.out.is_none())
        .expect("a key in the office");
    let owner = free.entrusted_by.clone();
    let today = store.today();
    let id = format!(
        "44030519900303123{}",
        id_check_digit("44030519900303123").expect("check digit")
    );
    group.bench_function("one loan and its return", |b| {
        b.iter(|| {
            let loan = store
                .lend_key(
                    &actor,
                    &KeyLoanForm {
                        key_set_id: free.id,
                        borrower: "刘师傅".into(),
                        phone: "13912345678".into(),
                        relation: "装修".into(),
                        id_number: id.clone(),
                        purpose: "装修进场".into(),
                        due_on: today,
                        identity: IdentityCheck::OwnerConfirmed,
                        confirmed_by: owner.clone(),
                        confirmed_means: "电话".into(),
                    },
                )
                .expect("lend");
            let now = store.clock().now();
            store.return_key(&actor, loan, now, "完好").expect("return");
        });
    });
    group.finish();
}

criterion_group!(keys, benches);
criterion_main!(keys);
