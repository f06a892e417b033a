//! The archive workbook: every unit, person, vehicle and card, with ID numbers masked.

use crate::common;

use calamine::{Reader, open_workbook_auto};
use wuye_desk::domain::forms::{PersonForm, UnitForm};
use wuye_desk::domain::kinds::{CardKind, OccupantRole};
use wuye_desk::export::write_archive_workbook;

#[test]
fn the_workbook_lists_the_archive_with_masked_ids() {
    let (mut s, actor) = common::store();
    let id = common::id("44030519850301123");
    let u = s
        .add_unit(
            &actor,
            &UnitForm {
                code: "3栋2单元1502".into(),
                area: "89.5".into(),
                ..UnitForm::default()
            },
        )
        .unwrap();
    s.add_unit(
        &actor,
        &UnitForm {
            code: "3栋2单元1501".into(),
            ..UnitForm::default()
        },
    )
    .unwrap();
    let owner = PersonForm {
        name: "张三丰".into(),
        phone: "13800138000".into(),
        id_number: id.clone(),
        note: String::new(),
    };
    s.add_occupant(
        &actor,
        u,
        OccupantRole::Owner,
        &owner,
        common::day("2025-01-01"),
    )
    .unwrap();
    s.add_vehicle(&actor, u, None, "粤B12345", "B1-001")
        .unwrap();
    s.issue_card(
        &actor,
        u,
        None,
        CardKind::ResidentCard,
        "R1",
        common::day("2025-01-01"),
    )
    .unwrap();
    s.transfer_ownership(
        &actor,
        u,
        common::day("2026-11-01"),
        &PersonForm {
            name: "李四".into(),
            ..PersonForm::default()
        },
        "",
    )
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("业户档案.xlsx");
    write_archive_workbook(&s.archive_export_rows().unwrap(), "测试", &path).unwrap();
    assert!(!dir.path().join("业户档案.xlsx.part").exists());

    let mut book = open_workbook_auto(&path).unwrap();
    assert_eq!(book.sheet_names(), vec!["房屋", "住户", "车辆", "卡片"]);
    let units = book.worksheet_range("房屋").unwrap();
    assert_eq!(units.height(), 3, "header + 2 units");
    let codes: Vec<String> = units.rows().skip(1).map(|r| r[0].to_string()).collect();
    assert_eq!(codes, vec!["3栋2单元1501", "3栋2单元1502"], "walking order");
    assert_eq!(units.rows().nth(2).unwrap()[3].to_string(), "89.5");
    let people = book.worksheet_range("住户").unwrap();
    assert_eq!(people.height(), 3, "new owner and the old one in history");
    let all: Vec<String> = people
        .rows()
        .flat_map(|r| r.iter().map(ToString::to_string).collect::<Vec<_>>())
        .collect();
    assert!(
        all.contains(&format!("440305********{}", &id[14..])),
        "{all:?}"
    );
    assert!(!all.contains(&id), "the full ID never leaves the program");
    assert!(all.contains(&"过户".to_string()));
    assert_eq!(book.worksheet_range("车辆").unwrap().height(), 2);
    assert_eq!(book.worksheet_range("卡片").unwrap().height(), 2);
}

#[test]
fn the_arrears_workbook_lists_each_unit_and_the_totals_per_building() {
    use wuye_desk::domain::fees::Period;
    use wuye_desk::domain::kinds::{FeeKind, UnitKind, UnitStatus};
    use wuye_desk::store::FeeItemForm;
    let (mut s, actor) = common::store();
    for code in ["3栋101", "3栋102", "5栋101"] {
        let u = s
            .add_unit(
                &actor,
                &UnitForm {
                    code: code.into(),
                    area: "100".into(),
                    ..UnitForm::default()
                },
            )
            .unwrap();
        s.hand_over(&actor, u, common::day("2025-01-01"), UnitStatus::Occupied)
            .unwrap();
    }
    s.add_fee_item(
        &actor,
        &FeeItemForm {
            name: "物业费".into(),
            kind: FeeKind::ByArea,
            price: "2.00".into(),
            unit_kinds: vec![UnitKind::Residence],
            ..FeeItemForm::default()
        },
    )
    .unwrap();
    s.run_billing(&actor, &Period::parse("2026Q3").unwrap())
        .unwrap();
    let rows = s.arrears().unwrap();
    assert_eq!(rows.len(), 3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("欠费.xlsx");
    wuye_desk::export::write_arrears_workbook(&rows, "测试", &path).unwrap();
    let mut book = open_workbook_auto(&path).unwrap();
    let detail = book.worksheet_range("欠费明细").unwrap();
    assert_eq!(detail.height(), 4);
    let total: f64 = detail
        .rows()
        .skip(1)
        .map(|r| r[5].to_string().parse::<f64>().unwrap())
        .sum();
    assert!(
        (total - 1800.0).abs() < 1e-9,
        "3 units × 100 m² × 2.00 × 3 months = 1,800.00, got {total}"
    );
    let buildings = book.worksheet_range("按楼栋").unwrap();
    let lines: Vec<Vec<String>> = buildings
        .rows()
        .skip(1)
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(
        lines,
        vec![
            vec!["3栋".to_string(), "2".into(), "1200".into()],
            vec!["5栋".to_string(), "1".into(), "600".into()]
        ]
    );
}
