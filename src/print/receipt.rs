//! 收款收据: the receipt handed over the desk for a payment.
//!
//! A receipt is laid out on an A5 landscape area (210 × 148 mm): either its own A5 page, or one
//! half of an A4 sheet holding two receipts one above the other with a dashed cut line between
//! them. A receipt holds up to [`LINES_PER_RECEIPT`] fee lines; more lines continue on further
//! pages (or halves) marked 续, and the total is printed on the last one.

use super::{Align, Column, Document, Ink, Page, PageSize, PrintError, Table, baseline_in};

/// How many fee lines fit on one receipt before it continues on a second page or half.
pub const LINES_PER_RECEIPT: usize = 10;

/// One fee line of a receipt or notice (all text already formatted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiptLinePrint {
    /// The fee item, e.g. 物业服务费.
    pub item: String,
    /// The period the fee is for, e.g. 2026-10至2026-12.
    pub period: String,
    /// How the amount was worked out, e.g. "89.50㎡ × 2.35 × 3月" or "上次 1234 本次 1300 用量 66".
    pub detail: String,
    /// The amount in yuan, e.g. "630.98".
    pub amount: String,
}

/// Everything printed on one receipt (all text already formatted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiptPrint {
    /// The property office's name, printed at the top.
    pub office_name: String,
    /// The office's phone number, printed at the bottom.
    pub office_phone: String,
    /// The receipt number, e.g. SJ202611-000123.
    pub number: String,
    /// The date of payment, e.g. 2026-11-27.
    pub date: String,
    /// The unit paid for (房号).
    pub unit_code: String,
    /// Who paid (交款人).
    pub payer: String,
    /// The fee lines.
    pub lines: Vec<ReceiptLinePrint>,
    /// The total in figures, e.g. "1,234.56" (printed as ¥1,234.56).
    pub total: String,
    /// The total in capital numerals, e.g. 壹仟贰佰叁拾肆元伍角陆分.
    pub total_capital: String,
    /// How it was paid: 现金, 微信, 支付宝, 银行卡 or 转账.
    pub method: String,
    /// Who took the money (收款人).
    pub operator: String,
    /// A remark; may be empty.
    pub note: String,
    /// A copy printed again later, with when it was printed ("2026-12-02 09:30"): marked
    /// 补打, and the foot says when.
    pub reprint: Option<String>,
    /// A voided receipt: stamped 作废.
    pub voided: bool,
}

/// How receipts are put on paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptLayout {
    /// One receipt per A5 landscape page (210 × 148 mm).
    A5,
    /// Two receipts per A4 page, one above the other, with a dashed cut line between them.
    TwoPerA4,
}

/// Makes one PDF of `receipts` laid out as `layout`.
///
/// # Errors
/// [`PrintError::Nothing`] for an empty list, [`PrintError::Font`] if the print font cannot be
/// loaded, [`PrintError::Write`] if the PDF cannot be written.
pub fn receipts_pdf(
    receipts: &[ReceiptPrint],
    layout: ReceiptLayout,
) -> Result<Vec<u8>, PrintError> {
    if receipts.is_empty() {
        return Err(PrintError::Nothing);
    }
    let title = match receipts {
        [one] => format!("收款收据 {}", one.number),
        _ => format!("收款收据（{} 张）", receipts.len()),
    };
    let mut doc = Document::new(&title)?;
    // Every part of every receipt, in order: (receipt, part index, part count).
    let parts: Vec<(&ReceiptPrint, usize, usize)> = receipts
        .iter()
        .flat_map(|r| {
            let n = r.lines.len().div_ceil(LINES_PER_RECEIPT).max(1);
            (0..n).map(move |i| (r, i, n))
        })
        .collect();
    match layout {
        ReceiptLayout::A5 => {
            for &(r, part, parts) in &parts {
                let mut page = doc.new_page(PageSize::A5_LANDSCAPE);
                draw_receipt(&mut page, r, part, parts);
                doc.add(page);
            }
        }
        ReceiptLayout::TwoPerA4 => {
            for pair in parts.chunks(2) {
                let mut page = doc.new_page(PageSize::A4);
                for (half, &(r, part, parts)) in pair.iter().enumerate() {
                    page.set_origin(0.0, half as f32 * PageSize::A4_HALF_HEIGHT_MM);
                    draw_receipt(&mut page, r, part, parts);
                }
                page.set_origin(0.0, 0.0);
                page.set_ink(Ink::Grey);
                page.dashed_hline(5.0, 205.0, PageSize::A4_HALF_HEIGHT_MM, 0.5, 2.0);
                page.set_ink(Ink::Black);
                doc.add(page);
            }
        }
    }
    doc.finish()
}

