//! The desk window driven by its visible labels: log in, register an owner by typing into
//! the labelled fields, find them by pinyin initials, transfer the unit.

use crate::common;

use common::ui::*;

use egui::accesskit::Role as A11yRole;
use egui_kittest::kittest::Queryable;
use wuye_desk::domain::forms::UnitForm;
use wuye_desk::domain::kinds::{Role, UnitKind, UnitStatus};
use wuye_desk::store::{NewOperator, Store};
use wuye_desk::ui::DeskApp;

fn prepared_office(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("office.sqlite");
    let mut store = Store::open(&path, common::clock()).unwrap();
    let boss = store
        .setup_office(
            &common::office(),
            &NewOperator {
                login: "zhuguan".into(),
                name: "王主管".into(),
                role: None,
                password: "secret1".into(),
            },
        )
        .unwrap();
    common::front_desk(&mut store, &boss);
    let unit = store
        .add_unit(
            &boss,
            &UnitForm {
                code: "3栋2单元1502".into(),
                area: "89.50".into(),
                kind: UnitKind::Residence,
                status: UnitStatus::NotHandedOver,
                ..UnitForm::default()
            },
        )
        .unwrap();
    store
        .hand_over(&boss, unit, common::day("2026-01-10"), UnitStatus::Vacant)
        .unwrap();
    path
}

#[test]
fn log_in_register_an_owner_find_by_initials_and_transfer() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared_office(dir.path());
    let app = DeskApp::new(&path, dir.path().join("demo.sqlite"), common::clock());
    let mut h = harness(app);
    h.run();

    // A wrong password is refused where the person is looking.
    log_in(&mut h, "kefu", "wrong!");
    h.get_by_label("登录名或密码不对");
    assert!(h.state().actor().is_none());

    // The login name stays; the password is typed again.
    type_into(&mut h, "密码", "123456");
    click(&mut h, "登录");
    assert_eq!(h.state().actor().map(|a| a.name.as_str()), Some("李客服"));
    h.get_by_label("操作员：李客服（客服）");

    // Find the unit by its code and open it.
    type_into(&mut h, "搜索", "1502");
    h.get_by_label_contains("3栋2单元1502    ").click();
    h.run();
    click(&mut h, "登记住户");

    // Bad input is shown next to the field and nothing is recorded.
    type_into(&mut h, "姓名", "张三丰");
    type_into(&mut h, "电话", "12345");
    h.get_by_label_contains("手机号应为11位");
    type_into(&mut h, "身份证号", "110101199003071234");
    click(&mut h, "保存");
    h.get_by_label_contains("校验位");
    let unit = h
        .state()
        .store()
        .unwrap()
        .unit_id_by_code("3栋2单元1502")
        .unwrap()
        .unwrap();
    assert!(
        h.state()
            .store()
            .unwrap()
            .unit_detail(unit)
            .unwrap()
            .occupants
            .is_empty()
    );

    // Corrected, it is saved.
    let good_id = common::id("11010119900307123");
    retype(&mut h, "电话", 5, "13800138000");
    retype(&mut h, "身份证号", 18, &good_id);
    click(&mut h, "保存");
    let detail = h.state().store().unwrap().unit_detail(unit).unwrap();
    assert_eq!(
        detail.occupants.len(),
        1,
        "{:?}",
        h.state().toasts().items()
    );
    assert_eq!(detail.occupants[0].name, "张三丰");
    assert_eq!(detail.occupants[0].phone, "13800138000");
    // The list shows the ID masked.
    let masked = format!("{}********{}", &good_id[..6], &good_id[14..]);
    h.get_by_label(&masked);

    // Find them by pinyin initials.
    type_into(&mut h, "搜索", "zsf");
    h.get_by_label_contains("3栋2单元1502    业主 张三丰")
        .click();
    h.run();

    // Transfer the unit.
    click(&mut h, "过户");
    type_into(&mut h, "姓名", "李四");
    type_into(&mut h, "电话", "0755-12345678");
    click(&mut h, "确认过户");
    let detail = h.state().store().unwrap().unit_detail(unit).unwrap();
    let current: Vec<_> = detail
        .occupants
        .iter()
        .filter(|o| o.end_date.is_none())
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].name, "李四");
    assert!(
        detail
            .occupants
            .iter()
            .any(|o| o.name == "张三丰" && o.end_reason == "过户")
    );
    h.get_by_label_contains("过户：张三丰 → 李四");
    // The status line and toasts tell who did it.
    assert!(
        h.state()
            .toasts()
            .items()
            .iter()
            .any(|t| t.text.contains("已保存"))
    );
}

