//! Writing the desk's records out for others: the archive workbook (and, later, the
//! month-end archive).

mod archive_xlsx;
mod arrears_xlsx;
mod month;
mod readings_xlsx;
mod repairs_xlsx;

pub use archive_xlsx::write_archive_workbook;
pub use arrears_xlsx::write_arrears_workbook;
pub use month::{ExportStep, MonthExport, export_month};
pub use readings_xlsx::write_readings_workbook;
pub use repairs_xlsx::write_repairs_workbook;

/// Why an export failed. `Display` is Chinese and names the file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the records failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The workbook could not be written.
    #[error("无法写入 {path}：{detail}")]
    Write {
        /// The target file.
        path: std::path::PathBuf,
        /// Why.
        detail: String,
    },
}

/// The error for a file that could not be written, with the reason in the desk's words when
/// it is the disk: a read-only folder or a full disk.
pub(crate) fn write_failed(
    path: &std::path::Path,
    e: &(dyn std::error::Error + 'static),
) -> ExportError {
    ExportError::Write {
        path: path.to_path_buf(),
        detail: disk_reason(e).unwrap_or_else(|| e.to_string()),
    }
}

/// What a disk error means for the person, if it is one they can act on.
fn disk_reason(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cause {
        let io = err.downcast_ref::<std::io::Error>().or_else(|| match err
            .downcast_ref::<rust_xlsxwriter::XlsxError>()
        {
            Some(rust_xlsxwriter::XlsxError::IoError(io)) => Some(io),
            _ => None,
        });
        if let Some(reason) = io.and_then(crate::store::io_reason) {
            return Some(reason);
        }
        cause = err.source();
    }
    None
}

/// Saves a workbook to `path` through a temporary file renamed at the end, so a failure
/// never leaves a half-written workbook under the real name. Creates the folder if needed.
pub(crate) fn save_book(
    book: &mut rust_xlsxwriter::Workbook,
    path: &std::path::Path,
) -> Result<(), ExportError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| write_failed(path, &e))?;
    }
    let tmp = path.with_extension("xlsx.part");
    book.save(&tmp).map_err(|e| write_failed(path, &e))?;
    std::fs::rename(&tmp, path).map_err(|e| write_failed(path, &e))
}
