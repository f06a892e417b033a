//! The reception log in the store: records refused with the field on bad input (a visit in the
//! future among them), a record turned into a repair order or a complaint once (linked in the
//! same transaction), finished once, and yesterday's unfinished items found for the to-do.

use crate::common;

use wuye_desk::domain::forms::UnitForm;
use wuye_desk::store::{Actor, ComplaintForm, ReceptionForm, RepairForm, Store, StoreError};

fn office() -> (Store, Actor) {
    let (mut s, boss) = common::store();
    s.add_unit(
        &boss,
        &UnitForm {
            code: "3栋2单元1502".into(),
            area: "89.50".into(),
            ..UnitForm::default()
        },
    )
    .unwrap();
    (s, boss)
}

fn call() -> ReceptionForm {
    ReceptionForm {
        at: common::at("2026-11-26 16:00:00"),
        channel: "来电".into(),
        unit_code: "3栋2单元1502".into(),
        person: "张三丰".into(),
        phone: "13800138000".into(),
        category: "报修".into(),
        matter: "卫生间漏水".into(),
        result: String::new(),
        finished: false,
    }
}

#[test]
fn bad_input_is_refused_with_the_field_and_nothing_is_recorded() {
    let (mut s, boss) = office();
    let cases: Vec<(ReceptionForm, &str)> = vec![
        (
            ReceptionForm {
                at: common::at("2026-11-27 10:00:00"),
                ..call()
            },
            "接待时间",
        ),
        (
            ReceptionForm {
                channel: "飞鸽".into(),
                ..call()
            },
            "方式",
        ),
        (
            ReceptionForm {
                unit_code: "99栋".into(),
                ..call()
            },
            "房号",
        ),
        (
            ReceptionForm {
                person: String::new(),
                ..call()
            },
            "来访人",
        ),
        (
            ReceptionForm {
                phone: "123".into(),
                ..call()
            },
            "电话",
        ),
        (
            ReceptionForm {
                category: "闲聊".into(),
                ..call()
            },
            "类别",
        ),
        (
            ReceptionForm {
                matter: " ".into(),
                ..call()
            },
            "来意",
        ),
    ];
    for (form, field) in cases {
        match s.add_reception(&boss, &form) {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field, "{form:?}"),
            other => panic!("{form:?}: {other:?}"),
        }
    }
    assert!(
        s.reception_of_day(common::day("2026-11-26"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_record_becomes_a_repair_order_once_and_unfinished_ones_wait_for_the_next_day() {
    let (mut s, boss) = office();
    let leak = s.add_reception(&boss, &call()).unwrap();
    let question = s
        .add_reception(
            &boss,
            &ReceptionForm {
                category: "咨询".into(),
                matter: "问停车费".into(),
                phone: String::new(),
                ..call()
            },
        )
        .unwrap();
    let today = common::day("2026-11-27");
    let waiting: Vec<i64> = s
        .unfinished_reception_before(today, 10)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(waiting, [leak, question]);
    let repair = RepairForm {
        public: false,
        unit_code: "3栋2单元1502".into(),
        place: String::new(),
        reporter: "张三丰".into(),
        phone: "13800138000".into(),
        category: "水".into(),
        description: "卫生间漏水".into(),
        reported_at: common::at("2026-11-26 16:00:00"),
        from_reception: Some(leak),
    };
    let order = s.add_repair_order(&boss, &repair).unwrap();
    assert_eq!(s.reception(leak).unwrap().repair_id, Some(order));
    // Turned once only: a second order or a complaint from it is refused, nothing recorded.
    assert!(s.add_repair_order(&boss, &repair).is_err());
    let complaint = ComplaintForm {
        unit_code: "3栋2单元1502".into(),
        person: "张三丰".into(),
        phone: "13800138000".into(),
        category: "工程".into(),
        content: "卫生间漏水".into(),
        received_at: common::at("2026-11-26 16:00:00"),
        serious: false,
        from_reception: Some(leak),
    };
    assert!(s.add_complaint(&boss, &complaint).is_err());
    assert_eq!(s.open_repairs(10).unwrap().len(), 1);
    assert!(s.open_complaints(10).unwrap().is_empty());
    // Only the question still waits; finishing it empties the list; finishing twice is refused.
    let waiting = s.unfinished_reception_before(today, 10).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].id, question);
    s.finish_reception(&boss, question, "已回电告知").unwrap();
    assert!(s.finish_reception(&boss, question, "").is_err());
    assert!(s.unfinished_reception_before(today, 10).unwrap().is_empty());
}

#[test]
fn a_pass_needs_the_owners_confirmation_and_mail_is_told_and_collected_once() {
    let (mut s, boss) = office();
    let pass = wuye_desk::store::GoodsPassForm {
        unit_code: "3栋2单元1502".into(),
        bearer: "刘师傅".into(),
        items: "旧橱柜两组".into(),
        confirmed_by: "张三丰".into(),
        confirm_means: "电话".into(),
        valid_on: common::day("2026-11-27"),
    };
    for (form, field) in [
        (
            wuye_desk::store::GoodsPassForm {
                confirmed_by: String::new(),
                ..pass.clone()
            },
            "确认业主",
        ),
        (
            wuye_desk::store::GoodsPassForm {
                confirm_means: "短信".into(),
                ..pass.clone()
            },
            "确认方式",
        ),
        (
            wuye_desk::store::GoodsPassForm {
                valid_on: common::day("2026-11-26"),
                ..pass.clone()
            },
            "有效日期",
        ),
        (
            wuye_desk::store::GoodsPassForm {
                items: String::new(),
                ..pass.clone()
            },
            "放行物品",
        ),
    ] {
        match s.add_goods_pass(&boss, &form) {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{form:?}: {other:?}"),
        }
    }
    let today = common::day("2026-11-27");
    assert!(s.goods_passes_of_day(today).unwrap().is_empty());
    s.add_goods_pass(&boss, &pass).unwrap();
    s.add_goods_pass(&boss, &pass).unwrap();
    let numbers: Vec<String> = s
        .goods_passes_of_day(today)
        .unwrap()
        .into_iter()
        .map(|p| p.number)
        .collect();
    assert_eq!(numbers, ["FX20261127-02", "FX20261127-01"]);

    assert!(s.add_mail(&boss, "3栋2单元1502", "", "包裹", "").is_err());
    assert!(
        s.add_mail(&boss, "3栋2单元1502", "张三丰", "飞机", "")
            .is_err()
    );
    let m = s
        .add_mail(&boss, "3栋2单元1502", "张三丰", "包裹", "顺丰")
        .unwrap();
    s.mail_notified(&boss, m, "短信").unwrap();
    assert!(s.mail_notified(&boss, m, "电话").is_err());
    assert!(s.mail_collected(&boss, m, " ").is_err());
    s.mail_collected(&boss, m, "张三丰").unwrap();
    assert!(s.mail_collected(&boss, m, "李四").is_err());
    let rows = s.mail_for_desk(today).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].collected.as_ref().map(|c| c.1.as_str()),
        Some("张三丰")
    );
}
