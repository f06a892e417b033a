//! Archive benchmarks on a `demo --units 5000 --months 36` office: search as you type,
//! opening the archive tab (the unit list and one unit's file), and importing a 5,000-row
//! roster.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use wuye_desk::demo::{Rng, id_number};
use wuye_desk::domain::roster::{Table, TableRow, check_roster};
use wuye_desk::domain::search::SearchIndex;
use wuye_desk::store::{NewOperator, Office, Store};

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
                format!("139{i:08}"),
                id_number(&mut rng),
                format!("{}.{:02}", 60 + i % 90, i % 100),
                if i % 3 == 0 {
                    format!("粤C{i:05}")
                } else {
                    String::new()
                },
            ],
        })
        .collect();
    Table { headers, rows }
}

fn benches(c: &mut Criterion) {
    let store = common::open(&common::demo_path());
    let entries = store.search_entries().expect("entries");
    let people: usize = entries.iter().map(|e| e.people.len()).sum();
    let index = SearchIndex::build(entries);
    println!(
        "demo office: {} units, {people} current people",
        index.len()
    );

    let mut group = c.benchmark_group("archive");
    for query in ["zsf", "138", "3栋2单元15", "粤B"] {
        group.bench_function(format!("search keystroke \"{query}\""), |b| {
            b.iter(|| black_box(index.query(black_box(query), 12)));
        });
    }
    group.bench_function("open archive tab (unit list + one unit's file)", |b| {
        b.iter(|| {
            let rows = store.unit_rows().expect("rows");
            let first = rows.first().map_or(1, |r| r.id);
            black_box(store.unit_detail(first).expect("detail"));
            black_box(rows.len())
        });
    });
    group.bench_function("build search index", |b| {
        b.iter(|| black_box(SearchIndex::build(store.search_entries().expect("entries")).len()));
    });
    group.sample_size(10);
    let table = roster(5000);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut n = 0;
    group.bench_function("import 5000-row roster (check + one transaction)", |b| {
        b.iter_batched(
            || {
                n += 1;
                let mut s = Store::open(
                    &dir.path().join(format!("import-{n}.sqlite")),
                    common::clock(),
                )
                .expect("open");
                let actor = s
                    .setup_office(
                        &Office {
                            name: "基准".into(),
                            ..Office::default()
                        },
                        &NewOperator {
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

criterion_group!(archive, benches);
criterion_main!(archive);
