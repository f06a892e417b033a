//! The benchmarks' office: `demo --units 5000 --months 36`, made once and kept in the
//! target folder (it takes a while to make), on a fixed day so every run sees the same data.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use wuye_desk::clock::{FixedClock, SharedClock};
use wuye_desk::demo::{DemoSpec, generate};
use wuye_desk::store::Store;

/// 2026-11-27 09:00, the day the benchmarks live on.
pub fn clock() -> SharedClock {
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap_or_default();
    Arc::new(FixedClock(now))
}

/// The demo office file, made on first use.
pub fn demo_path() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-data");
    let path = dir.join(format!(
        "demo-5000x36-v{}-g{}.sqlite",
        wuye_desk::store::latest_version(),
        wuye_desk::demo::DEMO_GENERATION
    ));
    if !path.exists() {
        std::fs::create_dir_all(&dir).expect("bench data folder");
        let tmp = dir.join("demo-making.sqlite");
        for ext in ["", "-wal", "-shm"] {
            // Left over from an interrupted run, or not there at all.
            std::fs::remove_file(format!("{}{ext}", tmp.display())).ok();
        }
        let started = std::time::Instant::now();
        let mut store = Store::open(&tmp, clock()).expect("open");
        generate(
            &mut store,
            &DemoSpec {
                units: 5000,
                months: 36,
                seed: 1,
            },
        )
        .expect("demo");
        drop(store);
        std::fs::rename(&tmp, &path).expect("keep the demo");
        println!(
            "made the demo office in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    path
}

/// A copy of the demo office to change freely.
pub fn demo_copy(name: &str) -> PathBuf {
    let src = demo_path();
    let dst = src.with_file_name(format!("{name}.sqlite"));
    for ext in ["-wal", "-shm"] {
        // Left from the copy's last use, or not there at all.
        std::fs::remove_file(format!("{}{ext}", dst.display())).ok();
    }
    std::fs::copy(&src, &dst).expect("copy demo");
    dst
}

/// Opens the demo office.
pub fn open(path: &std::path::Path) -> Store {
    Store::open(path, clock()).expect("open demo")
}

/// A tab (or a set of tabs) drawn over the demo office, logged in as its first supervisor.
pub struct Desk<T> {
    /// The office.
    pub store: Store,
    /// Who is logged in.
    pub actor: wuye_desk::store::Actor,
    /// The office's details.
    pub office: wuye_desk::store::Office,
    /// Where results and errors go.
    pub toasts: wuye_desk::ui::toast::Toasts,
    /// What is drawn.
    pub tab: T,
}

impl<T> Desk<T> {
    /// `tab` over `store`.
    pub fn new(store: Store, tab: T) -> Self {
        let actor = store.cli_operator(None).expect("operator");
        let office = store.office().expect("office").expect("office row");
        Self {
            store,
            actor,
            office,
            toasts: wuye_desk::ui::toast::Toasts::default(),
            tab,
        }
    }

    /// Runs `draw` with the tab and the context a tab draws in.
    pub fn draw(&mut self, draw: impl FnOnce(&mut T, &mut wuye_desk::ui::app::DeskCtx<'_>)) {
        let today = self.store.today();
        let mut ctx = wuye_desk::ui::app::DeskCtx {
            store: &mut self.store,
            actor: &self.actor,
            office: &mut self.office,
            toasts: &mut self.toasts,
            today,
            archive_changed: false,
            busy: false,
            open_files: false,
            reopen: false,
        };
        draw(&mut self.tab, &mut ctx);
    }
}

/// A headless window of an office PC's size showing `desk` through `frame`.
pub fn harness<T: 'static>(
    frame: fn(&mut egui::Ui, &mut Desk<T>),
    desk: Desk<T>,
) -> egui_kittest::Harness<'static, Desk<T>> {
    egui_kittest::Harness::builder()
        .with_size([1280.0, 900.0])
        .with_context_setup(wuye_desk::ui::setup_context)
        .build_ui_state(frame, desk)
}
