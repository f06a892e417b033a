//! Backups: daily and monthly copies kept by number, restore of a checked backup with the
//! current file kept aside, and a damaged or foreign backup refused with nothing changed.

use crate::common;

use wuye_desk::domain::forms::UnitForm;
use wuye_desk::store::{BackupKind, KEEP_DAILY, Store, StoreError, backups_dir, list_backups};

fn unit(code: &str) -> UnitForm {
    UnitForm {
        code: code.into(),
        area: "80".into(),
        ..UnitForm::default()
    }
}

#[test]
fn the_daily_backup_is_made_once_a_day_and_old_ones_are_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.sqlite");
    let (mut s, boss) = common::office_file(&path);
    s.add_unit(&boss, &unit("1栋101")).unwrap();
    assert!(!s.has_backup_today());
    // Older daily backups than we keep.
    let daily = backups_dir(&path).join("每日");
    std::fs::create_dir_all(&daily).unwrap();
    for d in 1..=35 {
        std::fs::write(daily.join(format!("2026-10-{d:02}-office.sqlite")), b"old").unwrap();
    }
    let made = s.auto_backup().unwrap().unwrap();
    assert!(s.has_backup_today());
    assert!(
        made.ends_with("每日/2026-11-27-office.sqlite"),
        "{}",
        made.display()
    );
    let backups = list_backups(&path);
    assert_eq!(
        backups
            .iter()
            .filter(|b| b.kind == BackupKind::Daily)
            .count(),
        KEEP_DAILY
    );
    assert_eq!(
        backups
            .iter()
            .filter(|b| b.kind == BackupKind::Monthly)
            .count(),
        1
    );
    assert!(
        daily.join("2026-11-27-office.sqlite").exists(),
        "today's is kept"
    );
    assert!(
        !daily.join("2026-10-01-office.sqlite").exists(),
        "the oldest went"
    );
    // The copy is a whole, checked database with the unit in it.
    wuye_desk::store::check_backup(&made).unwrap();
    let copy = Store::open(&made, common::clock()).unwrap();
    assert_eq!(copy.unit_rows().unwrap().len(), 1);
}

#[test]
fn a_restore_brings_back_the_backup_and_keeps_the_current_file_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.sqlite");
    let (mut s, boss) = common::office_file(&path);
    common::front_desk(&mut s, &boss);
    s.add_unit(&boss, &unit("1栋101")).unwrap();
    let backup = s.manual_backup().unwrap();
    s.add_unit(&boss, &unit("1栋102")).unwrap();

    let desk = s.login("kefu", "123456").unwrap();
    assert!(matches!(
        s.restore_from(&desk, &backup),
        Err(StoreError::Forbidden(_))
    ));

    let aside = s.restore_from(&boss, &backup).unwrap();
    drop(s);
    let s = Store::open(&path, common::clock()).unwrap();
    let codes: Vec<String> = s.unit_rows().unwrap().into_iter().map(|u| u.code).collect();
    assert_eq!(
        codes,
        vec!["1栋101".to_string()],
        "the backup's content is back"
    );
    let before = Store::open(&aside, common::clock()).unwrap();
    assert_eq!(
        before.unit_rows().unwrap().len(),
        2,
        "what was there is kept aside"
    );
}

#[test]
fn a_damaged_or_foreign_backup_is_refused_and_the_database_is_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.sqlite");
    let (mut s, boss) = common::office_file(&path);
    s.add_unit(&boss, &unit("1栋101")).unwrap();
    let good = s.manual_backup().unwrap();
    // A damaged copy: pages after the first overwritten.
    let damaged = dir.path().join("damaged.sqlite");
    let mut bytes = std::fs::read(&good).unwrap();
    for b in bytes.iter_mut().skip(4096) {
        *b = 0x5A;
    }
    std::fs::write(&damaged, &bytes).unwrap();
    let err = s.restore_from(&boss, &damaged).unwrap_err();
    assert!(
        matches!(err, StoreError::Damaged { .. } | StoreError::NotOurs { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("damaged.sqlite"), "{err}");
    let text = dir.path().join("notes.sqlite");
    std::fs::write(&text, "不是数据库").unwrap();
    assert!(matches!(
        s.restore_from(&boss, &text),
        Err(StoreError::NotOurs { .. })
    ));
    assert_eq!(s.unit_rows().unwrap().len(), 1);
    assert_eq!(
        std::fs::read(&text).unwrap(),
        "不是数据库".as_bytes(),
        "the chosen file is not changed"
    );
    s.integrity_check().unwrap();
}
