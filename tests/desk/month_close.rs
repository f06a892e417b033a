//! 月末结账: what is still open in a month, closing it as a supervisor, and every kind of
//! record dated in a closed month refused afterwards, with corrections going into the
//! current month.

use crate::common;

use common::{at, day};
use wuye_desk::domain::fees::Period;
use wuye_desk::domain::kinds::{MeterKind, PayMethod, ReadingState};
use wuye_desk::store::{
    MeterForm, Payment, ReadingInput, ReadingSource, ReceptionForm, StoreError,
};

fn month(s: &str) -> Period {
    Period::parse(s).unwrap()
}

fn refused(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(StoreError::Conflict(reason)) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn reception(at_text: &str) -> ReceptionForm {
    ReceptionForm {
        at: at(at_text),
        channel: "来电".into(),
        person: "张三丰".into(),
        category: "咨询".into(),
        matter: "问物业费".into(),
        ..ReceptionForm::default()
    }
}

#[test]
fn a_month_is_checked_then_closed_and_its_records_stay_as_they_are() {
    let (mut s, boss) = common::store();
    let unit = common::fee_unit(&mut s, &boss);
    let mut form = MeterForm::new(day("2026-01-01"));
    form.unit_code = "3栋2单元1502".into();
    form.number = "SB-1502".into();
    let meter = s.add_meter(&boss, &form).unwrap();
    s.add_reception(&boss, &reception("2026-10-20 10:00:00"))
        .unwrap();

    // A payment on a day in October that was never closed blocks the month.
    s.set_clock(std::sync::Arc::new(wuye_desk::clock::FixedClock(at(
        "2026-10-30 09:00:00",
    ))));
    s.run_billing(&boss, &Period::parse("2026Q4").unwrap())
        .unwrap();
    let bill = s.unit_bills(unit).unwrap()[0].clone();
    let receipt = s
        .collect(
            &boss,
            &Payment {
                unit_id: unit,
                payer: "张三丰".into(),
                method: PayMethod::Cash,
                bills: vec![(bill.id, bill.outstanding_fen())],
                prepay_fen: 0,
                balance_used_fen: 0,
                tendered_fen: bill.outstanding_fen(),
                note: String::new(),
            },
        )
        .unwrap();
    s.set_clock(common::clock());

    let check = s.check_month(&month("2026-10")).unwrap();
    assert!(!check.can_close());
    assert!(
        check.blocking[0].contains("2026-10-30"),
        "{:?}",
        check.blocking
    );
    assert!(
        check
            .open
            .iter()
            .any(|(a, t)| a == "抄表" && t.contains("1 块表没有本月读数"))
    );
    assert!(
        check
            .open
            .iter()
            .any(|(a, t)| a == "钥匙" && t.contains("没有盘点"))
    );
    let reason = refused(s.close_month(&boss, &month("2026-10"), ""));
    assert!(reason.contains("还没有日结"), "{reason}");
    // Not over yet.
    let reason = refused(s.close_month(&boss, &month("2026-11"), ""));
    assert!(reason.contains("还没有过完"), "{reason}");

    let expected = s.day_summary(day("2026-10-30")).unwrap().cash_expected_fen;
    s.close_day(&boss, day("2026-10-30"), expected, "").unwrap();
    // The front desk cannot close a month.
    let desk = common::front_desk(&mut s, &boss);
    assert!(matches!(
        s.close_month(&desk, &month("2026-10"), ""),
        Err(StoreError::Forbidden(_))
    ));
    s.close_month(&boss, &month("2026-10"), "十月账已核对")
        .unwrap();
    let check = s.check_month(&month("2026-10")).unwrap();
    assert_eq!(check.closed.as_ref().map(|c| c.1.as_str()), Some("王主管"));
    assert!(refused(s.close_month(&boss, &month("2026-10"), "")).contains("已于"));

    // Closed: nothing dated in October is added or changed.
    let closed = "该月已月末结账，记录不能再改动；如需更正，请在本月登记";
    assert_eq!(
        refused(s.add_reception(&boss, &reception("2026-10-31 16:00:00"))),
        closed
    );
    assert_eq!(
        refused(s.void_receipt(&boss, &receipt, "收错了")),
        closed,
        "a receipt of a closed month is not voided"
    );
    assert_eq!(
        refused(s.add_unit_event(&boss, unit, day("2026-10-15"), "漏水", "厨房漏水")),
        closed
    );
    let reading = |value: i64| ReadingInput {
        meter_id: meter,
        value_milli: value * 1000,
        rollover: false,
        read_on: day("2026-10-31"),
        state: ReadingState::Normal,
        note: String::new(),
    };
    let reason = refused(s.save_readings(
        &boss,
        &month("2026-10"),
        &[reading(12)],
        ReadingSource::Typed,
    ));
    assert!(reason.contains("已月末结账"), "{reason}");
    // November is open as ever.
    s.add_reception(&boss, &reception("2026-11-27 09:00:00"))
        .unwrap();
    s.save_readings(
        &boss,
        &month("2026-11"),
        &[ReadingInput {
            read_on: day("2026-11-25"),
            ..reading(12)
        }],
        ReadingSource::Typed,
    )
    .unwrap();
    assert_eq!(
        s.reading_sheet(&month("2026-11"), "3栋", MeterKind::Water)
            .unwrap()[0]
            .usage(),
        Some(Ok(12_000))
    );
    assert_eq!(s.closed_months().unwrap()[0].0, "2026-10");
}
