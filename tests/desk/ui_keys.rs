//! The 钥匙 tab driven by its labels: lend a key to a decoration worker with the owner's
//! confirmation (refused first without it), print the slip, see it red once the day has
//! ended, return it; then a stock-take signed off by the supervisor.

use crate::common;

use common::ui::*;

use egui::accesskit::Role as A11yRole;
use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use wuye_desk::clock::ManualClock;
use wuye_desk::domain::forms::{PersonForm, UnitForm};
use wuye_desk::domain::kinds::{OccupantRole, UnitStatus};
use wuye_desk::store::KeySetForm;
use wuye_desk::ui::DeskApp;

fn prepared(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("office.sqlite");
    let (mut s, boss) = common::office_file(&path);
    common::front_desk(&mut s, &boss);
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
    s.hand_over(&boss, u, common::day("2025-01-01"), UnitStatus::Occupied)
        .unwrap();
    s.add_occupant(
        &boss,
        u,
        OccupantRole::Owner,
        &PersonForm {
            name: "张三丰".into(),
            phone: "13800138000".into(),
            ..PersonForm::default()
        },
        common::day("2025-01-01"),
    )
    .unwrap();
    s.add_key_set(
        &boss,
        &KeySetForm {
            unit_id: u,
            label: "入户门钥匙".into(),
            count: "2".into(),
            position: "A-12".into(),
            entrusted_by: "张三丰".into(),
            entrusted_on: common::day("2026-10-01"),
            authorisation: "业主电话确认的装修工人".into(),
        },
    )
    .unwrap();
    path
}

fn open_loans(h: &egui_kittest::Harness<'_, DeskApp>) -> usize {
    h.state().store().unwrap().open_key_loans().unwrap().len()
}

#[test]
fn lend_to_a_decoration_worker_see_it_red_next_day_and_return_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let clock = Arc::new(ManualClock::new(common::at("2026-11-27 09:30:00")));
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), clock.clone()).without_viewer(),
    );
    h.run();
    log_in(&mut h, "kefu", "123456");
    h.get_by_label("钥匙").click();
    h.run();
    type_into(&mut h, "筛选", "9栋");
    h.get_by_label_contains("托管钥匙 0 套");
    field(&h, "筛选").click();
    h.run();
    h.key_press(egui::Key::End);
    h.key_press(egui::Key::Backspace);
    h.key_press(egui::Key::Backspace);
    h.run();
    field(&h, "筛选").type_text("1502");
    h.run();
    h.get_by_label_contains("托管钥匙 1 套");
    h.get_by_label("3栋2单元1502 入户门钥匙").click();
    h.run();
    h.get_by_label("状态：在库");
    click(&mut h, "借出…");
    type_into(&mut h, "借用人", "刘师傅");
    type_into(&mut h, "电话", "13912345678");
    choose(&mut h, "关系", "装修");
    type_into(&mut h, "身份证号", &common::id("44030519900303123"));
    type_into(&mut h, "用途", "装修进场");

    // Claimed as the owner in person: refused next to the field, nothing recorded.
    click(&mut h, "确认借出");
    h.get_by_label_contains("不是档案中登记的业主");
    assert_eq!(open_loans(&h), 0);

    choose(&mut h, "身份核验", "业主授权");
    type_into(&mut h, "授权业主", "张三丰");
    type_into(&mut h, "确认方式", "电话");
    h.get_by_label("打印借用单").click();
    h.run();
    click(&mut h, "确认借出");
    assert_eq!(open_loans(&h), 1, "{:?}", h.state().toasts().items());
    let loan = &h.state().store().unwrap().open_key_loans().unwrap()[0];
    assert_eq!(loan.identity_check, "业主授权");
    assert_eq!(loan.confirmed_by, "张三丰");
    assert_eq!(loan.due_on, "2026-11-27");
    assert!(dir.path().join("钥匙借用单").join("JY000001.pdf").exists());
    h.get_by_label_contains("借出中：刘师傅");
    assert!(h.query_by_label_contains("钥匙未还").is_none());

    // The day ends without the key coming back.
    clock.set(common::at("2026-11-28 08:30:00"));
    h.run();
    h.get_by_label("钥匙未还 1 把");
    h.get_by_label("逾期未还 1 把：");
    h.get_by_label("逾期未还：刘师傅");

    click(&mut h, "登记归还…");
    click(&mut h, "确认归还");
    assert_eq!(open_loans(&h), 0, "{:?}", h.state().toasts().items());
    let back = &h.state().store().unwrap().key_loans_of(1, 5).unwrap()[0];
    assert_eq!(
        back.returned,
        Some((
            "2026-11-28 08:30:00".to_string(),
            "李客服".to_string(),
            "完好".to_string()
        ))
    );
    h.run();
    assert!(h.query_by_label_contains("钥匙未还").is_none());
    assert!(h.query_by_label_contains("逾期未还").is_none());
    h.get_by_label("状态：在库");
}

#[test]
fn a_stocktake_is_counted_then_signed_by_the_supervisor() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), common::clock()).without_viewer(),
    );
    h.run();
    log_in(&mut h, "zhuguan", "secret1");
    h.get_by_label("钥匙").click();
    h.run();
    click(&mut h, "盘点");
    type_into(&mut h, "应有住户卡", "10");
    click(&mut h, "保存库存数量");
    click(&mut h, "开始本月盘点");
    // Nothing counted yet: refused.
    click(&mut h, "提交盘点");
    h.get_by_label_contains("请勾选或填写实点数量");
    click(&mut h, "全部勾选");
    h.get_all_by_role_and_label(A11yRole::TextInput, "实点")
        .nth(1)
        .unwrap()
        .click();
    h.run();
    h.key_press(egui::Key::Backspace);
    h.key_press(egui::Key::Backspace);
    h.run();
    h.get_all_by_role_and_label(A11yRole::TextInput, "实点")
        .nth(1)
        .unwrap()
        .type_text("9");
    h.run();
    click(&mut h, "提交盘点");
    h.get_by_label("差异 1 项：");
    click(&mut h, "主管签字确认");
    h.get_by_label_contains("请填写处理意见");
    type_into(&mut h, "处理意见", "一张卡已核实为送修");
    click(&mut h, "主管签字确认");
    h.get_by_label_contains("主管签字：王主管");
    click(&mut h, "打印盘点表");
    assert!(dir.path().join("盘点").join("盘点-2026-11.pdf").exists());
    let store = h.state().store().unwrap();
    let takes = store.stocktakes().unwrap();
    assert_eq!(takes.len(), 1);
    assert!(takes[0].2, "signed");
}
