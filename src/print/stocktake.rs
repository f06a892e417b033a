//! 钥匙及卡证盘点表: the monthly stock-take of keys, cards and handsets kept by the office.
//!
//! A4, as many pages as the lines need, each numbered "第 i 页 / 共 N 页": the differences
//! first (what the supervisor signs off), then every line counted, then the signatures.

use super::{Align, Column, Document, Ink, Page, PageSize, PrintError, Table};

/// One line of the stock-take (all text already formatted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StocktakeLinePrint {
    /// 钥匙, 住户卡, 车卡 or 可视对讲机.
    pub kind: String,
    /// What was counted.
    pub label: String,
    /// Expected in the office.
    pub expected: String,
    /// Counted.
    pub counted: String,
    /// Counted minus expected, e.g. "-1", empty when equal.
    pub difference: String,
    /// A remark.
    pub note: String,
}

/// Everything printed on a stock-take sheet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StocktakePrint {
    /// The property office's name.
    pub office_name: String,
    /// The month, e.g. 2026-11.
    pub month: String,
    /// Who counted, and when.
    pub counted: String,
    /// Who signed off, when, with the note; empty while unsigned (printed 未签字).
    pub signed: String,
    /// Every line.
    pub lines: Vec<StocktakeLinePrint>,
}

const LEFT: f32 = 15.0;
const CENTER: f32 = 105.0;
const LIMIT: f32 = 272.0;

fn columns() -> Vec<Column> {
    vec![
        Column::new("序号", 12.0, Align::Center),
        Column::new("类别", 20.0, Align::Center),
        Column::new("项目", 62.0, Align::Left),
        Column::new("应有", 16.0, Align::Right),
        Column::new("实点", 16.0, Align::Right),
        Column::new("差异", 16.0, Align::Right),
        Column::new("备注", 38.0, Align::Left),
    ]
}

struct Sheet<'a> {
    doc: &'a Document,
    s: &'a StocktakePrint,
    pages: Vec<Page>,
    y: f32,
}

