//! The 抄表 tab driven from the keyboard: a building's readings typed one after another with
//! Enter, a reading lower than last month's asked about and sent back to engineering as
//! 待复核, then read again and fixed; a readings file dropped on the sheet, previewed row by
//! row; meters put in, replaced and taken out.

use crate::common;

use common::ui::*;

use egui::Key;
use egui_kittest::kittest::{NodeT, Queryable};
use wuye_desk::domain::fees::Period;
use wuye_desk::domain::forms::UnitForm;
use wuye_desk::domain::kinds::{MeterKind, ReadingState, UnitStatus};
use wuye_desk::store::{MeterForm, ReadingInput, ReadingSource};
use wuye_desk::ui::DeskApp;

const UNITS: [&str; 3] = ["3栋2单元1501", "3栋2单元1502", "3栋2单元1503"];

fn prepared(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("office.sqlite");
    let (mut s, boss) = common::office_file(&path);
    common::front_desk(&mut s, &boss);
    let mut october = Vec::new();
    for code in UNITS {
        let u = s
            .add_unit(
                &boss,
                &UnitForm {
                    code: code.into(),
                    area: "89.50".into(),
                    ..UnitForm::default()
                },
            )
            .unwrap();
        s.hand_over(&boss, u, common::day("2025-01-01"), UnitStatus::Occupied)
            .unwrap();
        let mut meter = MeterForm::new(common::day("2026-01-01"));
        meter.unit_code = code.into();
        meter.number = format!("SB-{}", &code[code.len() - 4..]);
        let id = s.add_meter(&boss, &meter).unwrap();
        october.push(ReadingInput {
            meter_id: id,
            value_milli: 100_000,
            rollover: false,
            read_on: common::day("2026-10-25"),
            state: ReadingState::Normal,
            note: String::new(),
        });
    }
    s.save_readings(
        &boss,
        &Period::parse("2026-10").unwrap(),
        &october,
        ReadingSource::Typed,
    )
    .unwrap();
    path
}

fn typed(h: &mut egui_kittest::Harness<'_, DeskApp>, text: &str) {
    h.event(egui::Event::Text(text.into()));
    h.run();
}

fn press(h: &mut egui_kittest::Harness<'_, DeskApp>, key: Key) {
    h.key_press(key);
    h.run();
}

fn november(h: &egui_kittest::Harness<'_, DeskApp>) -> Vec<(i64, ReadingState)> {
    h.state()
        .store()
        .unwrap()
        .reading_sheet(&Period::parse("2026-11").unwrap(), "3栋", MeterKind::Water)
        .unwrap()
        .iter()
        .map(|r| {
            r.reading.as_ref().map_or((-1, ReadingState::Normal), |x| {
                (x.value_milli / 1000, x.state)
            })
        })
        .collect()
}

#[test]
fn a_building_is_read_from_the_keyboard_and_a_low_reading_goes_to_recheck_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), common::clock()).without_viewer(),
    );
    h.run();
    log_in(&mut h, "kefu", "123456");
    h.get_by_label("抄表").click();
    h.run();
    // The sheet opens on November, 3栋, water, ready to type into the first unit.
    assert_eq!(field(&h, "月份").value().as_deref(), Some("2026-11"));
    typed(&mut h, "112");
    press(&mut h, Key::Enter);
    typed(&mut h, "90");
    press(&mut h, Key::Enter);
    // Lower than last time: asked, nothing saved yet.
    h.get_by_label_contains("90 低于上次 100");
    assert_eq!(november(&h)[1].0, -1);
    // 翻表 has the keyboard; Tab to 读错·待复核 and Enter.
    press(&mut h, Key::Tab);
    press(&mut h, Key::Enter);
    assert_eq!(november(&h)[1], (90, ReadingState::Recheck));
    h.get_by_label_contains("待复核：低于上次读数");
    // On to the last unit.
    typed(&mut h, "120");
    press(&mut h, Key::Enter);
    assert_eq!(
        november(&h),
        vec![
            (112, ReadingState::Normal),
            (90, ReadingState::Recheck),
            (120, ReadingState::Normal)
        ]
    );
    h.get_by_label("待复核 1");
    assert_eq!(h.state().store().unwrap().recheck_list().unwrap().len(), 1);

    // Engineering reads it again: up to the row, type the right reading.
    press(&mut h, Key::ArrowUp);
    press(&mut h, Key::End);
    press(&mut h, Key::Backspace);
    press(&mut h, Key::Backspace);
    typed(&mut h, "105");
    press(&mut h, Key::Enter);
    assert_eq!(november(&h)[1], (105, ReadingState::Normal));
    assert!(
        h.state()
            .store()
            .unwrap()
            .recheck_list()
            .unwrap()
            .is_empty()
    );
    assert!(h.query_by_label("待复核 1").is_none());
    // Nothing above needed the mouse after opening the tab; the row now shows its usage.
    h.get_by_label("5 吨");
}

