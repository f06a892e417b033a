//! A month's meter readings (抄表) as a workbook sheet: every meter in use, read or not, with
//! its last and this reading, usage, state and who entered it.

use super::ExportError;
use crate::domain::fees::Period;
use crate::domain::kinds::ReadingState;
use crate::domain::meters::{flags_text, format_milli};
use crate::store::MonthReadingRow;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::path::Path;

/// The sheet's columns.
const TITLES: [&str; 15] = [
    "楼栋",
    "房号/表名",
    "表类",
    "表号",
    "位置",
    "倍率",
    "上次读数",
    "本期读数",
    "用量",
    "单位",
    "抄表日期",
    "状态",
    "说明",
    "录入人",
    "计费",
];

fn number(milli: i64) -> f64 {
    format_milli(milli).parse::<f64>().unwrap_or_default()
}

/// Adds the sheet 抄表 to a workbook.
pub(crate) fn add_readings_sheet(
    book: &mut Workbook,
    rows: &[MonthReadingRow],
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name("抄表")?;
    for (c, t) in (0u16..).zip(TITLES) {
        sheet.write_string_with_format(0, c, t, &bold)?;
        sheet.set_column_width(c, 11.0)?;
    }
    sheet.set_column_width(1, 16.0)?;
    sheet.set_column_width(12, 30.0)?;
    sheet.set_freeze_panes(1, 0)?;
    for (i, r) in rows.iter().enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let m = &r.row.meter;
        sheet.write_string(n, 0, &m.building)?;
        sheet.write_string(n, 1, m.label())?;
        sheet.write_string(n, 2, m.kind.meter_name())?;
        sheet.write_string(n, 3, &m.number)?;
        sheet.write_string(n, 4, &m.location)?;
        sheet.write_number(n, 5, u32::try_from(m.spec.multiplier).unwrap_or(1))?;
        sheet.write_number(n, 6, number(r.row.last_milli))?;
        let flags = flags_text(&r.row.flags());
        let mut notes: Vec<String> = (!flags.is_empty()).then_some(flags).into_iter().collect();
        if let Some(t) = &r.row.tail {
            notes.push(format!(
                "含旧表 {} {}→{}",
                t.number,
                format_milli(t.last_milli),
                format_milli(t.final_milli)
            ));
        }
        let state = match &r.row.reading {
            Some(reading) => {
                sheet.write_number(n, 7, number(reading.value_milli))?;
                sheet.write_string(n, 10, &reading.read_on)?;
                if let Some(from) = reading.corrected_from {
                    notes.push(format!("已更正，原读数 {}", format_milli(from)));
                }
                if reading.rollover {
                    notes.push("翻表".into());
                }
                if reading.state == ReadingState::Recheck {
                    notes.push(reading.note.clone());
                    "待复核"
                } else {
                    "已抄"
                }
            }
            None => "未抄",
        };
        if let Ok(u) = r.usage {
            sheet.write_number(n, 8, number(u))?;
        }
        sheet.write_string(n, 9, m.kind.usage_unit())?;
        sheet.write_string(n, 11, state)?;
        sheet.write_string(n, 12, notes.join("；"))?;
        sheet.write_string(n, 13, &r.entered_by)?;
        if let Some(p) = r
            .row
            .reading
            .as_ref()
            .and_then(|x| x.billed_period.as_ref())
        {
            sheet.write_string(n, 14, p)?;
        }
    }
    Ok(())
}

/// Writes a month's readings to `path` (through a temporary file, renamed at the end).
pub fn write_readings_workbook(
    path: &Path,
    month: &Period,
    rows: &[MonthReadingRow],
) -> Result<(), ExportError> {
    let mut book = Workbook::new();
    add_readings_sheet(&mut book, rows).map_err(|e| super::write_failed(path, &e))?;
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new().set_title(format!("{month} 抄表读数")),
    );
    super::save_book(&mut book, path)
}
