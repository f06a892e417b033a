//! Keys (钥匙): key sets held in trust for units and shops, loans with identity checks ended by
//! a return (never edited), the office's stock of cards and handsets, and monthly stock-takes
//! (盘点) that are final once the supervisor signs them.

use super::audit::{self, Change};
use super::operators::require_supervisor;
use super::{Actor, Store, StoreError, StoreResult, date_str};
use crate::clock::stamp;
use crate::domain::forms::check_name;
use crate::domain::idcard::validate_id_number;
use crate::domain::phone::validate_phone;
use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

/// How a borrower may stand to the unit (《钥匙借用登记表》 关系).
pub const LOAN_RELATIONS: [&str; 6] = ["业主", "家属", "租户", "装修", "工程", "其他"];

/// The kinds of office stock counted at a stock-take besides keys.
pub const STOCK_KINDS: [&str; 3] = ["住户卡", "车卡", "可视对讲机"];

/// How the borrower's identity was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdentityCheck {
    /// The borrower is the registered owner (checked against the archive).
    #[default]
    OwnerInPerson,
    /// The borrower's ID number was found among the unit's current residents in the archive.
    Archive,
    /// The owner confirmed the loan (who confirmed, by what means).
    OwnerConfirmed,
}

impl IdentityCheck {
    /// Every way, in the order the form offers them.
    pub const ALL: [Self; 3] = [Self::OwnerInPerson, Self::Archive, Self::OwnerConfirmed];

    /// The word stored and shown.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OwnerInPerson => "业主本人",
            Self::Archive => "档案核对",
            Self::OwnerConfirmed => "业主授权",
        }
    }
}

impl std::fmt::Display for IdentityCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A key set as entered when a resident entrusts keys to the office.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeySetForm {
    /// The unit or shop.
    pub unit_id: i64,
    /// Label on the tag, e.g. 入户门钥匙.
    pub label: String,
    /// How many keys, as typed.
    pub count: String,
    /// Hook or box position, e.g. A-12.
    pub position: String,
    /// Who entrusted them.
    pub entrusted_by: String,
    /// When.
    pub entrusted_on: NaiveDate,
    /// The authorisation note: who may borrow them.
    pub authorisation: String,
}

/// A key set as listed, with its open loan if it is out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySetRow {
    /// Key set id.
    pub id: i64,
    /// Unit id.
    pub unit_id: i64,
    /// Unit code.
    pub unit_code: String,
    /// Label.
    pub label: String,
    /// Number of keys.
    pub count: i64,
    /// Hook or box position.
    pub position: String,
    /// Who entrusted them.
    pub entrusted_by: String,
    /// When.
    pub entrusted_on: String,
    /// Who may borrow them.
    pub authorisation: String,
    /// The loan it is out on, if any.
    pub out: Option<KeyLoanRow>,
}

/// A loan as entered at the desk.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyLoanForm {
    /// The key set lent.
    pub key_set_id: i64,
    /// Borrower's name.
    pub borrower: String,
    /// Borrower's phone.
    pub phone: String,
    /// One of [`LOAN_RELATIONS`].
    pub relation: String,
    /// Borrower's ID number.
    pub id_number: String,
    /// What the key is for.
    pub purpose: String,
    /// Expected back by the end of this day.
    pub due_on: NaiveDate,
    /// How the identity was checked.
    pub identity: IdentityCheck,
    /// For [`IdentityCheck::OwnerConfirmed`]: which owner confirmed.
    pub confirmed_by: String,
    /// For [`IdentityCheck::OwnerConfirmed`]: by what means (电话, 微信, 书面授权…).
    pub confirmed_means: String,
}

