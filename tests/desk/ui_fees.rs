//! The 收费 tab driven by its labels: find a unit from the search box, collect, get the
//! receipt PDF; a supervisor voids it; the front desk cannot; bad amounts are refused.

use crate::common;

use common::ui::*;

use egui::accesskit::Role as A11yRole;
use egui_kittest::kittest::Queryable;
use wuye_desk::domain::fees::Period;
use wuye_desk::ui::DeskApp;

fn prepared(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("office.sqlite");
    let (mut s, boss) = common::office_file(&path);
    common::front_desk(&mut s, &boss);
    common::fee_unit(&mut s, &boss);
    s.run_billing(&boss, &Period::parse("2026Q4").unwrap())
        .unwrap();
    path
}

#[test]
fn collect_from_the_search_box_to_the_printed_receipt_then_void_as_supervisor() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared(dir.path());
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), common::clock()).without_viewer(),
    );
    h.run();
    log_in(&mut h, "kefu", "123456");
    h.get_by_label("收费").click();
    h.run();
    type_into(&mut h, "搜索", "zsf");
    h.get_by_label_contains("3栋2单元1502    业主 张三丰")
        .click();
    h.run();
    h.get_by_label_contains("本次应缴");
    assert_eq!(h.get_all_by_label("630.98 元").count(), 2, "due and to pay");

    // A bad amount is refused next to the field, and nothing is recorded.
    type_into(&mut h, "实收", "12.345");
    click(&mut h, "收款并打印收据");
    h.get_by_label_contains("两位小数");
    assert!(
        h.state()
            .store()
            .unwrap()
            .receipts_on(common::day("2026-11-27"))
            .unwrap()
            .is_empty()
    );
    field(&h, "实收").click();
    h.run();
    h.key_press(egui::Key::End);
    for _ in 0..6 {
        h.key_press(egui::Key::Backspace);
    }
    h.run();
    field(&h, "实收").type_text("700");
    h.run();
    h.get_by_label("找零 69.02 元");
    click(&mut h, "收款并打印收据");
    let receipts = h
        .state()
        .store()
        .unwrap()
        .receipts_on(common::day("2026-11-27"))
        .unwrap();
    assert_eq!(receipts.len(), 1, "{:?}", h.state().toasts().items());
    assert_eq!(receipts[0].number, "SJ202611-000001");
    assert_eq!(
        (receipts[0].received_fen, receipts[0].change_fen),
        (63098, 6902)
    );
    let pdf = dir.path().join("收据").join("SJ202611-000001.pdf");
    assert!(pdf.exists(), "the receipt PDF is written");
    assert!(
        h.state()
            .toasts()
            .items()
            .iter()
            .any(|t| t.text.contains("SJ202611-000001"))
    );
    h.get_by_label_contains("没有未缴的费用");

    // The front desk sees no void button.
    click(&mut h, "今日收款与日结");
    assert!(
        h.query_by_role_and_label(A11yRole::Button, "作废 SJ202611-000001")
            .is_none()
    );
    click(&mut h, "退出登录");
    log_in(&mut h, "zhuguan", "secret1");
    h.get_by_label("收费").click();
    h.run();
    click(&mut h, "今日收款与日结");
    click(&mut h, "作废 SJ202611-000001");
    click(&mut h, "确认作废");
    h.get_by_label_contains("请填写作废原因");
    type_into(&mut h, "作废原因", "收错户");
    click(&mut h, "确认作废");
    let r = h
        .state()
        .store()
        .unwrap()
        .receipt_detail("SJ202611-000001")
        .unwrap();
    assert!(r.receipt.void.is_some());
    h.get_by_label_contains("作废（王主管：收错户）");
}
