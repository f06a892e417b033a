//! 设置 → 备份与恢复 in the window: a backup made now, then restored by the supervisor, who
//! logs in again to the restored data.

use crate::common;

use common::ui::*;
use egui_kittest::kittest::Queryable;
use wuye_desk::domain::forms::UnitForm;
use wuye_desk::store::Store;
use wuye_desk::ui::DeskApp;

#[test]
fn a_supervisor_backs_up_now_and_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.sqlite");
    drop(common::office_file(&path));
    let mut h = harness(
        DeskApp::new(&path, dir.path().join("demo.sqlite"), common::clock()).without_viewer(),
    );
    h.run();
    assert_eq!(
        wuye_desk::store::list_backups(&path).len(),
        2,
        "the first start of the day backed up (daily + monthly)"
    );
    log_in(&mut h, "zhuguan", "secret1");
    h.get_by_label("设置").click();
    h.run();
    h.get_by_label("备份与恢复").click();
    h.run();
    click(&mut h, "立即备份");
    let manual = wuye_desk::store::list_backups(&path)
        .into_iter()
        .find(|b| b.kind == wuye_desk::store::BackupKind::Manual)
        .expect("a manual backup");
    // Work done after the backup…
    {
        let store = Store::open(&path, common::clock()).unwrap();
        let boss = store.cli_operator(None).unwrap();
        let mut store = store;
        store
            .add_unit(
                &boss,
                &UnitForm {
                    code: "9栋901".into(),
                    area: "90".into(),
                    ..UnitForm::default()
                },
            )
            .unwrap();
    }
    click(&mut h, "刷新列表");
    let name = manual
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    click(&mut h, &format!("恢复 {name}"));
    click(&mut h, "确认恢复");
    // …is gone after the restore, and the person logs in again.
    h.get_by_label("物业前台 · 请登录");
    assert!(h.state().store().unwrap().unit_rows().unwrap().is_empty());
    assert!(
        h.state()
            .toasts()
            .items()
            .iter()
            .any(|t| t.text.contains("重新登录"))
    );
}
