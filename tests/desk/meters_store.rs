//! 抄表 in the store: the reading sheet with its checks, bad input refused with nothing
//! recorded, replacement, 待复核, imports, metered and shared fee items billed from the
//! readings, readings locked once billed and corrected through the next bill.

use crate::common;

use common::day;
use wuye_desk::domain::fees::Period;
use wuye_desk::domain::forms::UnitForm;
use wuye_desk::domain::kinds::{
    FeeKind, MeterKind, ReadingState, ShareBasis, ShareScope, UnitKind, UnitStatus,
};
use wuye_desk::domain::meters::ReadingFlag;
use wuye_desk::domain::roster::Table;
use wuye_desk::store::{
    Actor, FeeItemForm, MeterForm, ReadingInput, ReadingSource, RemoveForm, ReplaceForm, Store,
    StoreError,
};

fn month(s: &str) -> Period {
    Period::parse(s).unwrap()
}

/// A handed-over flat of `area` m².
fn flat(s: &mut Store, boss: &Actor, code: &str, area: &str, status: UnitStatus) -> i64 {
    let u = s
        .add_unit(
            boss,
            &UnitForm {
                code: code.into(),
                area: area.into(),
                ..UnitForm::default()
            },
        )
        .unwrap();
    s.hand_over(boss, u, day("2025-01-01"), status).unwrap();
    u
}

/// A 4-digit water meter for a unit, starting at `start`.
fn water_meter(s: &mut Store, boss: &Actor, code: &str, number: &str, start: &str) -> i64 {
    let mut form = MeterForm::new(day("2026-01-01"));
    form.unit_code = code.into();
    form.number = number.into();
    form.digits = "4".into();
    form.start = start.into();
    form.location = "管井".into();
    s.add_meter(boss, &form).unwrap()
}

fn reading(meter_id: i64, value: i64, read_on: &str) -> ReadingInput {
    ReadingInput {
        meter_id,
        value_milli: value * 1000,
        rollover: false,
        read_on: day(read_on),
        state: ReadingState::Normal,
        note: String::new(),
    }
}

fn save(
    s: &mut Store,
    boss: &Actor,
    m: &str,
    inputs: &[ReadingInput],
) -> Result<Vec<i64>, StoreError> {
    s.save_readings(boss, &month(m), inputs, ReadingSource::Typed)
}

fn readings_of(s: &Store, m: &str) -> usize {
    s.month_readings(&month(m))
        .unwrap()
        .iter()
        .filter(|r| r.row.reading.is_some())
        .count()
}

