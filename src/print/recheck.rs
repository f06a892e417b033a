//! 抄表待复核清单: the readings engineering must read again, with room to write the new
//! reading and sign. A4 landscape, as many pages as needed, each numbered.

use super::{Align, Column, Document, Ink, Page, PageSize, PrintError, Table};

/// One reading to read again (all text already formatted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecheckLinePrint {
    /// The month it is for.
    pub month: String,
    /// Unit code or common meter name.
    pub label: String,
    /// 水表 / 电表 / 燃气表.
    pub kind: String,
    /// Meter number.
    pub number: String,
    /// Where to find it.
    pub location: String,
    /// The reading before.
    pub last: String,
    /// What was read.
    pub read: String,
    /// Why it is to be read again.
    pub reason: String,
}

/// The list as printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecheckPrint {
    /// The property office's name.
    pub office_name: String,
    /// When the list was printed.
    pub printed_at: String,
    /// The readings.
    pub lines: Vec<RecheckLinePrint>,
}

const LEFT: f32 = 12.0;
const CENTER: f32 = 148.5;
const LIMIT: f32 = 188.0;

fn table() -> Table {
    let mut t = Table::new(
        LEFT,
        vec![
            Column::new("序号", 11.0, Align::Center),
            Column::new("月份", 17.0, Align::Center),
            Column::new("房号/表名", 38.0, Align::Left),
            Column::new("表类", 14.0, Align::Center),
            Column::new("表号", 26.0, Align::Left),
            Column::new("位置", 28.0, Align::Left),
            Column::new("上次读数", 20.0, Align::Right),
            Column::new("本次读数", 20.0, Align::Right),
            Column::new("原因", 49.0, Align::Left),
            Column::new("复核读数", 24.0, Align::Center),
            Column::new("复核人", 26.0, Align::Center),
        ],
    );
    t.grid = true;
    t.row_height_mm = 8.0;
    t
}

fn new_page(doc: &Document, r: &RecheckPrint) -> Page {
    let mut page = doc.new_page(PageSize::A4_LANDSCAPE);
    page.text_bold(CENTER, 16.0, 16.0, "抄表待复核清单", Align::Center);
    page.set_ink(Ink::Grey);
    page.text(
        LEFT,
        24.0,
        9.5,
        &format!(
            "{}　　打印时间：{}　　共 {} 块表，请工程部到现场重新抄读，填写复核读数并签字后交回前台",
            r.office_name,
            r.printed_at,
            r.lines.len()
        ),
        Align::Left,
    );
    page.set_ink(Ink::Black);
    page
}

/// Makes the list as a PDF.
///
/// # Errors
/// [`PrintError::Font`] / [`PrintError::Write`] if the PDF cannot be made.
pub fn recheck_pdf(r: &RecheckPrint) -> Result<Vec<u8>, PrintError> {
    let mut doc = Document::new("抄表待复核清单")?;
    let table = table();
    let mut pages = vec![new_page(&doc, r)];
    let mut y = 28.0;
    if let Some(page) = pages.last_mut() {
        y = table.header(page, y);
    }
    if r.lines.is_empty()
        && let Some(page) = pages.last_mut()
    {
        page.text(LEFT, y + 8.0, 10.5, "没有待复核的读数。", Align::Left);
    }
    for (i, l) in r.lines.iter().enumerate() {
        if y + table.row_height_mm > LIMIT {
            pages.push(new_page(&doc, r));
            y = 28.0;
            if let Some(page) = pages.last_mut() {
                y = table.header(page, y);
            }
        }
        let n = (i + 1).to_string();
        let cells: [&str; 9] = [
            &n,
            &l.month,
            &l.label,
            &l.kind,
            &l.number,
            &l.location,
            &l.last,
            &l.read,
            &l.reason,
        ];
        if let Some(page) = pages.last_mut() {
            let bottom = table.row(page, y, &cells);
            table.verticals(page, y, bottom, 0.4);
            table.rule(page, bottom, 0.3);
            y = bottom;
        }
    }
    doc.add_numbered(pages, 202.0);
    doc.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::print::testing::{maybe_render, page_count, pdf_text};

    fn sample(n: usize) -> RecheckPrint {
        RecheckPrint {
            office_name: "翠湖花园物业服务中心".into(),
            printed_at: "2026-12-02 09:30".into(),
            lines: (0..n)
                .map(|i| RecheckLinePrint {
                    month: "2026-11".into(),
                    label: format!("{}栋2单元{:04}", i % 9 + 1, 101 + i),
                    kind: "水表".into(),
                    number: format!("SB-{:05}", i),
                    location: "3楼管井左侧".into(),
                    last: "1234".into(),
                    read: "1204".into(),
                    reason: "低于上次读数，疑似读错".into(),
                })
                .collect(),
        }
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn the_list_carries_every_reading_with_room_to_sign() {
        let text = pdf_text(&recheck_pdf(&sample(3)).expect("pdf"));
        let flat = squash(&text);
        for s in [
            "抄表待复核清单",
            "共3块表",
            "复核读数",
            "复核人",
            "3栋2单元0103",
            "SB-00002",
            "3楼管井左侧",
            "疑似读错",
            "第1页/共1页",
        ] {
            assert!(flat.contains(&squash(s)), "missing {s}\n{text}");
        }
    }

    #[test]
    fn a_long_list_paginates() {
        let text = pdf_text(&recheck_pdf(&sample(60)).expect("pdf"));
        let n = page_count(&text);
        assert!(n >= 3, "{n}");
        assert!(text.contains("SB-00059"));
    }

    #[test]
    fn render_for_a_look() {
        maybe_render(&recheck_pdf(&sample(30)).expect("pdf"), "recheck");
    }
}
