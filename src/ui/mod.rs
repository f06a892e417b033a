//! The window: the only place that uses egui.

pub mod app;
pub mod archive;
pub mod archive_forms;
pub mod archive_import;
pub mod complaints;
pub mod date_picker;
pub mod desk_registers;
pub mod fees;
pub mod fees_admin;
pub mod fonts;
pub mod keys;
pub mod meters;
pub mod meters_admin;
pub mod month_end;
pub mod reception;
pub mod repairs;
pub mod search_box;
pub mod settings;
pub mod start;
pub mod theme;
pub mod ticket;
pub mod toast;
pub mod todo;
pub mod widgets;

pub use app::{DeskApp, Tab, setup_context};
