//! 前台接待's registers driven by their labels: a goods release pass refused without the
//! owner's confirmation, then written and printed for the gate and listed for the day; a
//! parcel logged, the resident told, the parcel collected; an unfinished visit from yesterday
//! on the to-do; a shift handover shown after the next login until acknowledged; a notice
//! printed for the board.

use crate::common;

use common::ui::*;

use egui::accesskit::Role as A11yRole;
use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use wuye_desk::clock::ManualClock;
use wuye_desk::domain::forms::UnitForm;
use wuye_desk::store::ReceptionForm;
use wuye_desk::ui::{DeskApp, Tab};

fn prepared(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("office.sqlite");
    let (mut s, boss) = common::office_file(&path);
    s.add_unit(
        &boss,
        &UnitForm {
            code: "3栋2单元1502".into(),
            area: "89.50".into(),
            ..UnitForm::default()
        },
    )
    .unwrap();
    s.add_reception(
        &boss,
        &ReceptionForm {
            at: common::at("2026-11-26 16:00:00"),
            channel: "来电".into(),
            unit_code: "3栋2单元1502".into(),
            person: "张三丰".into(),
            phone: String::new(),
            category: "咨询".into(),
            matter: "问停车月卡".into(),
            result: String::new(),
            finished: false,
        },
    )
    .unwrap();
    path
}

#[test]
fn a_goods_pass_and_a_parcel_at_the_desk() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let clock = Arc::new(ManualClock::new(common::at("2026-11-27 09:30:00")));
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), clock.clone()).without_viewer(),
    );
    h.run();
    log_in(&mut h, "zhuguan", "secret1");
    // Yesterday's unfinished call is on the to-do and jumps to its day.
    h.get_by_label("2026-11-26 16:00 3栋2单元1502 张三丰 咨询 — 问停车月卡")
        .click();
    h.run();
    assert_eq!(h.state().tab(), Tab::Reception);
    h.get_by_label_contains("共 1 条，未办结 1 条");
    click(&mut h, "办结");
    h.get_by_label_contains("共 1 条，未办结 0 条");

    click(&mut h, "物品放行");
    type_into(&mut h, "房号 *", "3栋2单元1502");
    type_into(&mut h, "携物人 *", "刘师傅");
    type_into(&mut h, "放行物品 *", "旧橱柜两组");
    click(&mut h, "开具放行条");
    h.get_by_label("请填写确认放行的业主");
    h.get_by_label("今日放行条 0 张");
    type_into(&mut h, "确认业主 *", "张三丰");
    click(&mut h, "开具放行条");
    h.get_by_label("今日放行条 1 张");
    assert!(dir.path().join("放行条").join("FX20261127-01.pdf").exists());

    click(&mut h, "收发信件");
    type_into(&mut h, "房号 *", "3栋2单元1502");
    type_into(&mut h, "收件人 *", "张三丰");
    choose(&mut h, "类型 *", "包裹");
    click(&mut h, "登记到件");
    h.get_by_label("未通知");
    click(&mut h, "已通知 #1");
    h.get_by_label("已通知 2026-11-27 09:30 电话");
    click(&mut h, "领取 #1");
    h.get_by_label("请填写领取人");
    type_into(&mut h, "领取人", "张三丰");
    click(&mut h, "领取 #1");
    h.get_by_label("已领取 2026-11-27 09:30 张三丰");

    // The shift ends: the open items with a note for the next person.
    click(&mut h, "交班");
    h.get_by_label("没有未完成的事项。");
    h.get_all_by_label("交班").last().unwrap().click();
    h.run();
    h.get_by_label("请填写交接说明");
    type_into(&mut h, "交接说明 *", "1502业主下午来取快递单据");
    h.get_all_by_label("交班").last().unwrap().click();
    h.run();
    click(&mut h, "退出登录");
    log_in(&mut h, "zhuguan", "secret1");
    h.get_by_label("1502业主下午来取快递单据");
    click(&mut h, "已阅交接 #1");
    h.get_by_label("没有待办事项。");

    // A notice for the board, printed as A4.
    click(&mut h, "前台接待");
    click(&mut h, "通知公告");
    click(&mut h, "发布并打印通知");
    h.get_by_label("请填写标题");
    type_into(&mut h, "标题 *", "停水通知");
    h.get_by_role_and_label(A11yRole::MultilineTextInput, "正文 *")
        .click();
    h.run();
    h.get_by_role_and_label(A11yRole::MultilineTextInput, "正文 *")
        .type_text("11月29日9:00至17:00停水，请提前储水。");
    h.run();
    click(&mut h, "发布并打印通知");
    h.get_by_label("2026-11-27 停水通知（尊敬的各位业户）");
    assert!(dir.path().join("通知公告").join("通知-00001.pdf").exists());
}
