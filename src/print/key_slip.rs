//! 钥匙借用登记表: the slip a borrower signs when a key leaves the office.
//!
//! One A5 landscape page (the same shape as half an A4 sheet): the office, the key, the
//! borrower and how their identity was checked, the times out and due, then the lines the
//! borrower signs now and the desk fills in when the key comes back.

use super::{Align, Document, Ink, PageSize, PrintError, baseline_in};

/// Everything printed on a key slip (all text already formatted; the ID number masked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeySlipPrint {
    /// The property office's name.
    pub office_name: String,
    /// The loan number, e.g. JY000123.
    pub number: String,
    /// The unit or shop.
    pub unit_code: String,
    /// The key set's label and count, e.g. 入户门钥匙 × 2.
    pub key: String,
    /// Hook or box position.
    pub position: String,
    /// Borrower.
    pub borrower: String,
    /// Borrower's phone.
    pub phone: String,
    /// Relation to the unit (业主, 装修…).
    pub relation: String,
    /// ID number, masked.
    pub id_number: String,
    /// Purpose.
    pub purpose: String,
    /// How the identity was checked, e.g. 业主授权：张三丰（电话）.
    pub identity: String,
    /// When it went out, e.g. 2026-11-27 09:30.
    pub out_at: String,
    /// Expected back, e.g. 2026-11-27 当日.
    pub due: String,
    /// Operator who lent it.
    pub operator: String,
    /// (time back, received by, condition) when printed after the return.
    pub returned: Option<(String, String, String)>,
}

const LEFT: f32 = 14.0;
const RIGHT: f32 = 196.0;
const ROW: f32 = 9.0;
const SIZE: f32 = 10.5;

/// Makes the slip as a one-page PDF.
///
/// # Errors
/// [`PrintError::Font`] / [`PrintError::Write`] if the PDF cannot be made.
pub fn key_slip_pdf(s: &KeySlipPrint) -> Result<Vec<u8>, PrintError> {
    let mut doc = Document::new(&format!("钥匙借用登记表 {}", s.number))?;
    let mut page = doc.new_page(PageSize::A5_LANDSCAPE);
    let mid = f32::midpoint(LEFT, RIGHT);
    page.text_bold(mid, 16.0, 15.0, "钥匙借用登记表", Align::Center);
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
    // A ruled form of label/value pairs, two pairs to a row.
    let label_w = 24.0;
    let half = (RIGHT - LEFT) / 2.0;
    let rows: [[(&str, &str); 2]; 7] = [
        [("房号", &s.unit_code), ("钥匙", &s.key)],
        [("存放位置", &s.position), ("经办人", &s.operator)],
        [("借用人", &s.borrower), ("关系", &s.relation)],
        [("联系电话", &s.phone), ("身份证号", &s.id_number)],
        [("借用用途", &s.purpose), ("身份核验", &s.identity)],
        [("借出时间", &s.out_at), ("预计归还", &s.due)],
        [("归还时间", ""), ("接收人", "")],
    ];
    let top = 28.0;
    let mut y = top;
    page.hline(LEFT, RIGHT, y, 1.0);
    for (i, row) in rows.iter().enumerate() {
        let back = i == rows.len() - 1;
        let cells: [(&str, String); 2] = if back {
            match &s.returned {
                Some((at, by, _)) => [(row[0].0, at.clone()), (row[1].0, by.clone())],
                None => [(row[0].0, String::new()), (row[1].0, String::new())],
            }
        } else {
            [
                (row[0].0, row[0].1.to_string()),
                (row[1].0, row[1].1.to_string()),
            ]
        };
        let base = baseline_in(y, ROW, SIZE);
        for (j, (label, value)) in cells.iter().enumerate() {
            let x = LEFT + half * f32::from(u8::try_from(j).unwrap_or(0));
            page.fill_rect(x, y, label_w, ROW, 0.92);
            page.text_in_bold(x + 1.5, base, label_w - 3.0, SIZE, label, Align::Center);
            page.text_in(
                x + label_w + 2.0,
                base,
                half - label_w - 4.0,
                SIZE,
                value,
                Align::Left,
            );
            page.vline(x + label_w, y, y + ROW, 0.4);
        }
        y += ROW;
        page.hline(LEFT, RIGHT, y, if back { 1.0 } else { 0.4 });
    }
    page.vline(LEFT, top, y, 1.0);
    page.vline(LEFT + half, top, y, 0.4);
    page.vline(RIGHT, top, y, 1.0);
    let condition = s.returned.as_ref().map_or("", |r| r.2.as_str());
    page.text(LEFT, y + 8.0, SIZE, "归还时钥匙状况：", Align::Left);
    let cx = LEFT + page.width("归还时钥匙状况：", SIZE);
    page.text(cx + 2.0, y + 8.0, SIZE, condition, Align::Left);
    page.hline(cx, RIGHT, y + 9.0, 0.5);
    page.set_ink(Ink::Grey);
    page.paragraph(
        LEFT,
        y + 16.0,
        RIGHT - LEFT,
        8.5,
        4.2,
        "借用人承诺：钥匙仅用于上述用途，不复制、不转借，当日归还；如有遗失立即告知物业服务中心并承担相应责任。",
    );
    page.set_ink(Ink::Black);
    let sy = 138.0;
    let labels = ["借用人签字：", "经办人签字：", "归还接收人签字："];
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

    fn sample() -> KeySlipPrint {
        KeySlipPrint {
            office_name: "翠湖花园物业服务中心".into(),
            number: "JY000042".into(),
            unit_code: "3栋2单元1502".into(),
            key: "入户门钥匙 × 2".into(),
            position: "A-12".into(),
            borrower: "刘师傅".into(),
            phone: "139-1234-5678".into(),
            relation: "装修".into(),
            id_number: "440305********1234".into(),
            purpose: "装修进场".into(),
            identity: "业主授权：张三丰（电话）".into(),
            out_at: "2026-11-27 09:30".into(),
            due: "2026-11-27 当日".into(),
            operator: "李客服".into(),
            returned: None,
        }
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn the_slip_carries_the_loan_and_the_signature_lines() {
        let text = pdf_text(&key_slip_pdf(&sample()).expect("pdf"));
        let flat = squash(&text);
        for s in [
            "钥匙借用登记表",
            "编号：JY000042",
            "3栋2单元1502",
            "入户门钥匙×2",
            "刘师傅",
            "440305********1234",
            "业主授权：张三丰（电话）",
            "2026-11-2709:30",
            "借用人签字：",
            "归还接收人签字：",
        ] {
            assert!(flat.contains(&squash(s)), "missing {s}\n{text}");
        }
        assert_eq!(page_count(&text), 1);
    }

    #[test]
    fn a_returned_loan_prints_its_return() {
        let mut s = sample();
        s.returned = Some(("2026-11-27 15:50".into(), "王主管".into(), "完好".into()));
        let flat = squash(&pdf_text(&key_slip_pdf(&s).expect("pdf")));
        assert!(flat.contains("2026-11-2715:50"));
        assert!(flat.contains("王主管"));
        assert!(flat.contains("完好"));
    }

    #[test]
    fn render_for_a_look() {
        maybe_render(&key_slip_pdf(&sample()).expect("pdf"), "key_slip");
    }
}