/// A loan as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLoanRow {
    /// Loan id.
    pub id: i64,
    /// Key set id.
    pub key_set_id: i64,
    /// Unit code.
    pub unit_code: String,
    /// Key set label.
    pub label: String,
    /// Number of keys in the set.
    pub count: i64,
    /// Where the set hangs when it is in the office.
    pub position: String,
    /// Borrower.
    pub borrower: String,
    /// Phone.
    pub phone: String,
    /// Relation to the unit.
    pub relation: String,
    /// ID number (mask it on screen).
    pub id_number: String,
    /// Purpose.
    pub purpose: String,
    /// How the identity was checked.
    pub identity_check: String,
    /// Who confirmed (owner's authorisation).
    pub confirmed_by: String,
    /// By what means.
    pub confirmed_means: String,
    /// When it went out.
    pub out_at: String,
    /// Expected back by the end of this day.
    pub due_on: String,
    /// Operator who lent it.
    pub lent_by: String,
    /// (time back, received by, condition) once returned.
    pub returned: Option<(String, String, String)>,
}

impl KeyLoanRow {
    /// Out and not back by the end of its due day: shown in red until it returns.
    #[must_use]
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.returned.is_none() && self.due_on < date_str(today)
    }
}

/// One line of a stock-take: what the office should hold and what was counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StocktakeLine {
    /// 钥匙, 住户卡, 车卡 or 可视对讲机.
    pub kind: String,
    /// The key set, for keys.
    pub key_set_id: Option<i64>,
    /// What is counted (unit code and label for keys).
    pub label: String,
    /// What should be in the office (0 for a key set out on loan).
    pub expected: i64,
    /// What was counted.
    pub counted: i64,
    /// A remark (e.g. 借出 with the borrower).
    pub note: String,
}

impl StocktakeLine {
    /// Counted minus expected.
    #[must_use]
    pub fn difference(&self) -> i64 {
        self.counted - self.expected
    }
}

/// A recorded stock-take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stocktake {
    /// Id.
    pub id: i64,
    /// Month, `2026-11`.
    pub month: String,
    /// When it was counted.
    pub counted_at: String,
    /// Who counted.
    pub counted_by: String,
    /// (when, by whom, note) once signed by the supervisor.
    pub signed: Option<(String, String, String)>,
    /// Its lines.
    pub lines: Vec<StocktakeLine>,
}

impl Stocktake {
    /// The lines where the count differs.
    #[must_use]
    pub fn differences(&self) -> Vec<&StocktakeLine> {
        self.lines.iter().filter(|l| l.difference() != 0).collect()
    }
}

const LOAN_SELECT: &str = "SELECT l.id, l.key_set_id, u.code, k.label, k.key_count, l.borrower, l.phone,
        l.relation, l.id_number, l.purpose, l.identity_check, l.confirmed_by, l.confirmed_means,
        l.out_at, l.due_on, lo.name, l.returned_at, coalesce(ro.name, ''), coalesce(l.condition, ''),
        k.position
     FROM key_loan l JOIN key_set k ON k.id = l.key_set_id JOIN unit u ON u.id = k.unit_id
     JOIN operator lo ON lo.id = l.lent_by LEFT JOIN operator ro ON ro.id = l.received_by";

fn loan_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<KeyLoanRow> {
    let returned_at: Option<String> = r.get(16)?;
    Ok(KeyLoanRow {
        id: r.get(0)?,
        key_set_id: r.get(1)?,
        unit_code: r.get(2)?,
        label: r.get(3)?,
        count: r.get(4)?,
        position: r.get(19)?,
        borrower: r.get(5)?,
        phone: r.get(6)?,
        relation: r.get(7)?,
        id_number: r.get(8)?,
        purpose: r.get(9)?,
        identity_check: r.get(10)?,
        confirmed_by: r.get(11)?,
        confirmed_means: r.get(12)?,
        out_at: r.get(13)?,
        due_on: r.get(14)?,
        lent_by: r.get(15)?,
        returned: match returned_at {
            Some(at) => Some((at, r.get(17)?, r.get(18)?)),
            None => None,
        },
    })
}

