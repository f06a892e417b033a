//! 工程维修单月度汇总: last month's repair orders by category and by state with the average time
//! to complete, then the orders still open that carry over into the new month. A4 portrait;
//! the carried-over list continues on further pages when long.

use super::{Align, Column, Document, PageSize, PrintError, Table};

/// One summary line, formatted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SummaryLinePrint {
    /// Category or state.
    pub name: String,
    /// Orders.
    pub orders: String,
    /// Completed.
    pub completed: String,
    /// Average time to complete, e.g. 5小时20分.
    pub average: String,
}

/// An open order carried over, formatted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CarriedPrint {
    /// Number.
    pub number: String,
    /// Unit or public place.
    pub location: String,
    /// Category.
    pub category: String,
    /// Reported at.
    pub reported_at: String,
    /// State.
    pub state: String,
}

/// Everything printed on the summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairSummaryPrint {
    /// Office name.
    pub office_name: String,
    /// Month, e.g. 2026-10.
    pub month: String,
    /// Total orders of the month.
    pub total: String,
    /// By category.
    pub by_category: Vec<SummaryLinePrint>,
    /// By state.
    pub by_state: Vec<SummaryLinePrint>,
    /// Open orders carried over.
    pub carried_over: Vec<CarriedPrint>,
    /// When printed and by whom.
    pub printed: String,
}

const LEFT: f32 = 20.0;
const BOTTOM: f32 = 280.0;

fn summary_table() -> Table {
    Table::new(
        LEFT,
        vec![
            Column::new("", 50.0, Align::Left),
            Column::new("单数", 30.0, Align::Right),
            Column::new("已完工", 30.0, Align::Right),
            Column::new("平均完工用时", 60.0, Align::Right),
        ],
    )
}

/// Makes the summary as a PDF.
///
/// # Errors
/// [`PrintError::Font`] / [`PrintError::Write`] if the PDF cannot be made.
pub fn repair_summary_pdf(s: &RepairSummaryPrint) -> Result<Vec<u8>, PrintError> {
    let mut doc = Document::new(&format!("工程维修单月度汇总 {}", s.month))?;
    let mut page = doc.new_page(PageSize::A4);
    page.text_bold(105.0, 22.0, 17.0, "工程维修单月度汇总", Align::Center);
    page.text(
        LEFT,
        32.0,
        10.5,
        &format!(
            "{}　月份：{}　维修单共 {} 张",
            s.office_name, s.month, s.total
        ),
        Align::Left,
    );
    let mut y = 40.0;
    for (title, lines) in [("按类别", &s.by_category), ("按状态", &s.by_state)] {
        let mut table = summary_table();
        if let Some(first) = table.columns.first_mut() {
            first.title = title.to_string();
        }
        y = table.header(&mut page, y);
        for l in lines {
            y = table.row(
                &mut page,
                y,
                &[&l.name, &l.orders, &l.completed, &l.average],
            );
        }
        table.rule(&mut page, y, 0.8);
        y += 8.0;
    }
    page.text_bold(
        LEFT,
        y + 4.0,
        12.0,
        "未完成、转入新月份的维修单",
        Align::Left,
    );
    y += 8.0;
    let table = Table::new(
        LEFT,
        vec![
            Column::new("单号", 34.0, Align::Left),
            Column::new("地点", 56.0, Align::Left),
            Column::new("类别", 20.0, Align::Left),
            Column::new("报修时间", 36.0, Align::Left),
            Column::new("状态", 24.0, Align::Left),
        ],
    );
    y = table.header(&mut page, y);
    if s.carried_over.is_empty() {
        y = table.row(&mut page, y, &["无"]);
    }
    for c in &s.carried_over {
        if y + table.row_height_mm > BOTTOM {
            doc.add(page);
            page = doc.new_page(PageSize::A4);
            y = table.header(&mut page, 20.0);
        }
        y = table.row(
            &mut page,
            y,
            &[
                &c.number,
                &c.location,
                &c.category,
                &c.reported_at,
                &c.state,
            ],
        );
    }
    table.rule(&mut page, y, 0.8);
    page.text(LEFT, y + 8.0, 9.0, &s.printed, Align::Left);
    doc.add(page);
    doc.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::print::testing::{maybe_render, pdf_text};

    fn sample() -> RepairSummaryPrint {
        let line = |n: &str, o: &str, c: &str, a: &str| SummaryLinePrint {
            name: n.into(),
            orders: o.into(),
            completed: c.into(),
            average: a.into(),
        };
        RepairSummaryPrint {
            office_name: "翠湖花园物业服务中心".into(),
            month: "2026-10".into(),
            total: "12".into(),
            by_category: vec![
                line("水", "5", "5", "4小时10分"),
                line("电梯", "7", "6", "1天2小时"),
            ],
            by_state: vec![
                line("关闭", "11", "11", "5小时"),
                line("已派工", "1", "0", ""),
            ],
            carried_over: vec![CarriedPrint {
                number: "WX202610-0012".into(),
                location: "公共区域：3栋大堂".into(),
                category: "电梯".into(),
                reported_at: "2026-10-31 16:20".into(),
                state: "已派工".into(),
            }],
            printed: "李客服 2026-11-01 09:00 打印".into(),
        }
    }

    #[test]
    fn the_summary_has_both_tables_and_the_carried_over_orders() {
        let text = pdf_text(&repair_summary_pdf(&sample()).expect("pdf"));
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for s in [
            "工程维修单月度汇总",
            "按类别",
            "按状态",
            "4小时10分",
            "WX202610-0012",
            "未完成、转入新月份的维修单",
        ] {
            assert!(flat.contains(s), "missing {s}\n{text}");
        }
    }

    #[test]
    fn render_for_a_look() {
        maybe_render(
            &repair_summary_pdf(&sample()).expect("pdf"),
            "repair_summary",
        );
    }
}
