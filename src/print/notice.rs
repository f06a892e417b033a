//! 收费通知单 and 催缴单: one A4 page per unit, printed in batches of thousands.
//!
//! The whole batch is one PDF with one embedded font subset, so 5,000 notices stay a few
//! megabytes. A notice with more fee lines than fit on its page continues on a page marked 续.

use super::{Align, Column, Document, Ink, Page, PageSize, PrintError, Table, baseline_in};
use crate::print::receipt::ReceiptLinePrint;

/// Which notice it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// 收费通知单: the regular bill for a period.
    Billing,
    /// 催缴单: a reminder for fees overdue, in firmer words.
    Dunning,
}

impl NoticeKind {
    /// The title printed on the notice.
    pub fn title(self) -> &'static str {
        match self {
            NoticeKind::Billing => "收费通知单",
            NoticeKind::Dunning => "催缴单",
        }
    }
}

/// Everything printed on one unit's notice (all text already formatted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticePrint {
    /// 收费通知单 or 催缴单.
    pub kind: NoticeKind,
    /// The property office's name.
    pub office_name: String,
    /// The office's address, printed at the foot.
    pub office_address: String,
    /// The office's phone number, printed at the foot.
    pub office_phone: String,
    /// The unit billed (房号).
    pub unit_code: String,
    /// The owner's name, used in the salutation.
    pub owner_name: String,
    /// The billing period, e.g. 2026年第4季度.
    pub period_label: String,
    /// The fee lines.
    pub lines: Vec<ReceiptLinePrint>,
    /// The total in figures, e.g. "1,234.56".
    pub total: String,
    /// The total in capital numerals.
    pub total_capital: String,
    /// Pay before this date, e.g. 2026-12-31.
    pub due_date: String,
    /// The date the notice is issued.
    pub issued_date: String,
    /// The body: a paragraph of polite text (firmer for a 催缴单); `\n` starts a new paragraph.
    pub message: String,
}

/// Makes one PDF of `notices`, one A4 page per unit. `progress(done, total)` is called after
/// each notice; returning `false` stops the job.
///
/// # Errors
/// [`PrintError::Cancelled`] when `progress` returns `false`, [`PrintError::Nothing`] for an
/// empty list, [`PrintError::Font`] / [`PrintError::Write`] if the PDF cannot be made.
pub fn notices_pdf(
    notices: &[NoticePrint],
    progress: &dyn Fn(usize, usize) -> bool,
) -> Result<Vec<u8>, PrintError> {
    let Some(first) = notices.first() else {
        return Err(PrintError::Nothing);
    };
    let title = match notices {
        [one] => format!("{} {}", one.kind.title(), one.unit_code),
        _ => format!("{}（{} 户）", first.kind.title(), notices.len()),
    };
    let mut doc = Document::new(&title)?;
    for (i, n) in notices.iter().enumerate() {
        draw_notice(&mut doc, n);
        if !progress(i + 1, notices.len()) {
            return Err(PrintError::Cancelled);
        }
    }
    doc.finish()
}

const LEFT: f32 = 20.0;
const RIGHT: f32 = 190.0;
const CENTER: f32 = 105.0;
const BODY: f32 = 11.0;
const LEADING: f32 = 6.8;
/// The lowest a table row may reach before the rest goes to a continuation page.
const TABLE_LIMIT: f32 = 236.0;
const TOTAL_ROW: f32 = 8.0;

fn lines_table() -> Table {
    let mut t = Table::new(
        LEFT,
        vec![
            Column::new("项目", 34.0, Align::Left),
            Column::new("所属期间", 40.0, Align::Center),
            Column::new("计费明细", 64.0, Align::Left),
            Column::new("金额（元）", 32.0, Align::Right),
        ],
    );
    t.grid = true;
    t.row_height_mm = 7.5;
    t.header_height_mm = 8.0;
    t.font_size = 10.5;
    t
}