fn open_loan_of(conn: &Connection, key_set_id: i64) -> StoreResult<Option<KeyLoanRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "{LOAN_SELECT} WHERE l.key_set_id = ?1 AND l.returned_at IS NULL"
        ))?
        .query_row(params![key_set_id], loan_from_row)
        .optional()?)
}

/// Parses a count typed at the desk: a whole number from 0 to 9999.
fn parse_count(field: &'static str, text: &str, min: i64) -> StoreResult<i64> {
    let t = text.trim();
    if t.is_empty() {
        return Err(StoreError::invalid(field, "请填写数量"));
    }
    match t.parse::<i64>() {
        Ok(n) if (min..=9999).contains(&n) => Ok(n),
        _ => Err(StoreError::invalid(
            field,
            format!("数量应为{min}到9999的整数"),
        )),
    }
}

fn required(field: &'static str, text: &str, what: &str) -> StoreResult<String> {
    let t = text.trim();
    if t.is_empty() {
        Err(StoreError::invalid(field, format!("请填写{what}")))
    } else if t.chars().count() > 200 {
        Err(StoreError::invalid(field, "最多200个字"))
    } else {
        Ok(t.to_string())
    }
}

impl Store {
    /// Records a key set entrusted to the office.
    pub fn add_key_set(&mut self, actor: &Actor, form: &KeySetForm) -> StoreResult<i64> {
        let label = required("标签", &form.label, "钥匙标签")?;
        let count = parse_count("数量", &form.count, 1)?;
        let entrusted_by =
            check_name(&form.entrusted_by).map_err(|e| StoreError::invalid("委托人", e))?;
        if form.entrusted_on > self.today() {
            return Err(StoreError::invalid("委托日期", "委托日期不能晚于今天"));
        }
        let position = form.position.trim().to_string();
        let authorisation = form.authorisation.trim().to_string();
        let now = self.now_stamp();
        let tx = self.begin()?;
        let code: String = tx
            .query_row(
                "SELECT code FROM unit WHERE id = ?1",
                params![form.unit_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这个房号".into()))?;
        tx.execute(
            "INSERT INTO key_set (unit_id, label, key_count, position, entrusted_by, entrusted_on,
                                  authorisation, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                form.unit_id,
                label,
                count,
                position,
                entrusted_by,
                date_str(form.entrusted_on),
                authorisation,
                now,
                actor.id
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "钥匙",
                action: "登记托管钥匙",
                entity: "key_set",
                entity_id: id,
                before: None,
                after: Some(json!({"unit": code, "label": label, "count": count,
                    "position": position, "entrusted_by": entrusted_by,
                    "entrusted_on": date_str(form.entrusted_on), "authorisation": authorisation})),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Key sets whose unit code, label, position or borrower contains `filter` (all when
    /// empty), in walking order of the unit codes, each with its open loan.
    pub fn key_sets(&self, filter: &str) -> StoreResult<Vec<KeySetRow>> {
        let filter = filter.trim();
        let mut stmt = self.conn.prepare_cached(
            "SELECT k.id, k.unit_id, u.code, k.label, k.key_count, k.position, k.entrusted_by,
                    k.entrusted_on, k.authorisation
             FROM key_set k JOIN unit u ON u.id = k.unit_id
             ORDER BY u.code, k.id",
        )?;
        let mut open: std::collections::HashMap<i64, KeyLoanRow> = self
            .open_key_loans()?
            .into_iter()
            .map(|l| (l.key_set_id, l))
            .collect();
        let mut out = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let row = KeySetRow {
                id,
                unit_id: r.get(1)?,
                unit_code: r.get(2)?,
                label: r.get(3)?,
                count: r.get(4)?,
                position: r.get(5)?,
                entrusted_by: r.get(6)?,
                entrusted_on: r.get(7)?,
                authorisation: r.get(8)?,
                out: open.remove(&id),
            };
            if filter.is_empty()
                || row.unit_code.contains(filter)
                || row.label.contains(filter)
                || row.position.contains(filter)
                || row.entrusted_by.contains(filter)
                || row
                    .out
                    .as_ref()
                    .is_some_and(|l| l.borrower.contains(filter))
            {
                out.push(row);
            }
        }
        out.sort_by_cached_key(|k| (crate::domain::unit_code::walk_key(&k.unit_code), k.id));
        Ok(out)
    }

    /// Loans not yet returned, the oldest first.
    pub fn open_key_loans(&self) -> StoreResult<Vec<KeyLoanRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{LOAN_SELECT} WHERE l.returned_at IS NULL ORDER BY l.out_at"
        ))?;
        let rows = stmt
            .query_map([], loan_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// How many keys are out past the end of their due day (the status line's count).
    pub fn overdue_key_count(&self) -> StoreResult<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM key_loan WHERE returned_at IS NULL AND due_on < ?1",
            )?
            .query_row(params![date_str(self.today())], |r| r.get(0))?)
    }

