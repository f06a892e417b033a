//! `wuye-desk export` on temp databases: last month checked, closed and exported; refused
//! with the reason (month not over, exported twice); and the faults a desk PC meets — a
//! read-only folder and a full disk — end with a clear message and nothing left behind.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use wuye_desk::domain::fees::Period;
use wuye_desk::store::Store;

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

/// A small demo office (its history ends today; last month is not closed yet).
fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("office.sqlite");
    let (ok, text) = run(bin()
        .args(["demo", "--units", "20", "--months", "3", "--db"])
        .arg(&db));
    assert!(ok, "{text}");
    db
}

fn last_month() -> String {
    Period::month_of(wuye_desk::clock::system().today())
        .previous()
        .to_string()
}

fn export(db: &Path, month: &str, out: &Path) -> Command {
    let mut cmd = bin();
    cmd.args(["export", "--month", month, "--db"])
        .arg(db)
        .arg("--out")
        .arg(out);
    cmd
}

/// Whatever of `month` is left in `out`.
fn leftovers(out: &Path, month: &str) -> Vec<String> {
    std::fs::read_dir(out)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains(month))
                .collect()
        })
        .unwrap_or_default()
}

/// Closes `month` as the first supervisor, the way the window does.
fn close(db: &Path, month: &str) {
    let mut store = Store::open(db, wuye_desk::clock::system()).unwrap();
    let boss = store.cli_operator(None).unwrap();
    store
        .close_month(&boss, &Period::parse(month).unwrap(), "")
        .unwrap();
}

#[test]
fn last_month_is_closed_and_exported_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let out = dir.path().join("归档");
    let month = last_month();
    let (ok, text) = run(&mut export(&db, &month, &out));
    assert!(ok, "{text}");
    assert!(text.contains("结账") && text.contains("已导出"), "{text}");
    let folder = out.join(format!("幸福里小区物业服务中心-{month}-月末归档"));
    assert!(folder.join("manifest.txt").exists());
    assert!(folder.join(format!("{month}-月末归档.xlsx")).exists());
    assert!(
        out.join(format!("幸福里小区物业服务中心-{month}-月末归档.zip"))
            .exists()
    );
    let store = Store::open(&db, wuye_desk::clock::system()).unwrap();
    assert!(store.is_month_closed(&month).unwrap());
    drop(store);
    // Twice: refused, non-zero, with the reason.
    let (ok, text) = run(&mut export(&db, &month, &out));
    assert!(!ok);
    assert!(text.contains("已经导出过了"), "{text}");
    // This month is not over.
    let this = Period::parse(&month).unwrap().next().to_string();
    let (ok, text) = run(&mut export(&db, &this, &out));
    assert!(!ok);
    assert!(text.contains("还没有过完"), "{text}");
    assert!(leftovers(&out, &this).is_empty());
}

#[test]
fn a_read_only_folder_is_named_and_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let month = last_month();
    close(&db, &month);
    let out = dir.path().join("只读");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    let mut cmd = export(&db, &month, &out);
    if std::fs::metadata(&db).unwrap().uid() == 0 {
        // Root writes anywhere: run the export as an ordinary user, who may use the
        // database (and a copy of the program, wherever the build lives) but not the folder.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o666)).unwrap();
        let program = dir.path().join("wuye-desk");
        std::fs::copy(env!("CARGO_BIN_EXE_wuye-desk"), &program).unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        cmd = Command::new(&program);
        cmd.args(["export", "--month", &month, "--db"])
            .arg(&db)
            .arg("--out")
            .arg(&out)
            .uid(65534)
            .gid(65534);
    }
    let (ok, text) = run(&mut cmd);
    assert!(!ok, "{text}");
    assert!(text.contains("只读"), "{text}");
    assert!(
        leftovers(&out, &month).is_empty(),
        "{:?}",
        leftovers(&out, &month)
    );
}

/// A folder on a small disk: a 600 KB tmpfs where this machine allows mounting one, else a
/// limit on how large a file the export may write.
struct SmallDisk {
    dir: PathBuf,
    mounted: bool,
}

impl SmallDisk {
    fn new(under: &Path) -> Self {
        let dir = under.join("小磁盘");
        std::fs::create_dir(&dir).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=600k", "tmpfs"])
            .arg(&dir)
            .output()
            .is_ok_and(|o| o.status.success());
        Self { dir, mounted }
    }

    fn export(&self, db: &Path, month: &str) -> Command {
        if self.mounted {
            return export(db, month, &self.dir);
        }
        // A full disk as the export sees it: writes past 256 KB fail (SIGXFSZ ignored, so
        // the write returns an error instead of killing the program).
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(r#"trap "" XFSZ; ulimit -f 512; exec "$0" "$@""#)
            .arg(env!("CARGO_BIN_EXE_wuye-desk"))
            .args(["export", "--month", month, "--db"])
            .arg(db)
            .arg("--out")
            .arg(&self.dir);
        cmd
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        if self.mounted {
            let unmounted = Command::new("umount").arg(&self.dir).status();
            assert!(unmounted.is_ok_and(|s| s.success()), "umount");
        }
    }
}

#[test]
fn a_full_disk_is_named_and_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let month = last_month();
    close(&db, &month);
    let disk = SmallDisk::new(dir.path());
    let (ok, text) = run(&mut disk.export(&db, &month));
    assert!(!ok, "{text}");
    assert!(text.contains("磁盘空间"), "{text}");
    assert!(
        leftovers(&disk.dir, &month).is_empty(),
        "{:?}",
        leftovers(&disk.dir, &month)
    );
    // With room on the disk, the same export goes through.
    let (ok, text) = run(&mut export(&db, &month, &dir.path().join("归档")));
    assert!(ok, "{text}");
}