impl Sheet<'_> {
    fn new_page(&mut self) {
        let mut page = self.doc.new_page(PageSize::A4);
        page.text_bold(CENTER, 20.0, 16.0, "钥匙及卡证盘点表", Align::Center);
        page.set_ink(Ink::Grey);
        page.text(
            LEFT,
            29.0,
            9.5,
            &format!("{}　　盘点月份：{}", self.s.office_name, self.s.month),
            Align::Left,
        );
        page.set_ink(Ink::Black);
        self.pages.push(page);
        self.y = 34.0;
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn room(&mut self, h: f32) -> bool {
        if self.y + h > LIMIT {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn heading(&mut self, title: &str) {
        self.room(16.0);
        let y = self.y + 6.0;
        self.page().text_bold(LEFT, y, 11.0, title, Align::Left);
        self.y = y + 2.0;
    }

    fn table(&mut self, lines: &[(usize, &StocktakeLinePrint)]) {
        let mut table = Table::new(LEFT, columns());
        table.grid = true;
        let y = self.y;
        self.y = table.header(self.page(), y);
        for (i, l) in lines {
            if self.room(table.row_height_mm) {
                let y = self.y;
                self.y = table.header(self.page(), y);
            }
            let n = (i + 1).to_string();
            let cells: [&str; 7] = [
                n.as_str(),
                &l.kind,
                &l.label,
                &l.expected,
                &l.counted,
                &l.difference,
                &l.note,
            ];
            let y = self.y;
            let page = self.page();
            if !l.difference.is_empty() {
                page.set_ink(Ink::Red);
            }
            let bottom = table.row(page, y, &cells);
            page.set_ink(Ink::Black);
            table.verticals(page, y, bottom, 0.4);
            table.rule(page, bottom, 0.3);
            self.y = bottom;
        }
    }
}

/// Makes the stock-take sheet as a PDF.
///
/// # Errors
/// [`PrintError::Font`] / [`PrintError::Write`] if the PDF cannot be made.
pub fn stocktake_pdf(s: &StocktakePrint) -> Result<Vec<u8>, PrintError> {
    let mut doc = Document::new(&format!("钥匙及卡证盘点表 {}", s.month))?;
    let mut sheet = Sheet {
        doc: &doc,
        s,
        pages: Vec::new(),
        y: 0.0,
    };
    sheet.new_page();
    let all: Vec<(usize, &StocktakeLinePrint)> = s.lines.iter().enumerate().collect();
    let diffs: Vec<(usize, &StocktakeLinePrint)> = all
        .iter()
        .filter(|(_, l)| !l.difference.is_empty())
        .copied()
        .collect();
    sheet.heading(&format!(
        "差异（{} 项）：{}",
        diffs.len(),
        if diffs.is_empty() {
            "账实相符"
        } else {
            "以下项目实点与应有不符"
        }
    ));
    if !diffs.is_empty() {
        sheet.table(&diffs);
    }
    sheet.heading(&format!("盘点明细（共 {} 项）", all.len()));
    sheet.table(&all);
    sheet.room(30.0);
    let y = sheet.y + 10.0;
    let counted = format!("盘点人：{}", s.counted);
    let signed = if s.signed.is_empty() {
        "主管签字确认：未签字".to_string()
    } else {
        format!("主管签字确认：{}", s.signed)
    };
    let page = sheet.page();
    page.text(LEFT, y, 10.5, &counted, Align::Left);
    page.paragraph(LEFT, y + 7.0, 180.0, 10.5, 5.0, &signed);
    page.text(LEFT, y + 20.0, 10.5, "盘点人签字：", Align::Left);
    page.hline(LEFT + 24.0, LEFT + 80.0, y + 21.0, 0.5);
    page.text(LEFT + 95.0, y + 20.0, 10.5, "主管签字：", Align::Left);
    page.hline(LEFT + 115.0, LEFT + 175.0, y + 21.0, 0.5);
    doc.add_numbered(sheet.pages, 288.0);
    doc.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::print::testing::{maybe_render, page_count, pdf_text};

    fn sample(keys: usize) -> StocktakePrint {
        let mut lines: Vec<StocktakeLinePrint> = (0..keys)
            .map(|i| StocktakeLinePrint {
                kind: "钥匙".into(),
                label: format!("{}栋{}单元{:04} 入户门钥匙", i % 9 + 1, i % 3 + 1, 101 + i),
                expected: if i == 3 { "0".into() } else { "2".into() },
                counted: if i == 5 {
                    "1".into()
                } else if i == 3 {
                    "0".into()
                } else {
                    "2".into()
                },
                difference: if i == 5 { "-1".into() } else { String::new() },
                note: if i == 3 {
                    "借出：刘师傅".into()
                } else {
                    String::new()
                },
            })
            .collect();
        lines.push(StocktakeLinePrint {
            kind: "住户卡".into(),
            label: "未发放住户卡".into(),
            expected: "20".into(),
            counted: "20".into(),
            difference: String::new(),
            note: String::new(),
        });
        StocktakePrint {
            office_name: "翠湖花园物业服务中心".into(),
            month: "2026-11".into(),
            counted: "李客服 2026-11-27 10:00".into(),
            signed: "王主管 2026-11-27 11:00：一把送修，已核实".into(),
            lines,
        }
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn differences_come_first_and_every_line_is_listed() {
        let text = pdf_text(&stocktake_pdf(&sample(12)).expect("pdf"));
        let flat = squash(&text);
        for s in [
            "钥匙及卡证盘点表",
            "盘点月份：2026-11",
            "差异（1项）",
            "盘点明细（共13项）",
            "未发放住户卡",
            "借出：刘师傅",
            "盘点人：李客服",
            "主管签字确认：王主管",
            "第1页/共1页",
        ] {
            assert!(flat.contains(&squash(s)), "missing {s}\n{text}");
        }
        assert_eq!(page_count(&text), 1);
    }

    #[test]
    fn many_keys_paginate() {
        let text = pdf_text(&stocktake_pdf(&sample(200)).expect("pdf"));
        let n = page_count(&text);
        assert!(n >= 5, "{n}");
        assert!(squash(&text).contains(&format!("第{n}页/共{n}页")));
        assert!(text.contains("2栋2单元0300"));
    }

    #[test]
    fn render_for_a_look() {
        maybe_render(&stocktake_pdf(&sample(60)).expect("pdf"), "stocktake");
    }
}