#[test]
fn the_sheet_shows_last_reading_usage_and_flags() {
    let (mut s, boss) = common::store();
    flat(&mut s, &boss, "3栋2单元1502", "89.50", UnitStatus::Occupied);
    flat(
        &mut s,
        &boss,
        "3栋2单元1503",
        "120.00",
        UnitStatus::Occupied,
    );
    let a = water_meter(&mut s, &boss, "3栋2单元1502", "SB-1502", "100");
    let b = water_meter(&mut s, &boss, "3栋2单元1503", "SB-1503", "50");
    save(
        &mut s,
        &boss,
        "2026-08",
        &[reading(a, 110, "2026-08-25"), reading(b, 60, "2026-08-25")],
    )
    .unwrap();
    save(
        &mut s,
        &boss,
        "2026-09",
        &[reading(a, 120, "2026-09-25"), reading(b, 70, "2026-09-25")],
    )
    .unwrap();
    save(
        &mut s,
        &boss,
        "2026-10",
        &[reading(a, 131, "2026-10-25"), reading(b, 80, "2026-10-25")],
    )
    .unwrap();

    let sheet = s
        .reading_sheet(&month("2026-11"), "3栋", MeterKind::Water)
        .unwrap();
    assert_eq!(sheet.len(), 2);
    let row = &sheet[0];
    assert_eq!(row.meter.unit_code, "3栋2单元1502");
    assert_eq!(row.meter.location, "管井");
    assert_eq!(row.last_milli, 131_000);
    assert_eq!(row.last_month.as_deref(), Some("2026-10"));
    assert!(row.reading.is_none());
    // Average of 10, 10, 11: a usage of 39 is more than three times it.
    assert_eq!(row.usage_of(170_000, false), Ok(39_000));
    assert!(matches!(
        row.flags_for(39_000)[..],
        [ReadingFlag::High { .. }]
    ));
    assert!(row.flags_for(30_000).is_empty());

    save(
        &mut s,
        &boss,
        "2026-11",
        &[reading(a, 170, "2026-11-25"), reading(b, 80, "2026-11-25")],
    )
    .unwrap();
    let sheet = s
        .reading_sheet(&month("2026-11"), "3栋", MeterKind::Water)
        .unwrap();
    assert_eq!(sheet[0].usage(), Some(Ok(39_000)));
    assert!(matches!(sheet[0].flags()[..], [ReadingFlag::High { .. }]));
    assert_eq!(sheet[1].usage(), Some(Ok(0)));
    assert_eq!(sheet[1].flags(), vec![ReadingFlag::ZeroOccupied]);
    // Electricity has its own sheet.
    assert!(
        s.reading_sheet(&month("2026-11"), "3栋", MeterKind::Electricity)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_lower_reading_needs_rollover_or_recheck_and_bad_input_records_nothing() {
    let (mut s, boss) = common::store();
    flat(&mut s, &boss, "3栋2单元1502", "89.50", UnitStatus::Occupied);
    flat(
        &mut s,
        &boss,
        "3栋2单元1503",
        "120.00",
        UnitStatus::Occupied,
    );
    let a = water_meter(&mut s, &boss, "3栋2单元1502", "SB-1502", "9980");
    let b = water_meter(&mut s, &boss, "3栋2单元1503", "SB-1503", "0");
    save(&mut s, &boss, "2026-10", &[reading(a, 9990, "2026-10-25")]).unwrap();

    // Lower than last time: asked, not guessed. The good reading in the same batch is not
    // recorded either.
    let err = save(
        &mut s,
        &boss,
        "2026-11",
        &[reading(b, 12, "2026-11-25"), reading(a, 15, "2026-11-25")],
    )
    .unwrap_err();
    assert!(err.to_string().contains("低于上次读数 9990"), "{err}");
    assert_eq!(readings_of(&s, "2026-11"), 0);

    // More digits than the dial has.
    let err = save(
        &mut s,
        &boss,
        "2026-11",
        &[reading(b, 12_345, "2026-11-25")],
    )
    .unwrap_err();
    assert!(err.to_string().contains("超过表盘位数"), "{err}");
    // The same meter twice.
    let err = save(
        &mut s,
        &boss,
        "2026-11",
        &[reading(b, 12, "2026-11-25"), reading(b, 13, "2026-11-25")],
    )
    .unwrap_err();
    assert!(err.to_string().contains("两次"), "{err}");
    // A reading dated in the future.
    let err = save(&mut s, &boss, "2026-11", &[reading(b, 12, "2026-11-28")]).unwrap_err();
    assert!(err.to_string().contains("不能晚于今天"), "{err}");
    assert_eq!(readings_of(&s, "2026-11"), 0);

    // 翻表 confirmed: 9,990 → 15 on a 4-digit dial is 25.
    let mut rolled = reading(a, 15, "2026-11-25");
    rolled.rollover = true;
    save(&mut s, &boss, "2026-11", &[rolled]).unwrap();
    let sheet = s
        .reading_sheet(&month("2026-11"), "3栋", MeterKind::Water)
        .unwrap();
    assert_eq!(sheet[0].usage(), Some(Ok(25_000)));

    // 读错: kept as typed, waiting for engineering, on the printed list.
    let mut doubtful = reading(b, 3, "2026-11-25");
    doubtful.state = ReadingState::Recheck;
    doubtful.note = "表盘模糊".into();
    save(&mut s, &boss, "2026-11", &[doubtful]).unwrap();
    let list = s.recheck_list().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].meter.number, "SB-1503");
    assert_eq!(list[0].note, "表盘模糊");
    // Read again and entered: no longer waiting.
    save(&mut s, &boss, "2026-11", &[reading(b, 8, "2026-11-26")]).unwrap();
    assert!(s.recheck_list().unwrap().is_empty());
    // A saved reading can be sent back to engineering too.
    let id = s
        .reading_sheet(&month("2026-11"), "3栋", MeterKind::Water)
        .unwrap()[1]
        .reading
        .clone()
        .unwrap()
        .id;
    s.mark_recheck(&boss, id, "").unwrap();
    assert_eq!(s.recheck_list().unwrap()[0].note, "读数存疑，请工程部复核");
}

