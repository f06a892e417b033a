//! 费用移交表: the cashier's daily handover sheet, signed when the day's money goes to finance.
//!
//! A4, as many pages as the day's receipts need, each numbered "第 i 页 / 共 N 页": the totals
//! by payment method and by fee item, the grand total in figures and capital numerals, the cash
//! count, every receipt of the day (voided ones marked 作废 and left out of the totals), and the
//! signature lines on the last page.

use super::{Align, Column, Document, Ink, Page, PageSize, PrintError, Table, baseline_in};

/// One receipt of the day on the handover sheet (all text already formatted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandoverReceiptRow {
    /// The receipt number.
    pub number: String,
    /// When it was taken, e.g. 09:42.
    pub time: String,
    /// The unit paid for.
    pub unit_code: String,
    /// Who paid.
    pub payer: String,
    /// How it was paid.
    pub method: String,
    /// The amount, e.g. "1,234.56".
    pub amount: String,
    /// Voided: marked 作废 and not counted in the totals.
    pub voided: bool,
}

/// Everything printed on one handover sheet (all text already formatted; the totals are the
/// caller's, without voided receipts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandoverPrint {
    /// The property office's name.
    pub office_name: String,
    /// The day handed over, e.g. 2026-11-27.
    pub date: String,
    /// The cashier handing over.
    pub operator: String,
    /// Totals per payment method: (现金, "3,200.00"), …
    pub totals_by_method: Vec<(String, String)>,
    /// Totals per fee item: (物业服务费, "12,000.00"), …
    pub totals_by_item: Vec<(String, String)>,
    /// Every receipt of the day, voided ones included.
    pub receipts: Vec<HandoverReceiptRow>,
    /// The day's total in figures.
    pub total: String,
    /// The day's total in capital numerals.
    pub total_capital: String,
    /// The cash the receipts say should be in the drawer.
    pub cash_expected: String,
    /// The cash counted.
    pub cash_counted: String,
    /// Counted minus expected.
    pub cash_difference: String,
    /// When the day was closed, e.g. 2026-11-27 17:32.
    pub closed_at: String,
}

/// Makes the handover sheet as a PDF.
///
/// # Errors
/// [`PrintError::Font`] / [`PrintError::Write`] if the PDF cannot be made.
pub fn handover_pdf(h: &HandoverPrint) -> Result<Vec<u8>, PrintError> {
    let mut doc = Document::new(&format!("费用移交表 {} {}", h.date, h.operator))?;
    let mut sheet = Sheet {
        doc: &doc,
        h,
        pages: Vec::new(),
        y: 0.0,
    };
    sheet.new_page();
    sheet.summary();
    sheet.receipts();
    sheet.signatures();
    doc.add_numbered(sheet.pages, 288.0);
    doc.finish()
}

const LEFT: f32 = 15.0;
const RIGHT: f32 = 195.0;
const CENTER: f32 = 105.0;
const TEXT: f32 = 9.5;
/// Nothing is drawn below this (the page number sits under it).
const LIMIT: f32 = 278.0;
/// The height of the signature block.
const SIGNATURES: f32 = 22.0;

/// The sheet being laid out: pages so far and the current position.
struct Sheet<'a> {
    doc: &'a Document,
    h: &'a HandoverPrint,
    pages: Vec<Page>,
    y: f32,
}

