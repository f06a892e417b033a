//! Front-desk benchmarks on a `demo --units 5000 --months 36` office (three years of reception
//! records, complaints and repair orders): 今日待办, 前台接待, 投诉 and 维修单 each opening
//! (lists loaded and the first frame laid out), and one repair order registered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use wuye_desk::store::{ComplaintFilter, RepairFilter, RepairForm};
use wuye_desk::ui::complaints::ComplaintsTab;
use wuye_desk::ui::reception::ReceptionTab;
use wuye_desk::ui::repairs::RepairsTab;
use wuye_desk::ui::todo::TodoTab;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    Todo,
    Reception,
    Complaints,
    Repairs,
}

/// The four front-desk tabs, one of them shown.
struct Tabs {
    shown: Shown,
    todo: TodoTab,
    reception: ReceptionTab,
    complaints: ComplaintsTab,
    repairs: RepairsTab,
}

impl Tabs {
    fn new(shown: Shown) -> Self {
        Self {
            shown,
            todo: TodoTab::default(),
            reception: ReceptionTab::default(),
            complaints: ComplaintsTab::default(),
            repairs: RepairsTab::default(),
        }
    }
}

type Desk = common::Desk<Tabs>;

fn frame(ui: &mut egui::Ui, d: &mut Desk) {
    d.draw(|tabs, ctx| match tabs.shown {
        Shown::Todo => {
            black_box(tabs.todo.ui(ui, ctx));
        }
        Shown::Reception => {
            black_box(tabs.reception.ui(ui, ctx));
        }
        Shown::Complaints => tabs.complaints.ui(ui, ctx),
        Shown::Repairs => tabs.repairs.ui(ui, ctx),
    });
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("desk");
    group.sample_size(20);
    let demo = common::demo_path();
    let store = common::open(&demo);
    let all_repairs = store
        .repair_orders(&RepairFilter::default(), usize::MAX)
        .expect("repairs");
    let all_complaints = store
        .complaints(&ComplaintFilter::default(), usize::MAX)
        .expect("complaints");
    let yesterday = store.today().pred_opt().expect("yesterday");
    println!(
        "repair orders: {} (open {}), complaints: {} (open {}), reception yesterday: {}, unfinished: {}",
        all_repairs.len(),
        store.open_repairs(usize::MAX).expect("open").len(),
        all_complaints.len(),
        store.open_complaints(usize::MAX).expect("open").len(),
        store.reception_of_day(yesterday).expect("day").len(),
        store
            .unfinished_reception_before(store.today(), usize::MAX)
            .expect("unfinished")
            .len(),
    );
    let mut h = common::harness(frame, Desk::new(store, Tabs::new(Shown::Todo)));
    h.step();
    for (shown, name) in [
        (Shown::Todo, "今日待办 opens (load + first frame)"),
        (Shown::Reception, "前台接待 opens (load + first frame)"),
        (Shown::Complaints, "投诉 opens (load + first frame)"),
        (Shown::Repairs, "维修单 opens (load + first frame)"),
    ] {
        h.state_mut().tab.shown = shown;
        h.step();
        group.bench_function(name, |b| {
            b.iter(|| {
                let shown = h.state().tab.shown;
                h.state_mut().tab = Tabs::new(shown);
                h.step();
            });
        });
    }
    drop(h);
    let mut store = common::open(&common::demo_copy("desk-repair"));
    let actor = store.cli_operator(None).expect("operator");
    let code = store.unit_rows().expect("units")[0].code.clone();
    let now = store.clock().now();
    group.bench_function("one repair order registered", |b| {
        b.iter(|| {
            black_box(
                store
                    .add_repair_order(
                        &actor,
                        &RepairForm {
                            public: false,
                            unit_code: code.clone(),
                            place: String::new(),
                            reporter: "张三丰".into(),
                            phone: "13800138000".into(),
                            category: "水".into(),
                            description: "水龙头滴水".into(),
                            reported_at: now,
                            from_reception: None,
                        },
                    )
                    .expect("order"),
            )
        });
    });
    group.finish();
}

criterion_group!(desk, benches);
criterion_main!(desk);
