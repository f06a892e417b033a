//! The integration tests of wuye-desk, in one test program so that the desk is built and
//! linked once for all of them. Each module is one area of the desk; `cargo test <area>`
//! runs one area.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod archive_store;
mod backup;
mod cli;
mod cli_export;
mod complaints_store;
mod crash;
mod documents;
mod export;
mod fees_store;
mod import;
mod keys_store;
mod meters_store;
mod month_close;
mod month_export;
mod reception_store;
mod repairs_store;
mod store_open;
mod ui_archive;
mod ui_backup;
mod ui_complaints;
mod ui_fees;
mod ui_keys;
mod ui_meters;
mod ui_month_end;
mod ui_reception;
mod ui_repairs;
