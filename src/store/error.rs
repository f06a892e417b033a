//! What can go wrong in the store, in words the desk understands.

use std::path::PathBuf;

/// An error from the store. `Display` is a Chinese sentence fit to show the person.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not a wuye-desk database (another program's file or not SQLite).
    #[error("文件 {path} 不是物业前台的数据库，未做任何改动。请选择正确的数据库文件。")]
    NotOurs {
        /// The file that was refused.
        path: PathBuf,
    },
    /// The file is a wuye-desk database but is damaged.
    #[error("数据库文件 {path} 已损坏（{detail}），未做任何改动。请从备份恢复。")]
    Damaged {
        /// The file that was refused.
        path: PathBuf,
        /// What SQLite reported.
        detail: String,
    },
    /// The file was written by a newer version of the program.
    #[error(
        "数据库文件 {path} 来自较新版本的物业前台（数据版本 {found}，本程序支持到 {supported}），未做任何改动。请升级程序后再打开。"
    )]
    TooNew {
        /// The file that was refused.
        path: PathBuf,
        /// The file's schema version.
        found: i64,
        /// The newest version this program knows.
        supported: i64,
    },
    /// The file could not be opened or created at all.
    #[error("无法打开数据库文件 {path}：{detail}")]
    CannotOpen {
        /// The file.
        path: PathBuf,
        /// Why.
        detail: String,
    },
    /// Another copy of the program holds the file and the wait ran out.
    #[error("数据库文件正被另一个程序使用，请稍后再试（没有保存任何内容）。")]
    Busy,
    /// The logged-in operator may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A field holds a value the desk may not record.
    #[error("{field}：{reason}")]
    Invalid {
        /// The field's label as shown on the form (e.g. "身份证号").
        field: &'static str,
        /// Why, in Chinese.
        reason: String,
    },
    /// Something referred to does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The action conflicts with the records (e.g. a unit code already in use).
    #[error("{0}")]
    Conflict(String),
    /// Login failed.
    #[error("登录名或密码不对")]
    BadLogin,
    /// An unexpected SQLite error.
    #[error("数据库出错：{0}")]
    Sql(rusqlite::Error),
    /// A file could not be written or read.
    #[error("文件读写出错：{0}")]
    Io(#[from] std::io::Error),
}

impl StoreError {
    /// An invalid field.
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }

    /// Whether this error is the file being busy (another copy of the program writing).
    #[must_use]
    pub fn is_busy(&self) -> bool {
        matches!(self, Self::Busy)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        /// SQLite's extended code for a constraint raised by a trigger (`RAISE(ABORT, …)`).
        const CONSTRAINT_TRIGGER: i32 = 1811;
        match &e {
            // The schema's guards speak the desk's language: show their sentence as it is.
            rusqlite::Error::SqliteFailure(f, Some(message))
                if f.extended_code == CONSTRAINT_TRIGGER =>
            {
                Self::Conflict(message.clone())
            }
            _ => match e.sqlite_error_code() {
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Busy,
                _ => Self::Sql(e),
            },
        }
    }
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// A read-only folder or a full disk, in words the desk can act on; `None` for other errors.
#[must_use]
pub fn io_reason(e: &std::io::Error) -> Option<String> {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem => {
            Some("没有写入权限，这个文件夹是只读的，请换一个文件夹".into())
        }
        ErrorKind::StorageFull | ErrorKind::FileTooLarge | ErrorKind::QuotaExceeded => {
            Some("磁盘空间不足，请清理磁盘或换一个盘".into())
        }
        _ => None,
    }
}