/// Adds the page (or pages) of one notice.
fn draw_notice(doc: &mut Document, n: &NoticePrint) {
    let table = lines_table();
    let mut remaining: &[ReceiptLinePrint] = &n.lines;
    let mut part = 0;
    loop {
        let mut page = doc.new_page(PageSize::A4);
        let mut y = head(&mut page, n, part > 0);
        if part == 0 {
            page.text_in_bold(
                LEFT,
                y,
                RIGHT - LEFT,
                BODY + 0.5,
                &format!("尊敬的 {} 业主/住户：", n.owner_name),
                Align::Left,
            );
            y += LEADING + 0.5;
            for para in n.message.split('\n').filter(|p| !p.trim().is_empty()) {
                y = page.paragraph(
                    LEFT,
                    y,
                    RIGHT - LEFT,
                    BODY,
                    LEADING,
                    &format!("\u{3000}\u{3000}{}", para.trim()),
                );
            }
            y += 1.0;
        }
        let top = y;
        let mut row_top = table.header(&mut page, top);
        // Rows that fit above the limit, keeping room for the total rows on the last part.
        let room = ((TABLE_LIMIT - row_top - 2.0 * TOTAL_ROW) / table.row_height_mm).floor();
        let fit = if room < 1.0 { 1 } else { room as usize };
        let take = remaining.len().min(fit.max(1));
        let (now, rest) = remaining.split_at(take);
        for (i, line) in now.iter().enumerate() {
            if i > 0 {
                page.set_ink(Ink::Grey);
                table.rule(&mut page, row_top, 0.25);
                page.set_ink(Ink::Black);
            }
            row_top = table.row(
                &mut page,
                row_top,
                &[&line.item, &line.period, &line.detail, &line.amount],
            );
        }
        table.rule(&mut page, row_top, 0.6);
        let last = rest.is_empty();
        let total_bottom = row_top + TOTAL_ROW;
        table.verticals(&mut page, top, total_bottom, 0.4);
        let total_y = baseline_in(row_top, TOTAL_ROW, 11.0);
        page.text_bold(LEFT + table.padding_mm, total_y, 11.0, "合计", Align::Left);
        let amount_x = table.column_x(3) + table.padding_mm;
        let amount_w = table.columns[3].width_mm - 2.0 * table.padding_mm;
        if last {
            page.text_in_bold(
                amount_x,
                total_y,
                amount_w,
                11.0,
                &format!("¥{}", n.total),
                Align::Right,
            );
        } else {
            page.text(
                table.column_x(3) - table.padding_mm,
                total_y,
                BODY,
                "（续见下页）",
                Align::Right,
            );
        }
        table.rule(&mut page, total_bottom, 0.4);
        let capital = if last {
            format!("人民币（大写）：{}", n.total_capital)
        } else {
            "人民币（大写）：见续页".to_string()
        };
        page.text_in_bold(
            LEFT + table.padding_mm,
            baseline_in(total_bottom, TOTAL_ROW, 11.0),
            table.width() - 2.0 * table.padding_mm,
            11.0,
            &capital,
            Align::Left,
        );
        let bottom = total_bottom + TOTAL_ROW;
        page.rect(LEFT, top, table.width(), bottom - top, 1.0);

        if last {
            let mut y = bottom + 9.0;
            let due = format!("请于 {} 前缴清以上费用。", n.due_date);
            if n.kind == NoticeKind::Dunning {
                page.set_ink(Ink::Red);
            }
            page.text_in_bold(LEFT, y, RIGHT - LEFT, BODY + 0.5, &due, Align::Left);
            page.set_ink(Ink::Black);
            y += 14.0;
            page.text_in(100.0, y, RIGHT - 100.0, BODY, &n.office_name, Align::Right);
            page.text(RIGHT, y + LEADING, BODY, &n.issued_date, Align::Right);
        }
        foot(&mut page, n);
        doc.add(page);
        remaining = rest;
        part += 1;
        if remaining.is_empty() {
            break;
        }
    }
}

