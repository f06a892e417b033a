//! Print benchmarks: one receipt (target < 30 ms, < 50 KB), 5,000 billing notices in one PDF
//! (target < 5 s, < 8 MB) and a 300-receipt handover sheet. Each prints its PDF's size once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use std::cell::Cell;
use std::hint::black_box;
use std::time::Instant;
use wuye_desk::print::handover::{HandoverPrint, HandoverReceiptRow, handover_pdf};
use wuye_desk::print::notice::{NoticeKind, NoticePrint, notices_pdf};
use wuye_desk::print::receipt::{ReceiptLayout, ReceiptLinePrint, ReceiptPrint, receipts_pdf};

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘";
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰建国华红玉梅志文斌";

fn name(i: usize) -> String {
    let s: Vec<char> = SURNAMES.chars().collect();
    let g: Vec<char> = GIVEN.chars().collect();
    format!(
        "{}{}{}",
        s[i % s.len()],
        g[i / 7 % g.len()],
        g[i / 3 % g.len()]
    )
}

fn unit(i: usize) -> String {
    format!(
        "{}-{}-{:02}{:02}",
        i / 400 + 1,
        i / 100 % 4 + 1,
        i / 4 % 25 + 1,
        i % 4 + 1
    )
}

fn line(item: &str, period: &str, detail: &str, amount: &str) -> ReceiptLinePrint {
    ReceiptLinePrint {
        item: item.into(),
        period: period.into(),
        detail: detail.into(),
        amount: amount.into(),
    }
}

fn receipt() -> ReceiptPrint {
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

fn notice(i: usize) -> NoticePrint {
    let area = format!("{}.{:02}", 60 + i % 90, i % 100);
    NoticePrint {
        kind: NoticeKind::Billing,
        office_name: "翠湖花园物业服务中心".into(),
        office_address: "杭州市西湖区翠湖路 88 号翠湖花园 1 号楼底商".into(),
        office_phone: "0571-8888 6666".into(),
        unit_code: unit(i),
        owner_name: name(i),
        period_label: "2026年第4季度".into(),
        lines: vec![
            line(
                "物业服务费",
                "2026-10至2026-12",
                &format!("{area}㎡ × 2.35 × 3月"),
                &format!("{}.{:02}", 400 + i % 300, i % 100),
            ),
            line(
                "电梯费",
                "2026-10至2026-12",
                &format!("{area}㎡ × 0.40 × 3月"),
                &format!("{}.{:02}", 70 + i % 50, i % 97),
            ),
            line(
                "公共能耗分摊",
                "2026-10至2026-12",
                &format!("按面积分摊 {area}㎡"),
                &format!("{}.{:02}", 20 + i % 30, i % 89),
            ),
            line(
                "生活垃圾处理费",
                "2026-10至2026-12",
                "每户每月 8.00 × 3月",
                "24.00",
            ),
        ],
        total: format!("{}.{:02}", 600 + i % 400, i % 100),
        total_capital: "柒佰玖拾捌元伍角陆分".into(),
        due_date: "2026-12-31".into(),
        issued_date: "2026-11-27".into(),
        message: "感谢您一直以来对物业服务工作的支持与配合。您的房屋 2026年第4季度 应缴费用明细如下，请于 2026-12-31 前到物业服务中心前台缴纳，或通过微信、支付宝、银行转账缴费。如有疑问，请致电物业服务中心。".into(),
    }
}

fn handover(receipts: usize) -> HandoverPrint {
    let methods = ["现金", "微信", "支付宝", "银行卡", "转账"];
    HandoverPrint {
        office_name: "翠湖花园物业服务中心".into(),
        date: "2026-11-27".into(),
        operator: "李晓梅".into(),
        totals_by_method: methods
            .iter()
            .map(|m| ((*m).to_string(), "12,345.67".to_string()))
            .collect(),
        totals_by_item: ["物业服务费", "水费", "电费", "停车管理费", "电梯费"]
            .iter()
            .map(|m| ((*m).to_string(), "9,876.54".to_string()))
            .collect(),
        receipts: (0..receipts)
            .map(|i| HandoverReceiptRow {
                number: format!("SJ202611-{:06}", 100 + i),
                time: format!("{:02}:{:02}", 8 + i / 60 % 10, i % 60),
                unit_code: unit(i * 13),
                payer: name(i),
                method: methods[i % methods.len()].into(),
                amount: format!("{}.{:02}", 100 + i * 7, i % 100),
                voided: i % 37 == 5,
            })
            .collect(),
        total: "61,728.35".into(),
        total_capital: "陆万壹仟柒佰贰拾捌元叁角伍分".into(),
        cash_expected: "12,345.67".into(),
        cash_counted: "12,345.67".into(),
        cash_difference: "0.00".into(),
        closed_at: "2026-11-27 17:32".into(),
    }
}

fn kb(bytes: usize) -> String {
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

fn bench_receipt(c: &mut Criterion) {
    let r = [receipt()];
    let size = receipts_pdf(&r, ReceiptLayout::A5).expect("pdf").len();
    println!("one receipt (A5): {}", kb(size));
    c.bench_function("receipt_a5_one", |b| {
        b.iter(|| receipts_pdf(black_box(&r), ReceiptLayout::A5).expect("pdf"));
    });
}

fn bench_notices(c: &mut Criterion) {
    let notices: Vec<NoticePrint> = (0..5000).map(notice).collect();
    // One timed run first: the size, and how the time splits between laying out the pages
    // (until the last progress call) and writing the PDF.
    let start = Instant::now();
    let laid_out = Cell::new(start);
    let size = notices_pdf(&notices, &|done, total| {
        if done == total {
            laid_out.set(Instant::now());
        }
        true
    })
    .expect("pdf")
    .len();
    let total = start.elapsed();
    println!(
        "5,000 billing notices: {:.2} MB in {:.2} s (pages laid out in {:.2} s, PDF written in {:.2} s)",
        size as f64 / 1024.0 / 1024.0,
        total.as_secs_f64(),
        (laid_out.get() - start).as_secs_f64(),
        (total - (laid_out.get() - start)).as_secs_f64(),
    );
    let mut group = c.benchmark_group("notices");
    group.sample_size(10);
    group.bench_function("billing_5000", |b| {
        b.iter(|| notices_pdf(black_box(&notices), &|_, _| true).expect("pdf"));
    });
    group.finish();
}

fn bench_handover(c: &mut Criterion) {
    let h = handover(300);
    let size = handover_pdf(&h).expect("pdf").len();
    println!("handover sheet, 300 receipts: {}", kb(size));
    c.bench_function("handover_300", |b| {
        b.iter(|| handover_pdf(black_box(&h)).expect("pdf"));
    });
}

criterion_group!(benches, bench_receipt, bench_notices, bench_handover);
criterion_main!(benches);