#[test]
fn replacement_mid_month_counts_both_meters_and_keeps_the_old_one() {
    let (mut s, boss) = common::store();
    let u = flat(&mut s, &boss, "3栋2单元1502", "89.50", UnitStatus::Occupied);
    let old = water_meter(&mut s, &boss, "3栋2单元1502", "SB-OLD", "1100");
    save(
        &mut s,
        &boss,
        "2026-10",
        &[reading(old, 1200, "2026-10-25")],
    )
    .unwrap();
    let bad = ReplaceForm {
        meter_id: old,
        date: day("2026-11-10"),
        final_reading: "1190".into(),
        number: "SB-NEW".into(),
        start: "0".into(),
        multiplier: "1".into(),
        digits: "5".into(),
    };
    let err = s.replace_meter(&boss, &bad).unwrap_err();
    assert!(err.to_string().contains("不能低于上次读数 1200"), "{err}");
    let new = s
        .replace_meter(
            &boss,
            &ReplaceForm {
                final_reading: "1230".into(),
                ..bad
            },
        )
        .unwrap();
    // A reading for the meter taken out is refused.
    let err = save(
        &mut s,
        &boss,
        "2026-11",
        &[reading(old, 1240, "2026-11-25")],
    )
    .unwrap_err();
    assert!(err.to_string().contains("已于 2026-11-10 换下"), "{err}");
    save(&mut s, &boss, "2026-11", &[reading(new, 18, "2026-11-25")]).unwrap();
    let sheet = s
        .reading_sheet(&month("2026-11"), "3栋", MeterKind::Water)
        .unwrap();
    assert_eq!(sheet.len(), 1);
    let row = &sheet[0];
    assert_eq!(row.meter.number, "SB-NEW");
    assert_eq!(row.last_milli, 0);
    let tail = row.tail.as_ref().unwrap();
    assert_eq!((tail.last_milli, tail.final_milli), (1_200_000, 1_230_000));
    // (1230 − 1200) + (18 − 0).
    assert_eq!(row.usage(), Some(Ok(48_000)));
    // The history stays: both meters, and the replacement in the unit's 大事记.
    let meters = s.unit_meters(u).unwrap();
    assert_eq!(meters.len(), 2);
    assert_eq!(
        meters[0].closed,
        Some(("2026-11-10".to_string(), 1_230_000))
    );
    let events = s.unit_detail(u).unwrap().events;
    assert!(
        events
            .iter()
            .any(|e| e.text.contains("SB-OLD") && e.text.contains("SB-NEW"))
    );
}

fn water_fee(s: &mut Store, boss: &Actor) -> i64 {
    s.add_fee_item(
        boss,
        &FeeItemForm {
            name: "水费".into(),
            kind: FeeKind::Metered,
            price: "3.80".into(),
            unit_kinds: vec![UnitKind::Residence],
            meter_kind: MeterKind::Water,
            ..FeeItemForm::default()
        },
    )
    .unwrap()
}

