//! The 投诉 tab and 今日待办 driven by their labels: a complaint is registered, goes overdue
//! when its category's due time passes, shows first on the next day's to-do, and the row jumps
//! to it; it is dispatched, resolved, called back and closed, and the to-do is empty again.

use crate::common;

use common::ui::*;

use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use wuye_desk::clock::ManualClock;
use wuye_desk::domain::forms::UnitForm;
use wuye_desk::store::ComplaintFilter;
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
    path
}

fn complaints(h: &egui_kittest::Harness<'_, DeskApp>) -> Vec<wuye_desk::store::ComplaintRow> {
    h.state()
        .store()
        .unwrap()
        .complaints(&ComplaintFilter::default(), 100)
        .unwrap()
}

#[test]
fn a_complaint_goes_overdue_and_shows_on_the_days_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let clock = Arc::new(ManualClock::new(common::at("2026-11-27 09:30:00")));
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), clock.clone()).without_viewer(),
    );
    h.run();
    log_in(&mut h, "zhuguan", "secret1");
    assert_eq!(h.state().tab(), Tab::Todo);
    h.get_by_label("没有待办事项。");
    h.get_by_label("投诉").click();
    h.run();
    click(&mut h, "登记投诉…");
    type_into(&mut h, "房号", "3栋2单元1502");
    type_into(&mut h, "投诉人 *", "张三丰");
    type_into(&mut h, "联系电话 *", "13800138000");
    choose(&mut h, "类别 *", "保洁");
    // No content: refused next to the field, nothing recorded.
    click(&mut h, "登记投诉");
    h.get_by_label("请填写投诉内容");
    assert!(complaints(&h).is_empty());
    type_into(&mut h, "投诉内容 *", "楼道垃圾两天没有清运");
    click(&mut h, "登记投诉");
    let all = complaints(&h);
    assert_eq!(all.len(), 1, "{:?}", h.state().toasts().items());
    assert_eq!(all[0].due_at, "2026-11-28 09:30:00");
    assert!(h.query_by_label_contains("超时").is_none());

    // The next morning, past the 24 hours of 保洁: overdue, first on the to-do.
    clock.set(common::at("2026-11-28 10:00:00"));
    h.get_by_label("今日待办").click();
    h.run();
    let row = "【超时】待派单 TS202611-0001 3栋2单元1502 — 楼道垃圾两天没有清运";
    h.get_by_label(row).click();
    h.run();
    assert_eq!(h.state().tab(), Tab::Complaints);
    h.get_by_label("超时未解决 1 条");
    h.get_by_label("已超时：应于 2026-11-28 09:30 前解决");

    let id = all[0].id;
    // The department is taken from the category (保洁).
    type_into(&mut h, "处理人 *", "刘阿姨");
    click(&mut h, "派单");
    h.get_by_label("当前状态：已派单");
    type_into(&mut h, "处理结果 *", "已清运，加派一次巡查");
    click(&mut h, "登记已解决");
    h.get_by_label("当前状态：已解决");
    assert!(h.query_by_label("超时未解决 1 条").is_none());
    type_into(&mut h, "回访结果 *", "业主表示满意");
    click(&mut h, "登记回访");
    h.get_by_label("当前状态：已回访");
    click(&mut h, "关闭投诉");
    h.get_by_label("当前状态：关闭");
    let kinds: Vec<String> = h
        .state()
        .store()
        .unwrap()
        .complaint_entries(id)
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["登记", "派单", "已解决", "回访", "关闭"]);
    h.get_by_label("今日待办").click();
    h.run();
    h.get_by_label("没有待办事项。");
}
