//! Complaints in the store: due times per category, overdue, the state machine with its
//! refusals (callback before resolution, closing before the callback), serious complaints,
//! and nothing recorded on bad input.

use crate::common;

use wuye_desk::domain::forms::UnitForm;
use wuye_desk::store::{Actor, ComplaintFilter, ComplaintForm, Store, StoreError};

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

fn noise() -> ComplaintForm {
    ComplaintForm {
        unit_code: "3栋2单元1502".into(),
        person: "张三丰".into(),
        phone: "13800138000".into(),
        category: "噪音".into(),
        content: "楼上夜间装修噪音".into(),
        received_at: common::at("2026-11-27 08:00:00"),
        serious: false,
        from_reception: None,
    }
}

fn count(s: &Store) -> usize {
    s.complaints(&ComplaintFilter::default(), 100)
        .unwrap()
        .len()
}

#[test]
fn bad_input_is_refused_with_the_field_and_nothing_is_recorded() {
    let (mut s, boss) = office();
    let cases: Vec<(ComplaintForm, &str)> = vec![
        (
            ComplaintForm {
                unit_code: "9栋".into(),
                ..noise()
            },
            "房号",
        ),
        (
            ComplaintForm {
                person: " ".into(),
                ..noise()
            },
            "投诉人",
        ),
        (
            ComplaintForm {
                phone: String::new(),
                ..noise()
            },
            "联系电话",
        ),
        (
            ComplaintForm {
                category: "天气".into(),
                ..noise()
            },
            "类别",
        ),
        (
            ComplaintForm {
                content: String::new(),
                ..noise()
            },
            "投诉内容",
        ),
        (
            ComplaintForm {
                received_at: common::at("2026-11-27 10:00:00"),
                ..noise()
            },
            "受理时间",
        ),
    ];
    for (form, field) in cases {
        match s.add_complaint(&boss, &form) {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field, "{form:?}"),
            other => panic!("{form:?}: {other:?}"),
        }
    }
    assert_eq!(count(&s), 0);
}

#[test]
fn a_complaint_moves_through_its_states_and_refuses_steps_out_of_order() {
    let (mut s, boss) = office();
    let id = s.add_complaint(&boss, &noise()).unwrap();
    let c = s.complaint(id).unwrap();
    assert_eq!(c.number, "TS202611-0001");
    assert_eq!(c.due_at, "2026-11-28 08:00:00", "噪音: 24 hours");
    assert!(!c.is_overdue(common::at("2026-11-28 07:59:00")));
    assert!(c.is_overdue(common::at("2026-11-28 08:01:00")));
    // A callback before resolution: refused with the reason.
    let err = s
        .callback_complaint(&boss, id, common::day("2026-11-27"), "好", 5)
        .unwrap_err();
    assert!(err.to_string().contains("解决后才能回访"), "{err}");
    assert!(
        s.resolve_complaint(&boss, id, "已处理").is_err(),
        "not dispatched"
    );
    assert!(s.close_complaint(&boss, id, "").is_err());
    assert!(s.dispatch_complaint(&boss, id, "财务", "王").is_err());
    s.dispatch_complaint(&boss, id, "秩序", "李队长").unwrap();
    s.start_complaint(&boss, id, "已上门劝告").unwrap();
    s.resolve_complaint(&boss, id, "装修时间已调整").unwrap();
    assert!(
        !s.complaint(id)
            .unwrap()
            .is_overdue(common::at("2026-12-01 00:00:00"))
    );
    assert!(s.close_complaint(&boss, id, "").is_err(), "callback first");
    assert!(
        s.callback_complaint(&boss, id, common::day("2026-11-28"), "好", 5)
            .is_err(),
        "future date"
    );
    s.callback_complaint(&boss, id, common::day("2026-11-27"), "业主满意", 5)
        .unwrap();
    s.close_complaint(&boss, id, "").unwrap();
    assert!(s.mark_complaint_serious(&boss, id).is_err(), "closed");
    let kinds: Vec<String> = s
        .complaint_entries(id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["登记", "派单", "处理中", "已解决", "回访", "关闭"]);
    assert!(s.open_complaints(10).unwrap().is_empty());
}

#[test]
fn a_serious_complaint_is_marked_at_once() {
    let (mut s, boss) = office();
    let id = s
        .add_complaint(
            &boss,
            &ComplaintForm {
                serious: true,
                ..noise()
            },
        )
        .unwrap();
    assert!(s.complaint(id).unwrap().serious);
    let other = s.add_complaint(&boss, &noise()).unwrap();
    s.mark_complaint_serious(&boss, other).unwrap();
    assert!(s.mark_complaint_serious(&boss, other).is_err());
    assert_eq!(s.complaint_entries(other).unwrap()[1].kind, "重大");
}
