//! 设置 → 月末归档 in the window: last month is checked and closed by the supervisor, the
//! export runs in the background with its progress, shows when it is done, and a second
//! export of the same month is refused where the person is looking.

use crate::common;

use common::ui::*;
use egui_kittest::kittest::Queryable;
use wuye_desk::demo::{DemoSpec, generate};
use wuye_desk::store::Store;
use wuye_desk::ui::DeskApp;

#[test]
fn a_supervisor_exports_last_month_from_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.sqlite");
    {
        let mut store = Store::open(&path, common::clock()).unwrap();
        generate(
            &mut store,
            &DemoSpec {
                units: 40,
                months: 3,
                seed: 5,
            },
        )
        .unwrap();
    }
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), common::clock()).without_viewer(),
    );
    h.run();
    log_in(&mut h, "zhuguan", "123456");
    h.get_by_label("设置").click();
    h.run();
    h.get_by_label("月末归档").click();
    h.run();
    assert_eq!(
        field(&h, "月份").value().as_deref(),
        Some("2026-10"),
        "last month by default"
    );
    // Checked: every day closed, what is still open listed; not closed yet, so no export.
    h.get_by_label_contains("每天都已日结，可以结账");
    assert!(
        h.query_by_role_and_label(egui::accesskit::Role::Button, "导出月末归档")
            .is_none()
    );
    click(&mut h, "月末结账");
    h.get_by_label_contains("确定结账吗");
    click(&mut h, "确定结账");
    h.get_by_label_contains("2026-10 已于");
    assert!(
        h.state()
            .store()
            .unwrap()
            .is_month_closed("2026-10")
            .unwrap()
    );
    h.get_by_role_and_label(egui::accesskit::Role::Button, "导出月末归档")
        .click();
    wait_for(&mut h, "已导出：");
    let folder = dir
        .path()
        .join("归档")
        .join("幸福里小区物业服务中心-2026-10-月末归档");
    assert!(folder.join("manifest.txt").exists());
    assert!(
        dir.path()
            .join("归档")
            .join("幸福里小区物业服务中心-2026-10-月末归档.zip")
            .exists()
    );
    h.get_by_role_and_label(egui::accesskit::Role::Button, "导出月末归档")
        .click();
    wait_for(&mut h, "已经导出过了");
}