/// Office name, title, unit and dates; returns the baseline where the body starts.
fn head(page: &mut Page, n: &NoticePrint, continued: bool) -> f32 {
    page.text_in(
        LEFT,
        24.0,
        RIGHT - LEFT,
        13.0,
        &n.office_name,
        Align::Center,
    );
    let title = n.kind.title();
    let size = 24.0;
    if n.kind == NoticeKind::Dunning {
        page.set_ink(Ink::Red);
    }
    page.text_bold(CENTER, 37.0, size, title, Align::Center);
    let half = page.width(title, size) / 2.0 + 4.0;
    page.hline(CENTER - half, CENTER + half, 40.5, 0.7);
    page.hline(CENTER - half, CENTER + half, 41.5, 0.7);
    page.set_ink(Ink::Black);
    if continued {
        page.boxed_mark(CENTER + half + 5.0, 29.0, 12.0, "续");
    }
    page.text_in(
        LEFT,
        53.0,
        56.0,
        BODY,
        &format!("房号：{}", n.unit_code),
        Align::Left,
    );
    page.text_in(
        78.0,
        53.0,
        56.0,
        BODY,
        &format!("业主：{}", n.owner_name),
        Align::Left,
    );
    page.text(
        RIGHT,
        53.0,
        BODY,
        &format!("通知日期：{}", n.issued_date),
        Align::Right,
    );
    page.text_in(
        LEFT,
        60.0,
        110.0,
        BODY,
        &format!("计费期间：{}", n.period_label),
        Align::Left,
    );
    if n.kind == NoticeKind::Dunning {
        page.set_ink(Ink::Red);
    }
    page.text_bold(
        RIGHT,
        60.0,
        BODY,
        &format!("缴费截止：{}", n.due_date),
        Align::Right,
    );
    page.set_ink(Ink::Black);
    page.hline(LEFT, RIGHT, 63.5, 0.4);
    if continued { 68.0 } else { 72.0 }
}

