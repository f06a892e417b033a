//! The month-end export read back: the workbook's rows and totals match the records, every
//! SHA-256 in the manifest matches its file, and months that are not over, not closed or
//! already exported are refused; a cancelled export leaves nothing behind.

use crate::common;

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
    // Not closed yet: refused, with what to do.
    let err = export_month(&store, &october, &out, &|_| true).unwrap_err();
    assert!(err.to_string().contains("还没有月末结账"), "{err}");
    let boss = store.cli_operator(None).unwrap();
    store.close_month(&boss, &october, "").unwrap();
    let steps = std::cell::RefCell::new(Vec::new());
    let done = export_month(&store, &october, &out, &|s| {
        steps.borrow_mut().push((s.done, s.total, s.what.clone()));
        true
    })
    .unwrap();
    assert!(done.zip.exists());
    // The progress went forward to the end, one step at a time.
    let steps = steps.into_inner();
    assert!(steps.windows(2).all(|w| w[0].0 <= w[1].0));
    let (last_done, last_total, last_what) = steps.last().unwrap().clone();
    assert_eq!(last_what, "压缩包");
    assert_eq!(last_done + 1, last_total);

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
    // Arrears as they stood at the end of October, not today.
    let month_end = store.arrears_on(october.last_day()).unwrap();
    let arrears = book.worksheet_range("月末欠费").unwrap();
    assert_eq!(arrears.height(), month_end.len() + 1);
    let owed: f64 = arrears
        .rows()
        .skip(1)
        .map(|r| r[5].to_string().parse::<f64>().unwrap())
        .sum();
    let owed_fen: i64 = month_end.iter().map(|a| a.total_fen).sum();
    assert!(
        (owed * 100.0 - owed_fen as f64).abs() < 0.5,
        "{owed} vs {owed_fen}"
    );
    // Every meter in use, read or not, with its usage.
    let readings = store.month_readings(&october).unwrap();
    let sheet = book.worksheet_range("抄表").unwrap();
    assert_eq!(sheet.height(), readings.len() + 1);
    let usage: f64 = sheet
        .rows()
        .skip(1)
        .filter_map(|r| r[8].to_string().parse::<f64>().ok())
        .sum();
    let usage_milli: i64 = readings.iter().filter_map(|r| r.usage.as_ref().ok()).sum();
    assert!((usage * 1000.0 - usage_milli as f64).abs() < 0.5);
    // The registers of the month.
    let (first, last) = (october.first_day(), october.last_day());
    assert_eq!(
        book.worksheet_range("前台接待").unwrap().height(),
        store.reception_between(first, last).unwrap().len() + 1
    );
    assert_eq!(
        book.worksheet_range("投诉与回访").unwrap().height(),
        store.complaints_between(first, last).unwrap().len() + 1
    );
    let repairs = store.repair_month_summary("2026-10").unwrap();
    assert_eq!(
        book.worksheet_range("维修单").unwrap().height(),
        repairs.orders.len() + 1
    );
    assert_eq!(
        book.worksheet_range("维修转入下月").unwrap().height(),
        repairs.carried_over.len() + 1
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
    for name in [
        "维修月报-2026-10.pdf",
        "盘点-2026-10.pdf",
        "2026-10-月末归档.xlsx",
    ] {
        assert!(done.files.iter().any(|(n, _)| n == name), "{name}");
    }
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
    // Cancelled halfway (the demo closed September): nothing is left behind.
    let september = Period::parse("2026-09").unwrap();
    let err = export_month(&store, &september, &out, &|s| s.what != "数据库快照").unwrap_err();
    assert!(err.to_string().contains("已取消"), "{err}");
    let left: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("2026-09"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
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
