//! 通知/公告: an A4 notice for the board — a large title, who it is for, the body in wrapped
//! paragraphs, and the office and date at the foot on the right, as notices are signed.

use super::{Align, Document, PageSize, PrintError};

/// Everything printed on a board notice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardNoticePrint {
    /// The property office's name (signs the notice).
    pub office_name: String,
    /// Title, e.g. 停水通知.
    pub title: String,
    /// Who it is for, e.g. 尊敬的各位业户.
    pub audience: String,
    /// The body, paragraphs separated by line breaks.
    pub body: String,
    /// The date, e.g. 2026年11月27日.
    pub date: String,
}

const LEFT: f32 = 25.0;
const RIGHT: f32 = 185.0;
const SIZE: f32 = 14.0;
const LEADING: f32 = 8.0;

/// Makes the notice as a PDF (one A4 page; a long body continues on further pages).
///
/// # Errors
/// [`PrintError::Font`] / [`PrintError::Write`] if the PDF cannot be made.
pub fn board_notice_pdf(s: &BoardNoticePrint) -> Result<Vec<u8>, PrintError> {
    let mut doc = Document::new(&s.title)?;
    let mut page = doc.new_page(PageSize::A4);
    page.text_bold(
        f32::midpoint(LEFT, RIGHT),
        40.0,
        24.0,
        &s.title,
        Align::Center,
    );
    let mut y = 60.0;
    page.text(LEFT, y, SIZE, &format!("{}：", s.audience), Align::Left);
    y += LEADING * 1.5;
    for para in s.body.lines().map(str::trim).filter(|p| !p.is_empty()) {
        let text = format!("　　{para}");
        for line in page.font().wrap(&text, RIGHT - LEFT, SIZE) {
            if y > 250.0 {
                doc.add(page);
                page = doc.new_page(PageSize::A4);
                y = 30.0;
            }
            page.text(LEFT, y, SIZE, &line, Align::Left);
            y += LEADING;
        }
        y += LEADING * 0.4;
    }
    if y > 240.0 {
        doc.add(page);
        page = doc.new_page(PageSize::A4);
        y = 30.0;
    }
    y += LEADING * 2.0;
    page.text(RIGHT, y, SIZE, &s.office_name, Align::Right);
    page.text(RIGHT, y + LEADING * 1.2, SIZE, &s.date, Align::Right);
    doc.add(page);
    doc.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::print::testing::{maybe_render, pdf_text};

    fn sample() -> BoardNoticePrint {
        BoardNoticePrint {
            office_name: "翠湖花园物业服务中心".into(),
            title: "停水通知".into(),
            audience: "尊敬的各位业户".into(),
            body: "因市政管网维修，11月29日9:00至17:00小区3栋、5栋停水。\n请各位业户提前储水，给您带来不便，敬请谅解。".into(),
            date: "2026年11月27日".into(),
        }
    }

    #[test]
    fn the_notice_carries_title_body_and_signature() {
        let text = pdf_text(&board_notice_pdf(&sample()).expect("pdf"));
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for s in [
            "停水通知",
            "尊敬的各位业户：",
            "请各位业户提前储水",
            "翠湖花园物业服务中心",
            "2026年11月27日",
        ] {
            assert!(flat.contains(s), "missing {s}\n{text}");
        }
    }

    #[test]
    fn render_for_a_look() {
        maybe_render(&board_notice_pdf(&sample()).expect("pdf"), "board_notice");
    }
}