impl Sheet<'_> {
    fn page(&mut self) -> &mut Page {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a page with the sheet's heading; `y` goes below it.
    fn new_page(&mut self) {
        let mut page = self.doc.new_page(PageSize::A4);
        let h = self.h;
        page.text_in(
            LEFT,
            16.0,
            RIGHT - LEFT,
            12.0,
            &h.office_name,
            Align::Center,
        );
        let title = "费用移交表";
        page.text_bold(CENTER, 27.0, 20.0, title, Align::Center);
        let half = page.width(title, 20.0) / 2.0 + 3.0;
        page.hline(CENTER - half, CENTER + half, 29.5, 0.6);
        page.hline(CENTER - half, CENTER + half, 30.4, 0.6);
        page.text(LEFT, 37.5, TEXT, &format!("日期：{}", h.date), Align::Left);
        page.text_in(
            72.0,
            37.5,
            60.0,
            TEXT,
            &format!("收费员：{}", h.operator),
            Align::Left,
        );
        page.text(
            RIGHT,
            37.5,
            TEXT,
            &format!("交班时间：{}", h.closed_at),
            Align::Right,
        );
        page.hline(LEFT, RIGHT, 40.0, 0.5);
        self.pages.push(page);
        self.y = 46.0;
    }

    /// Makes sure `height` mm fit below `y`, starting a new page if not; returns whether a page
    /// was started.
    fn room(&mut self, height: f32) -> bool {
        if self.y + height > LIMIT {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn section(&mut self, title: &str, note: &str) {
        self.room(12.0);
        let y = self.y + 4.0;
        let page = self.page();
        page.text_bold(LEFT, y, 11.0, title, Align::Left);
        if !note.is_empty() {
            let x = LEFT + page.width(title, 11.0) + 3.0;
            page.set_ink(Ink::Grey);
            page.text_in(x, y, RIGHT - x, TEXT, note, Align::Left);
            page.set_ink(Ink::Black);
        }
        self.y += 7.0;
    }

    /// Totals by method and by item side by side, the grand total and the cash count.
    fn summary(&mut self) {
        let h = self.h;
        self.section("一、收款汇总", "");
        let mut by_method = Table::new(
            LEFT,
            vec![
                Column::new("收款方式", 50.0, Align::Left),
                Column::new("金额（元）", 36.0, Align::Right),
            ],
        );
        let mut by_item = Table::new(
            LEFT + 94.0,
            vec![
                Column::new("收费项目", 50.0, Align::Left),
                Column::new("金额（元）", 36.0, Align::Right),
            ],
        );
        for t in [&mut by_method, &mut by_item] {
            t.font_size = TEXT;
            t.row_height_mm = 6.5;
        }
        let rows = h.totals_by_method.len().max(h.totals_by_item.len());
        self.room(by_method.header_height_mm + by_method.row_height_mm * 2.0);
        let mut top = self.y;
        self.y = by_method.header(self.page(), top);
        by_item.header(self.page(), top);
        for i in 0..rows {
            if self.room(by_method.row_height_mm) {
                top = self.y;
                self.y = by_method.header(self.page(), top);
                by_item.header(self.page(), top);
            }
            let y = self.y;
            let page = self.page();
            for (t, list) in [
                (&by_method, &h.totals_by_method),
                (&by_item, &h.totals_by_item),
            ] {
                if let Some((name, amount)) = list.get(i) {
                    if i > 0 {
                        page.set_ink(Ink::Grey);
                        t.rule(page, y, 0.25);
                        page.set_ink(Ink::Black);
                    }
                    t.row(page, y, &[name, amount]);
                }
            }
            self.y += by_method.row_height_mm;
        }
        self.room(by_method.row_height_mm);
        let y = self.y;
        let page = self.page();
        for t in [&by_method, &by_item] {
            t.rule(page, y, 0.6);
            let base = baseline_in(y, t.row_height_mm, TEXT);
            page.text_bold(t.x_mm + t.padding_mm, base, TEXT, "合计", Align::Left);
            page.text_in_bold(
                t.column_x(1) + t.padding_mm,
                base,
                t.columns[1].width_mm - 2.0 * t.padding_mm,
                TEXT,
                &h.total,
                Align::Right,
            );
            t.rule(page, y + t.row_height_mm, 1.0);
        }
        self.y += by_method.row_height_mm + 4.0;

        self.room(34.0);
        let y = self.y + 5.0;
        let page = self.page();
        page.text_bold(
            LEFT,
            y,
            11.0,
            &format!("合计金额：¥{}", h.total),
            Align::Left,
        );
        page.text_in_bold(
            LEFT,
            y + 7.0,
            RIGHT - LEFT,
            11.0,
            &format!("人民币（大写）：{}", h.total_capital),
            Align::Left,
        );
        let mut cash = Table::new(
            LEFT,
            vec![
                Column::new("应收现金（元）", 60.0, Align::Center),
                Column::new("实点现金（元）", 60.0, Align::Center),
                Column::new("差额（元）", 60.0, Align::Center),
            ],
        );
        cash.grid = true;
        cash.font_size = TEXT;
        let top = y + 11.0;
        let row = cash.header(page, top);
        cash.row(page, row, &[&h.cash_expected, &h.cash_counted, ""]);
        let off = h.cash_difference.chars().any(|c| ('1'..='9').contains(&c));
        if off {
            page.set_ink(Ink::Red);
        }
        let pad = cash.padding_mm;
        page.text_in_bold(
            cash.column_x(2) + pad,
            baseline_in(row, cash.row_height_mm, TEXT),
            cash.columns[2].width_mm - 2.0 * pad,
            TEXT,
            &h.cash_difference,
            Align::Center,
        );
        page.set_ink(Ink::Black);
        let bottom = row + cash.row_height_mm;
        cash.verticals(page, top, bottom, 0.4);
        cash.rule(page, bottom, 1.0);
        self.y = bottom + 6.0;
    }

    /// Every receipt of the day, the header repeated on each page.
    fn receipts(&mut self) {
        let h = self.h;
        let voided = h.receipts.iter().filter(|r| r.voided).count();
        let valid = h.receipts.len() - voided;
        self.section(
            "二、收据明细",
            &format!(
                "共 {} 张，其中作废 {} 张；作废收据不计入合计",
                h.receipts.len(),
                voided
            ),
        );
        let mut table = Table::new(
            LEFT,
            vec![
                Column::new("序号", 12.0, Align::Center),
                Column::new("收据编号", 38.0, Align::Left),
                Column::new("时间", 22.0, Align::Center),
                Column::new("房号", 26.0, Align::Left),
                Column::new("交款人", 30.0, Align::Left),
                Column::new("方式", 18.0, Align::Center),
                Column::new("金额（元）", 22.0, Align::Right),
                Column::new("状态", 12.0, Align::Center),
            ],
        );
        table.font_size = 9.0;
        table.row_height_mm = 6.2;
        self.room(table.header_height_mm + table.row_height_mm);
        let top = self.y;
        self.y = table.header(self.page(), top);
        let mut first_on_page = true;
        let count = h.receipts.len();
        for (i, r) in h.receipts.iter().enumerate() {
            // The last row goes with the total row and the signatures, so the signatures never
            // stand alone on a page.
            let need = if i + 1 == count {
                table.row_height_mm * 2.0 + 4.0 + SIGNATURES
            } else {
                table.row_height_mm
            };
            if self.room(need) {
                let top = self.y;
                self.y = table.header(self.page(), top);
                first_on_page = true;
            }
            let y = self.y;
            let page = self.page();
            if !first_on_page {
                page.set_ink(Ink::Grey);
                table.rule(page, y, 0.2);
                page.set_ink(Ink::Black);
            }
            first_on_page = false;
            let n = (i + 1).to_string();
            if r.voided {
                page.set_ink(Ink::Grey);
            }
            table.row(
                page,
                y,
                &[
                    &n,
                    &r.number,
                    &r.time,
                    &r.unit_code,
                    &r.payer,
                    &r.method,
                    &r.amount,
                    "",
                ],
            );
            if r.voided {
                // Strike the amount through and mark the row.
                let right = table.column_x(7) - table.padding_mm;
                let w = page
                    .width(&r.amount, table.font_size)
                    .min(table.columns[6].width_mm - 2.0 * table.padding_mm);
                let mid = y + table.row_height_mm / 2.0;
                page.hline(right - w - 0.5, right + 0.5, mid, 0.6);
                page.set_ink(Ink::Red);
                page.text_bold(
                    table.column_x(7) + table.columns[7].width_mm / 2.0,
                    baseline_in(y, table.row_height_mm, table.font_size),
                    table.font_size,
                    "作废",
                    Align::Center,
                );
                page.set_ink(Ink::Black);
            }
            self.y += table.row_height_mm;
        }
        self.room(table.row_height_mm);
        let y = self.y;
        let page = self.page();
        table.rule(page, y, 0.6);
        let base = baseline_in(y, table.row_height_mm, TEXT);
        page.text_bold(
            table.column_x(1) + table.padding_mm,
            base,
            TEXT,
            &format!("合计（有效收据 {valid} 张）"),
            Align::Left,
        );
        page.text_in_bold(
            table.column_x(5),
            base,
            table.column_x(7) - table.column_x(5) - table.padding_mm,
            TEXT,
            &format!("¥{}", h.total),
            Align::Right,
        );
        table.rule(page, y + table.row_height_mm, 1.0);
        self.y += table.row_height_mm + 4.0;
    }

    /// The signature lines, kept together on the last page.
    fn signatures(&mut self) {
        self.room(SIGNATURES);
        let y = self.y + 16.0;
        let page = self.page();
        // Three label-and-line pairs across the width, the date's line shorter.
        let labels = ["移交人（收费员）：", "接收人（财务）：", "日期："];
        let shares = [0.38, 0.38, 0.24];
        let gap = 8.0;
        let used: f32 = labels.iter().map(|l| page.width(l, 10.5)).sum();
        let free = RIGHT - LEFT - used - gap * 2.0;
        let mut x = LEFT;
        for (label, share) in labels.into_iter().zip(shares) {
            page.text(x, y, 10.5, label, Align::Left);
            let start = x + page.width(label, 10.5);
            let end = start + free * share;
            page.hline(start, end, y + 1.0, 0.5);
            x = end + gap;
        }
        self.y = y + 6.0;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::print::testing::{maybe_render, page_count, pdf_text};

    fn sample(receipts: usize) -> HandoverPrint {
        let methods = ["现金", "微信", "支付宝", "银行卡", "转账"];
        let payers = ["王秀英", "陈建国", "欧阳明", "李娜", "张伟"];
        HandoverPrint {
            office_name: "翠湖花园物业服务中心".into(),
            date: "2026-11-27".into(),
            operator: "李晓梅".into(),
            totals_by_method: vec![
                ("现金".into(), "3,200.00".into()),
                ("微信".into(), "5,678.90".into()),
                ("支付宝".into(), "1,000.00".into()),
                ("银行卡".into(), "2,345.60".into()),
            ],
            totals_by_item: vec![
                ("物业服务费".into(), "9,876.50".into()),
                ("水费".into(), "1,234.00".into()),
                ("停车管理费".into(), "1,114.00".into()),
            ],
            receipts: (0..receipts)
                .map(|i| HandoverReceiptRow {
                    number: format!("SJ202611-{:06}", 100 + i),
                    time: format!("{:02}:{:02}", 8 + i / 60 % 10, i % 60),
                    unit_code: format!("{}-{}-{:04}", i % 9 + 1, i % 3 + 1, 101 + i % 30),
                    payer: payers[i % payers.len()].into(),
                    method: methods[i % methods.len()].into(),
                    amount: format!("{}.{:02}", 100 + i * 7, i % 100),
                    voided: i % 17 == 5,
                })
                .collect(),
            total: "12,224.50".into(),
            total_capital: "壹万贰仟贰佰贰拾肆元伍角".into(),
            cash_expected: "3,200.00".into(),
            cash_counted: "3,190.00".into(),
            cash_difference: "-10.00".into(),
            closed_at: "2026-11-27 17:32".into(),
        }
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn a_short_day_fits_one_page_with_everything_on_it() {
        let h = sample(12);
        let text = pdf_text(&handover_pdf(&h).expect("pdf"));
        let flat = squash(&text);
        for s in [
            "费用移交表",
            "翠湖花园物业服务中心",
            "日期：2026-11-27",
            "收费员：李晓梅",
            "交班时间：2026-11-2717:32",
            "收款方式",
            "收费项目",
            "现金",
            "5,678.90",
            "物业服务费",
            "9,876.50",
            "停车管理费",
            "合计金额：¥12,224.50",
            "人民币（大写）：壹万贰仟贰佰贰拾肆元伍角",
            "应收现金（元）",
            "实点现金（元）",
            "差额（元）",
            "3,190.00",
            "-10.00",
            "共12张，其中作废1张；作废收据不计入合计",
            "SJ202611-000100",
            "SJ202611-000111",
            "欧阳明",
            "作废",
            "合计（有效收据11张）",
            "移交人（收费员）：",
            "接收人（财务）：",
            "第1页/共1页",
        ] {
            assert!(flat.contains(&squash(s)), "missing {s}\n{text}");
        }
        assert_eq!(page_count(&text), 1);
        // The voided receipt's row carries the mark.
        let row = text
            .lines()
            .find(|l| l.contains("SJ202611-000105"))
            .expect("voided row");
        assert!(row.contains("作废"), "{row}");
        let row = text
            .lines()
            .find(|l| l.contains("SJ202611-000104"))
            .expect("valid row");
        assert!(!row.contains("作废"), "{row}");
    }

    #[test]
    fn two_hundred_receipts_paginate_with_numbers() {
        let h = sample(200);
        let text = pdf_text(&handover_pdf(&h).expect("pdf"));
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        let n = pages.len();
        assert!(n >= 4, "{n} pages");
        for (i, p) in pages.iter().enumerate() {
            let flat = squash(p);
            assert!(
                flat.contains(&format!("第{}页/共{}页", i + 1, n)),
                "page {i}: {p}"
            );
            assert!(flat.contains("费用移交表"));
            assert!(flat.contains("收据编号"), "header repeated on page {i}");
        }
        for i in 0..200 {
            assert!(
                text.contains(&format!("SJ202611-{:06}", 100 + i)),
                "receipt {i}"
            );
        }
        assert!(squash(pages[n - 1]).contains("移交人（收费员）："));
        assert!(!squash(pages[0]).contains("移交人（收费员）："));
    }

    #[test]
    fn a_day_without_receipts_still_prints() {
        let mut h = sample(0);
        h.totals_by_method.clear();
        h.totals_by_item.clear();
        let text = pdf_text(&handover_pdf(&h).expect("pdf"));
        assert!(squash(&text).contains("共0张，其中作废0张"), "{text}");
    }

    #[test]
    fn render_for_a_look() {
        maybe_render(&handover_pdf(&sample(60)).expect("pdf"), "handover");
    }
}
