//! Keys in the store: key sets, loans with identity checks, returns, overdue keys, office
//! stock and monthly stock-takes; bad input is refused with its reason and records nothing.

use crate::common;

use common::{at, day};
use std::sync::Arc;
use wuye_desk::clock::ManualClock;
use wuye_desk::domain::forms::{PersonForm, UnitForm};
use wuye_desk::domain::kinds::{OccupantRole, UnitStatus};
use wuye_desk::store::{Actor, IdentityCheck, KeyLoanForm, KeySetForm, Store, StoreError};

struct Office {
    s: Store,
    clock: Arc<ManualClock>,
    boss: Actor,
    desk: Actor,
    keys: i64,
    owner_id: String,
}

fn office() -> Office {
    let clock = Arc::new(ManualClock::new(at("2026-11-27 09:30:00")));
    let s = Store::open_in_memory(clock.clone()).unwrap();
    office_in(s, clock)
}

fn office_in(mut s: Store, clock: Arc<ManualClock>) -> Office {
    let boss = s
        .setup_office(&common::office(), &common::supervisor())
        .unwrap();
    let desk = common::front_desk(&mut s, &boss);
    let flat = s
        .add_unit(
            &boss,
            &UnitForm {
                code: "3栋2单元1502".into(),
                area: "89.50".into(),
                ..UnitForm::default()
            },
        )
        .unwrap();
    s.hand_over(&boss, flat, day("2025-01-01"), UnitStatus::Occupied)
        .unwrap();
    let owner_id = common::id("11010119800101123");
    s.add_occupant(
        &boss,
        flat,
        OccupantRole::Owner,
        &PersonForm {
            name: "张三丰".into(),
            phone: "13800138000".into(),
            id_number: owner_id.clone(),
            ..PersonForm::default()
        },
        day("2025-01-01"),
    )
    .unwrap();
    let keys = s
        .add_key_set(
            &desk,
            &KeySetForm {
                unit_id: flat,
                label: "入户门钥匙".into(),
                count: "2".into(),
                position: "A-12".into(),
                entrusted_by: "张三丰".into(),
                entrusted_on: day("2026-10-01"),
                authorisation: "业主本人或业主电话确认的装修工人".into(),
            },
        )
        .unwrap();
    Office {
        s,
        clock,
        boss,
        desk,
        keys,
        owner_id,
    }
}

fn worker_loan(o: &Office) -> KeyLoanForm {
    KeyLoanForm {
        key_set_id: o.keys,
        borrower: "刘师傅".into(),
        phone: "13912345678".into(),
        relation: "装修".into(),
        id_number: common::id("44030519900303123"),
        purpose: "装修进场".into(),
        due_on: day("2026-11-27"),
        identity: IdentityCheck::OwnerConfirmed,
        confirmed_by: "张三丰".into(),
        confirmed_means: "电话".into(),
    }
}

fn audit_count(s: &Store) -> usize {
    s.audit_entries(None, 10_000).unwrap().len()
}

#[track_caller]
fn invalid(r: Result<i64, StoreError>, field: &str) -> String {
    match r {
        Err(StoreError::Invalid { field: f, reason }) => {
            assert_eq!(f, field, "{reason}");
            reason
        }
        other => panic!("expected invalid {field}, got {other:?}"),
    }
}

