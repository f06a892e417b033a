//! The owner archives in the store: units, people, transfers, vehicles, cards, events,
//! gaps, audit, and the rules that refuse bad input without writing anything.

use crate::common;

use common::{day, id, store};
use wuye_desk::domain::forms::{PersonForm, UnitForm};
use wuye_desk::domain::kinds::Role;
use wuye_desk::domain::kinds::{CardKind, OccupantRole, UnitKind, UnitStatus};
use wuye_desk::store::{NewOperator, StoreError};

fn unit(code: &str, area: &str) -> UnitForm {
    UnitForm {
        code: code.into(),
        area: area.into(),
        status: UnitStatus::NotHandedOver,
        kind: UnitKind::Residence,
        ..UnitForm::default()
    }
}

fn person(name: &str, phone: &str, id_number: &str) -> PersonForm {
    PersonForm {
        name: name.into(),
        phone: phone.into(),
        id_number: id_number.into(),
        note: String::new(),
    }
}

#[test]
fn a_unit_is_added_with_its_building_from_the_code_and_stamped() {
    let (mut s, actor) = store();
    let id = s.add_unit(&actor, &unit("3栋2单元1502", "89.5")).unwrap();
    let d = s.unit_detail(id).unwrap();
    assert_eq!(d.unit.code, "3栋2单元1502");
    assert_eq!(d.unit.building, "3栋");
    assert_eq!(d.unit.area_centi_m2, Some(8950));
    assert_eq!(d.events.len(), 1);
    assert_eq!(d.events[0].operator, "王主管");
    assert_eq!(s.buildings().unwrap(), vec!["3栋".to_string()]);
    let audit = s.audit_entries(Some(("unit", id)), 10).unwrap();
    assert_eq!(audit[0].action, "新增房屋");
    assert_eq!(audit[0].at, "2026-11-27 09:30:00");
    assert_eq!(audit[0].operator, "王主管");
}

#[test]
fn duplicate_codes_bad_areas_and_missing_buildings_are_refused_and_nothing_is_written() {
    let (mut s, actor) = store();
    s.add_unit(&actor, &unit("3栋2单元1502", "89.50")).unwrap();
    let before = s.unit_rows().unwrap().len();
    let cases = [
        (unit("3栋2单元1502", "90"), "房号"),
        (unit(" 3栋2单元1502 ", "90"), "房号"),
        (unit("3栋2单元1503", "0"), "建筑面积"),
        (unit("3栋2单元1503", "-3"), "建筑面积"),
        (unit("3栋2单元1503", "12.345"), "建筑面积"),
        (unit("3栋2单元1503", "abc"), "建筑面积"),
        (unit("商铺A-01", "30"), "楼栋"),
        (unit("", "30"), "房号"),
    ];
    for (form, field) in cases {
        let err = s.add_unit(&actor, &form).unwrap_err();
        match err {
            StoreError::Invalid { field: f, reason } => {
                assert_eq!(f, field, "{form:?}: {reason}");
                assert!(!reason.is_empty());
            }
            other => panic!("{form:?}: expected Invalid, got {other:?}"),
        }
    }
    assert_eq!(s.unit_rows().unwrap().len(), before);
}

