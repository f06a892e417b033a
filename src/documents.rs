//! The desk's printed documents built from the records: receipts, billing and dunning
//! notices, and the daily handover sheet. The store gives the facts, `print` lays them out.

use crate::domain::fees::Period;
use crate::domain::money::{capital, yuan};
use crate::print::handover::{HandoverPrint, HandoverReceiptRow, handover_pdf};
use crate::print::notice::{NoticeKind, NoticePrint, notices_pdf};
use crate::print::receipt::{ReceiptLayout, ReceiptLinePrint, ReceiptPrint, receipts_pdf};
use crate::print::repair_summary::{CarriedPrint, RepairSummaryPrint, SummaryLinePrint};
use crate::print::stocktake::{StocktakeLinePrint, StocktakePrint};
use crate::store::{BillRow, RepairMonthSummary, RepairSummaryLine, Stocktake, Store, StoreError};
use chrono::{Days, NaiveDate};

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The records could not be read.
    #[error("{0}")]
    Store(#[from] StoreError),
    /// The PDF could not be laid out.
    #[error("{0}")]
    Print(#[from] crate::print::PrintError),
    /// Nothing to print.
    #[error("{0}")]
    Empty(String),
}

/// A receipt as printed. `reprint` marks it 补打 with the time it is printed again.
pub fn receipt_print(
    store: &Store,
    number: &str,
    reprint: bool,
) -> Result<ReceiptPrint, DocumentError> {
    let office = store.office()?.unwrap_or_default();
    let detail = store.receipt_detail(number)?;
    let r = &detail.receipt;
    let mut lines: Vec<ReceiptLinePrint> = detail
        .lines
        .iter()
        .map(|l| ReceiptLinePrint {
            item: l.item_name.clone(),
            period: period_label(&l.period),
            detail: l.detail.clone(),
            amount: yuan(l.amount_fen),
        })
        .collect();
    if r.balance_used_fen > 0 {
        lines.push(ReceiptLinePrint {
            item: "预存抵扣".into(),
            period: String::new(),
            detail: "从预存余额扣除".into(),
            amount: yuan(-r.balance_used_fen),
        });
    }
    let mut note = r.note.clone();
    if r.change_fen > 0 {
        let extra = format!(
            "实收现金 {} 元，找零 {} 元",
            yuan(r.tendered_fen),
            yuan(r.change_fen)
        );
        note = if note.is_empty() {
            extra
        } else {
            format!("{note}；{extra}")
        };
    }
    if let Some((at, by, reason)) = &r.void {
        let extra = format!("已于 {at} 由 {by} 作废：{reason}");
        note = if note.is_empty() {
            extra
        } else {
            format!("{note}；{extra}")
        };
    }
    Ok(ReceiptPrint {
        office_name: office.name,
        office_phone: office.phone,
        number: r.number.clone(),
        date: r.business_date.clone(),
        unit_code: r.unit_code.clone(),
        payer: r.payer.clone(),
        lines,
        total: yuan(r.received_fen),
        total_capital: capital(r.received_fen),
        method: r.method.clone(),
        operator: r.operator.clone(),
        note,
        reprint: reprint.then(|| store.clock().now().format("%Y-%m-%d %H:%M").to_string()),
        voided: r.void.is_some(),
    })
}

/// The PDF of one receipt, on an A5 page or as the top half of an A4 sheet.
pub fn receipt_pdf(
    store: &Store,
    number: &str,
    reprint: bool,
    layout: ReceiptLayout,
) -> Result<Vec<u8>, DocumentError> {
    let print = receipt_print(store, number, reprint)?;
    Ok(receipts_pdf(&[print], layout)?)
}

/// "2026Q4" → "2026年第4季度", "2026-11" → "2026年11月", anything else as it is.
#[must_use]
pub fn period_label(period: &str) -> String {
    Period::parse(period).map_or_else(|_| period.to_string(), |p| p.label())
}

fn bill_line(b: &BillRow) -> ReceiptLinePrint {
    let owed = b.outstanding_fen();
    let detail = if b.paid_fen > 0 {
        format!("{}（已缴 {}）", b.detail, yuan(b.paid_fen))
    } else {
        b.detail.clone()
    };
    ReceiptLinePrint {
        item: b.item_name.clone(),
        period: period_label(&b.period),
        detail,
        amount: yuan(owed),
    }
}

/// The notices for a period: billing notices (收费通知单) for every unit with bills in the
/// period, or dunning notices (催缴单) for every unit in arrears; optionally one building.
pub fn notices_for(
    store: &Store,
    period: &Period,
    building: Option<&str>,
    dunning: bool,
) -> Result<Vec<NoticePrint>, DocumentError> {
    let office = store.office()?.unwrap_or_default();
    let today = store.today();
    let units = store.unit_rows()?;
    let arrears_units: std::collections::HashSet<i64> = if dunning {
        store.arrears()?.into_iter().map(|a| a.unit_id).collect()
    } else {
        std::collections::HashSet::new()
    };
    let due = today.checked_add_days(Days::new(15)).unwrap_or(today);
    let mut notices = Vec::new();
    for unit in units
        .iter()
        .filter(|u| building.is_none_or(|b| u.building == b))
    {
        if dunning && !arrears_units.contains(&unit.id) {
            continue;
        }
        let bills = store.unit_bills(unit.id)?;
        let chosen: Vec<&BillRow> = bills
            .iter()
            .filter(|b| b.outstanding_fen() > 0)
            .filter(|b| {
                if dunning {
                    b.due_date.as_str() < today.format("%Y-%m-%d").to_string().as_str()
                } else {
                    b.period == period.to_string()
                }
            })
            .collect();
        if chosen.is_empty() {
            continue;
        }
        let total: i64 = chosen.iter().map(|b| b.outstanding_fen()).sum();
        let due_date = if dunning {
            due
        } else {
            chosen
                .iter()
                .filter_map(|b| NaiveDate::parse_from_str(&b.due_date, "%Y-%m-%d").ok())
                .min()
                .filter(|d| *d >= today)
                .unwrap_or(due)
        };
        let owner = if unit.owners.is_empty() {
            "业主".to_string()
        } else {
            unit.owners.clone()
        };
        let message = if dunning {
            format!(
                "经核对，贵户截至 {} 尚有以上费用未缴纳。请于 {} 前到物业服务中心缴清，逾期将按规定计收滞纳金。如已缴纳，请忽略本通知。感谢您的理解与支持！",
                today.format("%Y年%m月%d日"),
                due_date.format("%Y年%m月%d日")
            )
        } else {
            format!(
                "您好！{}的费用明细如上，请于 {} 前到物业服务中心缴纳，可用现金、微信、支付宝、银行卡或转账。如有疑问请致电 {}。谢谢！",
                period.label(),
                due_date.format("%Y年%m月%d日"),
                office.phone
            )
        };
        notices.push(NoticePrint {
            kind: if dunning {
                NoticeKind::Dunning
            } else {
                NoticeKind::Billing
            },
            office_name: office.name.clone(),
            office_address: office.address.clone(),
            office_phone: office.phone.clone(),
            unit_code: unit.code.clone(),
            owner_name: owner,
            period_label: if dunning {
                format!("截至{}", today.format("%Y年%m月%d日"))
            } else {
                period.label()
            },
            lines: chosen.into_iter().map(bill_line).collect(),
            total: yuan(total),
            total_capital: capital(total),
            due_date: due_date.format("%Y-%m-%d").to_string(),
            issued_date: today.format("%Y-%m-%d").to_string(),
            message,
        });
    }
    Ok(notices)
}

/// The notices as one PDF, one page per unit. `progress(done, total)` returning false cancels.
pub fn notices_document(
    store: &Store,
    period: &Period,
    building: Option<&str>,
    dunning: bool,
    progress: &dyn Fn(usize, usize) -> bool,
) -> Result<(usize, Vec<u8>), DocumentError> {
    let notices = notices_for(store, period, building, dunning)?;
    if notices.is_empty() {
        return Err(DocumentError::Empty(if dunning {
            "没有欠费的房屋，不需要催缴单".into()
        } else {
            format!("{} 还没有应收，请先核算", period.label())
        }));
    }
    let pdf = notices_pdf(&notices, progress)?;
    Ok((notices.len(), pdf))
}

/// The daily handover sheet (费用移交表) of a business day.
pub fn handover_document(
    store: &Store,
    date: NaiveDate,
    cash_counted_fen: Option<i64>,
) -> Result<Vec<u8>, DocumentError> {
    let office = store.office()?.unwrap_or_default();
    let day = store.day_summary(date)?;
    let counted = cash_counted_fen.or(day.closed.as_ref().map(|c| c.2));
    let operators: Vec<String> = {
        let mut names: Vec<String> = day.receipts.iter().map(|r| r.operator.clone()).collect();
        names.dedup();
        names
    };
    let print = HandoverPrint {
        office_name: office.name,
        date: day.date.clone(),
        operator: operators.join("、"),
        totals_by_method: day
            .by_method
            .iter()
            .map(|(m, f)| (m.clone(), yuan(*f)))
            .collect(),
        totals_by_item: day
            .by_item
            .iter()
            .map(|(m, f)| (m.clone(), yuan(*f)))
            .collect(),
        receipts: day
            .receipts
            .iter()
            .map(|r| HandoverReceiptRow {
                number: r.number.clone(),
                time: r.created_at.get(11..16).unwrap_or("").to_string(),
                unit_code: r.unit_code.clone(),
                payer: r.payer.clone(),
                method: r.method.clone(),
                amount: yuan(r.received_fen),
                voided: r.void.is_some(),
            })
            .collect(),
        total: yuan(day.total_fen),
        total_capital: capital(day.total_fen),
        cash_expected: yuan(day.cash_expected_fen),
        cash_counted: counted.map(yuan).unwrap_or_default(),
        cash_difference: counted
            .map(|c| yuan(c - day.cash_expected_fen))
            .unwrap_or_default(),
        closed_at: day.closed.as_ref().map(|c| c.0.clone()).unwrap_or_default(),
    };
    Ok(handover_pdf(&print)?)
}

/// `2026-11-27 09:30:00` → `2026-11-27 09:30`: a stored time as the desk reads it.
#[must_use]
pub fn short_time(s: &str) -> &str {
    s.get(..16).unwrap_or(s)
}

/// Minutes as 5小时20分 / 1天2小时.
#[must_use]
pub fn duration_text(minutes: i64) -> String {
    let (d, h, m) = (minutes / 1440, minutes % 1440 / 60, minutes % 60);
    match (d, h, m) {
        (0, 0, m) => format!("{m}分"),
        (0, h, 0) => format!("{h}小时"),
        (0, h, m) => format!("{h}小时{m}分"),
        (d, h, _) => format!("{d}天{h}小时"),
    }
}

/// Last month's summary, ready to print.
#[must_use]
pub fn summary_print(
    office_name: &str,
    printed: &str,
    s: &RepairMonthSummary,
) -> RepairSummaryPrint {
    let line = |l: &RepairSummaryLine| SummaryLinePrint {
        name: l.name.clone(),
        orders: l.orders.to_string(),
        completed: l.completed.to_string(),
        average: l.avg_minutes.map(duration_text).unwrap_or_default(),
    };
    RepairSummaryPrint {
        office_name: office_name.to_string(),
        month: s.month.clone(),
        total: s.orders.len().to_string(),
        by_category: s.by_category.iter().map(line).collect(),
        by_state: s.by_state.iter().map(line).collect(),
        carried_over: s
            .carried_over
            .iter()
            .map(|o| CarriedPrint {
                number: o.number.clone(),
                location: o.location(),
                category: o.category.clone(),
                reported_at: short_time(&o.reported_at).to_string(),
                state: o.state.clone(),
            })
            .collect(),
        printed: printed.to_string(),
    }
}

/// A stock-take, ready to print.
#[must_use]
pub fn stocktake_print(office_name: &str, t: &Stocktake) -> StocktakePrint {
    StocktakePrint {
        office_name: office_name.to_string(),
        month: t.month.clone(),
        counted: format!("{} {}", t.counted_by, short_time(&t.counted_at)),
        signed: t
            .signed
            .as_ref()
            .map(|(at, by, note)| format!("{by} {}：{note}", short_time(at)))
            .unwrap_or_default(),
        lines: t
            .lines
            .iter()
            .map(|l| StocktakeLinePrint {
                kind: l.kind.clone(),
                label: l.label.clone(),
                expected: l.expected.to_string(),
                counted: l.counted.to_string(),
                difference: match l.difference() {
                    0 => String::new(),
                    d => format!("{d:+}"),
                },
                note: l.note.clone(),
            })
            .collect(),
    }
}