#[test]
fn a_worker_borrows_with_the_owners_confirmation_and_returns() {
    let mut o = office();
    let loan = o.s.lend_key(&o.desk, &worker_loan(&o)).unwrap();
    let out = o.s.open_key_loans().unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].borrower, "刘师傅");
    assert_eq!(out[0].identity_check, "业主授权");
    assert_eq!(out[0].lent_by, "李客服");
    assert_eq!(out[0].out_at, "2026-11-27 09:30:00");
    assert!(!out[0].is_overdue(day("2026-11-27")));
    let sets = o.s.key_sets("").unwrap();
    assert_eq!(sets[0].out.as_ref().map(|l| l.id), Some(loan));
    assert_eq!(o.s.key_sets("刘师傅").unwrap().len(), 1);
    assert_eq!(o.s.key_sets("9栋").unwrap().len(), 0);

    o.clock.set(at("2026-11-27 16:00:00"));
    o.s.return_key(&o.desk, loan, at("2026-11-27 15:50:00"), "完好")
        .unwrap();
    assert!(o.s.open_key_loans().unwrap().is_empty());
    let history = o.s.key_loans_of(o.keys, 10).unwrap();
    assert_eq!(
        history[0].returned,
        Some((
            "2026-11-27 15:50:00".to_string(),
            "李客服".to_string(),
            "完好".to_string()
        ))
    );
    let actions: Vec<String> =
        o.s.audit_entries(None, 10)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
    assert_eq!(actions[..3], ["归还钥匙", "借出钥匙", "登记托管钥匙"]);
    // A return is recorded once.
    assert!(matches!(
        o.s.return_key(&o.desk, loan, at("2026-11-27 15:55:00"), "完好"),
        Err(StoreError::Conflict(_))
    ));
    // And the loan can go out again.
    o.s.lend_key(&o.desk, &worker_loan(&o)).unwrap();
}

