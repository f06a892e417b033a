//! A payment is all or nothing: a child process paying in a loop is killed again and again,
//! and afterwards the receipt chain and the database check out, every receipt whole.

use crate::common;

use std::process::Command;
use std::time::Duration;
use wuye_desk::domain::forms::UnitForm;
use wuye_desk::domain::kinds::PayMethod;
use wuye_desk::store::{Payment, Store};

const CHILD_ENV: &str = "WUYE_DESK_CRASH_CHILD_DB";

/// Run by the child process only: pays into a unit's balance forever.
#[test]
fn child_pays_in_a_loop_until_killed() {
    let Ok(db) = std::env::var(CHILD_ENV) else {
        return;
    };
    let mut store = Store::open(std::path::Path::new(&db), common::clock()).unwrap();
    let actor = store.cli_operator(None).unwrap();
    let unit = store.unit_id_by_code("1栋101").unwrap().unwrap();
    loop {
        let payment = Payment {
            unit_id: unit,
            payer: "张三".into(),
            method: PayMethod::WeChat,
            bills: vec![],
            prepay_fen: 12345,
            balance_used_fen: 0,
            tendered_fen: 0,
            note: "循环收款".into(),
        };
        store.collect(&actor, &payment).unwrap();
    }
}

#[test]
fn killing_the_program_mid_payment_leaves_whole_payments_only() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.sqlite");
    {
        let (mut s, boss) = common::office_file(&path);
        s.add_unit(
            &boss,
            &UnitForm {
                code: "1栋101".into(),
                area: "50".into(),
                ..UnitForm::default()
            },
        )
        .unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    for round in 0..12u64 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash::child_pays_in_a_loop_until_killed",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(150 + (round * 37) % 200));
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let store = Store::open(&path, common::clock()).unwrap();
    store.integrity_check().unwrap();
    let head = store
        .verify_receipts()
        .unwrap()
        .expect("the chain is whole");
    assert!(
        head.count > 12,
        "the children paid something: {}",
        head.count
    );
    let unit = store.unit_id_by_code("1栋101").unwrap().unwrap();
    let receipts = store.unit_receipts(unit).unwrap();
    assert_eq!(i64::try_from(receipts.len()).unwrap(), head.count);
    for r in &receipts {
        let detail = store.receipt_detail(&r.number).unwrap();
        assert_eq!(detail.lines.len(), 1, "{} has all its lines", r.number);
        assert_eq!(detail.lines_total_fen(), 12345);
    }
    assert_eq!(store.unit_balance(unit).unwrap(), 12345 * head.count);
}
