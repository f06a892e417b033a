//! Fees in the store: billing runs, price changes, transfers mid-period, payments with
//! receipts from one sequence, prepayment, voids, the daily close, arrears and the receipt
//! chain that shows any change.

use crate::common;

use common::{day, store};
use wuye_desk::domain::fees::Period;
use wuye_desk::domain::forms::{PersonForm, UnitForm};
use wuye_desk::domain::kinds::{
    DunningMethod, FeeKind, OccupantRole, PayMethod, UnitKind, UnitStatus,
};
use wuye_desk::store::{Actor, FeeItemForm, Payment, Store, StoreError};

struct Office {
    s: Store,
    boss: Actor,
    desk: Actor,
    flat: i64,
    vacant: i64,
    fee: i64,
}

fn person(name: &str) -> PersonForm {
    PersonForm {
        name: name.into(),
        phone: "13800138000".into(),
        ..PersonForm::default()
    }
}

fn office() -> Office {
    let (mut s, boss) = store();
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
    s.add_occupant(
        &boss,
        flat,
        OccupantRole::Owner,
        &person("张三丰"),
        day("2025-01-01"),
    )
    .unwrap();
    let vacant = s
        .add_unit(
            &boss,
            &UnitForm {
                code: "3栋2单元1501".into(),
                area: "100".into(),
                ..UnitForm::default()
            },
        )
        .unwrap();
    s.hand_over(&boss, vacant, day("2025-01-01"), UnitStatus::Vacant)
        .unwrap();
    s.add_occupant(
        &boss,
        vacant,
        OccupantRole::Owner,
        &person("李四"),
        day("2025-01-01"),
    )
    .unwrap();
    // Not handed over: never billed.
    s.add_unit(
        &boss,
        &UnitForm {
            code: "3栋2单元1503".into(),
            area: "100".into(),
            ..UnitForm::default()
        },
    )
    .unwrap();
    let fee = s
        .add_fee_item(
            &boss,
            &FeeItemForm {
                name: "物业费".into(),
                kind: FeeKind::ByArea,
                price: "2.35".into(),
                unit_kinds: vec![UnitKind::Residence],
                vacant_discount_percent: "30".into(),
                ..FeeItemForm::default()
            },
        )
        .unwrap();
    Office {
        s,
        boss,
        desk,
        flat,
        vacant,
        fee,
    }
}

fn q4() -> Period {
    Period::parse("2026Q4").unwrap()
}

fn cash(unit_id: i64, bills: Vec<(i64, i64)>, tendered: i64) -> Payment {
    Payment {
        unit_id,
        payer: "张三丰".into(),
        method: PayMethod::Cash,
        bills,
        prepay_fen: 0,
        balance_used_fen: 0,
        tendered_fen: tendered,
        note: String::new(),
    }
}

#[test]
fn a_quarterly_run_bills_area_times_price_once_with_the_vacant_discount() {
    let mut o = office();
    let preview = o.s.billing_preview(&q4()).unwrap();
    assert_eq!(
        preview.drafts.len(),
        2,
        "the unit not handed over is not billed"
    );
    let flat = preview.drafts.iter().find(|d| d.unit_id == o.flat).unwrap();
    // 89.50 m² × 2.35 × 3 months = 630.975 → 630.98 (half up, once per line).
    assert_eq!(flat.amount_fen, 63098);
    assert_eq!(flat.payer, "张三丰");
    assert_eq!(flat.due_date, day("2026-10-16"));
    let vacant = preview
        .drafts
        .iter()
        .find(|d| d.unit_id == o.vacant)
        .unwrap();
    // 100 m² × 2.35 × 3 = 705.00, 30% off = 211.50 → 493.50.
    assert_eq!(
        (vacant.gross_fen, vacant.discount_fen, vacant.amount_fen),
        (70500, 21150, 49350)
    );
    assert!(vacant.detail.contains("空置优惠30%"), "{}", vacant.detail);
    assert!(
        o.s.unit_bills(o.flat).unwrap().is_empty(),
        "a preview writes nothing"
    );

    let done = o.s.run_billing(&o.desk, &q4()).unwrap();
    assert_eq!(done.drafts.len(), 2);
    let again = o.s.run_billing(&o.desk, &q4()).unwrap();
    assert!(
        again.drafts.is_empty(),
        "running the same period twice creates nothing twice"
    );
    assert_eq!(again.existing, 2);
    assert_eq!(o.s.unit_bills(o.flat).unwrap().len(), 1);
}

