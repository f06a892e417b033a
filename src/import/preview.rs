//! The preview of an owner roster: the file's rows checked on their own and against the
//! archive, each with its verdict. The window and `import-owners` both use it.

use crate::domain::roster::{RosterCheck, check_roster};
use crate::store::Store;
use std::path::Path;

/// Reads and checks a roster file against the archive: every row with its verdict. Writes
/// nothing.
pub fn preview_roster(store: &Store, path: &Path) -> Result<Vec<RosterCheck>, String> {
    let table = super::read_table(path).map_err(|e| e.to_string())?;
    let mut checks = check_roster(&table)?;
    store
        .check_roster_against_archive(&mut checks)
        .map_err(|e| e.to_string())?;
    Ok(checks)
}
