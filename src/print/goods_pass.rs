//! 物品放行条: the pass a bearer hands to the guard at the gate.
//!
//! One A5 landscape page: the office and number, a ruled form (unit, bearer, items, the owner
//! who confirmed and how, the valid day, the operator), then the signatures of the bearer, the
//! desk and the guard who keeps it.

use super::{Align, Document, Ink, PageSize, PrintError, baseline_in};

/// Everything printed on a goods pass (all text already formatted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoodsPassPrint {
    /// The property office's name.
    pub office_name: String,
    /// The pass number, e.g. FX20261127-01.
    pub number: String,
    /// The unit the goods come from.
    pub unit_code: String,
    /// Who carries them out.
    pub bearer: String,
    /// What goes out.
    pub items: String,
    /// Owner who confirmed, with how, e.g. 张三丰（电话）.
    pub confirmed: String,
    /// The day it is valid, e.g. 2026-11-27 当日有效.
    pub valid: String,
    /// When written.
    pub written_at: String,
    /// Operator.
    pub operator: String,
}

const LEFT: f32 = 14.0;
const RIGHT: f32 = 196.0;
const ROW: f32 = 10.0;
const SIZE: f32 = 11.0;

/// Makes the pass as a one-page PDF.
///
/// # Errors
/// [`PrintError::Font`] / [`PrintError::Write`] if the PDF cannot be made.
pub fn goods_pass_pdf(s: &GoodsPassPrint) -> Result<Vec<u8>, PrintError> {
    let mut doc = Document::new(&format!("物品放行条 {}", s.number))?;
    let mut page = doc.new_page(PageSize::A5_LANDSCAPE);
    page.text_bold(
        f32::midpoint(LEFT, RIGHT),
        16.0,
        15.0,
        "物品放行条",
        Align::Center,
    );
    page.set_ink(Ink::Grey);
    page.text(LEFT, 24.0, 9.0, &s.office_name, Align::Left);
    page.text(
        RIGHT,
        24.0,
        9.0,
        &format!("编号：{}", s.number),
        Align::Right,
    );
    page.set_ink(Ink::Black);
    let label_w = 28.0;
    let rows: [(&str, &str); 7] = [
        ("房号", &s.unit_code),
        ("携物人", &s.bearer),
        ("放行物品", &s.items),
        ("业主确认", &s.confirmed),
        ("有效日期", &s.valid),
        ("开具时间", &s.written_at),
        ("经办人", &s.operator),
    ];
    let top = 28.0;
    let mut y = top;
    let mut rules = vec![y];
    for (label, value) in rows {
        let base = baseline_in(y, ROW, SIZE);
        page.fill_rect(LEFT, y, label_w, ROW, 0.92);
        page.text_in_bold(LEFT + 1.5, base, label_w - 3.0, SIZE, label, Align::Center);
        page.text_in(
            LEFT + label_w + 2.0,
            base,
            RIGHT - LEFT - label_w - 4.0,
            SIZE,
            value,
            Align::Left,
        );
        y += ROW;
        rules.push(y);
    }
    for r in rules {
        page.hline(LEFT, RIGHT, r, 0.4);
    }
    page.hline(LEFT, RIGHT, top, 1.0);
    page.hline(LEFT, RIGHT, y, 1.0);
    page.vline(LEFT, top, y, 1.0);
    page.vline(LEFT + label_w, top, y, 0.4);
    page.vline(RIGHT, top, y, 1.0);
    page.set_ink(Ink::Grey);
    page.paragraph(
        LEFT,
        y + 8.0,
        RIGHT - LEFT,
        8.5,
        4.2,
        "本放行条经业主确认后开具，仅限所列物品于有效日期当日出门；门岗核对物品后留存本条。",
    );
    page.set_ink(Ink::Black);
    let sy = 138.0;
    let labels = ["携物人签字：", "前台签章：", "门岗核验："];
    let w = (RIGHT - LEFT) / 3.0;
    for (i, label) in labels.iter().enumerate() {
        let x = LEFT + w * f32::from(u8::try_from(i).unwrap_or(0));
        page.text(x, sy, SIZE, label, Align::Left);
        page.hline(x + page.width(label, SIZE), x + w - 4.0, sy + 1.0, 0.5);
    }
    doc.add(page);
    doc.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::print::testing::{maybe_render, page_count, pdf_text};

    fn sample() -> GoodsPassPrint {
        GoodsPassPrint {
            office_name: "翠湖花园物业服务中心".into(),
            number: "FX20261127-01".into(),
            unit_code: "3栋2单元1502".into(),
            bearer: "刘师傅".into(),
            items: "旧橱柜两组、装修垃圾八袋".into(),
            confirmed: "张三丰（电话）".into(),
            valid: "2026-11-27 当日有效".into(),
            written_at: "2026-11-27 09:30".into(),
            operator: "李客服".into(),
        }
    }

    #[test]
    fn the_pass_carries_the_goods_and_the_owners_confirmation() {
        let text = pdf_text(&goods_pass_pdf(&sample()).expect("pdf"));
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for s in [
            "物品放行条",
            "编号：FX20261127-01",
            "3栋2单元1502",
            "旧橱柜两组、装修垃圾八袋",
            "张三丰（电话）",
            "门岗核验：",
        ] {
            let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            assert!(flat.contains(&s), "missing {s}\n{text}");
        }
        assert_eq!(page_count(&text), 1);
    }

    #[test]
    fn render_for_a_look() {
        maybe_render(&goods_pass_pdf(&sample()).expect("pdf"), "goods_pass");
    }
}
