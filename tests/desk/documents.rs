//! The printed documents read back from their PDFs: a receipt (and its reprint), the notices
//! and the handover sheet carry the numbers, units and amounts of the records.

use crate::common;

use wuye_desk::documents::{handover_document, notices_document, receipt_pdf};
use wuye_desk::domain::fees::Period;
use wuye_desk::domain::kinds::PayMethod;
use wuye_desk::print::receipt::ReceiptLayout;
use wuye_desk::store::Payment;

fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by .ci/run");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn receipts_notices_and_the_handover_sheet_say_what_the_records_say() {
    let (mut s, boss) = common::store();
    let u = common::fee_unit(&mut s, &boss);
    let q3 = Period::parse("2026Q3").unwrap();
    let q4 = Period::parse("2026Q4").unwrap();
    s.run_billing(&boss, &q3).unwrap();
    s.run_billing(&boss, &q4).unwrap();

    // Billing notices for Q4, before anything is paid.
    let (count, pdf) = notices_document(&s, &q4, None, false, &|_, _| true).unwrap();
    assert_eq!(count, 1);
    let text = pdf_text(&pdf);
    assert!(
        text.contains("收费通知单") && text.contains("3栋2单元1502") && text.contains("张三丰"),
        "{text}"
    );
    assert!(
        text.contains("630.98") && text.contains("陆佰叁拾元零玖角捌分"),
        "{text}"
    );
    // Cancelling stops the batch.
    assert!(notices_document(&s, &q4, None, false, &|_, _| false).is_err());

    let q3_bill = s
        .unit_bills(u)
        .unwrap()
        .into_iter()
        .find(|b| b.period == "2026Q3")
        .unwrap();
    let number = s
        .collect(
            &boss,
            &Payment {
                unit_id: u,
                payer: "张三丰".into(),
                method: PayMethod::Cash,
                bills: vec![(q3_bill.id, 63098)],
                prepay_fen: 0,
                balance_used_fen: 0,
                tendered_fen: 70000,
                note: String::new(),
            },
        )
        .unwrap();
    let text = pdf_text(&receipt_pdf(&s, &number, false, ReceiptLayout::A5).unwrap());
    assert!(
        text.contains("收款收据") && text.contains(&number) && text.contains("3栋2单元1502"),
        "{text}"
    );
    assert!(
        text.contains("陆佰叁拾元零玖角捌分") && text.contains("630.98"),
        "{text}"
    );
    assert!(text.contains("找零 69.02"), "{text}");
    assert!(!text.contains("补打"));
    let reprint = pdf_text(&receipt_pdf(&s, &number, true, ReceiptLayout::TwoPerA4).unwrap());
    assert!(
        reprint.contains("补打") && reprint.contains(&number),
        "{reprint}"
    );
    // The copy says when it was printed again (the tests' clock: 2026-11-27 09:30).
    let flat: String = reprint.split_whitespace().collect();
    assert!(flat.contains("补打于2026-11-2709:30"), "{reprint}");

    // Dunning notices list what is overdue: Q4 (due 2026-10-16) but not the paid Q3.
    let (_, pdf) = notices_document(&s, &q4, None, true, &|_, _| true).unwrap();
    let text = pdf_text(&pdf);
    assert!(
        text.contains("催缴单")
            && text.contains("2026年第4季度")
            && !text.contains("2026年第3季度"),
        "{text}"
    );

    s.void_receipt(&boss, &number, "收错").unwrap();
    let text = pdf_text(&handover_document(&s, common::day("2026-11-27"), Some(0)).unwrap());
    assert!(
        text.contains("费用移交表") && text.contains(&number) && text.contains("作废"),
        "{text}"
    );
    let voided = pdf_text(&receipt_pdf(&s, &number, true, ReceiptLayout::A5).unwrap());
    assert!(voided.contains("作废"), "{voided}");
}