#[test]
fn people_are_checked_and_ids_with_a_wrong_check_digit_are_refused() {
    let (mut s, actor) = store();
    let u = s.add_unit(&actor, &unit("1栋101", "80")).unwrap();
    let good_id = id("11010119900307123");
    let mut bad_id = good_id.clone();
    let last = bad_id.pop().unwrap();
    bad_id.push(if last == '0' { '1' } else { '0' });
    let err = s
        .add_occupant(
            &actor,
            u,
            OccupantRole::Owner,
            &person("张三丰", "13800138000", &bad_id),
            day("2026-01-01"),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "身份证号",
                ..
            }
        ),
        "{err:?}"
    );
    let err = s
        .add_occupant(
            &actor,
            u,
            OccupantRole::Owner,
            &person("张三丰", "1380013800", &good_id),
            day("2026-01-01"),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "电话", ..
            }
        ),
        "{err:?}"
    );
    let err = s
        .add_occupant(
            &actor,
            u,
            OccupantRole::Owner,
            &person("", "13800138000", &good_id),
            day("2026-01-01"),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "姓名", ..
            }
        ),
        "{err:?}"
    );
    let err = s
        .add_occupant(
            &actor,
            u,
            OccupantRole::Owner,
            &person("张三丰", "13800138000", &good_id),
            day("2026-12-01"),
        )
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid { .. }),
        "a future start is refused: {err:?}"
    );
    assert!(s.unit_detail(u).unwrap().occupants.is_empty());
    s.add_occupant(
        &actor,
        u,
        OccupantRole::Owner,
        &person("张三丰", "138 0013 8000", &good_id),
        day("2026-01-01"),
    )
    .unwrap();
    let d = s.unit_detail(u).unwrap();
    assert_eq!(d.occupants[0].phone, "13800138000");
    assert_eq!(d.occupants[0].id_number, good_id);
    assert_eq!(s.unit_rows().unwrap()[0].owners, "张三丰");
}

#[test]
fn a_transfer_ends_the_old_ownership_keeps_the_history_and_logs_the_event() {
    let (mut s, actor) = store();
    let u = s.add_unit(&actor, &unit("3栋2单元1502", "89.50")).unwrap();
    s.hand_over(&actor, u, day("2025-06-01"), UnitStatus::Occupied)
        .unwrap();
    s.add_occupant(
        &actor,
        u,
        OccupantRole::Owner,
        &person("张三丰", "13800138000", ""),
        day("2025-06-01"),
    )
    .unwrap();
    s.add_occupant(
        &actor,
        u,
        OccupantRole::CoResident,
        &person("张无忌", "", ""),
        day("2025-06-01"),
    )
    .unwrap();
    let owner_id = s.unit_detail(u).unwrap().occupants[0].person_id;
    s.add_vehicle(&actor, u, Some(owner_id), "粤B12345", "B1-001")
        .unwrap();
    s.issue_card(
        &actor,
        u,
        Some(owner_id),
        CardKind::ResidentCard,
        "R001",
        day("2025-06-01"),
    )
    .unwrap();

    // A transfer dated before the current owner moved in is refused.
    let err = s
        .transfer_ownership(
            &actor,
            u,
            day("2025-01-01"),
            &person("李四", "13900139000", ""),
            "",
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid {
                field: "过户日期",
                ..
            }
        ),
        "{err:?}"
    );

    s.transfer_ownership(
        &actor,
        u,
        day("2026-11-20"),
        &person("李四", "13900139000", ""),
        "二手房交易",
    )
    .unwrap();
    let d = s.unit_detail(u).unwrap();
    let current: Vec<_> = d
        .occupants
        .iter()
        .filter(|o| o.end_date.is_none())
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].name, "李四");
    assert_eq!(current[0].start_date, "2026-11-20");
    let past: Vec<_> = d
        .occupants
        .iter()
        .filter(|o| o.end_date.is_some())
        .collect();
    assert_eq!(
        past.len(),
        2,
        "old owner and co-resident are kept as history"
    );
    assert!(
        past.iter()
            .all(|o| o.end_date.as_deref() == Some("2026-11-20") && o.end_reason == "过户")
    );
    assert_eq!(d.vehicles[0].end_date.as_deref(), Some("2026-11-20"));
    let event = d.events.iter().find(|e| e.kind == "过户").unwrap();
    assert!(event.text.contains("张三丰 → 李四"), "{}", event.text);
    assert!(event.text.contains("1张卡"), "{}", event.text);
    assert!(
        d.events
            .iter()
            .any(|e| e.kind == "交房" && e.date == "2025-06-01")
    );
    assert_eq!(s.unit_rows().unwrap()[0].owners, "李四");
    // The plate is free again for the new owner.
    s.add_vehicle(&actor, u, None, "粤B12345", "B1-001")
        .unwrap();
}

