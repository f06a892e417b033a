//! Repair orders in the store: numbering, the state machine with its refusals (callback before
//! completion, closing a public repair without the desk's check), paid repairs becoming a
//! one-off bill, and nothing recorded on bad input.

use crate::common;

use wuye_desk::domain::forms::UnitForm;
use wuye_desk::domain::kinds::FeeKind;
use wuye_desk::store::{
    Actor, FeeItemForm, RepairCompletion, RepairFilter, RepairForm, Store, StoreError,
};

fn office() -> (Store, Actor, i64) {
    let (mut s, boss) = common::store();
    let u = s
        .add_unit(
            &boss,
            &UnitForm {
                code: "3栋2单元1502".into(),
                area: "89.50".into(),
                ..UnitForm::default()
            },
        )
        .unwrap();
    (s, boss, u)
}

fn leak() -> RepairForm {
    RepairForm {
        public: false,
        unit_code: "3栋2单元1502".into(),
        place: String::new(),
        reporter: "张三丰".into(),
        phone: "13800138000".into(),
        category: "管道".into(),
        description: "厨房下水管漏水".into(),
        reported_at: common::at("2026-11-27 09:00:00"),
        from_reception: None,
    }
}

fn lamp() -> RepairForm {
    RepairForm {
        public: true,
        unit_code: String::new(),
        place: "3栋大堂".into(),
        reporter: "巡查保安".into(),
        phone: "13900139000".into(),
        category: "电".into(),
        description: "大堂吊灯不亮".into(),
        reported_at: common::at("2026-11-27 08:00:00"),
        from_reception: None,
    }
}

fn done(charge: &str) -> RepairCompletion {
    RepairCompletion {
        at: common::at("2026-11-27 09:20:00"),
        materials: "下水管 1 根".into(),
        charge: charge.into(),
    }
}

fn count(s: &Store) -> usize {
    s.repair_orders(&RepairFilter::default(), 100)
        .unwrap()
        .len()
}

#[test]
fn bad_input_is_refused_with_the_field_and_nothing_is_recorded() {
    let (mut s, boss, _) = office();
    let cases: Vec<(RepairForm, &str)> = vec![
        (
            RepairForm {
                unit_code: "9栋9单元9999".into(),
                ..leak()
            },
            "房号",
        ),
        (
            RepairForm {
                unit_code: String::new(),
                ..leak()
            },
            "房号",
        ),
        (
            RepairForm {
                place: " ".into(),
                ..lamp()
            },
            "地点",
        ),
        (
            RepairForm {
                reporter: String::new(),
                ..leak()
            },
            "报修人",
        ),
        (
            RepairForm {
                phone: "12".into(),
                ..leak()
            },
            "联系电话",
        ),
        (
            RepairForm {
                category: "飞机".into(),
                ..leak()
            },
            "类别",
        ),
        (
            RepairForm {
                description: String::new(),
                ..leak()
            },
            "报修内容",
        ),
        (
            RepairForm {
                reported_at: common::at("2026-11-28 09:00:00"),
                ..leak()
            },
            "报修时间",
        ),
    ];
    for (form, field) in cases {
        match s.add_repair_order(&boss, &form) {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field, "{form:?}"),
            other => panic!("{form:?}: {other:?}"),
        }
    }
    assert_eq!(count(&s), 0);
}

#[test]
fn an_in_unit_repair_needs_completion_then_a_callback_before_closing() {
    let (mut s, boss, u) = office();
    let id = s.add_repair_order(&boss, &leak()).unwrap();
    let second = s.add_repair_order(&boss, &leak()).unwrap();
    assert_eq!(s.repair_order(id).unwrap().number, "WX202611-0001");
    assert_eq!(s.repair_order(second).unwrap().number, "WX202611-0002");
    // Callback before completion: refused with the reason.
    let err = s
        .callback_repair(&boss, id, common::day("2026-11-27"), "已修好", 5)
        .unwrap_err();
    assert!(err.to_string().contains("完工后才能回访"), "{err}");
    assert!(s.close_repair(&boss, id, "").is_err());
    assert!(
        s.complete_repair(&boss, id, &done("")).is_err(),
        "not dispatched"
    );
    s.dispatch_repair(&boss, id, "赵师傅", "2026-11-27 14:00")
        .unwrap();
    assert!(
        s.dispatch_repair(&boss, id, "赵师傅", "下午").is_err(),
        "bad appointment"
    );
    // A charge without any 一次性 fee item: refused, told to ask the supervisor.
    let err = s.complete_repair(&boss, id, &done("80")).unwrap_err();
    assert!(err.to_string().contains("一次性"), "{err}");
    assert_eq!(s.repair_order(id).unwrap().state, "已派工");
    s.add_fee_item(
        &boss,
        &FeeItemForm {
            name: "有偿维修".into(),
            kind: FeeKind::OneOff,
            price: "0".into(),
            ..FeeItemForm::default()
        },
    )
    .unwrap();
    s.complete_repair(&boss, id, &done("80")).unwrap();
    let bills = s.unit_bills(u).unwrap();
    assert!(
        bills
            .iter()
            .any(|b| b.item_name == "有偿维修" && b.amount_fen == 8000),
        "{bills:?}"
    );
    // Closing before the callback: refused.
    let err = s.close_repair(&boss, id, "").unwrap_err();
    assert!(err.to_string().contains("回访"), "{err}");
    // A callback in the future: refused.
    assert!(
        s.callback_repair(&boss, id, common::day("2026-11-28"), "好", 5)
            .is_err()
    );
    assert!(
        s.callback_repair(&boss, id, common::day("2026-11-27"), "好", 6)
            .is_err()
    );
    s.callback_repair(&boss, id, common::day("2026-11-27"), "已修好，不再漏水", 5)
        .unwrap();
    s.close_repair(&boss, id, "").unwrap();
    let order = s.repair_order(id).unwrap();
    assert_eq!(order.state, "关闭");
    let kinds: Vec<String> = s
        .repair_entries(id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["登记", "派工", "完工", "回访", "关闭"]);
    // Closed is final; a note may still be added.
    assert!(s.dispatch_repair(&boss, id, "钱师傅", "").is_err());
    s.note_repair(&boss, id, "更正：材料为 PVC 下水管").unwrap();
    assert_eq!(s.repair_entries(id).unwrap().len(), 6);
}