#[test]
fn a_transfer_mid_period_splits_the_bill_by_days_exactly() {
    let mut o = office();
    o.s.transfer_ownership(&o.boss, o.flat, day("2026-11-20"), &person("王五"), "")
        .unwrap();
    let preview = o.s.billing_preview(&q4()).unwrap();
    let parts: Vec<_> = preview
        .drafts
        .iter()
        .filter(|d| d.unit_id == o.flat)
        .collect();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].payer, "张三丰");
    assert_eq!(
        (parts[0].part_start, parts[0].part_end),
        (day("2026-10-01"), day("2026-11-19"))
    );
    assert_eq!(parts[1].payer, "王五");
    assert_eq!(
        (parts[1].part_start, parts[1].part_end),
        (day("2026-11-20"), day("2026-12-31"))
    );
    assert_eq!(
        parts[0].amount_fen + parts[1].amount_fen,
        63098,
        "the parts add up to the whole"
    );
    // 50 of 92 days: 630.98 × 50/92 = 342.92…
    assert_eq!(parts[0].amount_fen, 34292);
}

#[test]
fn a_price_change_reprices_unpaid_bills_only() {
    let mut o = office();
    o.s.run_billing(&o.desk, &q4()).unwrap();
    let flat_bill = o.s.unit_bills(o.flat).unwrap()[0].id;
    o.s.collect(&o.desk, &cash(o.flat, vec![(flat_bill, 63098)], 0))
        .unwrap();
    let mut form = o.s.fee_items().unwrap()[0].form();
    form.price = "2.50".into();
    assert!(matches!(
        o.s.update_fee_item(&o.desk, o.fee, &form),
        Err(StoreError::Forbidden(_))
    ));
    let repriced = o.s.update_fee_item(&o.boss, o.fee, &form).unwrap();
    assert_eq!(repriced, 1);
    assert_eq!(
        o.s.unit_bills(o.flat).unwrap()[0].amount_fen,
        63098,
        "paid bill unchanged"
    );
    let vacant = &o.s.unit_bills(o.vacant).unwrap()[0];
    // 100 × 2.50 × 3 = 750.00, 30% off → 525.00.
    assert_eq!(vacant.amount_fen, 52500);
    assert!(vacant.detail.contains("2.50"), "{}", vacant.detail);
}

#[test]
fn payments_get_numbers_from_one_sequence_with_change_part_payment_and_prepay() {
    let mut o = office();
    o.s.run_billing(&o.desk, &q4()).unwrap();
    let bill = o.s.unit_bills(o.flat).unwrap()[0].clone();
    // Part payment in cash, 200 handed over for 150.00.
    let first =
        o.s.collect(&o.desk, &cash(o.flat, vec![(bill.id, 15000)], 20000))
            .unwrap();
    assert_eq!(first, "SJ202611-000001");
    let r = o.s.receipt_detail(&first).unwrap();
    assert_eq!(
        (
            r.receipt.received_fen,
            r.receipt.tendered_fen,
            r.receipt.change_fen
        ),
        (15000, 20000, 5000)
    );
    assert_eq!(r.receipt.operator, "李客服");
    assert!(r.lines[0].detail.contains("部分缴纳"));
    assert_eq!(
        o.s.unit_bills(o.flat).unwrap()[0].outstanding_fen(),
        63098 - 15000
    );

    // Paying more than owed is refused, not silently accepted.
    let too_much = cash(o.flat, vec![(bill.id, 63098)], 0);
    let err = o.s.collect(&o.desk, &too_much).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "金额", ..
            }
        ),
        "{err:?}"
    );
    // WeChat for more than owed, without choosing prepayment: refused with the way out named.
    let mut wechat = cash(o.flat, vec![(bill.id, 48098)], 50000);
    wechat.method = PayMethod::WeChat;
    let err = o.s.collect(&o.desk, &wechat).unwrap_err();
    assert!(err.to_string().contains("预存"), "{err}");
    // With the extra as prepayment it goes in.
    wechat.prepay_fen = 1902;
    wechat.tendered_fen = 0;
    let second = o.s.collect(&o.desk, &wechat).unwrap();
    assert_eq!(second, "SJ202611-000002");
    assert_eq!(o.s.unit_balance(o.flat).unwrap(), 1902);
    assert_eq!(o.s.unit_bills(o.flat).unwrap()[0].outstanding_fen(), 0);

    // A later one-off charge is paid from the balance alone.
    let deposit =
        o.s.add_fee_item(
            &o.boss,
            &FeeItemForm {
                name: "工本费".into(),
                kind: FeeKind::OneOff,
                price: "0".into(),
                ..FeeItemForm::default()
            },
        )
        .unwrap();
    let card =
        o.s.add_one_off_bill(&o.desk, o.flat, deposit, 1000, "补办门禁卡")
            .unwrap();
    let mut from_balance = cash(o.flat, vec![(card, 1000)], 0);
    from_balance.balance_used_fen = 1000;
    let third = o.s.collect(&o.desk, &from_balance).unwrap();
    let r = o.s.receipt_detail(&third).unwrap();
    assert_eq!(r.receipt.method, "预存抵扣");
    assert_eq!(r.receipt.received_fen, 0);
    assert_eq!(o.s.unit_balance(o.flat).unwrap(), 902);
    assert!(o.s.verify_receipts().unwrap().is_ok());
}

