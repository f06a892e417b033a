//! The month-end archive (月末归档) export: one folder named after the office and month with
//! the month's workbook, its handover sheets, a consistent snapshot of the database and a
//! manifest of SHA-256 sums with the receipt chain's head, so finance can check later that
//! nothing was changed; and a .zip of the folder. Written under a temporary name and renamed
//! at the end, so a failed or cancelled export never looks complete.

use super::ExportError;
use crate::documents::handover_document;
use crate::domain::fees::Period;
use crate::domain::idcard::mask_id_number;
use crate::domain::money::yuan_plain;
use crate::store::{ARREARS_BUCKETS, Store, StoreError};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthExport {
    /// The archive folder.
    pub folder: PathBuf,
    /// The .zip of the folder.
    pub zip: PathBuf,
    /// (file name inside the folder, SHA-256 hex) for every file, as in the manifest.
    pub files: Vec<(String, String)>,
    /// The receipt chain's head hash at export time.
    pub chain_head: String,
    /// Receipts of the month (voided ones included).
    pub receipts: usize,
}

/// Why a month cannot be exported, in Chinese.
fn refuse(reason: String) -> ExportError {
    ExportError::Store(StoreError::Conflict(reason))
}

fn write_err(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError::Write {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

fn money(fen: i64) -> f64 {
    // Written from the exact fen text, so the cell shows the same amount.
    yuan_plain(fen).parse::<f64>().unwrap_or_default()
}

fn row(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

fn header(
    sheet: &mut rust_xlsxwriter::Worksheet,
    bold: &Format,
    titles: &[&str],
) -> Result<(), XlsxError> {
    for (c, t) in (0u16..).zip(titles) {
        sheet.write_string_with_format(0, c, *t, bold)?;
        sheet.set_column_width(c, 13.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn workbook(store: &Store, month: &Period) -> Result<(Workbook, usize), ExportError> {
    let (first, last) = (month.first_day(), month.last_day());
    let receipts = store.receipts_between(first, last)?;
    let arrears = store.arrears()?;
    let loans = store.key_loans_between(first, last)?;
    let stocktake = store
        .stocktakes()?
        .into_iter()
        .find(|(_, m, _)| *m == month.to_string())
        .map(|(id, _, _)| store.stocktake(id))
        .transpose()?;
    let build = || -> Result<Workbook, XlsxError> {
        let mut book = Workbook::new();
        let bold = Format::new().set_bold();
        let fmt = Format::new().set_num_format("#,##0.00");

        let sheet = book.add_worksheet().set_name("收款明细")?;
        header(
            sheet,
            &bold,
            &[
                "收据号",
                "日期",
                "时间",
                "房号",
                "交款人",
                "方式",
                "实收",
                "预存抵扣",
                "收款人",
                "状态",
                "作废原因",
            ],
        )?;
        for (i, r) in receipts.iter().enumerate() {
            let n = row(i);
            sheet.write_string(n, 0, &r.number)?;
            sheet.write_string(n, 1, &r.business_date)?;
            sheet.write_string(n, 2, r.created_at.get(11..16).unwrap_or(""))?;
            sheet.write_string(n, 3, &r.unit_code)?;
            sheet.write_string(n, 4, &r.payer)?;
            sheet.write_string(n, 5, &r.method)?;
            sheet.write_number_with_format(n, 6, money(r.received_fen), &fmt)?;
            sheet.write_number_with_format(n, 7, money(r.balance_used_fen), &fmt)?;
            sheet.write_string(n, 8, &r.operator)?;
            sheet.write_string(n, 9, if r.void.is_some() { "作废" } else { "有效" })?;
            sheet.write_string(n, 10, r.void.as_ref().map_or("", |v| v.2.as_str()))?;
        }

        let sheet = book.add_worksheet().set_name("日结")?;
        header(
            sheet,
            &bold,
            &[
                "日期",
                "有效收据",
                "作废收据",
                "合计",
                "现金应有",
                "日结时间",
                "日结人",
                "现金实点",
            ],
        )?;
        let mut day = first;
        let mut i = 0;
        while day <= last {
            let summary = store
                .day_summary(day)
                .map_err(|e| XlsxError::ParameterError(e.to_string()))?;
            if !summary.receipts.is_empty() {
                let n = row(i);
                let voided = summary.receipts.iter().filter(|r| r.void.is_some()).count();
                sheet.write_string(n, 0, &summary.date)?;
                sheet.write_number(
                    n,
                    1,
                    u32::try_from(summary.receipts.len() - voided).unwrap_or(0),
                )?;
                sheet.write_number(n, 2, u32::try_from(voided).unwrap_or(0))?;
                sheet.write_number_with_format(n, 3, money(summary.total_fen), &fmt)?;
                sheet.write_number_with_format(n, 4, money(summary.cash_expected_fen), &fmt)?;
                if let Some((at, by, counted)) = &summary.closed {
                    sheet.write_string(n, 5, at)?;
                    sheet.write_string(n, 6, by)?;
                    sheet.write_number_with_format(n, 7, money(*counted), &fmt)?;
                }
                i += 1;
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }

        let sheet = book.add_worksheet().set_name("欠费")?;
        let mut titles = vec!["楼栋", "房号", "业主", "电话", "最早到期", "欠费合计"];
        titles.extend(ARREARS_BUCKETS);
        header(sheet, &bold, &titles)?;
        for (i, a) in arrears.iter().enumerate() {
            let n = row(i);
            sheet.write_string(n, 0, &a.building)?;
            sheet.write_string(n, 1, &a.unit_code)?;
            sheet.write_string(n, 2, &a.owner)?;
            sheet.write_string(n, 3, &a.phone)?;
            sheet.write_string(n, 4, &a.oldest_due)?;
            sheet.write_number_with_format(n, 5, money(a.total_fen), &fmt)?;
            for (c, b) in (6u16..).zip(a.buckets_fen) {
                sheet.write_number_with_format(n, c, money(b), &fmt)?;
            }
        }

        let sheet = book.add_worksheet().set_name("钥匙借用")?;
        header(
            sheet,
            &bold,
            &[
                "房号",
                "钥匙",
                "借用人",
                "关系",
                "身份证号",
                "用途",
                "核验",
                "借出",
                "应还",
                "归还",
                "接收人",
            ],
        )?;
        for (i, l) in loans.iter().enumerate() {
            let n = row(i);
            sheet.write_string(n, 0, &l.unit_code)?;
            sheet.write_string(n, 1, &l.label)?;
            sheet.write_string(n, 2, &l.borrower)?;
            sheet.write_string(n, 3, &l.relation)?;
            sheet.write_string(n, 4, mask_id_number(&l.id_number))?;
            sheet.write_string(n, 5, &l.purpose)?;
            sheet.write_string(n, 6, &l.identity_check)?;
            sheet.write_string(n, 7, &l.out_at)?;
            sheet.write_string(n, 8, &l.due_on)?;
            sheet.write_string(n, 9, l.returned.as_ref().map_or("未还", |r| r.0.as_str()))?;
            sheet.write_string(n, 10, l.returned.as_ref().map_or("", |r| r.1.as_str()))?;
        }

        let sheet = book.add_worksheet().set_name("盘点")?;
        header(sheet, &bold, &["项目", "应有", "实点", "差异", "说明"])?;
        if let Some(st) = &stocktake {
            for (i, line) in st.lines.iter().enumerate() {
                let n = row(i);
                sheet.write_string(n, 0, format!("{} {}", line.kind, line.label))?;
                sheet.write_number(n, 1, u32::try_from(line.expected).unwrap_or(0))?;
                sheet.write_number(n, 2, u32::try_from(line.counted).unwrap_or(0))?;
                sheet.write_number(n, 3, i32::try_from(line.difference()).unwrap_or(0))?;
                sheet.write_string(n, 4, &line.note)?;
            }
        }
        Ok(book)
    };
    let book = build().map_err(|e| write_err(Path::new("月末归档.xlsx"), e))?;
    Ok((book, receipts.len()))
}

fn sha256_file(path: &Path) -> Result<String, ExportError> {
    let bytes = std::fs::read(path).map_err(|e| write_err(path, e))?;
    Ok(Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Exports `month` (a month period like `2026-10`) into `out_dir`. The month must be over
/// and every day with receipts in it closed. `progress(step)` returning false cancels.
pub fn export_month(
    store: &Store,
    month: &Period,
    out_dir: &Path,
    progress: &dyn Fn(&str) -> bool,
) -> Result<MonthExport, ExportError> {
    if month.months() != 1 {
        return Err(refuse("月末归档按月导出，请写成 2026-10 这样的月份".into()));
    }
    if month.last_day() >= store.today() {
        return Err(refuse(format!("{} 还没有过完，不能归档", month.label())));
    }
    let open_days: Vec<String> = store
        .unclosed_days()?
        .into_iter()
        .filter(|d| d.starts_with(&month.to_string()))
        .collect();
    if !open_days.is_empty() {
        return Err(refuse(format!(
            "这些日子还没有日结：{}",
            open_days.join("、")
        )));
    }
    let office = store.office()?.unwrap_or_default();
    let name = format!("{}-{}-月末归档", office.name, month);
    let folder = out_dir.join(&name);
    let zip_path = out_dir.join(format!("{name}.zip"));
    if folder.exists() || zip_path.exists() {
        return Err(refuse(format!(
            "{} 已经导出过了：{}",
            month.label(),
            folder.display()
        )));
    }
    let part = out_dir.join(format!("{name}.part"));
    if part.exists() {
        std::fs::remove_dir_all(&part).map_err(|e| write_err(&part, e))?;
    }
    std::fs::create_dir_all(&part).map_err(|e| write_err(&part, e))?;
    let result = write_folder(store, month, &part, progress);
    let (receipts, chain_head) = match result {
        Ok(done) => done,
        Err(e) => {
            if let Err(clean) = std::fs::remove_dir_all(&part) {
                tracing::warn!("could not remove {}: {clean}", part.display());
            }
            return Err(e);
        }
    };
    let mut files = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(&part)
        .map_err(|e| write_err(&part, e))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for file in &names {
        files.push((file.clone(), sha256_file(&part.join(file))?));
    }
    let mut manifest = format!(
        "物业：{}\n月份：{}\n导出时间：{}\n收据：{} 张\n收据链尾哈希：{chain_head}\n\nSHA-256  文件\n",
        office.name,
        month,
        crate::clock::stamp(store.clock().now()),
        receipts
    );
    for (file, sum) in &files {
        manifest.push_str(&format!("{sum}  {file}\n"));
    }
    let manifest_path = part.join("manifest.txt");
    std::fs::write(&manifest_path, manifest).map_err(|e| write_err(&manifest_path, e))?;
    std::fs::rename(&part, &folder).map_err(|e| write_err(&folder, e))?;
    write_zip(&folder, &zip_path)?;
    Ok(MonthExport {
        folder,
        zip: zip_path,
        files,
        chain_head,
        receipts,
    })
}

fn write_folder(
    store: &Store,
    month: &Period,
    dir: &Path,
    progress: &dyn Fn(&str) -> bool,
) -> Result<(usize, String), ExportError> {
    let cancelled = || refuse("已取消导出".into());
    if !progress("工作簿") {
        return Err(cancelled());
    }
    let (mut book, receipts) = workbook(store, month)?;
    let book_path = dir.join(format!("{month}-月末归档.xlsx"));
    book.save(&book_path)
        .map_err(|e| write_err(&book_path, e))?;
    let mut day = month.first_day();
    while day <= month.last_day() {
        if !store.receipts_on(day)?.is_empty() {
            if !progress(&format!("移交表 {day}")) {
                return Err(cancelled());
            }
            let pdf = handover_document(store, day, None).map_err(|e| refuse(e.to_string()))?;
            let path = dir.join(format!("费用移交表-{day}.pdf"));
            std::fs::write(&path, pdf).map_err(|e| write_err(&path, e))?;
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    if !progress("数据库快照") {
        return Err(cancelled());
    }
    store.backup_to(&dir.join("数据库快照.sqlite"))?;
    let head = match store.verify_receipts()? {
        Ok(head) => head.head_hash,
        Err(b) => {
            return Err(refuse(format!(
                "收据链断在第 {} 张收据 {}：{}，不能归档",
                b.seq, b.number, b.reason
            )));
        }
    };
    Ok((receipts, head))
}

fn write_zip(folder: &Path, zip_path: &Path) -> Result<(), ExportError> {
    let tmp = zip_path.with_extension("zip.part");
    let file = std::fs::File::create(&tmp).map_err(|e| write_err(&tmp, e))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default();
    let base = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut names: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| write_err(folder, e))?
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    for path in names {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        zip.start_file(format!("{base}/{name}"), options)
            .map_err(|e| write_err(&tmp, e))?;
        let bytes = std::fs::read(&path).map_err(|e| write_err(&path, e))?;
        zip.write_all(&bytes).map_err(|e| write_err(&tmp, e))?;
    }
    zip.finish().map_err(|e| write_err(&tmp, e))?;
    std::fs::rename(&tmp, zip_path).map_err(|e| write_err(zip_path, e))
}