    /// The loans of one key set, the newest first (at most `limit`).
    pub fn key_loans_of(&self, key_set_id: i64, limit: usize) -> StoreResult<Vec<KeyLoanRow>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.conn.prepare_cached(&format!(
            "{LOAN_SELECT} WHERE l.key_set_id = ?1 ORDER BY l.out_at DESC, l.id DESC LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(params![key_set_id, limit], loan_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// The loans that went out between two days (inclusive), in time order.
    pub fn key_loans_between(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> StoreResult<Vec<KeyLoanRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{LOAN_SELECT} WHERE substr(l.out_at, 1, 10) BETWEEN ?1 AND ?2 ORDER BY l.out_at, l.id"
        ))?;
        let rows = stmt
            .query_map(params![date_str(first), date_str(last)], loan_from_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// One loan (for its slip).
    pub fn key_loan(&self, loan_id: i64) -> StoreResult<KeyLoanRow> {
        self.conn
            .prepare_cached(&format!("{LOAN_SELECT} WHERE l.id = ?1"))?
            .query_row(params![loan_id], loan_from_row)
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这条借用记录".into()))
    }

    /// Lends a key set: refused when it is out, when a field is wrong, or when a borrower who
    /// is not the registered owner has no identity check recorded. Returns the loan id.
    pub fn lend_key(&mut self, actor: &Actor, form: &KeyLoanForm) -> StoreResult<i64> {
        let borrower = check_name(&form.borrower).map_err(|e| StoreError::invalid("借用人", e))?;
        let phone = validate_phone(&form.phone).map_err(|e| StoreError::invalid("电话", e))?;
        let relation = form.relation.trim();
        if !LOAN_RELATIONS.contains(&relation) {
            return Err(StoreError::invalid("关系", "请选择借用人与业主的关系"));
        }
        let id_number =
            validate_id_number(&form.id_number).map_err(|e| StoreError::invalid("身份证号", e))?;
        let purpose = required("用途", &form.purpose, "借用用途")?;
        let today = self.today();
        if form.due_on < today {
            return Err(StoreError::invalid("预计归还", "预计归还日期不能早于今天"));
        }
        let (confirmed_by, confirmed_means) = if form.identity == IdentityCheck::OwnerConfirmed {
            (
                check_name(&form.confirmed_by)
                    .map_err(|_| StoreError::invalid("授权业主", "请填写是哪位业主确认的"))?,
                required(
                    "确认方式",
                    &form.confirmed_means,
                    "业主确认的方式（电话、微信…）",
                )?,
            )
        } else {
            (String::new(), String::new())
        };
        let now = self.now_stamp();
        let tx = self.begin()?;
        let (unit_id, code, label): (i64, String, String) = tx
            .query_row(
                "SELECT k.unit_id, u.code, k.label FROM key_set k JOIN unit u ON u.id = k.unit_id
                 WHERE k.id = ?1",
                params![form.key_set_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这套钥匙".into()))?;
        if let Some(open) = open_loan_of(&tx, form.key_set_id)? {
            return Err(StoreError::Conflict(format!(
                "{code} {label} 已借出（借用人 {}，{} 借出），归还前不能再借",
                open.borrower,
                open.out_at.get(..16).unwrap_or(&open.out_at)
            )));
        }
        // Current residents of the unit in the archive: (name, id number, role).
        let residents: Vec<(String, String, String)> = tx
            .prepare_cached(
                "SELECT p.name, p.id_number, o.role FROM occupancy o JOIN person p ON p.id = o.person_id
                 WHERE o.unit_id = ?1 AND o.end_date IS NULL",
            )?
            .query_map(params![unit_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        match form.identity {
            IdentityCheck::OwnerInPerson => {
                let is_owner = residents.iter().any(|(name, id, role)| {
                    role == "业主" && *name == borrower && (id.is_empty() || *id == id_number)
                });
                if !is_owner {
                    return Err(StoreError::invalid(
                        "身份核验",
                        "借用人不是档案中登记的业主：请核对身份证与档案，或取得业主授权",
                    ));
                }
            }
            IdentityCheck::Archive => {
                if !residents
                    .iter()
                    .any(|(name, id, _)| *id == id_number && *name == borrower)
                {
                    return Err(StoreError::invalid(
                        "身份核验",
                        "档案中没有这个姓名和身份证号的住户：请取得业主授权",
                    ));
                }
            }
            IdentityCheck::OwnerConfirmed => {
                if !residents
                    .iter()
                    .any(|(name, _, role)| role == "业主" && *name == confirmed_by)
                {
                    return Err(StoreError::invalid(
                        "授权业主",
                        format!("{confirmed_by} 不是 {code} 档案中的业主"),
                    ));
                }
            }
        }
        tx.execute(
            "INSERT INTO key_loan (key_set_id, borrower, phone, relation, id_number, purpose,
                identity_check, confirmed_by, confirmed_means, out_at, due_on, lent_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                form.key_set_id,
                borrower,
                phone,
                relation,
                id_number,
                purpose,
                form.identity.as_str(),
                confirmed_by,
                confirmed_means,
                now,
                date_str(form.due_on),
                actor.id
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "钥匙",
                action: "借出钥匙",
                entity: "key_loan",
                entity_id: id,
                before: None,
                after: Some(json!({"unit": code, "label": label, "borrower": borrower,
                    "phone": phone, "relation": relation, "id_number": id_number,
                    "purpose": purpose, "identity_check": form.identity.as_str(),
                    "confirmed_by": confirmed_by, "confirmed_means": confirmed_means,
                    "due_on": date_str(form.due_on)})),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Records a key's return: time back (not before the loan, not in the future), received
    /// by the actor, its condition. A loan is returned once.
    pub fn return_key(
        &mut self,
        actor: &Actor,
        loan_id: i64,
        returned_at: NaiveDateTime,
        condition: &str,
    ) -> StoreResult<()> {
        let condition = required("钥匙状况", condition, "钥匙状况")?;
        let back = stamp(returned_at);
        let now = self.now_stamp();
        if back > now {
            return Err(StoreError::invalid("归还时间", "归还时间不能晚于现在"));
        }
        let tx = self.begin()?;
        let (out_at, returned): (String, Option<String>) = tx
            .query_row(
                "SELECT out_at, returned_at FROM key_loan WHERE id = ?1",
                params![loan_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这条借用记录".into()))?;
        if returned.is_some() {
            return Err(StoreError::Conflict("这把钥匙已经登记归还".into()));
        }
        if back < out_at {
            return Err(StoreError::invalid(
                "归还时间",
                format!("归还时间早于借出时间（{out_at}）"),
            ));
        }
        tx.execute(
            "UPDATE key_loan SET returned_at = ?2, received_by = ?3, condition = ?4, return_stamped = ?5
             WHERE id = ?1",
            params![loan_id, back, actor.id, condition, now],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "钥匙",
                action: "归还钥匙",
                entity: "key_loan",
                entity_id: loan_id,
                before: Some(json!({"returned": false})),
                after: Some(json!({"returned_at": back, "condition": condition})),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The office stock expected per kind (0 for a kind never set), in [`STOCK_KINDS`] order.
    pub fn office_stock(&self) -> StoreResult<Vec<(String, i64)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT expected FROM office_stock WHERE kind = ?1")?;
        STOCK_KINDS
            .iter()
            .map(|k| {
                let n: Option<i64> = stmt.query_row(params![k], |r| r.get(0)).optional()?;
                Ok(((*k).to_string(), n.unwrap_or(0)))
            })
            .collect()
    }

    /// Sets how many of a kind the office should hold (supervisor only).
    pub fn set_office_stock(
        &mut self,
        actor: &Actor,
        kind: &str,
        expected: &str,
    ) -> StoreResult<()> {
        require_supervisor(actor, "修改库存数量")?;
        if !STOCK_KINDS.contains(&kind) {
            return Err(StoreError::invalid("种类", "没有这种库存"));
        }
        let expected = parse_count("应有数量", expected, 0)?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let before: Option<i64> = tx
            .query_row(
                "SELECT expected FROM office_stock WHERE kind = ?1",
                params![kind],
                |r| r.get(0),
            )
            .optional()?;
        tx.execute(
            "INSERT INTO office_stock (kind, expected, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(kind) DO UPDATE SET expected = ?2, updated_at = ?3, updated_by = ?4",
            params![kind, expected, now, actor.id],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "钥匙",
                action: "修改库存数量",
                entity: "office_stock",
                entity_id: 0,
                before: before.map(|b| json!({"kind": kind, "expected": b})),
                after: Some(json!({"kind": kind, "expected": expected})),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The lines to count now: every key set (expected 0 while out on loan) and every stock
    /// kind, with `counted` preset to the expected figure.
    pub fn stocktake_sheet(&self) -> StoreResult<Vec<StocktakeLine>> {
        let mut lines: Vec<StocktakeLine> = self
            .key_sets("")?
            .into_iter()
            .map(|k| {
                let (expected, note) = match &k.out {
                    Some(l) => (0, format!("借出：{}", l.borrower)),
                    None => (k.count, String::new()),
                };
                StocktakeLine {
                    kind: "钥匙".into(),
                    key_set_id: Some(k.id),
                    label: format!("{} {}", k.unit_code, k.label),
                    expected,
                    counted: expected,
                    note,
                }
            })
            .collect();
        for (kind, expected) in self.office_stock()? {
            lines.push(StocktakeLine {
                label: format!("未发放{kind}"),
                kind,
                key_set_id: None,
                expected,
                counted: expected,
                note: String::new(),
            });
        }
        Ok(lines)
    }

    /// Records this month's count. The expected figures are taken again here, inside the
    /// transaction; `counted` gives the count per line of [`Store::stocktake_sheet`] by
    /// (kind, key set id). One stock-take per month.
    pub fn record_stocktake(
        &mut self,
        actor: &Actor,
        counted: &[(String, Option<i64>, i64, String)],
    ) -> StoreResult<i64> {
        let month = self.today().format("%Y-%m").to_string();
        let mut lines = self.stocktake_sheet()?;
        for line in &mut lines {
            let found = counted
                .iter()
                .find(|(k, id, _, _)| *k == line.kind && *id == line.key_set_id);
            let Some((_, _, n, note)) = found else {
                return Err(StoreError::invalid(
                    "盘点数量",
                    format!("{} 还没有清点", line.label),
                ));
            };
            if !(0..=9999).contains(n) {
                return Err(StoreError::invalid(
                    "盘点数量",
                    format!("{} 的数量不对", line.label),
                ));
            }
            line.counted = *n;
            if !note.trim().is_empty() {
                line.note = if line.note.is_empty() {
                    note.trim().to_string()
                } else {
                    format!("{}；{}", line.note, note.trim())
                };
            }
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        let exists: Option<i64> = tx
            .query_row(
                "SELECT id FROM stocktake WHERE month = ?1",
                params![month],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!("{month} 已经盘点过")));
        }
        tx.execute(
            "INSERT INTO stocktake (month, counted_at, counted_by) VALUES (?1, ?2, ?3)",
            params![month, now, actor.id],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut ins = tx.prepare_cached(
                "INSERT INTO stocktake_line (stocktake_id, kind, key_set_id, label, expected, counted, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?;
            for l in &lines {
                ins.execute(params![
                    id,
                    l.kind,
                    l.key_set_id,
                    l.label,
                    l.expected,
                    l.counted,
                    l.note
                ])?;
            }
        }
        let differences: Vec<_> = lines
            .iter()
            .filter(|l| l.difference() != 0)
            .map(|l| json!({"label": l.label, "expected": l.expected, "counted": l.counted}))
            .collect();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "钥匙",
                action: "盘点",
                entity: "stocktake",
                entity_id: id,
                before: None,
                after: Some(
                    json!({"month": month, "lines": lines.len(), "differences": differences}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The supervisor signs a stock-take off; after this it is final. A stock-take with
    /// differences needs a note saying what was done about them.
    pub fn sign_stocktake(&mut self, actor: &Actor, id: i64, note: &str) -> StoreResult<()> {
        require_supervisor(actor, "签字确认盘点")?;
        let take = self.stocktake(id)?;
        if take.signed.is_some() {
            return Err(StoreError::Conflict("这次盘点已经签字确认".into()));
        }
        let note = note.trim();
        if !take.differences().is_empty() && note.is_empty() {
            return Err(StoreError::invalid(
                "处理意见",
                "盘点有差异，请填写处理意见",
            ));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        tx.execute(
            "UPDATE stocktake SET signed_at = ?2, signed_by = ?3, sign_note = ?4 WHERE id = ?1",
            params![id, now, actor.id, note],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "钥匙",
                action: "盘点签字",
                entity: "stocktake",
                entity_id: id,
                before: None,
                after: Some(json!({"month": take.month, "note": note})),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// One stock-take with its lines.
    pub fn stocktake(&self, id: i64) -> StoreResult<Stocktake> {
        let head = self
            .conn
            .query_row(
                "SELECT s.id, s.month, s.counted_at, c.name, s.signed_at, coalesce(g.name, ''), s.sign_note
                 FROM stocktake s JOIN operator c ON c.id = s.counted_by
                 LEFT JOIN operator g ON g.id = s.signed_by WHERE s.id = ?1",
                params![id],
                |r| {
                    let signed_at: Option<String> = r.get(4)?;
                    Ok(Stocktake {
                        id: r.get(0)?,
                        month: r.get(1)?,
                        counted_at: r.get(2)?,
                        counted_by: r.get(3)?,
                        signed: match signed_at {
                            Some(at) => Some((at, r.get(5)?, r.get(6)?)),
                            None => None,
                        },
                        lines: Vec::new(),
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这次盘点".into()))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, key_set_id, label, expected, counted, note FROM stocktake_line
             WHERE stocktake_id = ?1 ORDER BY id",
        )?;
        let lines = stmt
            .query_map(params![id], |r| {
                Ok(StocktakeLine {
                    kind: r.get(0)?,
                    key_set_id: r.get(1)?,
                    label: r.get(2)?,
                    expected: r.get(3)?,
                    counted: r.get(4)?,
                    note: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Stocktake { lines, ..head })
    }

    /// Stock-takes, the newest first: (id, month, signed).
    pub fn stocktakes(&self) -> StoreResult<Vec<(i64, String, bool)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, month, signed_at IS NOT NULL FROM stocktake ORDER BY month DESC",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
