//! Collecting money: what a unit owes, payments with receipts numbered from one sequence and
//! chained by hash, voids, the daily close (日结), arrears (欠费) and the dunning log.

use super::audit::{self, Change};
use super::operators::require_supervisor;
use super::{Actor, Store, StoreError, StoreResult, date_str};
use crate::domain::fees::late_fee;
use crate::domain::kinds::{DunningMethod, PayMethod};
use crate::domain::money::yuan;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use sha2::{Digest, Sha256};

/// The hash before the first receipt.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A bill line with what has been paid on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRow {
    /// Bill id.
    pub id: i64,
    /// Unit id.
    pub unit_id: i64,
    /// Fee item id.
    pub fee_item_id: i64,
    /// Period (`2026Q4`), or the date of a one-off charge.
    pub period: String,
    /// Item name.
    pub item_name: String,
    /// How it was computed.
    pub detail: String,
    /// Amount due, in fen.
    pub amount_fen: i64,
    /// Paid so far (voided receipts not counted), in fen.
    pub paid_fen: i64,
    /// Who owned the unit for this line.
    pub payer: String,
    /// Due date.
    pub due_date: String,
    /// Late fee as of today, in fen (0 when the item has none or the bill is not overdue).
    pub late_fee_fen: i64,
}

impl BillRow {
    /// What is still owed, in fen.
    #[must_use]
    pub fn outstanding_fen(&self) -> i64 {
        self.amount_fen - self.paid_fen
    }
}

/// A payment as entered at the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    /// The unit paying.
    pub unit_id: i64,
    /// Who paid (printed on the receipt).
    pub payer: String,
    /// How.
    pub method: PayMethod,
    /// (bill id, amount in fen) for each bill paid now; a part payment is allowed.
    pub bills: Vec<(i64, i64)>,
    /// Money put into the unit's prepaid balance, in fen.
    pub prepay_fen: i64,
    /// Money taken from the unit's prepaid balance towards the bills, in fen.
    pub balance_used_fen: i64,
    /// Cash handed over (for 现金; change is given back), in fen. 0 means exactly the amount.
    pub tendered_fen: i64,
    /// Note printed on the receipt.
    pub note: String,
}

/// A receipt as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRow {
    /// Receipt id.
    pub id: i64,
    /// Number (`SJ202611-000123`).
    pub number: String,
    /// Sequence number.
    pub seq: i64,
    /// Unit code.
    pub unit_code: String,
    /// Payer.
    pub payer: String,
    /// How it was paid.
    pub method: String,
    /// Money received, in fen.
    pub received_fen: i64,
    /// Taken from the prepaid balance, in fen.
    pub balance_used_fen: i64,
    /// Cash handed over, in fen.
    pub tendered_fen: i64,
    /// Change given, in fen.
    pub change_fen: i64,
    /// Business date.
    pub business_date: String,
    /// When it was written.
    pub created_at: String,
    /// Operator's name.
    pub operator: String,
    /// Note.
    pub note: String,
    /// (when, by whom, why) if voided.
    pub void: Option<(String, String, String)>,
}

/// One line of a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLineRow {
    /// The bill paid, or None for money into the prepaid balance.
    pub bill_id: Option<i64>,
    /// Item.
    pub item_name: String,
    /// Period.
    pub period: String,
    /// How it was computed.
    pub detail: String,
    /// Amount, in fen.
    pub amount_fen: i64,
}

/// A receipt with its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptDetail {
    /// The receipt.
    pub receipt: ReceiptRow,
    /// Its lines.
    pub lines: Vec<ReceiptLineRow>,
}

impl ReceiptDetail {
    /// Sum of the lines, in fen (= received + balance used).
    #[must_use]
    pub fn lines_total_fen(&self) -> i64 {
        self.lines.iter().map(|l| l.amount_fen).sum()
    }
}

/// Where the receipt chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// Sequence number of the first bad receipt.
    pub seq: i64,
    /// Its number.
    pub number: String,
    /// What is wrong.
    pub reason: String,
}

/// The chain checked: how many receipts, and the hash of the last one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// Receipts in the chain.
    pub count: i64,
    /// Hash of the newest receipt (the genesis hash when there are none).
    pub head_hash: String,
}

