//! Meter benchmarks on a `demo --units 5000 --months 36` office with one more building of
//! 500 flats whose water meters have three years of readings: the reading sheet of that
//! building opening (loaded, and loaded with its first frame laid out), one frame of the sheet
//! while it scrolls, and a month of readings for every meter of the estate (about 10,000)
//! checked and saved the way an import does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Datelike;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use wuye_desk::clock::FixedClock;
use wuye_desk::domain::fees::Period;
use wuye_desk::domain::forms::UnitForm;
use wuye_desk::domain::kinds::{MeterKind, ReadingState, UnitStatus};
use wuye_desk::domain::roster::{Table, TableRow};
use wuye_desk::store::{MeterForm, ReadingInput, ReadingSource};
use wuye_desk::ui::meters::MetersTab;

const BIG: &str = "88栋";
const FLATS: usize = 500;

/// The demo office with the 500-flat building, made once and kept beside the demo. Its
/// months are left open (the demo closes its past months) so the building can be given
/// three years of readings.
fn big_building_office() -> PathBuf {
    let demo = common::demo_path();
    let path = demo.with_file_name(format!(
        "meters-500-v{}-g{}.sqlite",
        wuye_desk::store::latest_version(),
        wuye_desk::demo::DEMO_GENERATION
    ));
    if path.exists() {
        return path;
    }
    let tmp = demo.with_file_name("meters-making.sqlite");
    for ext in ["", "-wal", "-shm"] {
        // Left over from an interrupted run, or not there at all.
        std::fs::remove_file(format!("{}{ext}", tmp.display())).ok();
    }
    let mut store = common::open(&tmp);
    let boss = wuye_desk::demo::generate_open(
        &mut store,
        &wuye_desk::demo::DemoSpec {
            units: 5000,
            months: 36,
            seed: 1,
        },
    )
    .unwrap();
    store.set_bulk_mode(true).unwrap();
    // Put in on the first day of the history, like the demo's meters.
    let start = chrono::NaiveDate::from_ymd_opt(2023, 11, 1).unwrap();
    store.set_clock(Arc::new(FixedClock(start.and_hms_opt(9, 0, 0).unwrap())));
    let mut meters = Vec::new();
    for i in 0..FLATS {
        let code = format!(
            "{BIG}{}单元{}{:02}",
            i / 250 + 1,
            i % 250 / 8 + 1,
            i % 8 + 1
        );
        let unit = store
            .add_unit(
                &boss,
                &UnitForm {
                    code: code.clone(),
                    area: "95.00".into(),
                    ..UnitForm::default()
                },
            )
            .unwrap();
        store
            .hand_over(&boss, unit, start, UnitStatus::Occupied)
            .unwrap();
        let mut form = MeterForm::new(start);
        form.unit_code = code;
        form.number = format!("SB-88-{i:04}");
        form.location = "管井".into();
        meters.push(store.add_meter(&boss, &form).unwrap());
    }
    let mut month = Period::month_of(start);
    let last = Period::parse("2026-11").unwrap();
    let mut value = vec![0i64; FLATS];
    while month <= last {
        let read_on = month.first_day().with_day0(24).unwrap();
        store.set_clock(Arc::new(FixedClock(read_on.and_hms_opt(16, 0, 0).unwrap())));
        let inputs: Vec<ReadingInput> = meters
            .iter()
            .zip(value.iter_mut())
            .enumerate()
            .map(|(i, (m, v))| {
                *v += 8_000 + i64::try_from(i % 9).unwrap() * 1_000;
                ReadingInput {
                    meter_id: *m,
                    value_milli: *v,
                    rollover: false,
                    read_on,
                    state: ReadingState::Normal,
                    note: String::new(),
                }
            })
            .collect();
        store
            .save_readings(&boss, &month, &inputs, ReadingSource::Typed)
            .unwrap();
        month = month.next();
    }
    store.set_bulk_mode(false).unwrap();
    store.set_clock(common::clock());
    drop(store);
    std::fs::rename(&tmp, &path).unwrap();
    path
}

type Desk = common::Desk<MetersTab>;

fn frame(ui: &mut egui::Ui, d: &mut Desk) {
    d.draw(|tab, ctx| tab.ui(ui, ctx));
}