#[test]
fn metered_bills_show_the_readings_lock_them_and_carry_corrections_forward() {
    let (mut s, boss) = common::store();
    let u = flat(&mut s, &boss, "3栋2单元1502", "89.50", UnitStatus::Occupied);
    let a = water_meter(&mut s, &boss, "3栋2单元1502", "SB-1502", "100");
    water_fee(&mut s, &boss);
    save(&mut s, &boss, "2026-09", &[reading(a, 120, "2026-09-25")]).unwrap();

    // Not read yet for the period: listed with why, nothing billed.
    let preview = s.billing_preview(&month("2026-10")).unwrap();
    assert!(preview.drafts.is_empty());
    assert!(
        preview
            .skipped
            .iter()
            .any(|(code, item, why)| code == "3栋2单元1502"
                && item == "水费"
                && why.contains("2026-10 未抄表")),
        "{:?}",
        preview.skipped
    );

    save(&mut s, &boss, "2026-10", &[reading(a, 131, "2026-10-25")]).unwrap();
    let run = s.run_billing(&boss, &month("2026-10")).unwrap();
    assert_eq!(run.drafts.len(), 1);
    let line = &run.drafts[0];
    assert_eq!(line.detail, "上次120 本次131 用量11吨 × 3.80");
    assert_eq!(line.amount_fen, 4180);
    let bills = s.unit_bills(u).unwrap();
    assert_eq!(bills.len(), 1);
    assert_eq!(bills[0].detail, "上次120 本次131 用量11吨 × 3.80");
    // A second run makes nothing twice.
    assert!(
        s.run_billing(&boss, &month("2026-10"))
            .unwrap()
            .drafts
            .is_empty()
    );

    // Billed: locked, never silently rewritten.
    let err = save(&mut s, &boss, "2026-10", &[reading(a, 133, "2026-10-26")]).unwrap_err();
    assert!(err.to_string().contains("已计费"), "{err}");
    let reading_id = s
        .reading_sheet(&month("2026-10"), "3栋", MeterKind::Water)
        .unwrap()[0]
        .reading
        .clone()
        .unwrap()
        .id;
    assert!(s.mark_recheck(&boss, reading_id, "").is_err());

    // The October reading was really 133: corrected, the difference goes into November.
    let err = s
        .correct_reading(&boss, reading_id, "133", false, "")
        .unwrap_err();
    assert!(err.to_string().contains("更正原因"), "{err}");
    s.correct_reading(&boss, reading_id, "133", false, "抄表员看错一位")
        .unwrap();
    let sheet = s
        .reading_sheet(&month("2026-11"), "3栋", MeterKind::Water)
        .unwrap();
    assert_eq!(
        sheet[0].last_milli, 133_000,
        "the corrected value counts from now on"
    );
    save(&mut s, &boss, "2026-11", &[reading(a, 170, "2026-11-25")]).unwrap();
    let run = s.run_billing(&boss, &month("2026-11")).unwrap();
    let line = &run.drafts[0];
    assert_eq!(
        line.detail,
        "上次133 本次170 用量37吨，2026-10读数更正+2吨 × 3.80"
    );
    // 37 + 2 = 39 吨: over both months exactly 170 − 120 = 50 吨 was billed.
    assert_eq!(line.amount_fen, 39 * 380);
    let billed: i64 = s.unit_bills(u).unwrap().iter().map(|b| b.amount_fen).sum();
    assert_eq!(billed, 50 * 380);
    // The October bill itself is unchanged.
    assert_eq!(s.unit_bills(u).unwrap()[0].amount_fen, 4180);
}