/// A business day's figures for the handover sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DaySummary {
    /// The day.
    pub date: String,
    /// (method, fen) of valid receipts.
    pub by_method: Vec<(String, i64)>,
    /// (item, fen) of valid receipts' lines (including 预存).
    pub by_item: Vec<(String, i64)>,
    /// All the day's receipts, voided ones included (marked).
    pub receipts: Vec<ReceiptRow>,
    /// Total received on valid receipts, in fen.
    pub total_fen: i64,
    /// Cash that should be in the drawer, in fen.
    pub cash_expected_fen: i64,
    /// (closed at, closed by, cash counted) once closed.
    pub closed: Option<(String, String, i64)>,
}

/// A unit in arrears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrearsRow {
    /// Unit id.
    pub unit_id: i64,
    /// Unit code.
    pub unit_code: String,
    /// Building.
    pub building: String,
    /// Current owners.
    pub owner: String,
    /// Owner's phone.
    pub phone: String,
    /// Overdue and unpaid, in fen.
    pub total_fen: i64,
    /// By age since due: ≤30, 31–90, 91–180, 181–365, >365 days.
    pub buckets_fen: [i64; 5],
    /// The oldest due date.
    pub oldest_due: String,
    /// Overdue bill lines.
    pub lines: usize,
}

/// Age bucket labels of [`ArrearsRow::buckets_fen`].
pub const ARREARS_BUCKETS: [&str; 5] = ["30天内", "31–90天", "91–180天", "181–365天", "一年以上"];

/// One dunning attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DunningRow {
    /// Date.
    pub date: String,
    /// 电话/信件/上门/短信.
    pub method: String,
    /// What came of it.
    pub result: String,
    /// Who.
    pub operator: String,
}

const PAID_SQL: &str = "b.paid_fen";

fn receipt_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReceiptRow> {
    let voided_at: Option<String> = r.get(15)?;
    Ok(ReceiptRow {
        id: r.get(0)?,
        number: r.get(1)?,
        seq: r.get(2)?,
        unit_code: r.get(3)?,
        payer: r.get(4)?,
        method: r.get(5)?,
        received_fen: r.get(6)?,
        balance_used_fen: r.get(7)?,
        tendered_fen: r.get(8)?,
        change_fen: r.get(9)?,
        business_date: r.get(10)?,
        created_at: r.get(11)?,
        operator: r.get(12)?,
        note: r.get(13)?,
        void: match voided_at {
            Some(at) => Some((
                at,
                r.get::<_, Option<String>>(16)?.unwrap_or_default(),
                r.get::<_, Option<String>>(14)?.unwrap_or_default(),
            )),
            None => None,
        },
    })
}

const RECEIPT_SQL: &str = "SELECT r.id, r.number, r.seq, u.code, r.payer, r.method, r.received_fen, r.balance_used_fen,
        r.tendered_fen, r.change_fen, r.business_date, r.created_at, o.name, r.note, v.reason, v.voided_at, vo.name
     FROM receipt r JOIN unit u ON u.id = r.unit_id JOIN operator o ON o.id = r.operator_id
     LEFT JOIN receipt_void v ON v.receipt_id = r.id LEFT JOIN operator vo ON vo.id = v.voided_by";

/// A receipt's content as the hash covers it.
struct SealedContent<'a> {
    prev_hash: &'a str,
    number: &'a str,
    seq: i64,
    unit_code: &'a str,
    payer: &'a str,
    method: &'a str,
    received_fen: i64,
    balance_used_fen: i64,
    tendered_fen: i64,
    change_fen: i64,
    business_date: &'a str,
    created_at: &'a str,
    operator_login: &'a str,
    note: &'a str,
    lines: &'a [(Option<i64>, String, String, String, i64)],
}

impl SealedContent<'_> {
    /// SHA-256 (hex) of the content in a fixed text form: the previous hash, the receipt's
    /// fields and every line, separated so no two different receipts read the same.
    fn hash(&self) -> String {
        let mut text = format!(
            "{}\n{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
            self.prev_hash,
            self.number,
            self.seq,
            self.unit_code,
            self.payer,
            self.method,
            self.received_fen,
            self.balance_used_fen,
            self.tendered_fen,
            self.change_fen,
            self.business_date,
            self.created_at,
            self.operator_login,
            self.note
        );
        for (bill, item, period, detail, amount) in self.lines {
            let bill = bill.map(|b| b.to_string()).unwrap_or_default();
            text.push_str(&format!("\n{bill}|{item}|{period}|{detail}|{amount}"));
        }
        sha256_hex(&text)
    }
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn closed_day(conn: &Connection, date: &str) -> StoreResult<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM day_close WHERE business_date = ?1",
            params![date],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

