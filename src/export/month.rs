//! The month-end archive (月末归档) export: one folder named after the office and month with
//! the month's workbook (collections, daily handovers, month-end arrears, meter readings,
//! repair orders with the monthly summary, complaints and callbacks, reception records, key
//! loans and the stock-take), its PDFs (handover sheets, repair summary, stock-take), a
//! consistent snapshot of the database and a manifest of SHA-256 sums with the receipt chain's
//! head, so finance can check later that nothing was changed; and a .zip of the folder.
//!
//! Only a closed month (月末结账) is exported, so its figures can no longer change. Everything
//! is written under temporary names and renamed at the end: a failed or cancelled export
//! never leaves anything that looks complete.

use super::ExportError;
use crate::documents::{handover_document, stocktake_print, summary_print};
use crate::domain::fees::Period;
use crate::domain::idcard::mask_id_number;
use crate::domain::money::yuan_plain;
use crate::print::repair_summary::repair_summary_pdf;
use crate::print::stocktake::stocktake_pdf;
use crate::store::{ARREARS_BUCKETS, Store, StoreError};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
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

/// How far an export is: steps done of the steps there are, and what it is doing now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportStep {
    /// Steps finished.
    pub done: usize,
    /// Steps in all.
    pub total: usize,
    /// What is being written now, in Chinese.
    pub what: String,
}

impl ExportStep {
    /// The share done, 0.0 to 1.0.
    #[must_use]
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            0.0
        } else {
            self.done as f32 / self.total as f32
        }
    }
}

/// Why a month cannot be exported, in Chinese.
fn refuse(reason: String) -> ExportError {
    ExportError::Store(StoreError::Conflict(reason))
}

fn cancelled() -> ExportError {
    refuse("已取消导出，没有留下导出的文件".into())
}

fn money(fen: i64) -> f64 {
    // Written from the exact fen text, so the cell shows the same amount.
    yuan_plain(fen).parse::<f64>().unwrap_or_default()
}