#[test]
fn owners_change_only_by_transfer_and_tenants_move_out_with_a_date() {
    let (mut s, actor) = store();
    let u = s.add_unit(&actor, &unit("1栋101", "80")).unwrap();
    let owner = s
        .add_occupant(
            &actor,
            u,
            OccupantRole::Owner,
            &person("王五", "", ""),
            day("2025-01-01"),
        )
        .unwrap();
    let tenant = s
        .add_occupant(
            &actor,
            u,
            OccupantRole::Tenant,
            &person("赵六", "13700137000", ""),
            day("2026-03-01"),
        )
        .unwrap();
    assert!(matches!(
        s.end_occupancy(&actor, owner, day("2026-11-01"), ""),
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.end_occupancy(&actor, tenant, day("2026-02-01"), ""),
        Err(StoreError::Invalid { .. })
    ));
    s.end_occupancy(&actor, tenant, day("2026-11-01"), "")
        .unwrap();
    let d = s.unit_detail(u).unwrap();
    let t = d
        .occupants
        .iter()
        .find(|o| o.occupancy_id == tenant)
        .unwrap();
    assert_eq!(t.end_reason, "退租");
    assert!(matches!(
        s.end_occupancy(&actor, tenant, day("2026-11-02"), ""),
        Err(StoreError::Conflict(_))
    ));
}

#[test]
fn plates_are_checked_and_one_plate_is_on_one_unit_at_a_time() {
    let (mut s, actor) = store();
    let a = s.add_unit(&actor, &unit("1栋101", "80")).unwrap();
    let b = s.add_unit(&actor, &unit("1栋102", "80")).unwrap();
    for bad in ["", "粤B1234", "ABC12345", "粤BI2345", "京A123456"] {
        let err = s.add_vehicle(&actor, a, None, bad, "").unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Invalid {
                    field: "车牌", ..
                }
            ),
            "{bad}: {err:?}"
        );
    }
    s.add_vehicle(&actor, a, None, "粤b·12345", "").unwrap();
    s.add_vehicle(&actor, a, None, "粤BD12345", "").unwrap();
    let err = s.add_vehicle(&actor, b, None, "粤B12345", "").unwrap_err();
    assert!(err.to_string().contains("1栋101"), "{err}");
    assert_eq!(s.unit_detail(b).unwrap().vehicles.len(), 0);
}

#[test]
fn cards_are_issued_and_returned_never_deleted() {
    let (mut s, actor) = store();
    let u = s.add_unit(&actor, &unit("1栋101", "80")).unwrap();
    let card = s
        .issue_card(
            &actor,
            u,
            None,
            CardKind::Intercom,
            "D01",
            day("2026-01-05"),
        )
        .unwrap();
    assert!(s.return_card(&actor, card, day("2026-01-01")).is_err());
    s.return_card(&actor, card, day("2026-11-27")).unwrap();
    assert!(matches!(
        s.return_card(&actor, card, day("2026-11-27")),
        Err(StoreError::Conflict(_))
    ));
    let d = s.unit_detail(u).unwrap();
    assert_eq!(d.cards.len(), 1);
    assert_eq!(d.cards[0].returned_on.as_deref(), Some("2026-11-27"));
}

