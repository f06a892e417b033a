//! Opening database files: new, ours, not ours, damaged, newer, busy.

use crate::common;

use rusqlite::Connection;
use std::io::{Seek, SeekFrom, Write};
use wuye_desk::store::{APPLICATION_ID, Store, StoreError, latest_version};

fn bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_new_file_is_created_with_the_whole_schema_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/office.sqlite");
    {
        let store = Store::open(&path, common::clock()).unwrap();
        assert_eq!(store.schema_version().unwrap(), latest_version());
        assert!(
            store.office().unwrap().is_none(),
            "first start has no office yet"
        );
    }
    let conn = Connection::open(&path).unwrap();
    let app: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app, APPLICATION_ID);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    drop(conn);
    let store = Store::open(&path, common::clock()).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
}

#[test]
fn running_the_schema_twice_on_one_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("office.sqlite");
    let (mut store, actor) = common::office_file(&path);
    store.add_building(&actor, "1栋").unwrap();
    drop(store);
    let store = Store::open(&path, common::clock()).unwrap();
    assert_eq!(store.buildings().unwrap(), vec!["1栋".to_string()]);
}

#[test]
fn a_text_file_is_refused_by_name_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite");
    std::fs::write(&path, "这不是数据库\n".repeat(100)).unwrap();
    let before = bytes(&path);
    let err = Store::open(&path, common::clock()).unwrap_err();
    assert!(matches!(err, StoreError::NotOurs { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("notes.sqlite"), "{message}");
    assert!(message.contains("不是物业前台的数据库"), "{message}");
    assert_eq!(bytes(&path), before);
    assert!(!dir.path().join("notes.sqlite-wal").exists());
}

#[test]
fn another_programs_sqlite_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .unwrap();
    drop(conn);
    let before = bytes(&path);
    let err = Store::open(&path, common::clock()).unwrap_err();
    assert!(matches!(err, StoreError::NotOurs { .. }), "{err:?}");
    assert!(err.to_string().contains("other.db"));
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_file_from_a_newer_version_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite");
    drop(Store::open(&path, common::clock()).unwrap());
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA journal_mode=DELETE; PRAGMA user_version = {};",
        latest_version() + 1
    ))
    .unwrap();
    drop(conn);
    let before = bytes(&path);
    let err = Store::open(&path, common::clock()).unwrap_err();
    match &err {
        StoreError::TooNew {
            found, supported, ..
        } => {
            assert_eq!(*found, latest_version() + 1);
            assert_eq!(*supported, latest_version());
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert!(err.to_string().contains("newer.sqlite"));
    assert!(err.to_string().contains("较新版本"));
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_damaged_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.sqlite");
    {
        let (mut store, actor) = common::office_file(&path);
        for i in 0..200 {
            store.add_building(&actor, &format!("{i}栋")).unwrap();
        }
    }
    // Fold the WAL into the main file, then scribble over the pages after the first.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;")
        .unwrap();
    drop(conn);
    let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    let len = file.metadata().unwrap().len();
    assert!(len > 8192);
    file.seek(SeekFrom::Start(4096)).unwrap();
    file.write_all(&vec![0xA5; usize::try_from(len - 4096).unwrap()])
        .unwrap();
    drop(file);
    let before = bytes(&path);
    let err = Store::open(&path, common::clock()).unwrap_err();
    assert!(matches!(err, StoreError::Damaged { .. }), "{err:?}");
    assert!(err.to_string().contains("damaged.sqlite"));
    assert!(err.to_string().contains("已损坏"));
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_second_copy_waits_then_reports_the_file_busy_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.sqlite");
    let (mut first, actor) = common::office_file(&path);
    let mut second = Store::open(&path, common::clock()).unwrap();
    second
        .set_busy_timeout(std::time::Duration::from_millis(200))
        .unwrap();
    // Another program holds the write lock.
    let holder = Connection::open(&path).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE;").unwrap();
    let err = second.add_building(&actor, "9栋").unwrap_err();
    assert!(err.is_busy(), "{err:?}");
    assert!(err.to_string().contains("另一个程序"));
    holder.execute_batch("ROLLBACK;").unwrap();
    // Once free, both copies write and see each other's work.
    second.add_building(&actor, "9栋").unwrap();
    first.add_building(&actor, "8栋").unwrap();
    assert_eq!(
        first.buildings().unwrap(),
        vec!["8栋".to_string(), "9栋".to_string()]
    );
    first.integrity_check().unwrap();
}