/// A file dropped on the window, as the window system hands it over.
#[derive(Debug)]
struct Dropped(std::path::PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_readings_file_dropped_on_the_sheet_is_previewed_and_only_good_rows_go_in() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let file = dir.path().join("十一月水表读数.csv");
    std::fs::write(
        &file,
        "房号,本期读数,抄表日期\n\
         3栋2单元1501,112,2026-11-25\n\
         3栋2单元1502,90,2026-11-25\n\
         3栋2单元9999,100,2026-11-25\n",
    )
    .unwrap();
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), common::clock()).without_viewer(),
    );
    h.run();
    log_in(&mut h, "kefu", "123456");
    h.get_by_label("抄表").click();
    h.run();
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(file.clone())));
    h.run();
    h.get_by_label_contains("导入读数预览：十一月水表读数.csv");
    h.get_by_label("可导入 1 行；有问题 2 行，不导入（原因见每行）。");
    h.get_by_label_contains("翻表请在抄表录入中确认");
    h.get_by_label_contains("没有房屋 3栋2单元9999");
    // Nothing is recorded before it is confirmed.
    assert!(november(&h).iter().all(|(v, _)| *v == -1));
    click(&mut h, "导入 1 行");
    assert_eq!(
        november(&h),
        vec![
            (112, ReadingState::Normal),
            (-1, ReadingState::Normal),
            (-1, ReadingState::Normal)
        ]
    );
}

#[test]
fn meters_are_put_in_for_a_building_and_one_is_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    {
        let mut s = wuye_desk::store::Store::open(&path, common::clock()).unwrap();
        let boss = s.login("zhuguan", "secret1").unwrap();
        s.add_unit(
            &boss,
            &UnitForm {
                code: "5栋1单元0101".into(),
                area: "90.00".into(),
                ..UnitForm::default()
            },
        )
        .unwrap();
    }
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), common::clock()).without_viewer(),
    );
    h.run();
    log_in(&mut h, "zhuguan", "secret1");
    h.get_by_label("抄表").click();
    h.run();
    h.get_by_label("表具").click();
    h.run();
    h.get_by_label("3栋 共 3 块表在用");
    // Another building: its list, then a water meter for each of its units in one click.
    choose(&mut h, "楼栋", "5栋");
    h.get_by_label("5栋 共 0 块表在用");
    click(&mut h, "建表");
    h.get_by_label("5栋 共 1 块表在用");
    h.get_by_label("5栋1单元0101 水表");

    // 换表 in 3栋: a final reading below the last one is refused beside the field.
    choose(&mut h, "楼栋", "3栋");
    h.get_by_label("3栋2单元1501 水表").click();
    h.run();
    click(&mut h, "换表…");
    type_into(&mut h, "旧表止码", "90");
    type_into(&mut h, "新表号", "SB-NEW");
    click(&mut h, "确认换表");
    h.get_by_label_contains("不能低于上次读数 100");
    let store = h.state().store().unwrap();
    assert_eq!(store.meters_of("3栋", true).unwrap().len(), 3);
    retype(&mut h, "旧表止码", 2, "104");
    click(&mut h, "确认换表");
    let store = h.state().store().unwrap();
    let meters = store.meters_of("3栋", true).unwrap();
    assert_eq!(meters.len(), 4, "the old meter stays");
    assert!(
        meters
            .iter()
            .any(|m| m.number == "SB-NEW" && m.closed.is_none())
    );
    assert!(
        meters
            .iter()
            .any(|m| m.number == "SB-1501" && m.closed == Some(("2026-11-27".into(), 104_000)))
    );

    // 拆表: 1503 is joined to its neighbour. The reason is asked for beside its field.
    h.get_by_label("3栋2单元1503 水表").click();
    h.run();
    click(&mut h, "拆表…");
    type_into(&mut h, "拆表止码", "108");
    click(&mut h, "确认拆表");
    h.get_by_label_contains("请写明拆表原因");
    assert!(
        h.state()
            .store()
            .unwrap()
            .meters_of("3栋", false)
            .unwrap()
            .iter()
            .any(|m| m.number == "SB-1503")
    );
    type_into(&mut h, "拆表原因", "两户合并");
    click(&mut h, "确认拆表");
    // In the list and in the meter's details.
    assert_eq!(
        h.query_all_by_label("2026-11-27 拆表（两户合并），止码 108")
            .count(),
        2
    );
    let store = h.state().store().unwrap();
    assert_eq!(store.meters_of("3栋", false).unwrap().len(), 2);
    // On November's sheet its final reading is the month's, and cannot be typed over.
    h.get_by_label("抄表录入").click();
    h.run();
    h.get_by_label("2026-11-27 拆表（两户合并），止码记作本月读数");
    assert!(field(&h, "3栋2单元1503").accesskit_node().is_disabled());
}
