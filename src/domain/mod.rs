//! Pure rules of the desk: validation, codes, areas, names. No I/O here.

pub mod area;
pub mod fees;
pub mod forms;
pub mod idcard;
pub mod kinds;
pub mod meters;
pub mod money;
pub mod phone;
pub mod pinyin;
pub mod plate;
pub mod roster;
pub mod search;
pub mod unit_code;