#[test]
fn the_front_desk_sees_settings_read_only_and_a_supervisor_adds_an_operator() {
    let dir = tempfile::tempdir().unwrap();
    let path = prepared_office(dir.path());
    let mut h = harness(DeskApp::new(
        &path,
        dir.path().join("demo.sqlite"),
        common::clock(),
    ));
    h.run();
    log_in(&mut h, "kefu", "123456");
    click(&mut h, "设置");
    h.get_by_label("只有主管可以修改设置。");
    assert!(
        h.query_by_role_and_label(A11yRole::Button, "新增操作员")
            .is_none()
    );
    click(&mut h, "退出登录");
    log_in(&mut h, "zhuguan", "secret1");
    click(&mut h, "设置");
    type_into(&mut h, "新操作员登录名", "xiaozhang");
    type_into(&mut h, "新操作员姓名", "张小");
    type_into(&mut h, "初始密码", "abcdef");
    click(&mut h, "新增操作员");
    let ops = h.state().store().unwrap().operators().unwrap();
    assert!(
        ops.iter()
            .any(|o| o.login == "xiaozhang" && o.role == Role::FrontDesk)
    );
}

#[test]
fn first_start_asks_for_the_office_and_creates_the_supervisor() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    let mut h = harness(DeskApp::new(
        &path,
        dir.path().join("demo.sqlite"),
        common::clock(),
    ));
    h.run();
    h.get_by_label("欢迎使用物业前台");
    type_into(&mut h, "物业名称", "阳光花园物业服务中心");
    type_into(&mut h, "联系电话", "123");
    type_into(&mut h, "登录名", "boss");
    type_into(&mut h, "姓名", "周主管");
    type_into(&mut h, "密码", "secret1");
    type_into(&mut h, "确认密码", "secret1");
    click(&mut h, "创建并进入");
    h.get_by_label_contains("手机号应为11位");
    assert!(h.state().actor().is_none());
    retype(&mut h, "联系电话", 3, "0755-86001234");
    click(&mut h, "创建并进入");
    assert_eq!(h.state().actor().map(|a| a.role), Some(Role::Supervisor));
    h.get_by_label("操作员：周主管（主管）");
}

#[test]
fn a_file_that_is_not_ours_shows_the_reason_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("笔记.txt");
    std::fs::write(&path, "hello").unwrap();
    let mut h = harness(DeskApp::new(
        &path,
        dir.path().join("demo.sqlite"),
        common::clock(),
    ));
    h.run();
    h.get_by_label("无法打开数据库");
    h.get_by_label_contains("不是物业前台的数据库");
    assert_eq!(std::fs::read(&path).unwrap(), b"hello");
}

#[test]
fn the_demo_button_opens_a_living_office_whose_logins_are_shown() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    let demo = dir.path().join("demo.sqlite");
    let mut h = harness(DeskApp::new(&path, demo.clone(), common::clock()));
    h.run();
    // Made on a worker thread: the window says so meanwhile.
    h.get_by_label("打开演示物业").click();
    h.run_steps(2);
    h.get_by_label_contains("正在生成演示物业");
    wait_for(&mut h, "这是演示物业，可用以下账号登录：");
    h.get_by_label("客服：登录名 kefu，密码 123456");
    log_in(&mut h, "kefu", "123456");
    assert_eq!(h.state().actor().map(|a| a.role), Some(Role::FrontDesk));
    assert!(h.state().store().unwrap().unit_rows().unwrap().len() >= 300);
    assert_eq!(h.state().store().unwrap().path(), Some(demo.as_path()));
    // The day's to-do comes first after login; the archive is one click away.
    h.get_by_label_contains("今日待办（");
    h.get_by_label("业户档案").click();
    h.run();
    h.get_by_label_contains("共 300 户");
}
