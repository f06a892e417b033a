//! Writing the desk's records out for others: the archive workbook (and, later, the
//! month-end archive).

mod archive_xlsx;
mod arrears_xlsx;
mod month;
mod repairs_xlsx;

pub use archive_xlsx::write_archive_workbook;
pub use arrears_xlsx::write_arrears_workbook;
pub use month::{MonthExport, export_month};
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