#[test]
fn gaps_list_missing_area_owner_phone_and_id() {
    let (mut s, actor) = store();
    s.add_unit(&actor, &unit("1栋101", "")).unwrap();
    let b = s.add_unit(&actor, &unit("1栋102", "80")).unwrap();
    s.hand_over(&actor, b, day("2026-01-01"), UnitStatus::Vacant)
        .unwrap();
    let c = s.add_unit(&actor, &unit("1栋103", "80")).unwrap();
    s.add_occupant(
        &actor,
        c,
        OccupantRole::Owner,
        &person("钱七", "", ""),
        day("2026-01-01"),
    )
    .unwrap();
    let gaps = s.archive_gaps().unwrap();
    let found: Vec<(String, String)> = gaps
        .iter()
        .map(|g| (g.unit_code.clone(), g.missing.clone()))
        .collect();
    assert!(
        found.contains(&("1栋101".into(), "缺建筑面积".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("1栋102".into(), "无业主".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("1栋103".into(), "缺电话".into())),
        "{found:?}"
    );
    assert!(
        found.contains(&("1栋103".into(), "缺身份证号".into())),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(code, m)| code == "1栋101" && m == "无业主"),
        "未交房 units need no owner yet"
    );
}

#[test]
fn the_audit_log_and_event_log_cannot_be_changed_or_deleted() {
    let (mut s, actor) = store();
    s.add_unit(&actor, &unit("1栋101", "80")).unwrap();
    // The store has no API for it; the schema's triggers refuse it even through raw SQL.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(wuye_desk::store::SCHEMA_SQL).unwrap();
    conn.execute_batch(
        "INSERT INTO operator (login, name, role, password_hash, created_at) VALUES ('a','甲','主管','x','t');
         INSERT INTO audit_log (at, operator_id, area, action, entity) VALUES ('t', 1, '档案', '新增', 'unit');",
    )
    .unwrap();
    let upd = conn
        .execute("UPDATE audit_log SET action = '改过'", [])
        .unwrap_err();
    assert!(upd.to_string().contains("审计日志不可修改"));
    let del = conn.execute("DELETE FROM audit_log", []).unwrap_err();
    assert!(del.to_string().contains("审计日志不可删除"));
}

#[test]
fn supervisor_only_actions_are_refused_for_the_front_desk_in_the_store() {
    let (mut s, boss) = store();
    let desk = common::front_desk(&mut s, &boss);
    assert_eq!(desk.role, Role::FrontDesk);
    let err = s
        .create_operator(
            &desk,
            &NewOperator {
                login: "x".into(),
                name: "某".into(),
                role: Some(Role::Supervisor),
                password: "123456".into(),
            },
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Forbidden(_)));
    assert!(err.to_string().contains("只有主管"));
    let mut office = common::office();
    office.name = "改名".into();
    assert!(matches!(
        s.update_office(&desk, &office),
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        s.change_password(&desk, boss.id, "999999"),
        Err(StoreError::Forbidden(_))
    ));
    s.change_password(&desk, desk.id, "654321").unwrap();
    assert!(matches!(
        s.login("kefu", "123456"),
        Err(StoreError::BadLogin)
    ));
    assert_eq!(s.login("KEFU", "654321").unwrap().id, desk.id);
    // The front desk's work is stamped with their name.
    let u = s.add_unit(&desk, &unit("1栋101", "80")).unwrap();
    assert_eq!(s.unit_detail(u).unwrap().events[0].operator, "李客服");
    // A disabled account cannot log in; the last supervisor cannot be disabled.
    s.set_operator_active(&boss, desk.id, false).unwrap();
    assert!(matches!(
        s.login("kefu", "654321"),
        Err(StoreError::BadLogin)
    ));
    assert!(s.set_operator_active(&boss, boss.id, false).is_err());
}

#[test]
fn passwords_are_stored_hashed_with_argon2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("o.sqlite");
    {
        let mut s = wuye_desk::store::Store::open(&path, common::clock()).unwrap();
        s.setup_office(
            &common::office(),
            &NewOperator {
                login: "zhuguan".into(),
                name: "王".into(),
                role: None,
                password: "secret1".into(),
            },
        )
        .unwrap();
        assert!(
            s.setup_office(&common::office(), &NewOperator::default())
                .is_err(),
            "setup runs once"
        );
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let hash: String = conn
        .query_row("SELECT password_hash FROM operator", [], |r| r.get(0))
        .unwrap();
    assert!(hash.starts_with("$argon2"), "{hash}");
    assert!(!hash.contains("secret1"));
}