#[test]
fn a_key_that_is_out_is_not_lent_again() {
    let mut o = office();
    o.s.lend_key(&o.desk, &worker_loan(&o)).unwrap();
    let before = audit_count(&o.s);
    match o.s.lend_key(&o.desk, &worker_loan(&o)) {
        Err(StoreError::Conflict(m)) => assert!(m.contains("已借出"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(audit_count(&o.s), before);
    assert_eq!(o.s.open_key_loans().unwrap().len(), 1);
}

#[test]
fn a_return_earlier_than_the_loan_is_refused() {
    let mut o = office();
    let loan = o.s.lend_key(&o.desk, &worker_loan(&o)).unwrap();
    let r =
        o.s.return_key(&o.desk, loan, at("2026-11-27 09:00:00"), "完好")
            .map(|()| 0);
    assert!(invalid(r, "归还时间").contains("早于借出时间"));
    let r =
        o.s.return_key(&o.desk, loan, at("2026-11-27 18:00:00"), "完好")
            .map(|()| 0);
    assert!(invalid(r, "归还时间").contains("晚于现在"));
    assert_eq!(o.s.open_key_loans().unwrap().len(), 1);
}

#[test]
fn a_borrower_who_is_not_the_owner_needs_an_identity_check() {
    let mut o = office();
    let before = audit_count(&o.s);
    // Claimed to be the owner, but is not in the archive as one.
    let mut f = worker_loan(&o);
    f.identity = IdentityCheck::OwnerInPerson;
    assert!(invalid(o.s.lend_key(&o.desk, &f), "身份核验").contains("不是档案中登记的业主"));
    // Checked against the archive, but the ID is not there.
    f.identity = IdentityCheck::Archive;
    invalid(o.s.lend_key(&o.desk, &f), "身份核验");
    // The owner's authorisation without who or how.
    let mut f = worker_loan(&o);
    f.confirmed_by = String::new();
    invalid(o.s.lend_key(&o.desk, &f), "授权业主");
    let mut f = worker_loan(&o);
    f.confirmed_means = " ".into();
    invalid(o.s.lend_key(&o.desk, &f), "确认方式");
    // Someone who is not the owner cannot authorise.
    let mut f = worker_loan(&o);
    f.confirmed_by = "李四".into();
    invalid(o.s.lend_key(&o.desk, &f), "授权业主");
    assert_eq!(audit_count(&o.s), before);
    assert!(o.s.open_key_loans().unwrap().is_empty());

    // The owner in person, with the ID in the archive.
    let f = KeyLoanForm {
        borrower: "张三丰".into(),
        relation: "业主".into(),
        id_number: o.owner_id.clone(),
        identity: IdentityCheck::OwnerInPerson,
        confirmed_by: String::new(),
        confirmed_means: String::new(),
        ..worker_loan(&o)
    };
    o.s.lend_key(&o.desk, &f).unwrap();
}

#[test]
fn bad_fields_are_refused_with_their_reason() {
    let mut o = office();
    let mut f = worker_loan(&o);
    let id = f.id_number.clone();
    let last = if id.ends_with('1') { '2' } else { '1' };
    f.id_number = format!("{}{last}", &id[..17]);
    assert!(invalid(o.s.lend_key(&o.desk, &f), "身份证号").contains("校验位"));
    let mut f = worker_loan(&o);
    f.phone = "12345".into();
    invalid(o.s.lend_key(&o.desk, &f), "电话");
    let mut f = worker_loan(&o);
    f.borrower = String::new();
    invalid(o.s.lend_key(&o.desk, &f), "借用人");
    let mut f = worker_loan(&o);
    f.relation = "朋友".into();
    invalid(o.s.lend_key(&o.desk, &f), "关系");
    let mut f = worker_loan(&o);
    f.purpose = String::new();
    invalid(o.s.lend_key(&o.desk, &f), "用途");
    let mut f = worker_loan(&o);
    f.due_on = day("2026-11-26");
    invalid(o.s.lend_key(&o.desk, &f), "预计归还");
    assert!(o.s.open_key_loans().unwrap().is_empty());
    // Key sets too.
    let bad = KeySetForm {
        unit_id: 1,
        label: "车库门".into(),
        count: "0".into(),
        entrusted_by: "张三丰".into(),
        entrusted_on: day("2026-11-01"),
        ..KeySetForm::default()
    };
    invalid(o.s.add_key_set(&o.desk, &bad), "数量");
    let bad = KeySetForm {
        count: "1".into(),
        entrusted_on: day("2026-12-01"),
        ..bad
    };
    invalid(o.s.add_key_set(&o.desk, &bad), "委托日期");
}

#[test]
fn a_key_not_back_by_the_end_of_the_day_is_overdue_until_it_returns() {
    let mut o = office();
    let loan = o.s.lend_key(&o.desk, &worker_loan(&o)).unwrap();
    assert_eq!(o.s.overdue_key_count().unwrap(), 0);
    o.clock.set(at("2026-11-28 08:00:00"));
    assert_eq!(o.s.overdue_key_count().unwrap(), 1);
    assert!(o.s.open_key_loans().unwrap()[0].is_overdue(day("2026-11-28")));
    o.s.return_key(&o.boss, loan, at("2026-11-28 07:55:00"), "完好")
        .unwrap();
    assert_eq!(o.s.overdue_key_count().unwrap(), 0);
}

#[test]
fn loans_and_returns_cannot_be_changed_behind_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.sqlite");
    let clock = Arc::new(ManualClock::new(at("2026-11-27 09:30:00")));
    let mut o = office_in(Store::open(&path, clock.clone()).unwrap(), clock);
    let returned = o.s.lend_key(&o.desk, &worker_loan(&o)).unwrap();
    o.clock.set(at("2026-11-27 12:00:00"));
    o.s.return_key(&o.desk, returned, at("2026-11-27 11:00:00"), "完好")
        .unwrap();
    let open = o.s.lend_key(&o.desk, &worker_loan(&o)).unwrap();
    let keys = o.keys;
    drop(o);
    // Opened by another tool: the triggers refuse every change but a single return.
    let conn = rusqlite::Connection::open(&path).unwrap();
    for sql in [
        "DELETE FROM key_set WHERE id = ?1",
        "DELETE FROM key_loan WHERE key_set_id = ?1",
    ] {
        assert!(conn.execute(sql, [keys]).is_err(), "{sql}");
    }
    for (sql, id) in [
        ("UPDATE key_loan SET borrower = '某人' WHERE id = ?1", open),
        (
            "UPDATE key_loan SET returned_at = '2026-11-27 13:00:00' WHERE id = ?1",
            returned,
        ),
        (
            "UPDATE key_loan SET condition = '损坏' WHERE id = ?1",
            returned,
        ),
    ] {
        assert!(conn.execute(sql, [id]).is_err(), "{sql}");
    }
}

#[test]
fn a_monthly_stocktake_lists_differences_and_is_final_once_signed() {
    let mut o = office();
    assert!(matches!(
        o.s.set_office_stock(&o.desk, "住户卡", "20"),
        Err(StoreError::Forbidden(_))
    ));
    o.s.set_office_stock(&o.boss, "住户卡", "20").unwrap();
    o.s.set_office_stock(&o.boss, "车卡", "5").unwrap();
    assert!(matches!(
        o.s.set_office_stock(&o.boss, "车卡", "-1"),
        Err(StoreError::Invalid { .. })
    ));
    o.s.lend_key(&o.desk, &worker_loan(&o)).unwrap();
    let sheet = o.s.stocktake_sheet().unwrap();
    assert_eq!(sheet.len(), 4);
    assert_eq!(sheet[0].expected, 0, "the key set is out");
    assert!(sheet[0].note.contains("刘师傅"));
    assert_eq!(sheet[1].label, "未发放住户卡");
    assert_eq!(sheet[1].expected, 20);
    let mut counts: Vec<(String, Option<i64>, i64, String)> = sheet
        .iter()
        .map(|l| (l.kind.clone(), l.key_set_id, l.expected, String::new()))
        .collect();
    counts[1].2 = 19;
    counts[1].3 = "一张在维修".into();
    // A line left out is refused.
    let r = o.s.record_stocktake(&o.desk, &counts[1..]);
    invalid(r, "盘点数量");
    let id = o.s.record_stocktake(&o.desk, &counts).unwrap();
    assert!(matches!(
        o.s.record_stocktake(&o.desk, &counts),
        Err(StoreError::Conflict(_))
    ));
    let take = o.s.stocktake(id).unwrap();
    assert_eq!(take.month, "2026-11");
    assert_eq!(take.counted_by, "李客服");
    let diffs = take.differences();
    assert_eq!(diffs.len(), 1);
    assert_eq!(diffs[0].difference(), -1);
    assert!(matches!(
        o.s.sign_stocktake(&o.desk, id, "好"),
        Err(StoreError::Forbidden(_))
    ));
    invalid(o.s.sign_stocktake(&o.boss, id, " ").map(|()| 0), "处理意见");
    o.s.sign_stocktake(&o.boss, id, "住户卡一张送修，已核实")
        .unwrap();
    assert!(matches!(
        o.s.sign_stocktake(&o.boss, id, "再签"),
        Err(StoreError::Conflict(_))
    ));
    let take = o.s.stocktake(id).unwrap();
    assert_eq!(take.signed.as_ref().map(|s| s.1.as_str()), Some("王主管"));
    assert_eq!(
        o.s.stocktakes().unwrap(),
        vec![(id, "2026-11".into(), true)]
    );
}

#[test]
fn the_schema_upgrades_a_version_2_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        for (v, sql) in wuye_desk::store::schema_versions() {
            if v <= 2 {
                conn.execute_batch(sql).unwrap();
            }
        }
        conn.execute_batch(&format!(
            "PRAGMA application_id = {}; PRAGMA user_version = 2;",
            wuye_desk::store::APPLICATION_ID
        ))
        .unwrap();
    }
    let s = Store::open(&path, common::clock()).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        wuye_desk::store::latest_version()
    );
    assert!(s.key_sets("").unwrap().is_empty());
    assert_eq!(s.overdue_key_count().unwrap(), 0);
}

#[test]
fn the_demo_office_has_a_key_history() {
    let mut s = Store::open_in_memory(common::clock()).unwrap();
    wuye_desk::demo::generate(
        &mut s,
        &wuye_desk::demo::DemoSpec {
            units: 300,
            months: 4,
            seed: 1,
        },
    )
    .unwrap();
    let sets = s.key_sets("").unwrap();
    assert!(sets.len() > 40, "{}", sets.len());
    let open = s.open_key_loans().unwrap();
    assert!(open.len() >= 3, "{open:?}");
    assert!(s.overdue_key_count().unwrap() >= 1);
    let takes = s.stocktakes().unwrap();
    assert!(takes.len() >= 3, "{takes:?}");
    assert!(takes.iter().all(|t| t.2), "all signed");
    let loans: usize = sets
        .iter()
        .map(|k| s.key_loans_of(k.id, 1000).unwrap().len())
        .sum();
    assert!(loans > 200, "{loans}");
}
