//! The only place that speaks SQL: opening and upgrading the database, then one module per
//! area of the desk.

mod archive;
mod archive_read;
mod audit;
mod backup;
mod complaints;
mod desk;
mod error;
mod fees;
mod keys;
mod meters;
mod month_close;
mod operators;
mod receipts;
mod reception;
mod repairs;
mod roster_import;

pub use archive::{
    ArchiveExportRows, CardRow, EventRow, GapRow, ImportReport, OccupantRow, UnitDetail, UnitRow,
    VehicleRow,
};
pub use audit::AuditEntry;
pub use backup::{
    BackupInfo, BackupKind, KEEP_DAILY, KEEP_MONTHLY, backups_dir, check_backup, list_backups,
};
pub use complaints::{
    COMPLAINT_CATEGORIES, COMPLAINT_STATES, ComplaintEntryRow, ComplaintFilter, ComplaintForm,
    ComplaintRow, DEPARTMENTS, TicketEntry, due_hours,
};
pub use desk::{
    BoardNoticeRow, GoodsPassForm, GoodsPassRow, HandoverRow, MAIL_KINDS, MailRow,
    PASS_CONFIRM_MEANS,
};
pub use error::{StoreError, StoreResult, io_reason};
pub use fees::{BillDraft, BillingPreview, FeeItem, FeeItemForm, SharedMeterLine};
pub use keys::{
    IdentityCheck, KeyLoanForm, KeyLoanRow, KeySetForm, KeySetRow, LOAN_RELATIONS, STOCK_KINDS,
    Stocktake, StocktakeLine,
};
pub use meters::{
    ESTATE_PLACE, ImportCheck, MeterForm, MeterRow, MonthReadingRow, PeriodUsage, ReadingInput,
    ReadingSource, RecheckRow, RemoveForm, ReplaceForm, ReplacedTail, SavedReading, SheetRow,
};
pub use month_close::MonthCheck;
pub use operators::{Actor, NewOperator, Office, OperatorRow, require_supervisor};
pub use receipts::{
    ARREARS_BUCKETS, ArrearsRow, BillRow, ChainBreak, ChainHead, DaySummary, DunningRow,
    GENESIS_HASH, Payment, ReceiptDetail, ReceiptLineRow, ReceiptRow,
};
pub use reception::{RECEPTION_CATEGORIES, RECEPTION_CHANNELS, ReceptionForm, ReceptionRow};
pub use repairs::{
    REPAIR_CATEGORIES, REPAIR_STATES, RepairCompletion, RepairEntryRow, RepairFilter, RepairForm,
    RepairMonthSummary, RepairRow, RepairSummaryLine,
};

use crate::clock::{SharedClock, stamp};
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Marks a SQLite file as ours (`PRAGMA application_id`, "WYDS").
pub const APPLICATION_ID: i64 = 0x5759_4453;

/// The schema, with one section per version (see the header of `schema.sql`).
pub const SCHEMA_SQL: &str = include_str!("../../schema.sql");

/// How long a write waits for another copy of the program before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The sections of `schema.sql`: (version, SQL that upgrades version-1 to version).
#[must_use]
pub fn schema_versions() -> Vec<(i64, &'static str)> {
    const MARKER: &str = "-- @version ";
    let mut out: Vec<(i64, &'static str)> = Vec::new();
    let mut current: Option<(i64, usize)> = None;
    let mut offset = 0;
    for line in SCHEMA_SQL.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(MARKER) {
            if let Some((version, start)) = current {
                out.push((version, &SCHEMA_SQL[start..offset]));
            }
            current = Some((rest.trim().parse().unwrap_or(0), offset + line.len()));
        }
        offset += line.len();
    }
    if let Some((version, start)) = current {
        out.push((version, &SCHEMA_SQL[start..]));
    }
    out
}

/// The newest schema version this program knows.
#[must_use]
pub fn latest_version() -> i64 {
    schema_versions().last().map_or(0, |(v, _)| *v)
}

/// The office database: one SQLite file, one connection.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    clock: SharedClock,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

