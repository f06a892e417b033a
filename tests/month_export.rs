//! The month-end export read back: the workbook's rows and totals match the records, every
//! SHA-256 in the manifest matches its file, and months that are not over, not closed or
//! already exported are refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use calamine::{Reader, open_workbook_auto};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use wuye_desk::clock::ManualClock;
use wuye_desk::demo::{DemoSpec, generate};
use wuye_desk::domain::fees::Period;
use wuye_desk::domain::kinds::PayMethod;
use wuye_desk::export::export_month;
use wuye_desk::store::{Payment, Store};

#[test]
fn a_demo_month_exports_with_matching_rows_totals_and_sums() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.sqlite");
    let mut store = Store::open(&path, common::clock()).unwrap();
    generate(
        &mut store,
        &DemoSpec {
            units: 60,
            months: 3,
            seed: 3,
        },
    )
    .unwrap();
    let october = Period::parse("2026-10").unwrap();
    let out = dir.path().join("归档");
    let done = export_month(&store, &october, &out, &|_| true).unwrap();
    assert!(done.zip.exists());

    let receipts = store
        .receipts_between(october.first_day(), october.last_day())
        .unwrap();
    assert!(!receipts.is_empty());
    assert_eq!(done.receipts, receipts.len());
    let valid_total: i64 = receipts
        .iter()
        .filter(|r| r.void.is_none())
        .map(|r| r.received_fen)
        .sum();

    let book_path = done.folder.join("2026-10-月末归档.xlsx");
    let mut book = open_workbook_auto(&book_path).unwrap();
    let sheet = book.worksheet_range("收款明细").unwrap();
    assert_eq!(sheet.height(), receipts.len() + 1);
    let sheet_total: f64 = sheet
        .rows()
        .skip(1)
        .filter(|r| r[9] == "有效")
        .map(|r| r[6].to_string().parse::<f64>().unwrap())
        .sum();
    assert!(
        (sheet_total * 100.0 - valid_total as f64).abs() < 0.5,
        "{sheet_total} vs {valid_total} fen"
    );
    assert_eq!(
        book.worksheet_range("欠费").unwrap().height(),
        store.arrears().unwrap().len() + 1
    );

    // Every file is in the manifest with its SHA-256, and the chain head is there too.
    let manifest = std::fs::read_to_string(done.folder.join("manifest.txt")).unwrap();
    assert!(manifest.contains(&done.chain_head));
    let mut checked = 0;
    for line in manifest
        .lines()
        .filter(|l| l.len() > 66 && l.as_bytes()[64] == b' ')
    {
        let (sum, name) = line.split_at(64);
        let bytes = std::fs::read(done.folder.join(name.trim())).unwrap();
        let actual: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sum, actual, "{name}");
        checked += 1;
    }
    assert_eq!(checked, done.files.len());
    assert!(done.files.iter().any(|(n, _)| n == "数据库快照.sqlite"));
    assert!(
        done.files
            .iter()
            .any(|(n, _)| n.starts_with("费用移交表-2026-10-"))
    );
    // The snapshot is a whole database with the same receipt chain.
    let snapshot = Store::open(&done.folder.join("数据库快照.sqlite"), common::clock()).unwrap();
    assert_eq!(
        snapshot.verify_receipts().unwrap().unwrap().head_hash,
        done.chain_head
    );

    // Once only; and not a month that is not over.
    assert!(export_month(&store, &october, &out, &|_| true).is_err());
    let err =
        export_month(&store, &Period::parse("2026-11").unwrap(), &out, &|_| true).unwrap_err();
    assert!(err.to_string().contains("还没有过完"), "{err}");
    // Cancelled halfway: nothing that looks complete is left.
    let september = Period::parse("2026-09").unwrap();
    assert!(export_month(&store, &september, &out, &|step| step == "工作簿").is_err());
    assert!(!out.join("幸福里小区物业服务中心-2026-09-月末归档").exists());
    assert!(
        !out.join("幸福里小区物业服务中心-2026-09-月末归档.zip")
            .exists()
    );
}

#[test]
fn a_month_with_a_day_not_closed_is_refused_with_the_day_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.sqlite");
    let (mut s, boss) = common::office_file(&path);
    let u = common::fee_unit(&mut s, &boss);
    let clock = Arc::new(ManualClock::new(common::at("2026-10-15 10:00:00")));
    s.set_clock(clock.clone());
    s.collect(
        &boss,
        &Payment {
            unit_id: u,
            payer: "张三丰".into(),
            method: PayMethod::Cash,
            bills: vec![],
            prepay_fen: 10000,
            balance_used_fen: 0,
            tendered_fen: 0,
            note: String::new(),
        },
    )
    .unwrap();
    clock.set(common::at("2026-11-27 09:00:00"));
    let err = export_month(&s, &Period::parse("2026-10").unwrap(), dir.path(), &|_| {
        true
    })
    .unwrap_err();
    assert!(err.to_string().contains("2026-10-15"), "{err}");
    assert!(err.to_string().contains("没有日结"), "{err}");
}
