//! Backups (备份与恢复): consistent copies of the database taken with SQLite's online backup
//! while the program runs, kept in a 备份 folder beside the database (the last 30 daily and 12
//! monthly), and restoring one after it has been checked, with the current file kept aside.

use super::{Store, StoreError, StoreResult};
use crate::clock::stamp;
use chrono::NaiveDate;
use rusqlite::{Connection, MAIN_DB, OpenFlags};
use std::path::{Path, PathBuf};

/// How many daily backups are kept.
pub const KEEP_DAILY: usize = 30;
/// How many monthly backups are kept.
pub const KEEP_MONTHLY: usize = 12;

/// Which set a backup belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupKind {
    /// One per day: the latest of that day.
    Daily,
    /// One per month: the latest of that month.
    Monthly,
    /// Made by hand (立即备份 or `wuye-desk backup`), or the file kept aside by a restore.
    Manual,
}

impl BackupKind {
    /// The word shown in the list.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Daily => "每日",
            Self::Monthly => "每月",
            Self::Manual => "手动",
        }
    }

    fn folder(self) -> &'static str {
        match self {
            Self::Daily => "每日",
            Self::Monthly => "每月",
            Self::Manual => "手动",
        }
    }
}

/// A backup file as listed in 设置 → 备份与恢复.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// The file.
    pub path: PathBuf,
    /// Its set.
    pub kind: BackupKind,
    /// When it was last written (file time, local), `YYYY-MM-DD HH:MM`.
    pub modified: String,
    /// Size in bytes.
    pub size_bytes: u64,
}

/// The backups folder of a database file: `备份/` beside it.
#[must_use]
pub fn backups_dir(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("备份"), |p| p.join("备份"))
}

fn stem(db: &Path) -> String {
    db.file_stem().map_or_else(
        || "office".to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}

/// Why a backup could not be written, in the desk's words when it is the disk.
fn backup_failed(dest: &Path, e: &rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    let reason = match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => "磁盘空间不足，请清理磁盘或换一个盘".to_string(),
        Some(ErrorCode::SystemIoFailure) => {
            format!("写入磁盘出错，磁盘空间可能不足或磁盘已损坏（{e}）")
        }
        Some(ErrorCode::CannotOpen | ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => {
            "没有写入权限，这个文件夹是只读的，请换一个文件夹".to_string()
        }
        _ => e.to_string(),
    };
    StoreError::Io(std::io::Error::other(format!(
        "无法写入 {}：{reason}",
        dest.display()
    )))
}

fn io_err(path: &Path, e: &std::io::Error) -> StoreError {
    StoreError::CannotOpen {
        path: path.to_path_buf(),
        detail: super::io_reason(e).unwrap_or_else(|| e.to_string()),
    }
}

/// Checks a database file without changing it: a wuye-desk database, not newer than this
/// program, passing SQLite's integrity check, with an unbroken receipt chain. The file is
/// checked through a temporary copy, so even an older version is not upgraded in place.
pub fn check_backup(path: &Path) -> StoreResult<()> {
    let dir = tempfile_dir()?;
    let copy = dir.join("check.sqlite");
    {
        let src =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|e| {
                StoreError::CannotOpen {
                    path: path.to_path_buf(),
                    detail: e.to_string(),
                }
            })?;
        src.backup(MAIN_DB, &copy, None::<fn(rusqlite::backup::Progress)>)
            .map_err(|_| StoreError::NotOurs {
                path: path.to_path_buf(),
            })?;
    }
    let result = (|| {
        let store = Store::open(&copy, crate::clock::system()).map_err(|e| rename_path(e, path))?;
        store.integrity_check().map_err(|e| rename_path(e, path))?;
        if let Err(b) = store.verify_receipts()? {
            return Err(StoreError::Damaged {
                path: path.to_path_buf(),
                detail: format!("收据链断在第 {} 张收据 {}：{}", b.seq, b.number, b.reason),
            });
        }
        Ok(())
    })();
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        tracing::warn!("could not remove {}: {e}", dir.display());
    }
    result
}

/// A private temporary folder for checking a backup.
fn tempfile_dir() -> StoreResult<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "wuye-desk-check-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    ));
    std::fs::create_dir_all(&dir).map_err(|e| io_err(&dir, &e))?;
    Ok(dir)
}

/// Errors about the checked copy name the backup file the person chose.
fn rename_path(e: StoreError, path: &Path) -> StoreError {
    match e {
        StoreError::NotOurs { .. } => StoreError::NotOurs {
            path: path.to_path_buf(),
        },
        StoreError::Damaged { detail, .. } => StoreError::Damaged {
            path: path.to_path_buf(),
            detail,
        },
        StoreError::TooNew {
            found, supported, ..
        } => StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            supported,
        },
        other => other,
    }
}

/// The backups of a database file, newest first.
pub fn list_backups(db: &Path) -> Vec<BackupInfo> {
    let root = backups_dir(db);
    let mut out = Vec::new();
    for kind in [BackupKind::Daily, BackupKind::Monthly, BackupKind::Manual] {
        let Ok(entries) = std::fs::read_dir(root.join(kind.folder())) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "sqlite") {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            let modified = meta
                .modified()
                .ok()
                .map(|t| {
                    chrono::DateTime::<chrono::Local>::from(t)
                        .format("%Y-%m-%d %H:%M")
                        .to_string()
                })
                .unwrap_or_default();
            out.push(BackupInfo {
                path,
                kind,
                modified,
                size_bytes: meta.len(),
            });
        }
    }
    out.sort_by(|a, b| {
        b.modified
            .cmp(&a.modified)
            .then_with(|| b.path.cmp(&a.path))
    });
    out
}

