//! wuye-desk (物业前台): the front desk program of a residential property office.
//!
//! Layers point one way: `ui` → `store` / `print` / `export` / `import` → `domain`.
//! Only `ui` uses egui; only `store` (and the snapshot part of `export`) speaks SQL.

pub mod clock;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod export;
pub mod import;
pub mod print;
pub mod store;
pub mod ui;
