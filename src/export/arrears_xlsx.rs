//! The arrears list (欠费) as an Excel workbook for the supervisor and finance.

use super::ExportError;
use crate::domain::money::yuan_plain;
use crate::store::{ARREARS_BUCKETS, ArrearsRow};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::path::Path;

fn build(rows: &[ArrearsRow], office: &str) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let sheet = book.add_worksheet().set_name("欠费明细")?;
    let mut headers = vec!["楼栋", "房号", "业主", "电话", "最早到期", "欠费合计"];
    headers.extend(ARREARS_BUCKETS);
    for (c, h) in (0u16..).zip(&headers) {
        sheet.write_string_with_format(0, c, *h, &bold)?;
        sheet.set_column_width(c, 13.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        sheet.write_string(row, 0, &r.building)?;
        sheet.write_string(row, 1, &r.unit_code)?;
        sheet.write_string(row, 2, &r.owner)?;
        sheet.write_string(row, 3, &r.phone)?;
        sheet.write_string(row, 4, &r.oldest_due)?;
        // Figures are written from the exact fen text, so the cell shows the same amount.
        let cell = |fen: i64| yuan_plain(fen).parse::<f64>().unwrap_or_default();
        sheet.write_number_with_format(row, 5, cell(r.total_fen), &money)?;
        for (c, b) in (6u16..).zip(r.buckets_fen) {
            sheet.write_number_with_format(row, c, cell(b), &money)?;
        }
    }
    let sheet = book.add_worksheet().set_name("按楼栋")?;
    for (c, h) in (0u16..).zip(["楼栋", "欠费户数", "欠费合计"]) {
        sheet.write_string_with_format(0, c, h, &bold)?;
        sheet.set_column_width(c, 14.0)?;
    }
    let mut buildings: Vec<(String, usize, i64)> = Vec::new();
    for r in rows {
        match buildings.iter_mut().find(|b| b.0 == r.building) {
            Some(b) => {
                b.1 += 1;
                b.2 += r.total_fen;
            }
            None => buildings.push((r.building.clone(), 1, r.total_fen)),
        }
    }
    for (i, (b, n, fen)) in buildings.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        sheet.write_string(row, 0, b)?;
        sheet.write_number(row, 1, u32::try_from(*n).unwrap_or(u32::MAX))?;
        sheet.write_number_with_format(
            row,
            2,
            yuan_plain(*fen).parse::<f64>().unwrap_or_default(),
            &money,
        )?;
    }
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_title(format!("{office} 欠费")));
    Ok(book)
}

/// Writes the arrears workbook to `path` (through a temporary file, renamed at the end).
pub fn write_arrears_workbook(
    rows: &[ArrearsRow],
    office: &str,
    path: &Path,
) -> Result<(), ExportError> {
    let mut book = build(rows, office).map_err(|e| super::write_failed(path, &e))?;
    super::save_book(&mut book, path)
}