fn row(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn header(sheet: &mut Worksheet, bold: &Format, titles: &[&str]) -> Result<(), XlsxError> {
    for (c, t) in (0u16..).zip(titles) {
        sheet.write_string_with_format(0, c, *t, bold)?;
        sheet.set_column_width(c, 13.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

/// Everything the workbook shows, read from the store before it is laid out.
struct MonthRecords {
    receipts: Vec<crate::store::ReceiptRow>,
    days: Vec<crate::store::DaySummary>,
    arrears: Vec<crate::store::ArrearsRow>,
    readings: Vec<crate::store::MonthReadingRow>,
    repairs: crate::store::RepairMonthSummary,
    complaints: Vec<(
        crate::store::ComplaintRow,
        Option<crate::store::ComplaintEntryRow>,
    )>,
    reception: Vec<crate::store::ReceptionRow>,
    loans: Vec<crate::store::KeyLoanRow>,
    stocktake: Option<crate::store::Stocktake>,
}

impl MonthRecords {
    fn read(store: &Store, month: &Period) -> Result<Self, ExportError> {
        let (first, last) = (month.first_day(), month.last_day());
        let mut days = Vec::new();
        let mut day = first;
        while day <= last {
            let summary = store.day_summary(day)?;
            if !summary.receipts.is_empty() {
                days.push(summary);
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        let stocktake = store
            .stocktakes()?
            .into_iter()
            .find(|(_, m, _)| *m == month.to_string())
            .map(|(id, _, _)| store.stocktake(id))
            .transpose()?;
        Ok(Self {
            receipts: store.receipts_between(first, last)?,
            days,
            arrears: store.arrears_on(last)?,
            readings: store.month_readings(month)?,
            repairs: store.repair_month_summary(&month.to_string())?,
            complaints: store.complaints_between(first, last)?,
            reception: store.reception_between(first, last)?,
            loans: store.key_loans_between(first, last)?,
            stocktake,
        })
    }
}

fn workbook(r: &MonthRecords, office: &str) -> Result<Workbook, XlsxError> {
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
    for (i, x) in r.receipts.iter().enumerate() {
        let n = row(i);
        sheet.write_string(n, 0, &x.number)?;
        sheet.write_string(n, 1, &x.business_date)?;
        sheet.write_string(n, 2, x.created_at.get(11..16).unwrap_or(""))?;
        sheet.write_string(n, 3, &x.unit_code)?;
        sheet.write_string(n, 4, &x.payer)?;
        sheet.write_string(n, 5, &x.method)?;
        sheet.write_number_with_format(n, 6, money(x.received_fen), &fmt)?;
        sheet.write_number_with_format(n, 7, money(x.balance_used_fen), &fmt)?;
        sheet.write_string(n, 8, &x.operator)?;
        sheet.write_string(n, 9, if x.void.is_some() { "作废" } else { "有效" })?;
        sheet.write_string(n, 10, x.void.as_ref().map_or("", |v| v.2.as_str()))?;
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
    for (i, d) in r.days.iter().enumerate() {
        let n = row(i);
        let voided = d.receipts.iter().filter(|x| x.void.is_some()).count();
        sheet.write_string(n, 0, &d.date)?;
        sheet.write_number(n, 1, count(d.receipts.len() - voided))?;
        sheet.write_number(n, 2, count(voided))?;
        sheet.write_number_with_format(n, 3, money(d.total_fen), &fmt)?;
        sheet.write_number_with_format(n, 4, money(d.cash_expected_fen), &fmt)?;
        if let Some((at, by, counted)) = &d.closed {
            sheet.write_string(n, 5, at)?;
            sheet.write_string(n, 6, by)?;
            sheet.write_number_with_format(n, 7, money(*counted), &fmt)?;
        }
    }

    let sheet = book.add_worksheet().set_name("月末欠费")?;
    let mut titles = vec!["楼栋", "房号", "业主", "电话", "最早到期", "欠费合计"];
    titles.extend(ARREARS_BUCKETS);
    header(sheet, &bold, &titles)?;
    for (i, a) in r.arrears.iter().enumerate() {
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

    super::readings_xlsx::add_readings_sheet(&mut book, &r.readings)?;
    super::repairs_xlsx::add_repair_sheets(
        &mut book,
        &r.repairs,
        office,
        ["维修汇总", "维修单", "维修转入下月"],
    )?;

    let sheet = book.add_worksheet().set_name("投诉与回访")?;
    header(
        sheet,
        &bold,
        &[
            "编号",
            "受理时间",
            "房号",
            "投诉人",
            "电话",
            "类别",
            "内容",
            "重大",
            "部门",
            "处理人",
            "状态",
            "解决时间",
            "回访时间",
            "回访结果",
            "满意度",
            "关闭时间",
        ],
    )?;
    for (i, (c, callback)) in r.complaints.iter().enumerate() {
        let n = row(i);
        sheet.write_string(n, 0, &c.number)?;
        sheet.write_string(n, 1, &c.received_at)?;
        sheet.write_string(n, 2, &c.unit_code)?;
        sheet.write_string(n, 3, &c.person)?;
        sheet.write_string(n, 4, &c.phone)?;
        sheet.write_string(n, 5, &c.category)?;
        sheet.write_string(n, 6, &c.content)?;
        sheet.write_string(n, 7, if c.serious { "是" } else { "" })?;
        sheet.write_string(n, 8, &c.department)?;
        sheet.write_string(n, 9, &c.handler)?;
        sheet.write_string(n, 10, &c.state)?;
        sheet.write_string(n, 11, c.resolved_at.as_deref().unwrap_or(""))?;
        if let Some(cb) = callback {
            sheet.write_string(n, 12, &cb.at)?;
            sheet.write_string(n, 13, &cb.text)?;
            if let Some(s) = cb.satisfaction {
                sheet.write_number(n, 14, u32::try_from(s).unwrap_or(0))?;
            }
        }
        sheet.write_string(n, 15, c.closed_at.as_deref().unwrap_or(""))?;
    }

    let sheet = book.add_worksheet().set_name("前台接待")?;
    header(
        sheet,
        &bold,
        &[
            "时间",
            "方式",
            "房号",
            "来访人",
            "电话",
            "类别",
            "事项",
            "处理结果",
            "办结时间",
            "转投诉",
            "转维修",
            "接待人",
        ],
    )?;
    for (i, x) in r.reception.iter().enumerate() {
        let n = row(i);
        sheet.write_string(n, 0, &x.at)?;
        sheet.write_string(n, 1, &x.channel)?;
        sheet.write_string(n, 2, &x.unit_code)?;
        sheet.write_string(n, 3, &x.person)?;
        sheet.write_string(n, 4, &x.phone)?;
        sheet.write_string(n, 5, &x.category)?;
        sheet.write_string(n, 6, &x.matter)?;
        sheet.write_string(n, 7, &x.result)?;
        sheet.write_string(n, 8, x.finished_at.as_deref().unwrap_or("未办结"))?;
        sheet.write_string(n, 9, if x.complaint_id.is_some() { "是" } else { "" })?;
        sheet.write_string(n, 10, if x.repair_id.is_some() { "是" } else { "" })?;
        sheet.write_string(n, 11, &x.handled_by)?;
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
    for (i, l) in r.loans.iter().enumerate() {
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
        sheet.write_string(n, 9, l.returned.as_ref().map_or("未还", |x| x.0.as_str()))?;
        sheet.write_string(n, 10, l.returned.as_ref().map_or("", |x| x.1.as_str()))?;
    }

    let sheet = book.add_worksheet().set_name("盘点")?;
    header(sheet, &bold, &["项目", "应有", "实点", "差异", "说明"])?;
    if let Some(st) = &r.stocktake {
        for (i, line) in st.lines.iter().enumerate() {
            let n = row(i);
            sheet.write_string(n, 0, format!("{} {}", line.kind, line.label))?;
            sheet.write_number(n, 1, u32::try_from(line.expected).unwrap_or(0))?;
            sheet.write_number(n, 2, u32::try_from(line.counted).unwrap_or(0))?;
            sheet.write_number(n, 3, i32::try_from(line.difference()).unwrap_or(0))?;
            sheet.write_string(n, 4, &line.note)?;
        }
    }
    book.set_properties(
        &rust_xlsxwriter::DocProperties::new().set_title(format!("{office} 月末归档")),
    );
    Ok(book)
}

fn sha256_file(path: &Path) -> Result<String, ExportError> {
    let bytes = std::fs::read(path).map_err(|e| super::write_failed(path, &e))?;
    Ok(Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Writes a file in the archive folder.
fn put(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ExportError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| super::write_failed(&path, &e))
}

/// Exports `month` (a closed month like `2026-10`) into `out_dir`. `progress` is told each
/// step before it starts; returning false cancels, and nothing is left behind.
pub fn export_month(
    store: &Store,
    month: &Period,
    out_dir: &Path,
    progress: &dyn Fn(&ExportStep) -> bool,
) -> Result<MonthExport, ExportError> {
    if month.is_quarter() {
        return Err(refuse("月末归档按月导出，请写成 2026-10 这样的月份".into()));
    }
    let check = store.check_month(month)?;
    if check.closed.is_none() {
        let reason = check.blocking.first().map_or_else(
            || "请主管先在「设置 → 月末归档」里结账".to_string(),
            |b| format!("{b}，不能结账"),
        );
        return Err(refuse(format!(
            "{} 还没有月末结账：{reason}",
            month.label()
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
    let zip_part = out_dir.join(format!("{name}.zip.part"));
    let clean = || {
        for path in [&part, &zip_part] {
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(path)
            } else if path.exists() {
                std::fs::remove_file(path)
            } else {
                Ok(())
            };
            if let Err(e) = removed {
                tracing::warn!("could not remove {}: {e}", path.display());
            }
        }
    };
    clean();
    std::fs::create_dir_all(&part).map_err(|e| super::write_failed(out_dir, &e))?;
    let written =
        write_folder(store, month, &office.name, &part, progress).and_then(|(receipts, head)| {
            let files = manifest(store, month, &office.name, &part, receipts, &head)?;
            step(progress, files.len(), files.len() + 1, "压缩包")?;
            write_zip(&part, &name, &zip_part)?;
            Ok((receipts, head, files))
        });
    let (receipts, chain_head, files) = match written {
        Ok(done) => done,
        Err(e) => {
            clean();
            return Err(e);
        }
    };
    if let Err(e) = std::fs::rename(&zip_part, &zip_path) {
        clean();
        return Err(super::write_failed(&zip_path, &e));
    }
    if let Err(e) = std::fs::rename(&part, &folder) {
        clean();
        if let Err(rm) = std::fs::remove_file(&zip_path) {
            tracing::warn!("could not remove {}: {rm}", zip_path.display());
        }
        return Err(super::write_failed(&folder, &e));
    }
    Ok(MonthExport {
        folder,
        zip: zip_path,
        files,
        chain_head,
        receipts,
    })
}

/// Tells `progress` what is next; false from it cancels.
fn step(
    progress: &dyn Fn(&ExportStep) -> bool,
    done: usize,
    total: usize,
    what: &str,
) -> Result<(), ExportError> {
    if progress(&ExportStep {
        done,
        total,
        what: what.to_string(),
    }) {
        Ok(())
    } else {
        Err(cancelled())
    }
}

fn write_folder(
    store: &Store,
    month: &Period,
    office: &str,
    dir: &Path,
    progress: &dyn Fn(&ExportStep) -> bool,
) -> Result<(usize, String), ExportError> {
    let days: Vec<chrono::NaiveDate> = month
        .first_day()
        .iter_days()
        .take_while(|d| *d <= month.last_day())
        .filter(|d| store.receipts_on(*d).is_ok_and(|r| !r.is_empty()))
        .collect();
    // Workbook, one sheet per day, repair summary, stock-take, snapshot; then the manifest
    // and the zip.
    let total = days.len() + 6;
    let mut done = 0;
    step(progress, done, total, "工作簿")?;
    let records = MonthRecords::read(store, month)?;
    let book_name = format!("{month}-月末归档.xlsx");
    let mut book =
        workbook(&records, office).map_err(|e| super::write_failed(&dir.join(&book_name), &e))?;
    super::save_book(&mut book, &dir.join(&book_name))?;
    done += 1;
    for day in &days {
        step(progress, done, total, &format!("费用移交表 {day}"))?;
        let pdf = handover_document(store, *day, None).map_err(|e| refuse(e.to_string()))?;
        put(dir, &format!("费用移交表-{day}.pdf"), &pdf)?;
        done += 1;
    }
    step(progress, done, total, "维修月报")?;
    let printed = format!("{} 月末归档", crate::clock::stamp(store.clock().now()));
    let pdf = repair_summary_pdf(&summary_print(office, &printed, &records.repairs))
        .map_err(|e| refuse(e.to_string()))?;
    put(dir, &format!("维修月报-{month}.pdf"), &pdf)?;
    done += 1;
    if let Some(take) = &records.stocktake {
        step(progress, done, total, "盘点表")?;
        let pdf =
            stocktake_pdf(&stocktake_print(office, take)).map_err(|e| refuse(e.to_string()))?;
        put(dir, &format!("盘点-{month}.pdf"), &pdf)?;
    }
    done += 1;
    step(progress, done, total, "数据库快照")?;
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
    done += 1;
    step(progress, done, total, "校验清单")?;
    Ok((records.receipts.len(), head))
}

/// Writes `manifest.txt`: every file with its SHA-256, and the receipt chain's head.
fn manifest(
    store: &Store,
    month: &Period,
    office: &str,
    dir: &Path,
    receipts: usize,
    chain_head: &str,
) -> Result<Vec<(String, String)>, ExportError> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| super::write_failed(dir, &e))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut files = Vec::new();
    for file in &names {
        files.push((file.clone(), sha256_file(&dir.join(file))?));
    }
    let mut text = format!(
        "物业：{office}\n月份：{month}\n导出时间：{}\n收据：{receipts} 张\n收据链尾哈希：{chain_head}\n\nSHA-256  文件\n",
        crate::clock::stamp(store.clock().now()),
    );
    for (file, sum) in &files {
        text.push_str(&format!("{sum}  {file}\n"));
    }
    put(dir, "manifest.txt", text.as_bytes())?;
    Ok(files)
}

fn write_zip(folder: &Path, base: &str, zip_path: &Path) -> Result<(), ExportError> {
    let file = std::fs::File::create(zip_path).map_err(|e| super::write_failed(zip_path, &e))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default();
    let mut names: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| super::write_failed(folder, &e))?
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
            .map_err(|e| super::write_failed(zip_path, &e))?;
        let bytes = std::fs::read(&path).map_err(|e| super::write_failed(&path, &e))?;
        zip.write_all(&bytes)
            .map_err(|e| super::write_failed(zip_path, &e))?;
    }
    let file = zip
        .finish()
        .map_err(|e| super::write_failed(zip_path, &e))?;
    file.sync_all()
        .map_err(|e| super::write_failed(zip_path, &e))
}
