//! Archive benchmarks on a `demo --units 5000` office: search as you type, opening the
//! archive tab (the unit list and one unit's file), and importing a 5,000-row roster.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;
use wuye_desk::clock::FixedClock;
use wuye_desk::demo::{DemoSpec, Rng, generate, id_number};
use wuye_desk::domain::roster::{Table, TableRow, check_roster};
use wuye_desk::domain::search::SearchIndex;
use wuye_desk::store::Store;

fn clock() -> wuye_desk::clock::SharedClock {
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default();
    Arc::new(FixedClock(now))
}

fn demo_office(dir: &std::path::Path) -> Store {
    let path = dir.join("bench.sqlite");
    let mut store = Store::open(&path, clock()).expect("open");
    generate(
        &mut store,
        &DemoSpec {
            units: 5000,
            months: 36,
            seed: 1,
        },
    )
    .expect("demo");
    store
}

fn roster(rows: usize) -> Table {
    let mut rng = Rng::new(99);
    let headers = ["房号", "业主姓名", "电话", "身份证号", "建筑面积", "车牌"]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
    let rows = (0..rows)
        .map(|i| TableRow {
            row_no: i + 2,
            cells: vec![
                format!("{}号楼{}", 100 + i / 100, 1000 + i % 100),
                format!("业主{i}"),
                format!("139{:08}", i),
                id_number(&mut rng),
                format!("{}.{:02}", 60 + i % 90, i % 100),
                if i % 3 == 0 {
                    format!("粤C{:05}", i)
                } else {
                    String::new()
                },
            ],
        })
        .collect();
    Table { headers, rows }
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = demo_office(dir.path());
    let index = SearchIndex::build(store.search_entries().expect("entries"));
    let people: usize = store
        .search_entries()
        .expect("entries")
        .iter()
        .map(|e| e.people.len())
        .sum();
    println!(
        "demo office: {} units, {people} current people",
        index.len()
    );

    let mut group = c.benchmark_group("archive");
    group.bench_function("search keystroke over 5000 units (\"zsf\")", |b| {
        b.iter(|| black_box(index.query(black_box("zsf"), 12)));
    });
    group.bench_function("search keystroke over 5000 units (\"138\")", |b| {
        b.iter(|| black_box(index.query(black_box("138"), 12)));
    });
    group.bench_function("open archive tab (unit list + one unit's file)", |b| {
        b.iter(|| {
            let rows = store.unit_rows().expect("rows");
            let first = rows.first().map(|r| r.id).unwrap_or(1);
            black_box(store.unit_detail(first).expect("detail"));
            black_box(rows.len())
        });
    });
    group.bench_function("build search index", |b| {
        b.iter(|| black_box(SearchIndex::build(store.search_entries().expect("entries")).len()));
    });
    group.sample_size(10);
    group.bench_function("import 5000-row roster (check + one transaction)", |b| {
        let table = roster(5000);
        b.iter_batched(
            || {
                let path = dir.path().join(format!("import-{}.sqlite", rand_suffix()));
                let mut s = Store::open(&path, clock()).expect("open");
                let actor = s
                    .setup_office(
                        &wuye_desk::store::Office {
                            name: "基准".into(),
                            ..Default::default()
                        },
                        &wuye_desk::store::NewOperator {
                            login: "a".into(),
                            name: "甲".into(),
                            role: None,
                            password: "123456".into(),
                        },
                    )
                    .expect("setup");
                (s, actor)
            },
            |(mut s, actor)| {
                let mut checks = check_roster(&table).expect("check");
                s.check_roster_against_archive(&mut checks)
                    .expect("archive check");
                let good: Vec<_> = checks.into_iter().filter_map(|c| c.result.ok()).collect();
                black_box(s.import_roster(&actor, &good).expect("import"))
            },
            criterion::BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

criterion_group!(archive, benches);
criterion_main!(archive);
