//! 前台接待 and 维修单 driven by their labels: a resident's call is recorded (a future time
//! refused), becomes a repair order in one click (refused first without a phone), gets a technician, is completed, called back and closed; the order
//! is printed for the technician.

use crate::common;

use common::ui::*;

use egui_kittest::kittest::Queryable;
use std::sync::Arc;
use wuye_desk::clock::ManualClock;
use wuye_desk::domain::forms::UnitForm;
use wuye_desk::store::RepairFilter;
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

fn orders(h: &egui_kittest::Harness<'_, DeskApp>) -> Vec<wuye_desk::store::RepairRow> {
    h.state()
        .store()
        .unwrap()
        .repair_orders(&RepairFilter::default(), 100)
        .unwrap()
}

#[test]
fn a_call_becomes_a_repair_order_that_is_dispatched_completed_called_back_and_closed() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let clock = Arc::new(ManualClock::new(common::at("2026-11-27 09:30:00")));
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), clock.clone()).without_viewer(),
    );
    h.run();
    log_in(&mut h, "zhuguan", "secret1");
    h.get_by_label("前台接待").click();
    h.run();
    // The call is recorded at the desk; a future time is refused.
    choose(&mut h, "方式 *", "来电");
    type_into(&mut h, "房号", "3栋2单元1502");
    type_into(&mut h, "来访人 *", "张三丰");
    choose(&mut h, "类别 *", "报修");
    type_into(&mut h, "来意 *", "厨房下水管漏水");
    h.get_by_label("当场办结").click();
    h.run();
    retype(&mut h, "接待时间 *", 16, "2026-11-27 10:30");
    click(&mut h, "保存接待记录");
    h.get_by_label("接待时间不能晚于现在");
    let day = common::day("2026-11-27");
    assert!(
        h.state()
            .store()
            .unwrap()
            .reception_of_day(day)
            .unwrap()
            .is_empty()
    );
    retype(&mut h, "接待时间 *", 16, "2026-11-27 09:25");
    click(&mut h, "保存接待记录");
    assert_eq!(
        h.state()
            .store()
            .unwrap()
            .reception_of_day(day)
            .unwrap()
            .len(),
        1
    );
    h.get_by_label_contains("共 1 条，未办结 1 条");

    // One click turns it into a repair order with the fields carried over.
    click(&mut h, "转维修单");
    assert_eq!(h.state().tab(), Tab::Repairs);
    assert_eq!(field(&h, "房号 *").value().as_deref(), Some("3栋2单元1502"));
    assert_eq!(field(&h, "报修人 *").value().as_deref(), Some("张三丰"));
    choose(&mut h, "类别 *", "管道");
    h.get_by_label("登记后打印维修单").click();
    h.run();

    // No phone: refused next to the field, nothing recorded.
    click(&mut h, "登记维修单");
    h.get_by_label("请填写电话号码");
    assert!(orders(&h).is_empty());

    type_into(&mut h, "联系电话 *", "13800138000");
    click(&mut h, "登记维修单");
    let all = orders(&h);
    assert_eq!(all.len(), 1, "{:?}", h.state().toasts().items());
    assert_eq!(all[0].number, "WX202611-0001");
    assert!(dir.path().join("维修单").join("WX202611-0001.pdf").exists());
    h.get_by_label("当前状态：登记");
    let call = &h.state().store().unwrap().reception_of_day(day).unwrap()[0];
    assert_eq!(call.repair_id, Some(all[0].id));

    type_into(&mut h, "维修人员 *", "赵师傅");
    type_into(&mut h, "预约时间", "2026-11-27 14:00");
    click(&mut h, "派工");
    h.get_by_label("当前状态：已派工");
    assert_eq!(orders(&h)[0].technician, "赵师傅");

    clock.set(common::at("2026-11-27 15:10:00"));
    h.run();
    type_into(&mut h, "使用材料", "PVC下水管1根");
    click(&mut h, "登记完工");
    h.get_by_label("当前状态：已完工");

    type_into(&mut h, "回访结果 *", "已不漏水，业主满意");
    choose(&mut h, "满意度", "4");
    click(&mut h, "登记回访");
    h.get_by_label("当前状态：已回访");

    click(&mut h, "关闭维修单");
    h.get_by_label("当前状态：关闭");
    let order = &orders(&h)[0];
    assert_eq!(order.state, "关闭");
    assert_eq!(order.materials, "PVC下水管1根");
    let entries = h.state().store().unwrap().repair_entries(order.id).unwrap();
    let kinds: Vec<&str> = entries.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["登记", "派工", "完工", "回访", "关闭"]);
    assert_eq!(entries[3].satisfaction, Some(4));
    h.get_by_label_contains("回访：已不漏水，业主满意");
    click(&mut h, "打印维修单");
    assert!(dir.path().join("维修单").join("WX202611-0001.pdf").exists());

    // Month start: last month's summary as PDF and workbook.
    click(&mut h, "上月汇总（PDF 和 Excel）");
    assert!(
        dir.path()
            .join("维修月报")
            .join("维修月报-2026-10.pdf")
            .exists()
    );
    assert!(
        dir.path()
            .join("维修月报")
            .join("维修月报-2026-10.xlsx")
            .exists()
    );
}
