//! The owner archive as an Excel workbook: 房屋, 住户 (current and past), 车辆, 卡片.
//! ID numbers are masked, as in every list and print.

use super::ExportError;
use crate::domain::area::format_area;
use crate::domain::idcard::mask_id_number;
use crate::store::ArchiveExportRows;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

fn header(sheet: &mut Worksheet, bold: &Format, titles: &[(&str, f64)]) -> Result<(), XlsxError> {
    for (col, (title, width)) in (0u16..).zip(titles) {
        sheet.write_string_with_format(0, col, *title, bold)?;
        sheet.set_column_width(col, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn row_index(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

fn build(rows: &ArchiveExportRows, office: &str) -> Result<Workbook, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let area_format = Format::new().set_num_format("0.00");

    let sheet = book.add_worksheet().set_name("房屋")?;
    header(
        sheet,
        &bold,
        &[
            ("房号", 18.0),
            ("楼栋", 10.0),
            ("类型", 8.0),
            ("建筑面积(㎡)", 13.0),
            ("状态", 8.0),
            ("业主", 16.0),
            ("业主电话", 15.0),
            ("备注", 20.0),
        ],
    )?;
    for (i, u) in rows.units.iter().enumerate() {
        let r = row_index(i);
        sheet.write_string(r, 0, &u.code)?;
        sheet.write_string(r, 1, &u.building)?;
        sheet.write_string(r, 2, &u.kind)?;
        if let Some(area) = u.area_centi_m2 {
            // Hundredths of m² to a number with two decimals; exact for the display format.
            let value: f64 = format_area(area).parse().unwrap_or_default();
            sheet.write_number_with_format(r, 3, value, &area_format)?;
        }
        sheet.write_string(r, 4, &u.status)?;
        sheet.write_string(r, 5, &u.owners)?;
        sheet.write_string(r, 6, &u.owner_phone)?;
        sheet.write_string(r, 7, &u.note)?;
    }

    let sheet = book.add_worksheet().set_name("住户")?;
    header(
        sheet,
        &bold,
        &[
            ("房号", 18.0),
            ("身份", 6.0),
            ("姓名", 10.0),
            ("电话", 15.0),
            ("身份证号", 21.0),
            ("起始日期", 11.0),
            ("结束日期", 11.0),
            ("结束原因", 9.0),
        ],
    )?;
    for (i, (code, o)) in rows.people.iter().enumerate() {
        let r = row_index(i);
        sheet.write_string(r, 0, code)?;
        sheet.write_string(r, 1, &o.role)?;
        sheet.write_string(r, 2, &o.name)?;
        sheet.write_string(r, 3, &o.phone)?;
        sheet.write_string(r, 4, mask_id_number(&o.id_number))?;
        sheet.write_string(r, 5, &o.start_date)?;
        sheet.write_string(r, 6, o.end_date.as_deref().unwrap_or(""))?;
        sheet.write_string(r, 7, &o.end_reason)?;
    }

    let sheet = book.add_worksheet().set_name("车辆")?;
    header(
        sheet,
        &bold,
        &[
            ("房号", 18.0),
            ("车牌", 12.0),
            ("车位", 10.0),
            ("车主", 10.0),
            ("登记日期", 11.0),
            ("注销日期", 11.0),
        ],
    )?;
    for (i, (code, v)) in rows.vehicles.iter().enumerate() {
        let r = row_index(i);
        sheet.write_string(r, 0, code)?;
        sheet.write_string(r, 1, &v.plate)?;
        sheet.write_string(r, 2, &v.space)?;
        sheet.write_string(r, 3, &v.holder)?;
        sheet.write_string(r, 4, &v.start_date)?;
        sheet.write_string(r, 5, v.end_date.as_deref().unwrap_or(""))?;
    }

    let sheet = book.add_worksheet().set_name("卡片")?;
    header(
        sheet,
        &bold,
        &[
            ("房号", 18.0),
            ("种类", 11.0),
            ("编号", 10.0),
            ("持有人", 10.0),
            ("发放日期", 11.0),
            ("退还日期", 11.0),
        ],
    )?;
    for (i, (code, c)) in rows.cards.iter().enumerate() {
        let r = row_index(i);
        sheet.write_string(r, 0, code)?;
        sheet.write_string(r, 1, &c.kind)?;
        sheet.write_string(r, 2, &c.card_no)?;
        sheet.write_string(r, 3, &c.holder)?;
        sheet.write_string(r, 4, &c.issued_on)?;
        sheet.write_string(r, 5, c.returned_on.as_deref().unwrap_or(""))?;
    }
    let props = rust_xlsxwriter::DocProperties::new().set_title(format!("{office} 业户档案"));
    book.set_properties(&props);
    Ok(book)
}

/// Writes the archive workbook to `path` (through a temporary file, renamed at the end, so a
/// failed export never leaves a half-written file under the chosen name).
pub fn write_archive_workbook(
    rows: &ArchiveExportRows,
    office: &str,
    path: &Path,
) -> Result<(), ExportError> {
    let mut book = build(rows, office).map_err(|e| super::write_failed(path, &e))?;
    super::save_book(&mut book, path)
}