impl Store {
    /// Opens the database at `path`, creating it if the file does not exist, and upgrades it
    /// to the current schema. A file that is not ours, is damaged or is newer than this
    /// program is refused and left untouched.
    pub fn open(path: &Path, clock: SharedClock) -> StoreResult<Self> {
        let cannot = |detail: String| StoreError::CannotOpen {
            path: path.to_path_buf(),
            detail,
        };
        let exists = path.exists();
        if exists {
            if path.is_dir() {
                return Err(cannot("这是一个文件夹，不是数据库文件".into()));
            }
            let mut header = [0u8; 16];
            let mut file = std::fs::File::open(path).map_err(|e| cannot(e.to_string()))?;
            let len = file.metadata().map_err(|e| cannot(e.to_string()))?.len();
            if len > 0 {
                let read = file.read(&mut header).map_err(|e| cannot(e.to_string()))?;
                if read < 16 || &header != SQLITE_MAGIC {
                    return Err(StoreError::NotOurs {
                        path: path.to_path_buf(),
                    });
                }
            }
        } else if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| cannot(e.to_string()))?;
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if !exists {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(|e| cannot(e.to_string()))?;
        Self::prepare(conn, Some(path.to_path_buf()), clock)
    }

    /// A fresh database in memory (tests and benchmarks).
    pub fn open_in_memory(clock: SharedClock) -> StoreResult<Self> {
        let conn = Connection::open_in_memory()?;
        Self::prepare(conn, None, clock)
    }

    fn prepare(conn: Connection, path: Option<PathBuf>, clock: SharedClock) -> StoreResult<Self> {
        let shown = path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let classify = |e: rusqlite::Error| -> StoreError {
            match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                    StoreError::Damaged {
                        path: shown.clone(),
                        detail: e.to_string(),
                    }
                }
                _ => StoreError::from(e),
            }
        };
        let read_header = |conn: &Connection| -> rusqlite::Result<(i64, i64, i64)> {
            let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
            let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            let objects: i64 =
                conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
            Ok((app, version, objects))
        };
        let (app, version, objects) = read_header(&conn).map_err(classify)?;
        let is_new = app == 0 && version == 0 && objects == 0;
        if !is_new && app != APPLICATION_ID {
            return Err(StoreError::NotOurs { path: shown });
        }
        let latest = latest_version();
        if version > latest {
            return Err(StoreError::TooNew {
                path: shown,
                found: version,
                supported: latest,
            });
        }
        if !is_new {
            let check: String = conn
                .query_row("PRAGMA quick_check", [], |r| r.get(0))
                .map_err(classify)?;
            if check != "ok" {
                return Err(StoreError::Damaged {
                    path: shown,
                    detail: check,
                });
            }
        }
        if path.is_some() {
            let mode: String = conn
                .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
                .map_err(classify)?;
            tracing::debug!("journal mode {mode}");
        }
        conn.execute_batch("PRAGMA foreign_keys=ON;")?;
        let mut store = Self { conn, path, clock };
        store.migrate()?;
        Ok(store)
    }

    /// Runs the schema sections the file lacks, in one transaction.
    fn migrate(&mut self) -> StoreResult<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let mut reached = current;
        for (version, sql) in schema_versions() {
            if version > current {
                tx.execute_batch(sql)?;
                reached = version;
            }
        }
        if reached != current {
            tx.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {reached};"
            ))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The database file, or `None` for an in-memory database.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The file's schema version.
    pub fn schema_version(&self) -> StoreResult<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Sets how long a write waits for another copy of the program.
    pub fn set_busy_timeout(&self, timeout: Duration) -> StoreResult<()> {
        self.conn.busy_timeout(timeout)?;
        Ok(())
    }

    /// Bulk loading (the demo generator): commits without waiting for the disk. Only for
    /// filling a new file; turned off again afterwards.
    pub fn set_bulk_mode(&self, on: bool) -> StoreResult<()> {
        self.conn.execute_batch(if on {
            "PRAGMA synchronous=OFF;"
        } else {
            "PRAGMA synchronous=FULL;"
        })?;
        Ok(())
    }

    /// Replaces the clock (the demo generator walks a clock through its history).
    pub fn set_clock(&mut self, clock: SharedClock) {
        self.clock = clock;
    }

    /// The store's clock.
    #[must_use]
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// Now, as stored in every record.
    fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    /// Today's date at the office.
    #[must_use]
    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    fn now_stamp(&self) -> String {
        stamp(self.now())
    }

    /// Starts the transaction of one user action. Immediate, so a busy file is found at the
    /// start rather than halfway.
    fn begin(&mut self) -> StoreResult<Transaction<'_>> {
        Ok(self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?)
    }

    /// Runs SQLite's full integrity check; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> StoreResult<()> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(StoreError::Damaged {
                path: self.path.clone().unwrap_or_default(),
                detail: rows.join("; "),
            })
        }
    }
}

/// Formats a date the way records store it.
#[must_use]
pub fn date_str(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_sections_are_numbered_from_one_without_gaps() {
        let versions: Vec<i64> = schema_versions().iter().map(|(v, _)| *v).collect();
        let expected: Vec<i64> = (1..=latest_version()).collect();
        assert_eq!(versions, expected);
    }
}
