//! 工程维修单: the repair order the technician takes to the job and signs.
//!
//! One A5 landscape page: the office and number, a ruled form of the order (where, who
//! reported it, what is broken, technician and appointment), then the lines the technician
//! fills in on the spot (materials, charge, finish time) and the signatures of the technician
//! and the resident or the desk's check.

use super::{Align, Document, Ink, PageSize, PrintError, baseline_in};

/// Everything printed on a repair order (all text already formatted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairOrderPrint {
    /// The property office's name.
    pub office_name: String,
    /// The order number, e.g. WX202611-0001.
    pub number: String,
    /// Unit code, or 公共区域：place.
    pub location: String,
    /// 业户单元维修 or 公共维修.
    pub kind: String,
    /// Reporter.
    pub reporter: String,
    /// Reporter's phone.
    pub phone: String,
    /// Category.
    pub category: String,
    /// When reported.
    pub reported_at: String,
    /// What is broken.
    pub description: String,
    /// Technician.
    pub technician: String,
    /// Appointment.
    pub appointment: String,
    /// Materials (filled in when printed after completion).
    pub materials: String,
    /// Charge, e.g. ¥80.00 (empty when free or not yet known).
    pub charge: String,
    /// When finished.
    pub completed_at: String,
    /// Operator who printed it.
    pub operator: String,
}

const LEFT: f32 = 14.0;
const RIGHT: f32 = 196.0;
const ROW: f32 = 9.0;
const SIZE: f32 = 10.5;

/// Makes the repair order as a one-page PDF.
///
/// # Errors
/// [`PrintError::Font`] / [`PrintError::Write`] if the PDF cannot be made.
pub fn repair_order_pdf(s: &RepairOrderPrint) -> Result<Vec<u8>, PrintError> {
    let mut doc = Document::new(&format!("工程维修单 {}", s.number))?;
    let mut page = doc.new_page(PageSize::A5_LANDSCAPE);
    let mid = f32::midpoint(LEFT, RIGHT);
    page.text_bold(mid, 16.0, 15.0, "工程维修单", Align::Center);
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
    let label_w = 24.0;
    let half = (RIGHT - LEFT) / 2.0;
    let pairs: [[(&str, &str); 2]; 6] = [
        [("维修地点", &s.location), ("维修类型", &s.kind)],
        [("报修人", &s.reporter), ("联系电话", &s.phone)],
        [("类别", &s.category), ("报修时间", &s.reported_at)],
        [("维修人员", &s.technician), ("预约时间", &s.appointment)],
        [("维修费", &s.charge), ("完工时间", &s.completed_at)],
        [("经办人", &s.operator), ("", "")],
    ];
    let top = 28.0;
    let mut y = top;
    page.hline(LEFT, RIGHT, y, 1.0);
    // The description spans the whole width.
    let tall = ROW * 2.0;
    page.fill_rect(LEFT, y, label_w, tall, 0.92);
    page.text_in_bold(
        LEFT + 1.5,
        baseline_in(y, tall, SIZE),
        label_w - 3.0,
        SIZE,
        "报修内容",
        Align::Center,
    );
    page.paragraph(
        LEFT + label_w + 2.0,
        y + 5.5,
        RIGHT - LEFT - label_w - 4.0,
        SIZE,
        4.6,
        &s.description,
    );
    page.vline(LEFT + label_w, y, y + tall, 0.4);
    y += tall;
    // Rules are drawn after the shaded label cells, so no shading covers them.
    let mut rules = vec![y];
    for row in &pairs {
        let base = baseline_in(y, ROW, SIZE);
        for (j, (label, value)) in row.iter().enumerate() {
            if label.is_empty() {
                continue;
            }
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
        page.vline(LEFT + half, y, y + ROW, 0.4);
        y += ROW;
        rules.push(y);
    }
    for r in rules {
        page.hline(LEFT, RIGHT, r, 0.4);
    }
    page.hline(LEFT, RIGHT, y, 1.0);
    page.vline(LEFT, top, y, 1.0);
    page.vline(RIGHT, top, y, 1.0);
    page.text(LEFT, y + 8.0, SIZE, "使用材料：", Align::Left);
    let mx = LEFT + page.width("使用材料：", SIZE);
    page.text(mx + 2.0, y + 8.0, SIZE, &s.materials, Align::Left);
    page.hline(mx, RIGHT, y + 9.0, 0.5);
    page.set_ink(Ink::Grey);
    page.paragraph(
        LEFT,
        y + 16.0,
        RIGHT - LEFT,
        8.5,
        4.2,
        "维修完毕请业户（公共维修由前台）确认签字；有偿维修按公示标准收费，费用在物业服务中心前台缴纳。",
    );
    page.set_ink(Ink::Black);
    let sy = 138.0;
    let labels = ["维修人员签字：", "业户/验收人签字：", "前台回访/验收："];
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

    fn sample() -> RepairOrderPrint {
        RepairOrderPrint {
            office_name: "翠湖花园物业服务中心".into(),
            number: "WX202611-0007".into(),
            location: "3栋2单元1502".into(),
            kind: "业户单元维修".into(),
            reporter: "张三丰".into(),
            phone: "13800138000".into(),
            category: "管道".into(),
            reported_at: "2026-11-27 09:30".into(),
            description: "厨房水槽下水管漏水，地面积水，楼下1402天花板有水印。".into(),
            technician: "赵师傅".into(),
            appointment: "2026-11-27 14:00".into(),
            materials: String::new(),
            charge: String::new(),
            completed_at: String::new(),
            operator: "李客服".into(),
        }
    }

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn the_order_carries_the_job_and_the_signature_lines() {
        let text = pdf_text(&repair_order_pdf(&sample()).expect("pdf"));
        let flat = squash(&text);
        for s in [
            "工程维修单",
            "编号：WX202611-0007",
            "3栋2单元1502",
            "业户单元维修",
            "张三丰",
            "厨房水槽下水管漏水",
            "赵师傅",
            "2026-11-2714:00",
            "维修人员签字：",
        ] {
            assert!(flat.contains(&squash(s)), "missing {s}\n{text}");
        }
        assert_eq!(page_count(&text), 1);
    }

    #[test]
    fn render_for_a_look() {
        maybe_render(&repair_order_pdf(&sample()).expect("pdf"), "repair_order");
    }
}
