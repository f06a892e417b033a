//! Month-end benchmark on a `demo --units 5000 --months 36` office: exporting last month's
//! archive (workbook, handover sheets, repair summary, stock-take, database snapshot,
//! manifest and zip) once the month is closed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use wuye_desk::domain::fees::Period;
use wuye_desk::export::export_month;

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("month_end");
    group.sample_size(10);
    let october = Period::parse("2026-10").unwrap();
    let mut n = 0;
    let mut files = 0;
    group.bench_function("export a closed month (5000 units)", |b| {
        b.iter_batched(
            || {
                n += 1;
                let mut store = common::open(&common::demo_copy(&format!("export-{}", n % 2)));
                let boss = store.cli_operator(None).unwrap();
                store.close_month(&boss, &october, "").unwrap();
                let out = tempfile::tempdir().unwrap();
                (store, out)
            },
            |(store, out)| {
                let done = export_month(&store, &october, out.path(), &|_| true).unwrap();
                files = done.files.len();
                black_box(done.receipts)
            },
            BatchSize::PerIteration,
        );
    });
    println!("files in the archive: {files}");
    group.finish();
}

criterion_group!(month_end, benches);
criterion_main!(month_end);