fn balance_of(conn: &Connection, unit_id: i64) -> StoreResult<i64> {
    Ok(conn.query_row(
        "SELECT coalesce((SELECT sum(l.amount_fen) FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id
                           WHERE r.unit_id = ?1 AND l.bill_id IS NULL
                             AND NOT EXISTS (SELECT 1 FROM receipt_void v WHERE v.receipt_id = r.id)), 0)
              - coalesce((SELECT sum(r.balance_used_fen) FROM receipt r WHERE r.unit_id = ?1
                             AND NOT EXISTS (SELECT 1 FROM receipt_void v WHERE v.receipt_id = r.id)), 0)",
        params![unit_id],
        |r| r.get(0),
    )?)
}

impl Store {
    /// A unit's bills, unpaid first (oldest first), then paid ones (newest first).
    pub fn unit_bills(&self, unit_id: i64) -> StoreResult<Vec<BillRow>> {
        let today = self.today();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT b.id, b.unit_id, b.fee_item_id, b.period, b.item_name, b.detail, b.amount_fen, {PAID_SQL}, b.payer, b.due_date,
                    f.late_rate_per_10000, f.late_cap_percent
             FROM bill b JOIN fee_item f ON f.id = b.fee_item_id WHERE b.unit_id = ?1"
        ))?;
        let mut rows = stmt
            .query_map(params![unit_id], |r| {
                let rate: i64 = r.get(10)?;
                let cap: Option<i64> = r.get(11)?;
                Ok((
                    BillRow {
                        id: r.get(0)?,
                        unit_id: r.get(1)?,
                        fee_item_id: r.get(2)?,
                        period: r.get(3)?,
                        item_name: r.get(4)?,
                        detail: r.get(5)?,
                        amount_fen: r.get(6)?,
                        paid_fen: r.get(7)?,
                        payer: r.get(8)?,
                        due_date: r.get(9)?,
                        late_fee_fen: 0,
                    },
                    rate,
                    cap,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for (bill, rate, cap) in &mut rows {
            if let Ok(due) = NaiveDate::parse_from_str(&bill.due_date, "%Y-%m-%d") {
                let overdue = (today - due).num_days();
                let owed = bill.outstanding_fen();
                if *rate > 0 && overdue > 0 && owed > 0 {
                    bill.late_fee_fen = late_fee(owed, *rate, overdue, cap.map(|c| owed * c / 100));
                }
            }
        }
        let mut bills: Vec<BillRow> = rows.into_iter().map(|(b, _, _)| b).collect();
        bills.sort_by(|a, b| {
            (a.outstanding_fen() <= 0, &a.due_date, a.id).cmp(&(
                b.outstanding_fen() <= 0,
                &b.due_date,
                b.id,
            ))
        });
        Ok(bills)
    }

    /// The unit's prepaid balance (预存余额), in fen.
    pub fn unit_balance(&self, unit_id: i64) -> StoreResult<i64> {
        balance_of(&self.conn, unit_id)
    }

    /// Records a payment and issues its receipt, all in one transaction: the receipt number
    /// is taken from the one sequence inside it, so a crash leaves neither a gap nor a
    /// duplicate. Returns the receipt number.
    pub fn collect(&mut self, actor: &Actor, payment: &Payment) -> StoreResult<String> {
        let now = self.now_stamp();
        let today = date_str(self.today());
        let payer = payment.payer.trim().to_string();
        if payer.is_empty() {
            return Err(StoreError::invalid("交款人", "请填写交款人"));
        }
        if payment.prepay_fen < 0 || payment.balance_used_fen < 0 || payment.tendered_fen < 0 {
            return Err(StoreError::invalid("金额", "金额不能为负数"));
        }
        let tx = self.begin()?;
        if closed_day(&tx, &today)? {
            return Err(StoreError::Conflict(format!(
                "{today} 已日结，不能再收款；请明天再收或请主管处理"
            )));
        }
        let code: String = tx
            .query_row(
                "SELECT code FROM unit WHERE id = ?1",
                params![payment.unit_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这个房号".into()))?;
        let mut lines: Vec<(Option<i64>, String, String, String, i64)> = Vec::new();
        let mut bills_total = 0i64;
        for (bill_id, amount) in &payment.bills {
            if *amount <= 0 {
                return Err(StoreError::invalid("金额", "每项缴费金额必须大于0"));
            }
            let row: Option<(i64, String, String, String, i64, i64)> = tx
                .query_row(
                    &format!("SELECT b.unit_id, b.item_name, b.period, b.detail, b.amount_fen, {PAID_SQL} FROM bill b WHERE b.id = ?1"),
                    params![bill_id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
                )
                .optional()?;
            let Some((unit_id, item, period, detail, due, paid)) = row else {
                return Err(StoreError::NotFound("没有这笔应收".into()));
            };
            if unit_id != payment.unit_id {
                return Err(StoreError::Conflict("这笔应收不属于这个房号".into()));
            }
            if *amount > due - paid {
                return Err(StoreError::invalid(
                    "金额",
                    format!(
                        "{item}（{period}）只欠 {} 元，不能收 {} 元",
                        yuan(due - paid),
                        yuan(*amount)
                    ),
                ));
            }
            bills_total += amount;
            let detail = if *amount < due - paid {
                format!("{detail}（部分缴纳）")
            } else {
                detail
            };
            lines.push((Some(*bill_id), item, period, detail, *amount));
        }
        if payment.prepay_fen > 0 {
            lines.push((
                None,
                "预存".into(),
                String::new(),
                "存入预存余额".into(),
                payment.prepay_fen,
            ));
        }
        if lines.is_empty() {
            return Err(StoreError::invalid(
                "金额",
                "请选择要缴的费用或填写预存金额",
            ));
        }
        let balance = balance_of(&tx, payment.unit_id)?;
        if payment.balance_used_fen > balance {
            return Err(StoreError::invalid(
                "预存抵扣",
                format!("预存余额只有 {} 元", yuan(balance)),
            ));
        }
        if payment.balance_used_fen > bills_total {
            return Err(StoreError::invalid("预存抵扣", "抵扣不能超过本次所缴费用"));
        }
        let received = bills_total + payment.prepay_fen - payment.balance_used_fen;
        let method = if received == 0 {
            PayMethod::Balance
        } else {
            payment.method
        };
        if received > 0 && method == PayMethod::Balance {
            return Err(StoreError::invalid("收款方式", "还需收款，请选择收款方式"));
        }
        let (tendered, change) = if method == PayMethod::Cash {
            let tendered = if payment.tendered_fen == 0 {
                received
            } else {
                payment.tendered_fen
            };
            if tendered < received {
                return Err(StoreError::invalid(
                    "实收",
                    format!("实收 {} 元，少于应收 {} 元", yuan(tendered), yuan(received)),
                ));
            }
            (tendered, tendered - received)
        } else {
            if payment.tendered_fen != 0 && payment.tendered_fen != received {
                return Err(StoreError::invalid(
                    "实收",
                    format!(
                        "{}收款应正好是 {} 元；多付的请选「存入预存」",
                        method.as_str(),
                        yuan(received)
                    ),
                ));
            }
            (received, 0)
        };
        let (last_seq, prev_hash): (i64, String) = tx
            .query_row(
                "SELECT seq, hash FROM receipt ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, GENESIS_HASH.to_string()));
        let seq = last_seq + 1;
        let number = format!(
            "SJ{}-{seq:06}",
            today.get(0..7).unwrap_or("").replace('-', "")
        );
        let note = payment.note.trim();
        let hash = SealedContent {
            prev_hash: &prev_hash,
            number: &number,
            seq,
            unit_code: &code,
            payer: &payer,
            method: method.as_str(),
            received_fen: received,
            balance_used_fen: payment.balance_used_fen,
            tendered_fen: tendered,
            change_fen: change,
            business_date: &today,
            created_at: &now,
            operator_login: &actor.login,
            note,
            lines: &lines,
        }
        .hash();
        tx.execute(
            "INSERT INTO receipt (seq, number, unit_id, payer, method, received_fen, balance_used_fen, tendered_fen, change_fen,
                                  business_date, created_at, operator_id, note, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![seq, number, payment.unit_id, payer, method.as_str(), received, payment.balance_used_fen, tendered, change,
                today, now, actor.id, note, prev_hash, hash],
        )?;
        let receipt_id = tx.last_insert_rowid();
        for (bill_id, item, period, detail, amount) in &lines {
            tx.execute(
                "INSERT INTO receipt_line (receipt_id, bill_id, item_name, period, detail, amount_fen) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![receipt_id, bill_id, item, period, detail, amount],
            )?;
            if let Some(bill) = bill_id {
                tx.execute(
                    "UPDATE bill SET paid_fen = paid_fen + ?1 WHERE id = ?2",
                    params![amount, bill],
                )?;
            }
        }

        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "收费",
                action: "收款",
                entity: "receipt",
                entity_id: receipt_id,
                before: None,
                after: Some(
                    json!({"number": number, "unit": code, "received": yuan(received), "method": method.as_str(),
                "balance_used": yuan(payment.balance_used_fen), "prepay": yuan(payment.prepay_fen)}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(number)
    }
}

impl Store {
    /// The receipts of one business day, in number order (voided ones included).
    pub fn receipts_on(&self, date: NaiveDate) -> StoreResult<Vec<ReceiptRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{RECEIPT_SQL} WHERE r.business_date = ?1 ORDER BY r.seq"
        ))?;
        let rows = stmt
            .query_map(params![date_str(date)], receipt_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The receipts of the business days from `first` to `last` (inclusive), in number order.
    pub fn receipts_between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<Vec<ReceiptRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{RECEIPT_SQL} WHERE r.business_date BETWEEN ?1 AND ?2 ORDER BY r.seq"
        ))?;
        let rows = stmt
            .query_map(params![date_str(first), date_str(last)], receipt_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// A unit's receipts, newest first.
    pub fn unit_receipts(&self, unit_id: i64) -> StoreResult<Vec<ReceiptRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{RECEIPT_SQL} WHERE r.unit_id = ?1 ORDER BY r.seq DESC"
        ))?;
        let rows = stmt
            .query_map(params![unit_id], receipt_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// One receipt with its lines, by number.
    pub fn receipt_detail(&self, number: &str) -> StoreResult<ReceiptDetail> {
        let receipt = self
            .conn
            .query_row(
                &format!("{RECEIPT_SQL} WHERE r.number = ?1"),
                params![number.trim()],
                receipt_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("没有收据 {}", number.trim())))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT bill_id, item_name, period, detail, amount_fen FROM receipt_line WHERE receipt_id = ?1 ORDER BY id",
        )?;
        let lines = stmt
            .query_map(params![receipt.id], |r| {
                Ok(ReceiptLineRow {
                    bill_id: r.get(0)?,
                    item_name: r.get(1)?,
                    period: r.get(2)?,
                    detail: r.get(3)?,
                    amount_fen: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ReceiptDetail { receipt, lines })
    }

    /// 作废 (supervisor only, reason required): the receipt stays, marked void; the bills it
    /// paid are owed again and money it put into the prepaid balance is taken out.
    pub fn void_receipt(&mut self, actor: &Actor, number: &str, reason: &str) -> StoreResult<()> {
        require_supervisor(actor, "作废收据")?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("作废原因", "请填写作废原因"));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        let (id, unit_id, received): (i64, i64, i64) = tx
            .query_row(
                "SELECT id, unit_id, received_fen FROM receipt WHERE number = ?1",
                params![number.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("没有收据 {}", number.trim())))?;
        let voided: bool = tx
            .query_row(
                "SELECT 1 FROM receipt_void WHERE receipt_id = ?1",
                params![id],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if voided {
            return Err(StoreError::Conflict(format!(
                "收据 {} 已经作废",
                number.trim()
            )));
        }
        tx.execute(
            "INSERT INTO receipt_void (receipt_id, voided_at, voided_by, reason) VALUES (?1, ?2, ?3, ?4)",
            params![id, now, actor.id, reason],
        )?;
        tx.execute(
            "UPDATE bill SET paid_fen = paid_fen - (SELECT sum(l.amount_fen) FROM receipt_line l
                                                   WHERE l.receipt_id = ?1 AND l.bill_id = bill.id)
             WHERE id IN (SELECT bill_id FROM receipt_line WHERE receipt_id = ?1 AND bill_id IS NOT NULL)",
            params![id],
        )?;
        if balance_of(&tx, unit_id)? < 0 {
            return Err(StoreError::Conflict(
                "这张收据存入的预存款已被后来的收费用掉，请先作废后来的那张收据".into(),
            ));
        }
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "收费",
                action: "作废收据",
                entity: "receipt",
                entity_id: id,
                before: Some(json!({"number": number.trim(), "received": yuan(received)})),
                after: Some(json!({"voided": true, "reason": reason})),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Checks the receipt chain from the first receipt: numbers without gaps, each hash
    /// matching its content and the previous receipt's hash.
    pub fn verify_receipts(&self) -> StoreResult<Result<ChainHead, ChainBreak>> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.seq, r.number, u.code, r.payer, r.method, r.received_fen, r.balance_used_fen, r.tendered_fen,
                    r.change_fen, r.business_date, r.created_at, o.login, r.note, r.prev_hash, r.hash
             FROM receipt r JOIN unit u ON u.id = r.unit_id JOIN operator o ON o.id = r.operator_id ORDER BY r.seq",
        )?;
        let mut lines_stmt = self.conn.prepare(
            "SELECT bill_id, item_name, period, detail, amount_fen FROM receipt_line WHERE receipt_id = ?1 ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut expected_prev = GENESIS_HASH.to_string();
        let mut expected_seq = 1i64;
        let mut count = 0i64;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let seq: i64 = r.get(1)?;
            let number: String = r.get(2)?;
            let broken = |reason: String| {
                Ok(Err(ChainBreak {
                    seq,
                    number: number.clone(),
                    reason,
                }))
            };
            if seq != expected_seq {
                return broken(format!(
                    "收据序号从 {} 跳到 {seq}：中间的收据不见了",
                    expected_seq - 1
                ));
            }
            let prev: String = r.get(14)?;
            let hash: String = r.get(15)?;
            if prev != expected_prev {
                return broken("与上一张收据的链接对不上（上一张被改动或删除）".into());
            }
            let lines: Vec<(Option<i64>, String, String, String, i64)> = lines_stmt
                .query_map(params![id], |l| {
                    Ok((l.get(0)?, l.get(1)?, l.get(2)?, l.get(3)?, l.get(4)?))
                })?
                .collect::<Result<_, _>>()?;
            let (unit_code, payer, method, business_date, created_at, login, note): (
                String,
                String,
                String,
                String,
                String,
                String,
                String,
            ) = (
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                r.get(13)?,
            );
            let computed = SealedContent {
                prev_hash: &prev,
                number: &number,
                seq,
                unit_code: &unit_code,
                payer: &payer,
                method: &method,
                received_fen: r.get(6)?,
                balance_used_fen: r.get(7)?,
                tendered_fen: r.get(8)?,
                change_fen: r.get(9)?,
                business_date: &business_date,
                created_at: &created_at,
                operator_login: &login,
                note: &note,
                lines: &lines,
            }
            .hash();
            if computed != hash {
                return broken("内容与哈希不符：这张收据被改动过".into());
            }
            expected_prev = hash;
            expected_seq += 1;
            count += 1;
        }
        Ok(Ok(ChainHead {
            count,
            head_hash: expected_prev,
        }))
    }

    /// Bills whose recorded paid amount differs from their lines on valid receipts:
    /// (bill id, recorded, from receipts). Empty when all agree.
    pub fn verify_paid_amounts(&self) -> StoreResult<Vec<(i64, i64, i64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT b.id, b.paid_fen, coalesce((SELECT sum(l.amount_fen) FROM receipt_line l WHERE l.bill_id = b.id
                    AND l.receipt_id NOT IN (SELECT receipt_id FROM receipt_void)), 0) AS from_receipts
             FROM bill b WHERE b.paid_fen <> from_receipts",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The day's figures for the handover sheet.
    pub fn day_summary(&self, date: NaiveDate) -> StoreResult<DaySummary> {
        let receipts = self.receipts_on(date)?;
        let day = date_str(date);
        let mut by_method: Vec<(String, i64)> = Vec::new();
        let mut total = 0;
        let mut cash = 0;
        for r in receipts.iter().filter(|r| r.void.is_none()) {
            total += r.received_fen;
            if r.method == PayMethod::Cash.as_str() {
                cash += r.received_fen;
            }
            match by_method.iter_mut().find(|(m, _)| *m == r.method) {
                Some(entry) => entry.1 += r.received_fen,
                None => by_method.push((r.method.clone(), r.received_fen)),
            }
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.item_name, sum(l.amount_fen) FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id
             WHERE r.business_date = ?1 AND NOT EXISTS (SELECT 1 FROM receipt_void v WHERE v.receipt_id = r.id)
             GROUP BY l.item_name ORDER BY min(l.id)",
        )?;
        let mut by_item: Vec<(String, i64)> = stmt
            .query_map(params![day], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let used: i64 = receipts
            .iter()
            .filter(|r| r.void.is_none())
            .map(|r| r.balance_used_fen)
            .sum();
        if used > 0 {
            by_item.push(("预存抵扣".into(), -used));
        }
        let closed = self
            .conn
            .query_row(
                "SELECT d.closed_at, o.name, d.cash_counted_fen FROM day_close d JOIN operator o ON o.id = d.closed_by
                 WHERE d.business_date = ?1",
                params![day],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(DaySummary {
            date: day,
            by_method,
            by_item,
            receipts,
            total_fen: total,
            cash_expected_fen: cash,
            closed,
        })
    }

    /// 日结: closes a business day with the cash counted. No more payments under that date.
    pub fn close_day(
        &mut self,
        actor: &Actor,
        date: NaiveDate,
        cash_counted_fen: i64,
        note: &str,
    ) -> StoreResult<DaySummary> {
        if cash_counted_fen < 0 {
            return Err(StoreError::invalid("现金实点", "金额不能为负数"));
        }
        if date > self.today() {
            return Err(StoreError::invalid("日期", "不能日结今天以后的日子"));
        }
        let summary = self.day_summary(date)?;
        if summary.closed.is_some() {
            return Err(StoreError::Conflict(format!(
                "{} 已经日结过了",
                summary.date
            )));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO day_close (business_date, closed_at, closed_by, cash_expected_fen, cash_counted_fen, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![summary.date, now, actor.id, summary.cash_expected_fen, cash_counted_fen, note.trim()],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "收费",
                action: "日结",
                entity: "day_close",
                entity_id: 0,
                before: None,
                after: Some(
                    json!({"date": summary.date, "total": yuan(summary.total_fen), "cash_expected": yuan(summary.cash_expected_fen),
                "cash_counted": yuan(cash_counted_fen)}),
                ),
            },
        )?;
        tx.commit()?;
        self.day_summary(date)
    }

    /// Days with receipts that are not closed yet, oldest first.
    pub fn unclosed_days(&self) -> StoreResult<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT business_date FROM receipt WHERE business_date NOT IN (SELECT business_date FROM day_close)
             ORDER BY business_date",
        )?;
        let rows = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// 欠费: units with bills past their due date and not fully paid, by building and unit,
    /// with the amounts by age.
    pub fn arrears(&self) -> StoreResult<Vec<ArrearsRow>> {
        let today = self.today();
        // Only unpaid bills are in the partial index `bill_unpaid`.
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.unit_id, u.code, bl.name, b.due_date, b.amount_fen - b.paid_fen
             FROM bill b INDEXED BY bill_unpaid JOIN unit u ON u.id = b.unit_id JOIN building bl ON bl.id = u.building_id
             WHERE b.amount_fen > b.paid_fen AND b.due_date < ?1",
        )?;
        let lines = stmt
            .query_map(params![date_str(today)], arrears_line)?
            .collect::<Result<Vec<_>, _>>()?;
        self.group_arrears(lines, today)
    }

    /// 欠费 as they stood at the end of `day` (the month-end arrears of the archive): bills
    /// made by then and due before it, less what receipts of that day or earlier paid on them
    /// (receipts voided after the day still count, as they did then).
    pub fn arrears_on(&self, day: NaiveDate) -> StoreResult<Vec<ArrearsRow>> {
        let next = day.succ_opt().unwrap_or(day);
        let mut stmt = self.conn.prepare_cached(
            "SELECT b.unit_id, u.code, bl.name, b.due_date,
                    b.amount_fen - coalesce((SELECT sum(l.amount_fen) FROM receipt_line l JOIN receipt r ON r.id = l.receipt_id
                        WHERE l.bill_id = b.id AND r.business_date <= ?1
                          AND NOT EXISTS (SELECT 1 FROM receipt_void v WHERE v.receipt_id = r.id AND v.voided_at < ?2)), 0) AS owed
             FROM bill b JOIN unit u ON u.id = b.unit_id JOIN building bl ON bl.id = u.building_id
             WHERE b.due_date < ?1 AND b.created_at < ?2 AND owed > 0",
        )?;
        let lines = stmt
            .query_map(params![date_str(day), date_str(next)], arrears_line)?
            .collect::<Result<Vec<_>, _>>()?;
        self.group_arrears(lines, day)
    }

    /// Groups overdue bill lines (unit, code, building, due date, owed) into one row per
    /// unit with the amounts by age on `day`, owners and phones filled in.
    fn group_arrears(
        &self,
        lines: Vec<(i64, String, String, String, i64)>,
        today: NaiveDate,
    ) -> StoreResult<Vec<ArrearsRow>> {
        let mut rows: Vec<ArrearsRow> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for (unit_id, code, building, due, owed) in lines {
            let age =
                NaiveDate::parse_from_str(&due, "%Y-%m-%d").map_or(0, |d| (today - d).num_days());
            let bucket = match age {
                ..=30 => 0,
                31..=90 => 1,
                91..=180 => 2,
                181..=365 => 3,
                _ => 4,
            };
            let i = *index.entry(unit_id).or_insert_with(|| {
                rows.push(ArrearsRow {
                    unit_id,
                    unit_code: code,
                    building,
                    owner: String::new(),
                    phone: String::new(),
                    total_fen: 0,
                    buckets_fen: [0; 5],
                    oldest_due: due.clone(),
                    lines: 0,
                });
                rows.len() - 1
            });
            if let Some(row) = rows.get_mut(i) {
                row.total_fen += owed;
                if let Some(b) = row.buckets_fen.get_mut(bucket) {
                    *b += owed;
                }
                if due < row.oldest_due {
                    row.oldest_due = due;
                }
                row.lines += 1;
            }
        }
        let mut owners = self.conn.prepare_cached(
            "SELECT o.unit_id, p.name, p.phone FROM occupancy o JOIN person p ON p.id = o.person_id
             WHERE o.role = '业主' AND o.end_date IS NULL ORDER BY o.unit_id, o.id",
        )?;
        let owner_rows = owners.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for owner in owner_rows {
            let (unit_id, name, phone) = owner?;
            if let Some(row) = index.get(&unit_id).and_then(|i| rows.get_mut(*i)) {
                if !row.owner.is_empty() {
                    row.owner.push('、');
                }
                row.owner.push_str(&name);
                if row.phone.is_empty() {
                    row.phone = phone;
                }
            }
        }
        rows.sort_by_cached_key(|r| crate::domain::unit_code::walk_key(&r.unit_code));
        Ok(rows)
    }

    /// Records a dunning attempt (催缴).
    pub fn add_dunning(
        &mut self,
        actor: &Actor,
        unit_id: i64,
        date: NaiveDate,
        method: DunningMethod,
        result: &str,
    ) -> StoreResult<()> {
        if date > self.today() {
            return Err(StoreError::invalid("日期", "日期不能晚于今天"));
        }
        let result = result.trim();
        if result.is_empty() {
            return Err(StoreError::invalid("结果", "请填写催缴结果"));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO dunning_log (unit_id, log_date, method, result, operator_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![unit_id, date_str(date), method.as_str(), result, actor.id, now],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A unit's dunning log, newest first.
    pub fn dunning_log(&self, unit_id: i64) -> StoreResult<Vec<DunningRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.log_date, d.method, d.result, o.name FROM dunning_log d JOIN operator o ON o.id = d.operator_id
             WHERE d.unit_id = ?1 ORDER BY d.log_date DESC, d.id DESC",
        )?;
        let rows = stmt
            .query_map(params![unit_id], |r| {
                Ok(DunningRow {
                    date: r.get(0)?,
                    method: r.get(1)?,
                    result: r.get(2)?,
                    operator: r.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

/// One overdue bill line: (unit id, unit code, building, due date, owed).
fn arrears_line(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String, String, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}