fn sheet_tab() -> MetersTab {
    let mut tab = MetersTab::default();
    tab.open_sheet("2026-11", BIG, MeterKind::Water, None);
    tab
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("meters");
    group.sample_size(20);
    let path = big_building_office();
    let store = common::open(&path);
    let november = Period::parse("2026-11").unwrap();
    let rows = store
        .reading_sheet(&november, BIG, MeterKind::Water)
        .unwrap();
    println!("{BIG}: {} water meters on the sheet", rows.len());
    group.bench_function("sheet of a 500-flat building loaded", |b| {
        b.iter(|| {
            black_box(
                store
                    .reading_sheet(&november, BIG, MeterKind::Water)
                    .unwrap()
                    .len(),
            )
        });
    });
    let mut h = common::harness(frame, Desk::new(store, sheet_tab()));
    h.step();
    group.bench_function(
        "sheet of a 500-flat building opens (load + first frame)",
        |b| {
            b.iter(|| {
                h.state_mut().tab = sheet_tab();
                h.step();
            });
        },
    );
    // Scrolling: the pointer over the sheet, the wheel turned a little every frame; one frame
    // must stay under 16.7 ms for 60 frames a second.
    h.state_mut().tab = sheet_tab();
    h.step();
    h.hover_at(egui::pos2(500.0, 500.0));
    let mut down = true;
    let mut frames = 0u32;
    group.bench_function("one frame of the sheet while it scrolls", |b| {
        b.iter(|| {
            frames += 1;
            if frames.is_multiple_of(200) {
                down = !down;
            }
            h.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, if down { -60.0 } else { 60.0 }),
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Unknown,
                modifiers: egui::Modifiers::NONE,
            });
            h.step();
        });
    });
    drop(h);

    // A month of readings for the whole estate, as an import: the file's rows checked
    // against the meters (last reading, digits, lower than last, flags), then saved in one
    // transaction.
    group.sample_size(10);
    let december = Period::parse("2026-12").unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 26).unwrap();
    let clock = Arc::new(FixedClock(day.and_hms_opt(9, 0, 0).unwrap()));
    let mut n = 0;
    let mut count = 0;
    group.bench_function(
        "a month of readings for the estate checked and saved",
        |b| {
            b.iter_batched(
                || {
                    n += 1;
                    let mut store =
                        common::open(&common::demo_copy(&format!("readings-{}", n % 2)));
                    store.set_clock(clock.clone());
                    let actor = store.cli_operator(None).unwrap();
                    let sheet = store.month_sheet(&november, None).unwrap();
                    // One file per kind of meter, every meter by number, a little on from
                    // November.
                    let tables: Vec<(MeterKind, Table)> = MeterKind::ALL
                        .iter()
                        .map(|kind| {
                            let rows = sheet
                                .iter()
                                .filter(|r| r.meter.kind == *kind)
                                .enumerate()
                                .map(|(i, r)| TableRow {
                                    row_no: i + 2,
                                    cells: vec![
                                        r.meter.number.clone(),
                                        wuye_desk::domain::meters::format_milli(
                                            r.reading
                                                .as_ref()
                                                .map_or(r.last_milli, |x| x.value_milli)
                                                + 7_000,
                                        ),
                                        "2026-12-25".into(),
                                    ],
                                })
                                .collect();
                            let headers = vec!["表号".into(), "本期读数".into(), "抄表日期".into()];
                            (*kind, Table { headers, rows })
                        })
                        .collect();
                    (store, actor, tables)
                },
                |(mut store, actor, tables)| {
                    let mut saved = 0;
                    for (kind, table) in &tables {
                        let checks = store
                            .check_reading_import(&december, *kind, table, day)
                            .unwrap()
                            .unwrap();
                        let good: Vec<ReadingInput> =
                            checks.into_iter().filter_map(|c| c.input).collect();
                        saved += store
                            .save_readings(&actor, &december, &good, ReadingSource::Imported)
                            .unwrap()
                            .len();
                    }
                    count = saved;
                    black_box(saved)
                },
                BatchSize::PerIteration,
            );
        },
    );
    println!("readings checked and saved per month: {count}");
    group.finish();
}

criterion_group!(meters, benches);
criterion_main!(meters);
