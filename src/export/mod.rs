//! Writing the desk's records out for others: the archive workbook (and, later, the
//! month-end archive).

mod archive_xlsx;
mod arrears_xlsx;
mod month;
mod readings_xlsx;
mod repairs_xlsx;

pub use archive_xlsx::write_archive_workbook;
pub use arrears_xlsx::write_arrears_workbook;
pub use month::{MonthExport, export_month};
pub use readings_xlsx::write_readings_workbook;
pub use repairs_xlsx::write_repairs_workbook;

/// Why an export failed. `Display` is Chinese and names the file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the records failed.
    #[error("{0}")]
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

/// The error for a file that could not be written.
pub(crate) fn write_failed(path: &std::path::Path, e: &dyn std::fmt::Display) -> ExportError {
    ExportError::Write {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
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