#[test]
fn only_a_supervisor_voids_and_the_receipt_stays_marked_with_its_bill_owed_again() {
    let mut o = office();
    o.s.run_billing(&o.desk, &q4()).unwrap();
    let bill = o.s.unit_bills(o.flat).unwrap()[0].id;
    let number =
        o.s.collect(&o.desk, &cash(o.flat, vec![(bill, 63098)], 0))
            .unwrap();
    assert!(matches!(
        o.s.void_receipt(&o.desk, &number, "收错户"),
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        o.s.void_receipt(&o.boss, &number, "  "),
        Err(StoreError::Invalid { .. })
    ));
    o.s.void_receipt(&o.boss, &number, "收错户").unwrap();
    assert!(matches!(
        o.s.void_receipt(&o.boss, &number, "再来"),
        Err(StoreError::Conflict(_))
    ));
    let r = o.s.receipt_detail(&number).unwrap();
    let (_, by, reason) = r.receipt.void.clone().unwrap();
    assert_eq!((by.as_str(), reason.as_str()), ("王主管", "收错户"));
    assert_eq!(o.s.unit_bills(o.flat).unwrap()[0].outstanding_fen(), 63098);
    let summary = o.s.day_summary(day("2026-11-27")).unwrap();
    assert_eq!(
        summary.receipts.len(),
        1,
        "the voided receipt is still listed"
    );
    assert_eq!(summary.total_fen, 0, "but not counted");
    // Numbers go on from the voided one: no gap, no reuse.
    let next =
        o.s.collect(&o.desk, &cash(o.flat, vec![(bill, 63098)], 0))
            .unwrap();
    assert_eq!(next, "SJ202611-000002");
    assert!(o.s.verify_receipts().unwrap().is_ok());
    assert!(
        o.s.verify_paid_amounts().unwrap().is_empty(),
        "paid amounts agree with the receipts"
    );
}

#[test]
fn a_closed_day_takes_no_more_payments_and_sums_by_method_and_item() {
    let mut o = office();
    o.s.run_billing(&o.desk, &q4()).unwrap();
    let flat = o.s.unit_bills(o.flat).unwrap()[0].id;
    let vacant = o.s.unit_bills(o.vacant).unwrap()[0].id;
    o.s.collect(&o.desk, &cash(o.flat, vec![(flat, 63098)], 70000))
        .unwrap();
    let mut wechat = cash(o.vacant, vec![(vacant, 49350)], 0);
    wechat.method = PayMethod::WeChat;
    wechat.payer = "李四".into();
    o.s.collect(&o.desk, &wechat).unwrap();
    let summary =
        o.s.close_day(&o.desk, day("2026-11-27"), 63000, "少98元，已说明")
            .unwrap();
    assert_eq!(summary.total_fen, 63098 + 49350);
    assert_eq!(summary.cash_expected_fen, 63098);
    assert_eq!(
        summary.by_method,
        vec![("现金".to_string(), 63098), ("微信".to_string(), 49350)]
    );
    assert_eq!(summary.by_item, vec![("物业费".to_string(), 63098 + 49350)]);
    assert_eq!(summary.closed.as_ref().unwrap().2, 63000);
    let err =
        o.s.collect(&o.desk, &cash(o.flat, vec![(flat, 1)], 0))
            .unwrap_err();
    assert!(err.to_string().contains("已日结"), "{err}");
    assert!(
        o.s.close_day(&o.desk, day("2026-11-27"), 0, "").is_err(),
        "a day closes once"
    );
}

