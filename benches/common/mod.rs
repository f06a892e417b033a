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