/// The office's address and phone at the foot of the page.
fn foot(page: &mut Page, n: &NoticePrint) {
    page.set_ink(Ink::Grey);
    page.hline(LEFT, RIGHT, 268.0, 0.4);
    page.set_ink(Ink::Black);
    page.text_in(
        LEFT,
        274.0,
        RIGHT - LEFT,
        9.5,
        &format!("地址：{}", n.office_address),
        Align::Left,
    );
    page.text_in(
        LEFT,
        280.0,
        RIGHT - LEFT,
        9.5,
        &format!("电话：{}", n.office_phone),
        Align::Left,
    );
    page.set_ink(Ink::Grey);
    page.text(RIGHT, 280.0, 8.0, "如已缴纳，请忽略本通知。", Align::Right);
    page.set_ink(Ink::Black);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::print::testing::{maybe_render, page_count, pdf_text};

    /// A billing notice for unit `i` of a demo estate.
    pub(crate) fn sample(i: usize) -> NoticePrint {
        let line = |item: &str, detail: &str, amount: &str| ReceiptLinePrint {
            item: item.into(),
            period: "2026-10至2026-12".into(),
            detail: detail.into(),
            amount: amount.into(),
        };
        NoticePrint {
            kind: NoticeKind::Billing,
            office_name: "翠湖花园物业服务中心".into(),
            office_address: "杭州市西湖区翠湖路 88 号翠湖花园 1 号楼底商".into(),
            office_phone: "0571-8888 6666".into(),
            unit_code: format!("{}-{}-{:02}{:02}", i / 400 + 1, i / 100 % 4 + 1, i / 4 % 25 + 1, i % 4 + 1),
            owner_name: "陈建国".into(),
            period_label: "2026年第4季度".into(),
            lines: vec![
                line("物业服务费", "89.50㎡ × 2.35 × 3月", "630.98"),
                line("电梯费", "89.50㎡ × 0.40 × 3月", "107.40"),
                line("公共能耗分摊", "按面积分摊 89.50㎡", "36.18"),
                line("生活垃圾处理费", "每户每月 8.00 × 3月", "24.00"),
            ],
            total: "798.56".into(),
            total_capital: "柒佰玖拾捌元伍角陆分".into(),
            due_date: "2026-12-31".into(),
            issued_date: "2026-11-27".into(),
            message: "感谢您一直以来对物业服务工作的支持与配合。您的房屋 2026年第4季度 应缴费用明细如下，请于 2026-12-31 前到物业服务中心前台缴纳，或通过微信、支付宝、银行转账缴费。如有疑问，请致电物业服务中心。".into(),
        }
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn a_notice_reads_back_with_everything_on_it() {
        let n = sample(7);
        let pdf = notices_pdf(std::slice::from_ref(&n), &|_, _| true).expect("pdf");
        let text = pdf_text(&pdf);
        let flat = squash(&text);
        for s in [
            "收费通知单",
            "翠湖花园物业服务中心",
            "杭州市西湖区翠湖路88号翠湖花园1号楼底商",
            "0571-88886666",
            &n.unit_code,
            "陈建国",
            "2026年第4季度",
            "物业服务费",
            "89.50㎡×2.35×3月",
            "公共能耗分摊",
            "生活垃圾处理费",
            "630.98",
            "¥798.56",
            "人民币（大写）：柒佰玖拾捌元伍角陆分",
            "缴费截止：2026-12-31",
            "通知日期：2026-11-27",
            "感谢您一直以来对物业服务工作的支持与配合。",
            "如有疑问，请致电物业服务中心。",
        ] {
            assert!(flat.contains(&squash(s)), "missing {s}\n{text}");
        }
        assert_eq!(page_count(&text), 1);
    }

    #[test]
    fn dunning_notices_say_so() {
        let mut n = sample(1);
        n.kind = NoticeKind::Dunning;
        n.message = "您的房屋尚有物业费用逾期未缴。请于 2026-12-31 前缴清，逾期将依照物业服务合同约定处理。".into();
        let text = pdf_text(&notices_pdf(&[n], &|_, _| true).expect("pdf"));
        assert!(text.contains("催缴单"), "{text}");
        assert!(
            squash(&text).contains("逾期将依照物业服务合同约定处理"),
            "{text}"
        );
        assert!(!text.contains("收费通知单"));
    }

    #[test]
    fn one_page_per_unit_with_progress() {
        let notices: Vec<NoticePrint> = (0..5).map(sample).collect();
        let calls = Cell::new(0);
        let pdf = notices_pdf(&notices, &|done, total| {
            assert_eq!(total, 5);
            calls.set(calls.get() + 1);
            assert_eq!(done, calls.get());
            true
        })
        .expect("pdf");
        assert_eq!(calls.get(), 5);
        let text = pdf_text(&pdf);
        assert_eq!(page_count(&text), 5);
        for n in &notices {
            assert!(text.contains(&n.unit_code), "{}", n.unit_code);
        }
    }

    #[test]
    fn progress_returning_false_cancels() {
        let notices: Vec<NoticePrint> = (0..5).map(sample).collect();
        let result = notices_pdf(&notices, &|done, _| done < 3);
        assert!(matches!(result, Err(PrintError::Cancelled)));
    }

    #[test]
    fn too_many_lines_continue_on_a_second_page() {
        let mut n = sample(2);
        n.lines = (1..=40)
            .map(|i| ReceiptLinePrint {
                item: format!("费用{i:02}"),
                period: "2026-11".into(),
                detail: "明细".into(),
                amount: format!("{i}.00"),
            })
            .collect();
        let text = pdf_text(&notices_pdf(&[n], &|_, _| true).expect("pdf"));
        assert!(page_count(&text) >= 2, "{text}");
        for i in 1..=40 {
            assert!(text.contains(&format!("费用{i:02}")), "line {i}");
        }
        assert!(text.contains("续"));
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        assert!(pages.last().is_some_and(|p| p.contains("¥798.56")));
        assert!(!pages[0].contains("¥798.56"));
    }

    #[test]
    fn render_for_a_look() {
        let mut dunning = sample(3);
        dunning.kind = NoticeKind::Dunning;
        maybe_render(
            &notices_pdf(&[sample(0), dunning], &|_, _| true).expect("pdf"),
            "notice",
        );
    }
}