#[test]
fn a_meter_taken_out_for_good_bills_its_last_usage_and_leaves_the_sheet() {
    let (mut s, boss) = common::store();
    let u = flat(&mut s, &boss, "3栋2单元1502", "89.50", UnitStatus::Occupied);
    flat(&mut s, &boss, "3栋2单元1503", "89.50", UnitStatus::Occupied);
    let a = water_meter(&mut s, &boss, "3栋2单元1502", "SB-1502", "100");
    let b = water_meter(&mut s, &boss, "3栋2单元1503", "SB-1503", "100");
    water_fee(&mut s, &boss);
    save(
        &mut s,
        &boss,
        "2026-10",
        &[reading(a, 120, "2026-10-25"), reading(b, 110, "2026-10-25")],
    )
    .unwrap();

    // Bad forms: a reason is needed, the final reading is not below the last one, and the
    // date is not in the future; nothing is recorded.
    let form = RemoveForm {
        meter_id: a,
        date: day("2026-11-20"),
        final_reading: "126".into(),
        reason: "  ".into(),
    };
    let refused = |s: &mut Store, form: &RemoveForm, field: &str, says: &str| match s
        .remove_meter(&boss, form)
        .unwrap_err()
    {
        StoreError::Invalid { field: f, reason } => {
            assert_eq!(f, field, "{reason}");
            assert!(reason.contains(says), "{reason}");
        }
        other => panic!("{other}"),
    };
    refused(&mut s, &form, "拆表原因", "请写明拆表原因");
    let form = RemoveForm {
        reason: "两户合并，改用1503的表".into(),
        ..form
    };
    refused(
        &mut s,
        &RemoveForm {
            final_reading: "119".into(),
            ..form.clone()
        },
        "拆表止码",
        "不能低于上次读数 120",
    );
    refused(
        &mut s,
        &RemoveForm {
            date: day("2026-11-28"),
            ..form.clone()
        },
        "拆表日期",
        "不能晚于今天",
    );
    assert!(s.unit_meters(u).unwrap()[0].closed.is_none());
    assert_eq!(readings_of(&s, "2026-11"), 0);

    s.remove_meter(&boss, &form).unwrap();
    // Taken out once only.
    assert!(matches!(
        s.remove_meter(&boss, &form),
        Err(StoreError::Conflict(_))
    ));

    // November's sheet shows the final reading as the month's, with its usage; the meter
    // is marked as taken out, and no more readings are taken for it.
    let sheet = s
        .reading_sheet(&month("2026-11"), "3栋", MeterKind::Water)
        .unwrap();
    assert_eq!(sheet.len(), 2);
    let row = sheet.iter().find(|r| r.meter.id == a).unwrap();
    assert_eq!(row.reading.as_ref().unwrap().value_milli, 126_000);
    assert_eq!(row.usage(), Some(Ok(6_000)));
    assert_eq!(row.meter.taken_out().as_deref(), Some("2026-11-20 拆表"));
    assert_eq!(row.meter.removed.as_deref(), Some("两户合并，改用1503的表"));
    let err = save(&mut s, &boss, "2026-11", &[reading(a, 127, "2026-11-25")]).unwrap_err();
    assert!(err.to_string().contains("已于 2026-11-20 拆表"), "{err}");
    assert!(
        s.mark_recheck(&boss, row.reading.as_ref().unwrap().id, "")
            .is_err()
    );

    // November bills its last usage like any other month's.
    let ids = save(&mut s, &boss, "2026-11", &[reading(b, 118, "2026-11-25")]).unwrap();
    // A reading waiting to be read again is not taken as a final reading.
    s.mark_recheck(&boss, ids[0], "看不清").unwrap();
    let err = s
        .remove_meter(
            &boss,
            &RemoveForm {
                meter_id: b,
                date: day("2026-11-26"),
                final_reading: "118".into(),
                reason: "燃气停用".into(),
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("待复核"), "{err}");
    save(&mut s, &boss, "2026-11", &[reading(b, 118, "2026-11-26")]).unwrap();
    let run = s.run_billing(&boss, &month("2026-11")).unwrap();
    let line = run
        .drafts
        .iter()
        .find(|d| d.unit_code == "3栋2单元1502")
        .unwrap();
    assert_eq!(line.detail, "上次120 本次126 用量6吨 × 3.80");
    assert_eq!(line.amount_fen, 6 * 380);

    // A quarter's bill does not wait for a December reading of a meter taken out in
    // November.
    let quarter = s.billing_preview(&month("2026Q4")).unwrap();
    assert!(
        quarter
            .skipped
            .iter()
            .all(|(code, _, _)| code != "3栋2单元1502"),
        "{:?}",
        quarter.skipped
    );
    assert!(
        quarter
            .skipped
            .iter()
            .any(|(code, _, why)| code == "3栋2单元1503" && why.contains("2026-12 未抄表"))
    );

    // From December it is on no sheet and not missing at the month's end.
    let december = s
        .reading_sheet(&month("2026-12"), "3栋", MeterKind::Water)
        .unwrap();
    assert_eq!(december.len(), 1);
    assert_eq!(december[0].meter.id, b);
    assert_eq!(s.unread_meters(&month("2026-12")).unwrap(), 1);
    // The history stays: the meter, its readings, and the unit's 大事记.
    assert_eq!(s.unit_meters(u).unwrap().len(), 1);
    assert!(
        s.unit_detail(u)
            .unwrap()
            .events
            .iter()
            .any(|e| e.kind == "拆表" && e.text.contains("SB-1502") && e.text.contains("126"))
    );

    // A month already read: the final reading must be that reading.
    let err = s
        .remove_meter(
            &boss,
            &RemoveForm {
                meter_id: b,
                date: day("2026-11-26"),
                final_reading: "119".into(),
                reason: "燃气停用".into(),
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("已录读数 118"), "{err}");
}

/// A common electricity meter of `building` (or the whole estate when empty).
fn common_meter(
    s: &mut Store,
    boss: &Actor,
    name: &str,
    building: &str,
    basis: ShareBasis,
    scope: ShareScope,
) -> i64 {
    let mut form = MeterForm::new(day("2026-01-01"));
    form.common = true;
    form.name = name.into();
    form.building = building.into();
    form.kind = MeterKind::Electricity;
    form.number = format!("GD-{name}");
    form.share_basis = basis;
    form.share_scope = scope;
    s.add_meter(boss, &form).unwrap()
}

/// 公摊电费 at 0.68 per 度 for flats.
fn shared_electricity(s: &mut Store, boss: &Actor) {
    s.add_fee_item(
        boss,
        &FeeItemForm {
            name: "公摊电费".into(),
            kind: FeeKind::Shared,
            price: "0.68".into(),
            unit_kinds: vec![UnitKind::Residence],
            meter_kind: MeterKind::Electricity,
            ..FeeItemForm::default()
        },
    )
    .unwrap();
}

#[test]
fn shared_meters_are_split_exactly_by_area_or_by_household() {
    let (mut s, boss) = common::store();
    let a = flat(&mut s, &boss, "3栋2单元1502", "89.50", UnitStatus::Occupied);
    let b = flat(&mut s, &boss, "3栋2单元1503", "120.00", UnitStatus::Vacant);
    let c = flat(&mut s, &boss, "5栋1单元0101", "60.25", UnitStatus::Occupied);
    let lights = common_meter(
        &mut s,
        &boss,
        "3栋走廊灯",
        "3栋",
        ShareBasis::ByArea,
        ShareScope::Building,
    );
    let pump = common_meter(
        &mut s,
        &boss,
        "二次供水泵房",
        "",
        ShareBasis::ByHousehold,
        ShareScope::Estate,
    );
    shared_electricity(&mut s, &boss);
    save(
        &mut s,
        &boss,
        "2026-09",
        &[
            reading(lights, 1000, "2026-09-25"),
            reading(pump, 5000, "2026-09-25"),
        ],
    )
    .unwrap();
    save(
        &mut s,
        &boss,
        "2026-10",
        &[
            reading(lights, 1100, "2026-10-25"),
            reading(pump, 5147, "2026-10-25"),
        ],
    )
    .unwrap();
    let run = s.run_billing(&boss, &month("2026-10")).unwrap();
    let amount = |unit: i64| -> i64 {
        run.drafts
            .iter()
            .filter(|d| d.unit_id == unit)
            .map(|d| d.amount_fen)
            .sum()
    };
    // 走廊灯: 100 度 × 0.68 = 68.00 over 89.50 and 120.00 m² → 29.05 + 38.95.
    // 泵房: 147 度 × 0.68 = 99.96 over 3 households → 33.32 each.
    assert_eq!(amount(a), 2905 + 3332);
    assert_eq!(amount(b), 3895 + 3332);
    assert_eq!(amount(c), 3332);
    assert_eq!(amount(a) + amount(b) + amount(c), 6800 + 9996);
    assert_eq!(run.shared.len(), 2);
    let corridor = run.shared.iter().find(|l| l.meter == "3栋走廊灯").unwrap();
    assert_eq!((corridor.cost_fen, corridor.units), (6800, 2));
    let detail = &run.drafts.iter().find(|d| d.unit_id == c).unwrap().detail;
    assert_eq!(detail, "二次供水泵房 按户分摊");
    // The common readings are locked now.
    let err = save(
        &mut s,
        &boss,
        "2026-10",
        &[reading(lights, 1101, "2026-10-26")],
    )
    .unwrap_err();
    assert!(err.to_string().contains("已计费"), "{err}");
}

#[test]
fn an_import_is_checked_row_by_row_and_only_good_rows_go_in() {
    let (mut s, boss) = common::store();
    for (code, area) in [
        ("3栋2单元1501", "80.00"),
        ("3栋2单元1502", "89.50"),
        ("3栋2单元1503", "120.00"),
        ("3栋2单元1504", "90.00"),
        ("3栋2单元1505", "95.00"),
        ("3栋2单元1506", "88.00"),
    ] {
        flat(&mut s, &boss, code, area, UnitStatus::Occupied);
    }
    let a = water_meter(&mut s, &boss, "3栋2单元1501", "SB-1501", "0");
    let b = water_meter(&mut s, &boss, "3栋2单元1502", "SB-1502", "0");
    let c = water_meter(&mut s, &boss, "3栋2单元1503", "SB-1503", "0");
    water_meter(&mut s, &boss, "3栋2单元1504", "SB-1504", "0");
    water_meter(&mut s, &boss, "3栋2单元1506", "SB-1506", "0");
    save(
        &mut s,
        &boss,
        "2026-10",
        &[
            reading(a, 100, "2026-10-25"),
            reading(b, 100, "2026-10-25"),
            reading(c, 100, "2026-10-25"),
        ],
    )
    .unwrap();
    s.replace_meter(
        &boss,
        &ReplaceForm {
            meter_id: c,
            date: day("2026-11-05"),
            final_reading: "104".into(),
            number: "SB-1503N".into(),
            start: "0".into(),
            multiplier: "1".into(),
            digits: "4".into(),
        },
    )
    .unwrap();
    let file = Table::from_cells(
        &["房号", "表号", "本期读数", "抄表日期"],
        &[
            &["3栋2单元1501", "", "112", "2026-11-25"],
            &["3栋2单元1502", "", "90", "2026-11-25"],
            &["", "SB-1503", "110", "2026-11-25"],
            &["3栋2单元1506", "", "12345", "2026-11-25"],
            &["3栋2单元1504", "", "20", "2026-11-25"],
            &["3栋2单元1504", "", "21", "2026-11-25"],
            &["9栋1单元0101", "", "5", "2026-11-25"],
            &["3栋2单元1505", "", "5", ""],
            &["", "SB-1503N", "7.5", ""],
        ],
    );
    let checks = s
        .check_reading_import(
            &month("2026-11"),
            MeterKind::Water,
            &file,
            day("2026-11-26"),
        )
        .unwrap()
        .unwrap();
    let why = |row: usize| -> String {
        checks
            .iter()
            .find(|c| c.row_no == row)
            .and_then(|c| c.error.clone())
            .unwrap_or_default()
    };
    assert_eq!(why(2), "");
    assert!(why(3).contains("低于上次读数 100"), "{}", why(3));
    assert!(why(4).contains("已于 2026-11-05 换下"), "{}", why(4));
    assert!(why(5).contains("超过表盘位数"), "{}", why(5));
    assert!(why(6).contains("同一块表"), "{}", why(6));
    assert!(why(7).contains("同一块表"), "{}", why(7));
    assert!(why(8).contains("没有房屋 9栋1单元0101"), "{}", why(8));
    assert!(why(9).contains("没有在用的水表"), "{}", why(9));
    assert_eq!(why(10), "");
    let good: Vec<ReadingInput> = checks.iter().filter_map(|c| c.input.clone()).collect();
    assert_eq!(good.len(), 2);
    // The replaced meter's tail counts in the new meter's first reading: (104 − 100) + 7.5.
    let new_meter = checks.iter().find(|c| c.row_no == 10).unwrap();
    assert_eq!(new_meter.usage_milli, Some(11_500));
    assert_eq!(
        good[1].read_on,
        day("2026-11-26"),
        "no date: the one chosen"
    );
    s.save_readings(&boss, &month("2026-11"), &good, ReadingSource::Imported)
        .unwrap();
    assert_eq!(readings_of(&s, "2026-11"), 2);

    let missing = Table::from_cells(&["房号", "备注"], &[]);
    assert!(
        s.check_reading_import(
            &month("2026-11"),
            MeterKind::Water,
            &missing,
            day("2026-11-26")
        )
        .unwrap()
        .unwrap_err()
        .contains("本期读数")
    );
}

#[test]
fn a_version_4_file_is_upgraded_with_its_fee_items_and_takes_meters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.sqlite");
    common::office_file_at_version(&path, 4);
    let mut s = Store::open(&path, common::clock()).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        wuye_desk::store::latest_version()
    );
    let boss = s.login("zhuguan", "secret1").unwrap();
    common::fee_unit(&mut s, &boss);
    let items = s.fee_items().unwrap();
    assert_eq!(items[0].meter_kind, None);
    let m = water_meter(&mut s, &boss, "3栋2单元1502", "SB-1502", "0");
    save(&mut s, &boss, "2026-11", &[reading(m, 7, "2026-11-25")]).unwrap();
    assert_eq!(readings_of(&s, "2026-11"), 1);
}