/// Keeps the newest `keep` files of a folder (by name, which starts with the date).
fn prune(folder: &Path, keep: usize) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite"))
        .collect();
    files.sort();
    let excess = files.len().saturating_sub(keep);
    for old in files.into_iter().take(excess) {
        if let Err(e) = std::fs::remove_file(&old) {
            tracing::warn!("could not remove old backup {}: {e}", old.display());
        }
    }
}

impl Store {
    /// Writes a consistent copy of the database to `dest` with SQLite's online backup (the
    /// program keeps working meanwhile), through a temporary name renamed at the end.
    pub fn backup_to(&self, dest: &Path) -> StoreResult<()> {
        if let Some(dir) = dest.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| io_err(dir, &e))?;
        }
        let tmp = dest.with_extension("sqlite.part");
        if tmp.exists() {
            std::fs::remove_file(&tmp).map_err(|e| io_err(&tmp, &e))?;
        }
        self.conn
            .backup(MAIN_DB, &tmp, None::<fn(rusqlite::backup::Progress)>)
            .map_err(|e| {
                if let Err(rm) = std::fs::remove_file(&tmp) {
                    tracing::debug!("no partial backup to remove at {}: {rm}", tmp.display());
                }
                backup_failed(dest, &e)
            })?;
        std::fs::rename(&tmp, dest).map_err(|e| io_err(dest, &e))?;
        Ok(())
    }

    /// The automatic backup: today's daily copy and this month's monthly copy (each replaced
    /// by the newer one), then the old ones beyond 30 daily and 12 monthly removed. Returns
    /// the daily file. Does nothing for an in-memory database.
    pub fn auto_backup(&self) -> StoreResult<Option<PathBuf>> {
        let Some(db) = self.path.clone() else {
            return Ok(None);
        };
        let root = backups_dir(&db);
        let today: NaiveDate = self.today();
        let name = stem(&db);
        let daily = root
            .join(BackupKind::Daily.folder())
            .join(format!("{}-{name}.sqlite", today.format("%Y-%m-%d")));
        self.backup_to(&daily)?;
        let monthly = root
            .join(BackupKind::Monthly.folder())
            .join(format!("{}-{name}.sqlite", today.format("%Y-%m")));
        if let Some(dir) = monthly.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_err(dir, &e))?;
        }
        std::fs::copy(&daily, &monthly).map_err(|e| io_err(&monthly, &e))?;
        prune(&root.join(BackupKind::Daily.folder()), KEEP_DAILY);
        prune(&root.join(BackupKind::Monthly.folder()), KEEP_MONTHLY);
        Ok(Some(daily))
    }

    /// Whether today's daily backup exists yet (the first start of a day makes one).
    #[must_use]
    pub fn has_backup_today(&self) -> bool {
        self.path.as_deref().is_some_and(|db| {
            backups_dir(db)
                .join(BackupKind::Daily.folder())
                .join(format!(
                    "{}-{}.sqlite",
                    self.today().format("%Y-%m-%d"),
                    stem(db)
                ))
                .exists()
        })
    }

    /// A backup made by hand now, into 备份/手动/. Returns its file.
    pub fn manual_backup(&self) -> StoreResult<PathBuf> {
        let db = self
            .path
            .clone()
            .ok_or_else(|| StoreError::Conflict("内存数据库不能备份".into()))?;
        let when = stamp(self.now()).replace([' ', ':'], "-");
        let dest = backups_dir(&db)
            .join(BackupKind::Manual.folder())
            .join(format!("{when}-{}.sqlite", stem(&db)));
        self.backup_to(&dest)?;
        Ok(dest)
    }

    /// 恢复 (supervisor only): checks the backup (a copy of it, so it is not changed), keeps
    /// the current database aside in 备份/手动/, then copies the backup's content into the
    /// open database. The caller must open the file again afterwards (to upgrade an older
    /// backup and start from a clean state). Returns the file kept aside.
    pub fn restore_from(&mut self, actor: &super::Actor, backup: &Path) -> StoreResult<PathBuf> {
        super::require_supervisor(actor, "恢复备份")?;
        check_backup(backup)?;
        let db = self
            .path
            .clone()
            .ok_or_else(|| StoreError::Conflict("内存数据库不能恢复".into()))?;
        let when = stamp(self.now()).replace([' ', ':'], "-");
        let aside = backups_dir(&db)
            .join(BackupKind::Manual.folder())
            .join(format!("{when}-恢复前-{}.sqlite", stem(&db)));
        self.backup_to(&aside)?;
        self.conn
            .restore(MAIN_DB, backup, None::<fn(rusqlite::backup::Progress)>)
            .map_err(|e| StoreError::CannotOpen {
                path: backup.to_path_buf(),
                detail: e.to_string(),
            })?;
        tracing::info!(
            "restored {} (current kept at {})",
            backup.display(),
            aside.display()
        );
        Ok(aside)
    }
}
