//! A month of repair orders as an Excel workbook: 汇总 (by category and by state, with the
//! average minutes to complete), 明细 (every order of the month) and 转入下月 (orders still
//! open).

use super::ExportError;
use crate::store::{RepairMonthSummary, RepairRow, RepairSummaryLine};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

fn row_index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn header(
    sheet: &mut Worksheet,
    row: u32,
    bold: &Format,
    titles: &[(&str, f64)],
) -> Result<(), XlsxError> {
    for (col, (title, width)) in (0u16..).zip(titles) {
        sheet.write_string_with_format(row, col, *title, bold)?;
        sheet.set_column_width(col, *width)?;
    }
    Ok(())
}

fn lines(
    sheet: &mut Worksheet,
    start: u32,
    bold: &Format,
    title: &str,
    rows: &[RepairSummaryLine],
) -> Result<u32, XlsxError> {
    header(
        sheet,
        start,
        bold,
        &[
            (title, 14.0),
            ("单数", 10.0),
            ("已完工", 10.0),
            ("平均完工用时(分钟)", 20.0),
        ],
    )?;
    let mut r = start + 1;
    for l in rows {
        sheet.write_string(r, 0, &l.name)?;
        sheet.write_number(r, 1, l.orders as f64)?;
        sheet.write_number(r, 2, l.completed as f64)?;
        if let Some(m) = l.avg_minutes {
            sheet.write_number(r, 3, m as f64)?;
        }
        r += 1;
    }
    Ok(r + 1)
}

fn orders(sheet: &mut Worksheet, bold: &Format, rows: &[RepairRow]) -> Result<(), XlsxError> {
    header(
        sheet,
        0,
        bold,
        &[
            ("单号", 16.0),
            ("地点", 24.0),
            ("报修人", 10.0),
            ("电话", 14.0),
            ("类别", 10.0),
            ("内容", 30.0),
            ("报修时间", 18.0),
            ("维修人员", 10.0),
            ("状态", 8.0),
            ("完工时间", 18.0),
            ("维修费(元)", 12.0),
        ],
    )?;
    sheet.set_freeze_panes(1, 0)?;
    let money = Format::new().set_num_format("0.00");
    for (i, o) in rows.iter().enumerate() {
        let r = row_index(i + 1);
        sheet.write_string(r, 0, &o.number)?;
        sheet.write_string(r, 1, o.location())?;
        sheet.write_string(r, 2, &o.reporter)?;
        sheet.write_string(r, 3, &o.phone)?;
        sheet.write_string(r, 4, &o.category)?;
        sheet.write_string(r, 5, &o.description)?;
        sheet.write_string(r, 6, &o.reported_at)?;
        sheet.write_string(r, 7, &o.technician)?;
        sheet.write_string(r, 8, &o.state)?;
        sheet.write_string(r, 9, o.completed_at.as_deref().unwrap_or_default())?;
        if o.charge_fen > 0 {
            // Fen to yuan for display; the two-decimal format shows it exactly.
            sheet.write_number_with_format(r, 10, o.charge_fen as f64 / 100.0, &money)?;
        }
    }
    Ok(())
}

/// Adds the month's repair sheets to a workbook, named by `names`: the summary, every order
/// of the month, and the orders carried over.
pub(crate) fn add_repair_sheets(
    book: &mut Workbook,
    s: &RepairMonthSummary,
    office: &str,
    names: [&str; 3],
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name(names[0])?;
    sheet.write_string_with_format(
        0,
        0,
        format!("{office} 工程维修单月度汇总 {}", s.month),
        &bold,
    )?;
    sheet.write_string(1, 0, format!("维修单共 {} 张", s.orders.len()))?;
    let next = lines(sheet, 3, &bold, "类别", &s.by_category)?;
    lines(sheet, next, &bold, "状态", &s.by_state)?;
    let sheet = book.add_worksheet().set_name(names[1])?;
    orders(sheet, &bold, &s.orders)?;
    let sheet = book.add_worksheet().set_name(names[2])?;
    orders(sheet, &bold, &s.carried_over)?;
    Ok(())
}

/// Writes the month's repair workbook to `path` (through a temporary name).
///
/// # Errors
/// [`ExportError::Write`] when the workbook cannot be written.
pub fn write_repairs_workbook(
    summary: &RepairMonthSummary,
    office: &str,
    path: &Path,
) -> Result<(), ExportError> {
    let mut book = Workbook::new();
    add_repair_sheets(&mut book, summary, office, ["汇总", "明细", "转入下月"])
        .map_err(|e| super::write_failed(path, &e))?;
    super::save_book(&mut book, path)
}