#[test]
fn a_common_meter_that_cannot_be_shared_holds_back_the_whole_periods_shared_bills() {
    let (mut s, boss) = common::store();
    flat(&mut s, &boss, "3栋2单元1502", "89.50", UnitStatus::Occupied);
    let gap = flat(&mut s, &boss, "3栋2单元1503", "", UnitStatus::Occupied);
    let lift = common_meter(
        &mut s,
        &boss,
        "3栋电梯",
        "3栋",
        ShareBasis::ByHousehold,
        ShareScope::Building,
    );
    let lights = common_meter(
        &mut s,
        &boss,
        "3栋走廊灯",
        "3栋",
        ShareBasis::ByArea,
        ShareScope::Building,
    );
    shared_electricity(&mut s, &boss);
    save(
        &mut s,
        &boss,
        "2026-10",
        &[
            reading(lift, 100, "2026-10-25"),
            reading(lights, 100, "2026-10-25"),
        ],
    )
    .unwrap();
    // One unit has no area: the corridor lights cannot be shared by area, and the lift's
    // share waits with them, so nothing is left out for good.
    let run = s.run_billing(&boss, &month("2026-10")).unwrap();
    assert!(run.drafts.is_empty(), "{:?}", run.drafts);
    let why = run
        .skipped
        .iter()
        .find(|(what, ..)| what == "3栋走廊灯")
        .map(|(_, _, why)| why.clone())
        .unwrap();
    assert!(
        why.contains("缺建筑面积") && why.contains("3栋2单元1503"),
        "{why}"
    );
    // The area is filled in; the next run bills both meters.
    s.update_unit(
        &boss,
        gap,
        &UnitForm {
            code: "3栋2单元1503".into(),
            area: "120.00".into(),
            status: UnitStatus::Occupied,
            ..UnitForm::default()
        },
    )
    .unwrap();
    let run = s.run_billing(&boss, &month("2026-10")).unwrap();
    assert_eq!(run.drafts.len(), 2);
    assert_eq!(run.total_fen(), 2 * 6800);
    assert_eq!(run.drafts[0].detail, "公共表2块 分摊");
}