#[test]
fn arrears_are_listed_by_age_and_dunning_is_logged() {
    let mut o = office();
    o.s.run_billing(&o.desk, &Period::parse("2026Q2").unwrap())
        .unwrap();
    o.s.run_billing(&o.desk, &q4()).unwrap();
    let arrears = o.s.arrears().unwrap();
    assert_eq!(arrears.len(), 2);
    let flat = arrears.iter().find(|a| a.unit_id == o.flat).unwrap();
    assert_eq!(flat.owner, "张三丰");
    // Q2 due 2026-04-16 (225 days ago), Q4 due 2026-10-16 (42 days ago).
    assert_eq!(flat.buckets_fen, [0, 63098, 0, 63098, 0]);
    assert_eq!(flat.total_fen, 2 * 63098);
    o.s.add_dunning(
        &o.desk,
        o.flat,
        day("2026-11-27"),
        DunningMethod::Phone,
        "业主说月底来交",
    )
    .unwrap();
    assert!(
        o.s.add_dunning(
            &o.desk,
            o.flat,
            day("2026-11-28"),
            DunningMethod::Phone,
            "x"
        )
        .is_err()
    );
    let log = o.s.dunning_log(o.flat).unwrap();
    assert_eq!(log[0].operator, "李客服");
    assert_eq!(log[0].method, "电话");
}

#[test]
fn the_chain_shows_an_altered_or_removed_receipt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.sqlite");
    {
        let (mut s, boss) = common::office_file(&path);
        let u = s
            .add_unit(
                &boss,
                &UnitForm {
                    code: "1栋101".into(),
                    area: "50".into(),
                    ..UnitForm::default()
                },
            )
            .unwrap();
        for _ in 0..3 {
            let mut p = cash(u, vec![], 0);
            p.prepay_fen = 10000;
            s.collect(&boss, &p).unwrap();
        }
        let head = s.verify_receipts().unwrap().unwrap();
        assert_eq!(head.count, 3);
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let err = conn
        .execute("UPDATE receipt SET received_fen = 1 WHERE seq = 2", [])
        .unwrap_err();
    assert!(err.to_string().contains("不可修改"));
    // Someone with the file and a SQLite tool goes around the triggers.
    conn.execute_batch(
        "DROP TRIGGER receipt_no_update; UPDATE receipt SET received_fen = 1 WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let s = Store::open(&path, common::clock()).unwrap();
    let broken = s.verify_receipts().unwrap().unwrap_err();
    assert_eq!(broken.seq, 2);
    assert!(broken.reason.contains("改动"), "{}", broken.reason);
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER receipt_no_delete; DROP TRIGGER receipt_line_no_delete;
         UPDATE receipt SET received_fen = 10000 WHERE seq = 2;
         DELETE FROM receipt_line WHERE receipt_id = (SELECT id FROM receipt WHERE seq = 1);
         DELETE FROM receipt WHERE seq = 1;",
    )
    .unwrap();
    drop(conn);
    let s = Store::open(&path, common::clock()).unwrap();
    let broken = s.verify_receipts().unwrap().unwrap_err();
    assert_eq!(broken.seq, 2);
    assert!(broken.reason.contains("不见了"), "{}", broken.reason);
}

#[test]
fn a_late_fee_is_added_as_a_bill_of_its_own_once_a_day() {
    let mut o = office();
    let mut form = o.s.fee_items().unwrap()[0].form();
    form.late_rate_per_10000 = "5".into();
    form.late_cap_percent = "100".into();
    o.s.update_fee_item(&o.boss, o.fee, &form).unwrap();
    o.s.run_billing(&o.desk, &Period::parse("2026Q2").unwrap())
        .unwrap();
    let bill = o.s.unit_bills(o.flat).unwrap()[0].clone();
    // 630.98 × 万分之5 × 225 days (due 2026-04-16) = 70.985… → 70.99.
    assert_eq!(bill.late_fee_fen, 7099);
    let late = o.s.add_late_fee_bill(&o.desk, bill.id).unwrap();
    let bills = o.s.unit_bills(o.flat).unwrap();
    let added = bills.iter().find(|b| b.id == late).unwrap();
    assert_eq!(added.amount_fen, 7099);
    assert_eq!(added.item_name, "物业费滞纳金");
    assert!(matches!(
        o.s.add_late_fee_bill(&o.desk, bill.id),
        Err(StoreError::Conflict(_))
    ));
    // A new price of 物业费 re-prices the unpaid fee itself, never the late fee charged on it.
    let mut form = o.s.fee_items().unwrap()[0].form();
    form.price = "3.00".into();
    o.s.update_fee_item(&o.boss, o.fee, &form).unwrap();
    let bills = o.s.unit_bills(o.flat).unwrap();
    assert_eq!(
        bills.iter().find(|b| b.id == late).unwrap().amount_fen,
        7099
    );
    // 89.50 × 3.00 × 3 = 805.50.
    assert_eq!(
        bills.iter().find(|b| b.id == bill.id).unwrap().amount_fen,
        80550
    );
}