/// The receipt's area: A5 landscape.
const WIDTH: f32 = 210.0;
const LEFT: f32 = 14.0;
const RIGHT: f32 = WIDTH - 14.0;
const CENTER: f32 = WIDTH / 2.0;
const TEXT: f32 = 9.5;

/// Draws part `part` (of `parts`) of receipt `r` in the 210 × 148 mm area at the page origin.
fn draw_receipt(page: &mut Page, r: &ReceiptPrint, part: usize, parts: usize) {
    page.set_ink(Ink::Black);
    page.text_in(
        LEFT,
        12.5,
        RIGHT - LEFT,
        11.0,
        &r.office_name,
        Align::Center,
    );

    // Title with a double rule under it, and the marks to its right.
    let title = "收款收据";
    let title_size = 19.0;
    page.text_bold(CENTER, 22.5, title_size, title, Align::Center);
    let half = page.width(title, title_size) / 2.0 + 3.0;
    page.hline(CENTER - half, CENTER + half, 25.0, 0.6);
    page.hline(CENTER - half, CENTER + half, 25.9, 0.6);
    let mut mark_x = CENTER + half + 4.0;
    if r.reprint.is_some() {
        mark_x += page.boxed_mark(mark_x, 16.8, 11.0, "补打") + 2.5;
    }
    if parts > 1 && part > 0 {
        page.boxed_mark(mark_x, 16.8, 11.0, &format!("续 {}/{}", part + 1, parts));
    } else if parts > 1 {
        page.boxed_mark(mark_x, 16.8, 11.0, &format!("共 {parts} 张"));
    }

    // Number, date, unit, payer.
    page.text(LEFT, 32.0, TEXT, &format!("日期：{}", r.date), Align::Left);
    page.set_ink(Ink::Red);
    page.text_in_bold(
        110.0,
        32.0,
        RIGHT - 110.0,
        10.5,
        &format!("No. {}", r.number),
        Align::Right,
    );
    page.set_ink(Ink::Black);
    page.text_in(
        LEFT,
        38.0,
        62.0,
        TEXT,
        &format!("房号：{}", r.unit_code),
        Align::Left,
    );
    page.text_in(
        80.0,
        38.0,
        80.0,
        TEXT,
        &format!("交款人：{}", r.payer),
        Align::Left,
    );
    page.text(RIGHT, 38.0, 8.5, "金额单位：元", Align::Right);

    // The lines table: a ruled form of fixed height.
    let mut table = Table::new(
        LEFT,
        vec![
            Column::new("项目", 34.0, Align::Left),
            Column::new("所属期间", 40.0, Align::Center),
            Column::new("计费明细", 76.0, Align::Left),
            Column::new("金额", 32.0, Align::Right),
        ],
    );
    table.grid = true;
    table.row_height_mm = 6.0;
    table.header_height_mm = 6.5;
    table.font_size = TEXT;
    let top = 41.0;
    let body_top = table.header(page, top);
    let start = part * LINES_PER_RECEIPT;
    let lines = r.lines.iter().skip(start).take(LINES_PER_RECEIPT);
    let mut y = body_top;
    let mut shown = 0;
    for line in lines {
        table.row(
            page,
            y,
            &[&line.item, &line.period, &line.detail, &line.amount],
        );
        y += table.row_height_mm;
        shown += 1;
    }
    if shown < LINES_PER_RECEIPT {
        page.set_ink(Ink::Grey);
        page.text(
            table.column_x(2) + table.padding_mm,
            baseline_in(y, table.row_height_mm, 8.5),
            8.5,
            "（以下空白）",
            Align::Left,
        );
        page.set_ink(Ink::Black);
    }
    let body_bottom = body_top + table.row_height_mm * LINES_PER_RECEIPT as f32;
    for i in 1..LINES_PER_RECEIPT {
        let ry = body_top + table.row_height_mm * i as f32;
        page.set_ink(Ink::Grey);
        table.rule(page, ry, 0.25);
        page.set_ink(Ink::Black);
    }
    table.rule(page, body_bottom, 0.6);

    // 合计 row, then the capital-numeral row spanning the table.
    let total_bottom = body_bottom + 6.5;
    let capital_bottom = total_bottom + 6.5;
    table.verticals(page, body_top, total_bottom, 0.4);
    let total_y = baseline_in(body_bottom, 6.5, 10.5);
    page.text_bold(
        table.column_x(0) + table.padding_mm,
        total_y,
        10.5,
        "合计",
        Align::Left,
    );
    let amount_x = table.column_x(3) + table.padding_mm;
    let amount_w = table.columns[3].width_mm - 2.0 * table.padding_mm;
    if part + 1 == parts {
        page.text_in_bold(
            amount_x,
            total_y,
            amount_w,
            10.5,
            &format!("¥{}", r.total),
            Align::Right,
        );
    } else {
        page.text(
            table.column_x(3) - table.padding_mm,
            total_y,
            TEXT,
            "（续见下页）",
            Align::Right,
        );
    }
    table.rule(page, total_bottom, 0.4);
    let capital = if part + 1 == parts {
        format!("人民币（大写）：{}", r.total_capital)
    } else {
        "人民币（大写）：见续页".to_string()
    };
    page.text_in_bold(
        LEFT + table.padding_mm,
        baseline_in(total_bottom, 6.5, 10.5),
        table.width() - 2.0 * table.padding_mm,
        10.5,
        &capital,
        Align::Left,
    );
    page.rect(LEFT, top, table.width(), capital_bottom - top, 1.0);

    // Payment, cashier, signature, note, phone.
    let y = capital_bottom + 6.5;
    page.text_in(
        LEFT,
        y,
        54.0,
        TEXT,
        &format!("收款方式：{}", r.method),
        Align::Left,
    );
    page.text_in(
        70.0,
        y,
        50.0,
        TEXT,
        &format!("收款人：{}", r.operator),
        Align::Left,
    );
    page.text(124.0, y, TEXT, "交款人签字：", Align::Left);
    let sign_x = 124.0 + page.width("交款人签字：", TEXT);
    page.hline(sign_x, RIGHT, y + 0.8, 0.5);
    let y = y + 6.5;
    page.text(LEFT, y, TEXT, "备注：", Align::Left);
    let note_x = LEFT + page.width("备注：", TEXT);
    page.text_in(note_x, y, RIGHT - note_x, TEXT, &r.note, Align::Left);
    let y = y + 6.5;
    page.set_ink(Ink::Grey);
    page.hline(LEFT, RIGHT, y - 3.8, 0.3);
    if let Some(reprinted) = &r.reprint {
        let said = format!(
            "补打件：原收据 {} 开具于 {}，补打于 {reprinted}",
            r.number, r.date
        );
        page.set_ink(Ink::Red);
        page.text(LEFT, y, 8.5, &said, Align::Left);
        page.set_ink(Ink::Grey);
        let office_x = LEFT + page.width(&said, 8.5) + 4.0;
        page.text_in(
            office_x,
            y,
            RIGHT - office_x,
            8.5,
            &format!("{}  电话：{}", r.office_name, r.office_phone),
            Align::Right,
        );
    } else {
        page.text_in(
            LEFT,
            y,
            RIGHT - LEFT,
            8.5,
            &format!("{}  电话：{}", r.office_name, r.office_phone),
            Align::Center,
        );
    }
    page.set_ink(Ink::Black);

    if r.voided {
        page.stamp(CENTER, 76.0, 46.0, "作废", 0.0);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::print::testing::{maybe_render, page_count, pdf_text};

    fn line(item: &str, period: &str, detail: &str, amount: &str) -> ReceiptLinePrint {
        ReceiptLinePrint {
            item: item.into(),
            period: period.into(),
            detail: detail.into(),
            amount: amount.into(),
        }
    }

    pub(crate) fn sample() -> ReceiptPrint {
        ReceiptPrint {
            office_name: "翠湖花园物业服务中心".into(),
            office_phone: "0571-8888 6666".into(),
            number: "SJ202611-000123".into(),
            date: "2026-11-27".into(),
            unit_code: "3-2-0801".into(),
            payer: "王秀英".into(),
            lines: vec![
                line(
                    "物业服务费",
                    "2026-10至2026-12",
                    "89.50㎡ × 2.35 × 3月",
                    "630.98",
                ),
                line("水费", "2026-11", "上次 1234 本次 1300 用量 66", "231.00"),
                line(
                    "电梯费",
                    "2026-10至2026-12",
                    "89.50㎡ × 0.40 × 3月",
                    "107.40",
                ),
                line("停车管理费", "2026-11", "地下车位 B-112", "265.18"),
            ],
            total: "1,234.56".into(),
            total_capital: "壹仟贰佰叁拾肆元伍角陆分".into(),
            method: "微信".into(),
            operator: "李晓梅".into(),
            note: "十二月起车位费调整".into(),
            reprint: None,
            voided: false,
        }
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn a_receipt_reads_back_with_everything_on_it() {
        let r = sample();
        for layout in [ReceiptLayout::A5, ReceiptLayout::TwoPerA4] {
            let pdf = receipts_pdf(std::slice::from_ref(&r), layout).expect("pdf");
            assert!(pdf.len() < 100_000, "subset font: {} bytes", pdf.len());
            let text = pdf_text(&pdf);
            let flat = squash(&text);
            for s in [
                "收款收据",
                "SJ202611-000123",
                "2026-11-27",
                "3-2-0801",
                "王秀英",
                "翠湖花园物业服务中心",
                "0571-88886666",
                "物业服务费",
                "2026-10至2026-12",
                "89.50㎡×2.35×3月",
                "上次1234本次1300用量66",
                "电梯费",
                "停车管理费",
                "地下车位B-112",
                "630.98",
                "231.00",
                "¥1,234.56",
                "人民币（大写）：壹仟贰佰叁拾肆元伍角陆分",
                "收款方式：微信",
                "收款人：李晓梅",
                "交款人签字：",
                "备注：十二月起车位费调整",
                "项目",
                "所属期间",
                "计费明细",
                "金额",
            ] {
                assert!(flat.contains(&squash(s)), "{layout:?}: missing {s}\n{text}");
            }
            assert!(!flat.contains("补打"), "{text}");
            assert!(!flat.contains("作废"), "{text}");
            assert_eq!(page_count(&text), 1);
        }
    }

    #[test]
    fn amounts_are_right_aligned_in_their_column() {
        let r = sample();
        let text = pdf_text(&receipts_pdf(&[r], ReceiptLayout::A5).expect("pdf"));
        let ends: Vec<usize> = ["630.98", "231.00", "107.40", "265.18"]
            .iter()
            .map(|a| {
                let line = text.lines().find(|l| l.contains(a)).expect(a);
                let at = line.find(a).expect(a);
                line[..at].chars().count() + a.len()
            })
            .collect();
        assert!(ends.windows(2).all(|w| w[0] == w[1]), "{ends:?}\n{text}");
    }

    #[test]
    fn reprint_and_void_marks_show() {
        let mut r = sample();
        r.reprint = Some("2026-12-02 09:30".into());
        r.voided = true;
        let text = pdf_text(&receipts_pdf(&[r], ReceiptLayout::A5).expect("pdf"));
        let flat = squash(&text);
        assert!(flat.contains("补打"), "{text}");
        assert!(
            flat.contains("补打件：原收据SJ202611-000123开具于2026-11-27，补打于2026-12-0209:30"),
            "{text}"
        );
        assert!(flat.contains("作废"), "{text}");
    }

    #[test]
    fn many_lines_continue_on_a_part_marked_xu() {
        let mut r = sample();
        r.lines = (1..=13)
            .map(|i| {
                line(
                    &format!("项目{i:02}"),
                    "2026-11",
                    "明细",
                    &format!("{i}.00"),
                )
            })
            .collect();
        let pdf = receipts_pdf(&[r.clone()], ReceiptLayout::A5).expect("pdf");
        let text = pdf_text(&pdf);
        assert_eq!(page_count(&text), 2, "{text}");
        let pages: Vec<&str> = text.split('\u{c}').collect();
        assert!(squash(pages[0]).contains("共2张"), "{}", pages[0]);
        assert!(squash(pages[0]).contains("续见下页"));
        assert!(!pages[0].contains("¥1,234.56"));
        assert!(squash(pages[1]).contains("续2/2"), "{}", pages[1]);
        assert!(pages[1].contains("¥1,234.56"));
        for i in 1..=13 {
            assert!(text.contains(&format!("项目{i:02}")), "line {i}");
        }
        // Two parts fit on one A4 sheet.
        let two = pdf_text(&receipts_pdf(&[r], ReceiptLayout::TwoPerA4).expect("pdf"));
        assert_eq!(page_count(&two), 1);
    }

    #[test]
    fn three_receipts_take_two_a4_sheets() {
        let mut b = sample();
        b.number = "SJ202611-000124".into();
        let mut c = sample();
        c.number = "SJ202611-000125".into();
        let pdf = receipts_pdf(&[sample(), b, c], ReceiptLayout::TwoPerA4).expect("pdf");
        let text = pdf_text(&pdf);
        assert_eq!(page_count(&text), 2);
        for n in ["SJ202611-000123", "SJ202611-000124", "SJ202611-000125"] {
            assert!(text.contains(n), "{n}");
        }
    }

    #[test]
    fn long_text_is_fitted_not_spilled() {
        let mut r = sample();
        r.lines[0].detail =
            "建筑面积 89.50㎡ × 单价 2.35 元/㎡·月 × 3 个月，含公共能耗分摊与二次供水加压费用"
                .into();
        r.payer = "欧阳长名字的交款人单位名称非常非常长的有限公司".into();
        let text = pdf_text(&receipts_pdf(&[r], ReceiptLayout::A5).expect("pdf"));
        assert!(text.contains('…'), "{text}");
        assert!(text.contains("630.98"));
    }

    #[test]
    fn an_empty_list_is_refused() {
        assert!(matches!(
            receipts_pdf(&[], ReceiptLayout::A5),
            Err(PrintError::Nothing)
        ));
    }

    #[test]
    fn render_for_a_look() {
        let mut marked = sample();
        marked.reprint = Some("2026-12-02 09:30".into());
        marked.voided = true;
        maybe_render(
            &receipts_pdf(&[sample()], ReceiptLayout::A5).expect("pdf"),
            "receipt-a5",
        );
        maybe_render(
            &receipts_pdf(&[sample(), marked], ReceiptLayout::TwoPerA4).expect("pdf"),
            "receipt-a4",
        );
        let mut long = sample();
        long.payer = "欧阳长名字的交款人单位名称非常非常长的有限公司".into();
        long.note = "业主要求开具发票，发票抬头为杭州某某科技有限公司，税号 91330100MA2XXXXXXX，请于下周一前开好并电话通知业主来取".into();
        long.lines = (1..=13)
            .map(|i| {
                line(
                    &format!("二次供水加压维护费{i:02}"),
                    "2026-10-01至2026-12-31",
                    "建筑面积 89.50㎡ × 单价 2.35 元/㎡·月 × 3 个月，含公共能耗分摊",
                    &format!("{},{:03}.{:02}", i * 3, i * 37, i),
                )
            })
            .collect();
        long.total = "123,456,789.01".into();
        maybe_render(
            &receipts_pdf(&[long], ReceiptLayout::TwoPerA4).expect("pdf"),
            "receipt-long",
        );
    }
}