#[test]
fn a_public_repair_needs_the_desks_check_before_closing() {
    let (mut s, boss, _) = office();
    let id = s.add_repair_order(&boss, &lamp()).unwrap();
    s.dispatch_repair(&boss, id, "赵师傅", "").unwrap();
    assert!(
        s.complete_repair(&boss, id, &done("50")).is_err(),
        "no charge on a public repair"
    );
    s.complete_repair(&boss, id, &done("")).unwrap();
    let err = s.close_repair(&boss, id, "").unwrap_err();
    assert!(err.to_string().contains("验收"), "{err}");
    assert!(
        s.callback_repair(&boss, id, common::day("2026-11-27"), "好", 5)
            .is_err()
    );
    assert!(s.check_repair(&boss, id, " ").is_err());
    s.check_repair(&boss, id, "灯已亮，验收合格").unwrap();
    s.close_repair(&boss, id, "").unwrap();
    assert_eq!(s.repair_order(id).unwrap().state, "关闭");
}

#[test]
fn open_orders_stay_at_the_top_of_a_later_month() {
    let (mut s, boss, _) = office();
    let old = s
        .add_repair_order(
            &boss,
            &RepairForm {
                reported_at: common::at("2026-10-30 09:00:00"),
                ..leak()
            },
        )
        .unwrap();
    let new = s.add_repair_order(&boss, &lamp()).unwrap();
    let rows = s
        .repair_orders(
            &RepairFilter {
                month: Some("2026-11".into()),
                ..RepairFilter::default()
            },
            100,
        )
        .unwrap();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, [old, new]);
    assert_eq!(s.repair_order(old).unwrap().number, "WX202610-0001");
    assert_eq!(s.open_repairs(10).unwrap().len(), 2);
}

#[test]
fn a_months_summary_counts_by_category_and_state_and_carries_open_orders_over() {
    let (mut s, boss, _) = office();
    let october = |t: &str| RepairForm {
        reported_at: common::at(t),
        ..leak()
    };
    let a = s
        .add_repair_order(&boss, &october("2026-10-10 09:00:00"))
        .unwrap();
    let b = s
        .add_repair_order(&boss, &october("2026-10-30 09:00:00"))
        .unwrap();
    s.dispatch_repair(&boss, a, "赵师傅", "").unwrap();
    s.complete_repair(
        &boss,
        a,
        &RepairCompletion {
            at: common::at("2026-10-10 11:30:00"),
            materials: String::new(),
            charge: String::new(),
        },
    )
    .unwrap();
    s.add_repair_order(&boss, &lamp()).unwrap();
    let sum = s.repair_month_summary("2026-10").unwrap();
    assert_eq!(sum.orders.len(), 2);
    assert_eq!(sum.by_category.len(), 1);
    assert_eq!(sum.by_category[0].name, "管道");
    assert_eq!(sum.by_category[0].orders, 2);
    assert_eq!(sum.by_category[0].completed, 1);
    assert_eq!(sum.by_category[0].avg_minutes, Some(150));
    let states: Vec<(&str, i64)> = sum
        .by_state
        .iter()
        .map(|l| (l.name.as_str(), l.orders))
        .collect();
    assert_eq!(states, [("登记", 1), ("已完工", 1)]);
    let carried: Vec<i64> = sum.carried_over.iter().map(|o| o.id).collect();
    assert_eq!(carried.len(), 3);
    assert!(carried.contains(&b));
}

#[test]
fn a_version_3_file_is_upgraded_and_keeps_its_units() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.sqlite");
    common::office_file_at_version(&path, 3);
    let mut s = Store::open(&path, common::clock()).unwrap();
    assert_eq!(
        s.schema_version().unwrap(),
        wuye_desk::store::latest_version()
    );
    let boss = s.login("zhuguan", "secret1").unwrap();
    s.add_unit(
        &boss,
        &UnitForm {
            code: "3栋2单元1502".into(),
            area: "89.50".into(),
            ..UnitForm::default()
        },
    )
    .unwrap();
    s.add_repair_order(&boss, &leak()).unwrap();
    assert_eq!(count(&s), 1);
}
