//! The command line on temp databases: demo, import-owners.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wuye-desk"))
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn demo_makes_a_living_office_the_same_way_for_the_same_seed() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.sqlite");
    let b = dir.path().join("b.sqlite");
    for path in [&a, &b] {
        let (ok, text) = run(bin()
            .args(["demo", "--units", "120", "--seed", "7", "--db"])
            .arg(path));
        assert!(ok, "{text}");
        assert!(text.contains("120 户"), "{text}");
        assert!(text.contains("zhuguan"), "{text}");
    }
    let clock = std::sync::Arc::new(wuye_desk::clock::SystemClock);
    let sa = wuye_desk::store::Store::open(&a, clock.clone()).unwrap();
    let sb = wuye_desk::store::Store::open(&b, clock).unwrap();
    let ra = sa.unit_rows().unwrap();
    let rb = sb.unit_rows().unwrap();
    assert_eq!(ra, rb, "same seed, same office");
    assert!(ra.iter().any(|r| r.kind == "店面") && ra.iter().any(|r| r.kind == "车位"));
    assert!(ra.iter().filter(|r| !r.owners.is_empty()).count() > 80);
    assert!(sa.office().unwrap().unwrap().is_demo);
    // Refuses to overwrite an existing file.
    let (ok, text) = run(bin().args(["demo", "--units", "10", "--db"]).arg(&a));
    assert!(!ok);
    assert!(text.contains("已存在"), "{text}");
}

#[test]
fn import_owners_lists_bad_rows_and_writes_nothing_unless_told_to_skip_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.sqlite");
    let (ok, text) = run(bin().args(["demo", "--units", "10", "--db"]).arg(&db));
    assert!(ok, "{text}");
    let count = |db: &std::path::Path| {
        let s =
            wuye_desk::store::Store::open(db, std::sync::Arc::new(wuye_desk::clock::SystemClock))
                .unwrap();
        s.unit_rows().unwrap().len()
    };
    let before = count(&db);

    let (ok, text) = run(bin()
        .args(["import-owners", "--db"])
        .arg(&db)
        .arg(data("roster_mixed.csv")));
    assert!(!ok, "bad rows make it fail: {text}");
    assert!(text.contains("第"), "{text}");
    assert!(text.contains("没有写入任何内容"), "{text}");
    assert_eq!(count(&db), before);

    let (ok, text) = run(bin()
        .args(["import-owners", "--skip-bad", "--db"])
        .arg(&db)
        .arg(data("roster_gbk.csv")));
    assert!(ok, "{text}");
    assert!(text.contains("已导入"), "{text}");
    assert!(count(&db) > before);

    // The same file again: every row is now already in the archive.
    let (ok, text) = run(bin()
        .args(["import-owners", "--skip-bad", "--db"])
        .arg(&db)
        .arg(data("roster_gbk.csv")));
    assert!(ok, "{text}");
    assert!(text.contains("已在档案中"), "{text}");
}

#[test]
fn a_missing_db_argument_or_file_is_a_clear_error() {
    let (ok, text) = run(bin().args(["import-owners", "x.csv"]));
    assert!(!ok);
    assert!(text.contains("--db"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let (ok, text) = run(bin()
        .args(["import-owners", "--db"])
        .arg(dir.path().join("none.sqlite"))
        .arg("x.csv"));
    assert!(!ok);
    assert!(text.contains("不存在"), "{text}");
}

#[test]
fn backup_writes_a_checked_copy_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.sqlite");
    let (ok, text) = run(bin().args(["demo", "--units", "20", "--db"]).arg(&db));
    assert!(ok, "{text}");
    let out = dir.path().join("copy.sqlite");
    let (ok, text) = run(bin()
        .args(["backup", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&out));
    assert!(ok, "{text}");
    assert!(text.contains("已检查完整"), "{text}");
    let (ok, text) = run(bin().args(["verify", "--db"]).arg(&out));
    assert!(ok, "{text}");
    assert!(text.contains("收据链：通过"), "{text}");
    let (ok, text) = run(bin()
        .args(["backup", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(&out));
    assert!(!ok);
    assert!(text.contains("不会覆盖"), "{text}");
}
