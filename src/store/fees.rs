//! Fee items and the billing run (核算): which units owe what for a period. Payments and
//! receipts are in `receipts.rs`.

use super::audit::{self, Change};
use super::operators::require_supervisor;
use super::{Actor, Store, StoreError, StoreResult, date_str};
use crate::domain::fees::quantity_times_price;
use crate::domain::fees::{Period, discount, prorate};
use crate::domain::kinds::{FeeKind, MeterKind, UnitKind, UnitStatus};
use crate::domain::meters::share_cost;
use crate::domain::money::{apportion, parse_price, price_text, round_div, yuan};
use chrono::{Days, NaiveDate};
use rusqlite::{OptionalExtension, params};
use serde_json::json;
use std::collections::HashMap;

/// A fee item as configured in 设置 → 收费项目.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeItem {
    /// Item id.
    pub id: i64,
    /// Name (物业费, 车辆管理费 …).
    pub name: String,
    /// How the amount is computed.
    pub kind: FeeKind,
    /// Unit price in 1/10000 yuan (per m² per month, per month, per vehicle per month …).
    pub price_4dp: i64,
    /// Unit kinds it applies to by itself.
    pub unit_kinds: Vec<UnitKind>,
    /// Discount for vacant units, in basis points (3000 = 30%).
    pub vacant_discount_bp: i64,
    /// Late fee per day in 1/10000 of the amount owed (0 = off).
    pub late_rate_per_10000: i64,
    /// Late fee cap as a percentage of the amount owed.
    pub late_cap_percent: Option<i64>,
    /// Days after the period starts that the bill falls due.
    pub due_days: i64,
    /// Whether new bills are made for it.
    pub active: bool,
    /// The meters a 抄表 or 公摊 item bills from.
    pub meter_kind: Option<MeterKind>,
}

/// A fee item as typed on its form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeItemForm {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: FeeKind,
    /// Unit price as typed (元, up to 4 decimals).
    pub price: String,
    /// Unit kinds it applies to.
    pub unit_kinds: Vec<UnitKind>,
    /// Vacant discount in percent as typed ("30"), empty for none.
    pub vacant_discount_percent: String,
    /// Late fee per day in 万分之 as typed ("5"), empty for none.
    pub late_rate_per_10000: String,
    /// Late fee cap in percent of the amount owed, empty for none.
    pub late_cap_percent: String,
    /// Days until due, as typed.
    pub due_days: String,
    /// Whether active.
    pub active: bool,
    /// The meters a 抄表 or 公摊 item bills from (ignored for other kinds).
    pub meter_kind: MeterKind,
}

impl Default for FeeItemForm {
    fn default() -> Self {
        Self {
            name: String::new(),
            kind: FeeKind::ByArea,
            price: String::new(),
            unit_kinds: vec![UnitKind::Residence],
            vacant_discount_percent: String::new(),
            late_rate_per_10000: String::new(),
            late_cap_percent: String::new(),
            due_days: "15".into(),
            active: true,
            meter_kind: MeterKind::Water,
        }
    }
}

fn small_number(field: &'static str, text: &str, max: i64) -> StoreResult<i64> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(n),
        _ => Err(StoreError::invalid(
            field,
            format!("请填写 0 到 {max} 之间的整数"),
        )),
    }
}

impl FeeItemForm {
    fn check(&self) -> StoreResult<FeeItem> {
        let name = self.name.trim().to_string();
        if name.is_empty() {
            return Err(StoreError::invalid("项目名称", "请填写项目名称"));
        }
        let price_4dp = parse_price(&self.price).map_err(|e| StoreError::invalid("单价", e))?;
        let cap = small_number("滞纳金上限", &self.late_cap_percent, 1000)?;
        Ok(FeeItem {
            id: 0,
            name,
            kind: self.kind,
            price_4dp,
            unit_kinds: self.unit_kinds.clone(),
            vacant_discount_bp: small_number("空置优惠", &self.vacant_discount_percent, 100)? * 100,
            late_rate_per_10000: small_number("滞纳金", &self.late_rate_per_10000, 100)?,
            late_cap_percent: (cap > 0).then_some(cap),
            due_days: small_number("缴费期限", &self.due_days, 365)?,
            active: self.active,
            meter_kind: matches!(self.kind, FeeKind::Metered | FeeKind::Shared)
                .then_some(self.meter_kind),
        })
    }
}

impl FeeItem {
    /// The form showing this item.
    #[must_use]
    pub fn form(&self) -> FeeItemForm {
        FeeItemForm {
            name: self.name.clone(),
            kind: self.kind,
            price: price_text(self.price_4dp),
            unit_kinds: self.unit_kinds.clone(),
            vacant_discount_percent: if self.vacant_discount_bp == 0 {
                String::new()
            } else {
                (self.vacant_discount_bp / 100).to_string()
            },
            late_rate_per_10000: if self.late_rate_per_10000 == 0 {
                String::new()
            } else {
                self.late_rate_per_10000.to_string()
            },
            late_cap_percent: self
                .late_cap_percent
                .map(|c| c.to_string())
                .unwrap_or_default(),
            due_days: self.due_days.to_string(),
            active: self.active,
            meter_kind: self.meter_kind.unwrap_or(MeterKind::Water),
        }
    }

    /// The unit of its price, for forms and details.
    #[must_use]
    pub fn price_unit(&self) -> &'static str {
        match self.kind {
            FeeKind::ByArea => "元/㎡/月",
            FeeKind::Fixed => "元/月",
            FeeKind::PerVehicle => "元/辆/月",
            FeeKind::Metered | FeeKind::Shared => match self.meter_kind {
                Some(MeterKind::Water) => "元/吨",
                Some(MeterKind::Electricity) => "元/度",
                Some(MeterKind::Gas) => "元/方",
                None => "元/度(吨)",
            },
            FeeKind::OneOff => "元",
        }
    }
}

fn kinds_text(kinds: &[UnitKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn item_json(i: &FeeItem) -> serde_json::Value {
    json!({"name": i.name, "kind": i.kind.as_str(), "price_4dp": i.price_4dp, "unit_kinds": kinds_text(&i.unit_kinds),
        "vacant_discount_bp": i.vacant_discount_bp, "late_rate_per_10000": i.late_rate_per_10000,
        "late_cap_percent": i.late_cap_percent, "due_days": i.due_days, "active": i.active,
        "meter_kind": i.meter_kind.map(MeterKind::as_str)})
}

fn fee_item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FeeItem> {
    let kind: String = r.get(2)?;
    let kinds: String = r.get(4)?;
    Ok(FeeItem {
        id: r.get(0)?,
        name: r.get(1)?,
        kind: FeeKind::parse(&kind).unwrap_or(FeeKind::OneOff),
        price_4dp: r.get(3)?,
        unit_kinds: kinds.split(',').filter_map(UnitKind::parse).collect(),
        vacant_discount_bp: r.get(5)?,
        late_rate_per_10000: r.get(6)?,
        late_cap_percent: r.get(7)?,
        due_days: r.get(8)?,
        active: r.get(9)?,
        meter_kind: r
            .get::<_, Option<String>>(10)?
            .as_deref()
            .and_then(MeterKind::parse),
    })
}

const FEE_ITEM_SQL: &str =
    "SELECT id, name, kind, price_4dp, unit_kinds, vacant_discount_bp, late_rate_per_10000,
        late_cap_percent, due_days, active, meter_kind FROM fee_item";

/// One bill line a billing run would create (or has created).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillDraft {
    /// Unit id.
    pub unit_id: i64,
    /// Unit code.
    pub unit_code: String,
    /// Fee item id.
    pub fee_item_id: i64,
    /// Item name.
    pub item_name: String,
    /// Period (`2026Q4`).
    pub period: String,
    /// First day this line covers.
    pub part_start: NaiveDate,
    /// Last day this line covers.
    pub part_end: NaiveDate,
    /// How it was computed, for the receipt and notice.
    pub detail: String,
    /// Quantity and its scale (area in hundredths of m² × months → scale 100).
    pub quantity: i64,
    /// Scale of the quantity.
    pub quantity_scale: i64,
    /// This line's share of the period: numerator (days).
    pub part_num: i64,
    /// This line's share of the period: denominator (days).
    pub part_den: i64,
    /// Unit price in 1/10000 yuan.
    pub price_4dp: i64,
    /// Discount in basis points.
    pub discount_bp: i64,
    /// Before discount, in fen.
    pub gross_fen: i64,
    /// Discount, in fen.
    pub discount_fen: i64,
    /// To pay, in fen.
    pub amount_fen: i64,
    /// Who owned the unit during this part.
    pub payer: String,
    /// Due date.
    pub due_date: NaiveDate,
}

/// A billing run's preview: the lines it would create and the units it skips, with why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BillingPreview {
    /// Lines to create.
    pub drafts: Vec<BillDraft>,
    /// (unit code, item, reason) for units not billed.
    pub skipped: Vec<(String, String, String)>,
    /// Lines already there from an earlier run (not created again).
    pub existing: usize,
    /// Meter readings the lines use: locked when the run is committed.
    pub locked_readings: Vec<i64>,
    /// Corrections of billed readings the lines carry: settled when the run is committed.
    pub settled_corrections: Vec<i64>,
    /// How each common meter's cost was shared (公摊明细).
    pub shared: Vec<SharedMeterLine>,
}

/// One common meter's cost over a period and how it was shared (公摊明细).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedMeterLine {
    /// The 公摊 item.
    pub item: String,
    /// The meter's name.
    pub meter: String,
    /// Its number.
    pub number: String,
    /// Its readings over the period (上次/本次/用量).
    pub detail: String,
    /// Usage billed, in thousandths.
    pub usage_milli: i64,
    /// Its cost, in fen: shared out exactly.
    pub cost_fen: i64,
    /// By area or by household.
    pub basis: crate::domain::kinds::ShareBasis,
    /// Over how many units.
    pub units: usize,
}

/// What one unit is charged for one item, before proration and discounts.
struct Charge {
    quantity: i64,
    scale: i64,
    price_4dp: i64,
    detail: String,
    gross_fen: i64,
    readings: Vec<i64>,
    corrections: Vec<i64>,
}

impl Charge {
    /// `quantity / scale` at `price_4dp`, rounded once.
    fn priced(quantity: i64, scale: i64, price_4dp: i64, detail: String) -> Self {
        Self {
            quantity,
            scale,
            price_4dp,
            detail,
            gross_fen: quantity_times_price(quantity, scale, price_4dp),
            readings: Vec::new(),
            corrections: Vec::new(),
        }
    }
}

impl BillingPreview {
    /// Total of the lines to create, in fen.
    #[must_use]
    pub fn total_fen(&self) -> i64 {
        self.drafts.iter().map(|d| d.amount_fen).sum()
    }
}

struct UnitForBilling {
    id: i64,
    code: String,
    kind: UnitKind,
    status: UnitStatus,
    area: Option<i64>,
    vehicles: i64,
}

/// Owners of a unit over a period: (part start, part end, names), covering the period.
fn owner_parts(
    rows: &[(String, String, Option<String>)],
    period: &Period,
) -> Vec<(NaiveDate, NaiveDate, String)> {
    let first = period.first_day();
    let last = period.last_day();
    let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let mut parts: Vec<(NaiveDate, NaiveDate, String)> = Vec::new();
    for (name, start, end) in rows {
        let start = parse(start).unwrap_or(first).max(first);
        // An ownership ending on day D was handed over that day: the old owner pays to D-1.
        let end = end
            .as_deref()
            .and_then(parse)
            .and_then(|d| d.checked_sub_days(Days::new(1)))
            .unwrap_or(last)
            .min(last);
        if end < start {
            continue;
        }
        if let Some(same) = parts.iter_mut().find(|p| p.0 == start && p.1 == end) {
            same.2.push('、');
            same.2.push_str(name);
        } else {
            parts.push((start, end, name.clone()));
        }
    }
    if parts.is_empty() {
        return vec![(first, last, String::new())];
    }
    // Days nobody owned (before the first owner) fall to the first part.
    if let Some(p) = parts.first_mut() {
        p.0 = first;
    }
    // Keep parts contiguous: each runs until the next starts.
    let n = parts.len();
    for i in 0..n.saturating_sub(1) {
        let next_start = parts.get(i + 1).map(|p| p.0);
        if let (Some(next), Some(p)) = (next_start, parts.get_mut(i)) {
            p.1 = next.checked_sub_days(Days::new(1)).unwrap_or(p.1);
        }
    }
    if let Some(p) = parts.last_mut() {
        p.1 = last;
    }
    parts.retain(|p| p.1 >= p.0);
    parts
}

fn days(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days() + 1
}

impl Store {
    /// Every fee item, active first.
    pub fn fee_items(&self) -> StoreResult<Vec<FeeItem>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{FEE_ITEM_SQL} ORDER BY active DESC, id"))?;
        let rows = stmt
            .query_map([], fee_item_row)?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Adds a fee item (supervisor only).
    pub fn add_fee_item(&mut self, actor: &Actor, form: &FeeItemForm) -> StoreResult<i64> {
        require_supervisor(actor, "设置收费项目")?;
        let item = form.check()?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let taken: i64 = tx.query_row(
            "SELECT count(*) FROM fee_item WHERE name = ?1",
            params![item.name],
            |r| r.get(0),
        )?;
        if taken > 0 {
            return Err(StoreError::invalid(
                "项目名称",
                format!("已有收费项目 {}", item.name),
            ));
        }
        tx.execute(
            "INSERT INTO fee_item (name, kind, price_4dp, unit_kinds, vacant_discount_bp, late_rate_per_10000, late_cap_percent,
                                   due_days, active, created_at, created_by, updated_at, updated_by, meter_kind)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?10, ?11, ?12)",
            params![item.name, item.kind.as_str(), item.price_4dp, kinds_text(&item.unit_kinds), item.vacant_discount_bp,
                item.late_rate_per_10000, item.late_cap_percent, item.due_days, item.active, now, actor.id,
                item.meter_kind.map(MeterKind::as_str)],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "收费",
                action: "新增收费项目",
                entity: "fee_item",
                entity_id: id,
                before: None,
                after: Some(item_json(&item)),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Changes a fee item (supervisor only). A new price is applied to the item's bills that
    /// nothing has been paid on yet; paid and part-paid bills keep their amounts. Returns how
    /// many bills were re-priced.
    pub fn update_fee_item(
        &mut self,
        actor: &Actor,
        id: i64,
        form: &FeeItemForm,
    ) -> StoreResult<usize> {
        require_supervisor(actor, "修改收费项目")?;
        let item = form.check()?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let before = tx
            .query_row(
                &format!("{FEE_ITEM_SQL} WHERE id = ?1"),
                params![id],
                fee_item_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这个收费项目".into()))?;
        let clash: i64 = tx.query_row(
            "SELECT count(*) FROM fee_item WHERE name = ?1 AND id <> ?2",
            params![item.name, id],
            |r| r.get(0),
        )?;
        if clash > 0 {
            return Err(StoreError::invalid(
                "项目名称",
                format!("已有收费项目 {}", item.name),
            ));
        }
        tx.execute(
            "UPDATE fee_item SET name = ?1, kind = ?2, price_4dp = ?3, unit_kinds = ?4, vacant_discount_bp = ?5,
                    late_rate_per_10000 = ?6, late_cap_percent = ?7, due_days = ?8, active = ?9, updated_at = ?10, updated_by = ?11,
                    meter_kind = ?13
             WHERE id = ?12",
            params![item.name, item.kind.as_str(), item.price_4dp, kinds_text(&item.unit_kinds), item.vacant_discount_bp,
                item.late_rate_per_10000, item.late_cap_percent, item.due_days, item.active, now, actor.id, id,
                item.meter_kind.map(MeterKind::as_str)],
        )?;
        let mut repriced = 0;
        // Only bills that are quantity × price are re-priced. A 公摊 bill is a share of a whole
        // meter's cost and a one-off or late fee an amount of its own: a new price applies to
        // them from the next billing run. Bills made in a closed month keep their amounts.
        let repriceable = matches!(
            item.kind,
            FeeKind::ByArea | FeeKind::Fixed | FeeKind::PerVehicle | FeeKind::Metered
        ) && item.kind == before.kind;
        if before.price_4dp != item.price_4dp && repriceable {
            let mut stmt = tx.prepare(
                "SELECT b.id, b.quantity, b.quantity_scale, b.part_num, b.part_den, b.discount_bp FROM bill b
                 WHERE b.fee_item_id = ?1 AND b.paid_fen = 0 AND b.part_start NOT LIKE '滞纳金%'
                   AND substr(b.created_at, 1, 7) NOT IN (SELECT month FROM month_close)",
            )?;
            let bills: Vec<(i64, i64, i64, i64, i64, i64)> = stmt
                .query_map(params![id], |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                })?
                .collect::<Result<_, _>>()?;
            drop(stmt);
            for (bill_id, q, scale, num, den, bp) in bills {
                let gross = round_div(
                    i128::from(q) * i128::from(item.price_4dp) * i128::from(num),
                    i128::from(scale) * 100 * i128::from(den),
                );
                let off = discount(gross, bp);
                tx.execute(
                    "UPDATE bill SET price_4dp = ?1, gross_fen = ?2, discount_fen = ?3, amount_fen = ?4,
                            detail = replace(detail, ?5, ?6), updated_at = ?7, updated_by = ?8 WHERE id = ?9",
                    params![item.price_4dp, gross, off, gross - off, format!("× {}", price_text(before.price_4dp)),
                        format!("× {}", price_text(item.price_4dp)), now, actor.id, bill_id],
                )?;
                repriced += 1;
            }
        }
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "收费",
                action: "修改收费项目",
                entity: "fee_item",
                entity_id: id,
                before: Some(item_json(&before)),
                after: Some(json!({"item": item_json(&item), "unpaid_bills_repriced": repriced})),
            },
        )?;
        tx.commit()?;
        Ok(repriced)
    }

    fn units_for_item(&self, item: &FeeItem) -> StoreResult<Vec<UnitForBilling>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.code, u.kind, u.status, u.area_centi_m2,
                    (SELECT count(*) FROM vehicle v WHERE v.unit_id = u.id AND v.end_date IS NULL),
                    (SELECT mode FROM fee_item_unit f WHERE f.fee_item_id = ?1 AND f.unit_id = u.id)
             FROM unit u ORDER BY u.id",
        )?;
        let rows = stmt.query_map(params![item.id], |r| {
            let kind: String = r.get(2)?;
            let status: String = r.get(3)?;
            let mode: Option<String> = r.get(6)?;
            Ok((
                UnitForBilling {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    kind: UnitKind::parse(&kind).unwrap_or(UnitKind::Residence),
                    status: UnitStatus::parse(&status).unwrap_or(UnitStatus::Vacant),
                    area: r.get(4)?,
                    vehicles: r.get(5)?,
                },
                mode,
            ))
        })?;
        let mut units = Vec::new();
        for row in rows {
            let (unit, mode) = row?;
            let applies = match mode.as_deref() {
                Some("加收") => true,
                Some("免收") => false,
                _ => item.unit_kinds.contains(&unit.kind),
            };
            if applies && unit.status != UnitStatus::NotHandedOver {
                units.push(unit);
            }
        }
        Ok(units)
    }

    /// What a billing run for `period` would create. Nothing is written.
    ///
    /// Area, fixed and vehicle items bill each unit once for any stretch of days (a month run
    /// after a quarter run makes nothing twice). Metered (抄表) and shared (公摊) items bill the
    /// readings of the period not billed yet: a unit's own meter, or its share of the common
    /// meters it is shared over; a meter not read for the period's last month, or with a
    /// reading waiting to be read again, is listed with why and billed by a later run.
    pub fn billing_preview(&self, period: &Period) -> StoreResult<BillingPreview> {
        let mut preview = BillingPreview::default();
        let months = period.months();
        // (unit, item) → (lines of exactly this period, lines overlapping it).
        let mut existing_lines: HashMap<(i64, i64), (usize, usize)> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT unit_id, fee_item_id, sum(period = ?1), count(*) FROM bill
             WHERE period = ?1 OR (part_start <= ?2 AND part_end >= ?3)
             GROUP BY unit_id, fee_item_id",
        )?;
        for row in stmt.query_map(
            params![
                period.to_string(),
                date_str(period.last_day()),
                date_str(period.first_day())
            ],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            },
        )? {
            let (unit, item, exact, overlapping) = row?;
            existing_lines.insert(
                (unit, item),
                (
                    usize::try_from(exact).unwrap_or(0),
                    usize::try_from(overlapping).unwrap_or(0),
                ),
            );
        }
        let mut owners: HashMap<i64, Vec<(String, String, Option<String>)>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.unit_id, p.name, o.start_date, o.end_date FROM occupancy o JOIN person p ON p.id = o.person_id
             WHERE o.role = '业主' AND o.start_date <= ?1 AND (o.end_date IS NULL OR o.end_date > ?2)
             ORDER BY o.unit_id, o.start_date, o.id",
        )?;
        for row in stmt.query_map(
            params![date_str(period.last_day()), date_str(period.first_day())],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            },
        )? {
            let (unit, name, start, end) = row?;
            owners.entry(unit).or_default().push((name, start, end));
        }
        for item in self.fee_items()? {
            if !item.active || item.kind == FeeKind::OneOff {
                continue;
            }
            let metered = matches!(item.kind, FeeKind::Metered | FeeKind::Shared);
            // Fees charged ahead fall due from the period's start; usage is billed after it
            // is read, so it falls due counting from the day of the bill.
            let due_from = if metered {
                self.today()
            } else {
                period.first_day()
            };
            let due = due_from
                .checked_add_days(Days::new(u64::try_from(item.due_days).unwrap_or(0)))
                .unwrap_or(due_from);
            let units = self.units_for_item(&item)?;
            let mut from_meters = match item.kind {
                FeeKind::Metered => self.metered_charges(period, &item)?,
                FeeKind::Shared => self.shared_charges(period, &item, &units, &mut preview)?,
                _ => HashMap::new(),
            };
            for unit in units {
                if let Some((exact, overlapping)) = existing_lines.get(&(unit.id, item.id)) {
                    let n = if metered { *exact } else { *overlapping };
                    if n > 0 {
                        preview.existing += n;
                        continue;
                    }
                }
                let price = price_text(item.price_4dp);
                let charge = match item.kind {
                    FeeKind::ByArea => {
                        let Some(area) = unit.area else {
                            preview.skipped.push((
                                unit.code.clone(),
                                item.name.clone(),
                                "缺建筑面积，未计费".into(),
                            ));
                            continue;
                        };
                        Charge::priced(
                            area * months,
                            100,
                            item.price_4dp,
                            format!(
                                "{}㎡ × {price} × {months}月",
                                crate::domain::area::format_area(area)
                            ),
                        )
                    }
                    FeeKind::PerVehicle => {
                        if unit.vehicles == 0 {
                            continue;
                        }
                        Charge::priced(
                            unit.vehicles * months,
                            1,
                            item.price_4dp,
                            format!("{}辆 × {price} × {months}月", unit.vehicles),
                        )
                    }
                    FeeKind::Fixed => {
                        Charge::priced(months, 1, item.price_4dp, format!("{months}月 × {price}"))
                    }
                    FeeKind::Metered | FeeKind::Shared => match from_meters.remove(&unit.id) {
                        Some(Ok(charge)) => charge,
                        Some(Err(reason)) => {
                            preview
                                .skipped
                                .push((unit.code.clone(), item.name.clone(), reason));
                            continue;
                        }
                        None if item.kind == FeeKind::Metered => {
                            let meter = item.meter_kind.map_or("表", MeterKind::meter_name);
                            preview.skipped.push((
                                unit.code.clone(),
                                item.name.clone(),
                                format!("没有登记{meter}"),
                            ));
                            continue;
                        }
                        None => continue,
                    },
                    FeeKind::OneOff => continue,
                };
                preview.locked_readings.extend(charge.readings);
                preview.settled_corrections.extend(charge.corrections);
                let (quantity, scale, price_4dp, detail, gross_full) = (
                    charge.quantity,
                    charge.scale,
                    charge.price_4dp,
                    charge.detail,
                    charge.gross_fen,
                );
                let bp = if unit.status == UnitStatus::Vacant {
                    item.vacant_discount_bp
                } else {
                    0
                };
                let parts = owner_parts(owners.get(&unit.id).map_or(&[], Vec::as_slice), period);
                let total_days = days(period.first_day(), period.last_day());
                let part_days: Vec<i64> = parts.iter().map(|p| days(p.0, p.1)).collect();
                let grosses = if parts.len() > 1 {
                    prorate(gross_full, &part_days).map_err(StoreError::Conflict)?
                } else {
                    vec![gross_full]
                };
                let off_full = discount(gross_full, bp);
                let offs = if parts.len() > 1 {
                    apportion(off_full, &part_days).map_err(StoreError::Conflict)?
                } else {
                    vec![off_full]
                };
                for (i, (start, end, payer)) in parts.into_iter().enumerate() {
                    let gross = grosses.get(i).copied().unwrap_or(0);
                    let off = offs.get(i).copied().unwrap_or(0);
                    let mut detail = detail.clone();
                    let d = part_days.get(i).copied().unwrap_or(total_days);
                    if d != total_days {
                        detail.push_str(&format!(
                            "（{}至{}，{d}/{total_days}天）",
                            start.format("%m-%d"),
                            end.format("%m-%d")
                        ));
                    }
                    if off > 0 {
                        detail.push_str(&format!("，空置优惠{}%", bp / 100));
                    }
                    preview.drafts.push(BillDraft {
                        unit_id: unit.id,
                        unit_code: unit.code.clone(),
                        fee_item_id: item.id,
                        item_name: item.name.clone(),
                        period: period.to_string(),
                        part_start: start,
                        part_end: end,
                        detail,
                        quantity,
                        quantity_scale: scale,
                        part_num: d,
                        part_den: total_days,
                        price_4dp,
                        discount_bp: bp,
                        gross_fen: gross,
                        discount_fen: off,
                        amount_fen: gross - off,
                        payer,
                        due_date: due,
                    });
                }
            }
        }
        preview.drafts.sort_by_cached_key(|d| {
            (
                crate::domain::unit_code::walk_key(&d.unit_code),
                d.fee_item_id,
                d.part_start,
            )
        });
        preview.locked_readings.sort_unstable();
        preview.locked_readings.dedup();
        Ok(preview)
    }

    /// A metered item's charge per unit: the usage of the unit's meter over the period (the
    /// readings not billed yet) times the price.
    fn metered_charges(
        &self,
        period: &Period,
        item: &FeeItem,
    ) -> StoreResult<HashMap<i64, Result<Charge, String>>> {
        let Some(kind) = item.meter_kind else {
            return Ok(HashMap::new());
        };
        let price = price_text(item.price_4dp);
        let mut out: HashMap<i64, Result<Charge, String>> = HashMap::new();
        for lineage in self.period_usages(period, kind, false)? {
            let (unit_id, charge) = match lineage {
                Ok(u) => {
                    let Some(unit_id) = u.meter.unit_id else {
                        continue;
                    };
                    if u.reading_ids.is_empty() && u.corrections.is_empty() {
                        continue;
                    }
                    let quantity = u.billed_milli();
                    let detail = format!("{} × {price}", u.detail());
                    let mut charge = Charge::priced(quantity, 1000, item.price_4dp, detail);
                    charge.readings = u.reading_ids;
                    charge.corrections = u.corrections.iter().map(|c| c.0).collect();
                    (unit_id, Ok(charge))
                }
                Err(waiting) => {
                    let (meter, reason) = *waiting;
                    let Some(unit_id) = meter.unit_id else {
                        continue;
                    };
                    (
                        unit_id,
                        Err(format!(
                            "{}（{}）{reason}",
                            meter.kind.meter_name(),
                            meter.number
                        )),
                    )
                }
            };
            // A unit with two lineages (a meter taken out without a replacement, then a new
            // one put in) pays for both.
            match (out.remove(&unit_id), charge) {
                (Some(Ok(mut a)), Ok(b)) => {
                    a.quantity += b.quantity;
                    a.gross_fen = quantity_times_price(a.quantity, 1000, item.price_4dp);
                    a.detail = format!("{}；{}", a.detail, b.detail);
                    a.readings.extend(b.readings);
                    a.corrections.extend(b.corrections);
                    out.insert(unit_id, Ok(a));
                }
                (Some(Err(e)), _) | (_, Err(e)) => {
                    out.insert(unit_id, Err(e));
                }
                (None, Ok(b)) => {
                    out.insert(unit_id, Ok(b));
                }
            }
        }
        Ok(out)
    }

    /// A shared item's charge per unit: each common meter's cost over the period (usage ×
    /// price) shared exactly over its units by area or by household, added up per unit.
    ///
    /// A period's shared costs are billed all at once or not at all: a meter left out now
    /// could never be shared over the units already billed for the period. So when one
    /// meter cannot be shared (not read, a unit without its area), nothing is billed for the
    /// item this time and the reasons are listed.
    fn shared_charges(
        &self,
        period: &Period,
        item: &FeeItem,
        units: &[UnitForBilling],
        preview: &mut BillingPreview,
    ) -> StoreResult<HashMap<i64, Result<Charge, String>>> {
        let mut out: HashMap<i64, Result<Charge, String>> = HashMap::new();
        let Some(kind) = item.meter_kind else {
            return Ok(out);
        };
        let done: i64 = self.conn.query_row(
            "SELECT count(*) FROM bill WHERE fee_item_id = ?1 AND period = ?2",
            params![item.id, period.to_string()],
            |r| r.get(0),
        )?;
        if done > 0 {
            return Ok(out);
        }
        let codes: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.code.as_str())).collect();
        // unit → (total share, meters).
        let mut shares: HashMap<i64, (i64, Vec<String>)> = HashMap::new();
        let mut lines: Vec<SharedMeterLine> = Vec::new();
        let mut locked = Vec::new();
        let mut settled = Vec::new();
        let mut failed = false;
        for lineage in self.period_usages(period, kind, true)? {
            let usage = match lineage {
                Ok(u) => u,
                Err(waiting) => {
                    let (meter, reason) = *waiting;
                    preview.skipped.push((
                        meter.name.clone(),
                        item.name.clone(),
                        format!("公共表{reason}，本期{}暂不分摊", item.name),
                    ));
                    failed = true;
                    continue;
                }
            };
            if usage.reading_ids.is_empty() && usage.corrections.is_empty() {
                continue;
            }
            let Some((basis, _)) = usage.meter.share else {
                continue;
            };
            let over: Vec<(i64, Option<i64>)> = self
                .share_units(&usage.meter)?
                .into_iter()
                .filter(|(u, _)| codes.contains_key(u))
                .collect();
            let cost = quantity_times_price(usage.billed_milli(), 1000, item.price_4dp);
            let areas: Vec<Option<i64>> = over.iter().map(|(_, a)| *a).collect();
            let split = match share_cost(cost, basis, &areas) {
                Ok(split) => split,
                Err(reason) => {
                    let missing: Vec<&str> = over
                        .iter()
                        .filter(|(_, a)| a.is_none())
                        .filter_map(|(u, _)| codes.get(u).copied())
                        .take(3)
                        .collect();
                    let which = if missing.is_empty() {
                        String::new()
                    } else {
                        format!("（{} 等）", missing.join("、"))
                    };
                    preview.skipped.push((
                        usage.meter.name.clone(),
                        item.name.clone(),
                        format!("{reason}{which}，本期{}暂不分摊", item.name),
                    ));
                    failed = true;
                    continue;
                }
            };
            lines.push(SharedMeterLine {
                item: item.name.clone(),
                meter: usage.meter.name.clone(),
                number: usage.meter.number.clone(),
                detail: usage.detail(),
                usage_milli: usage.billed_milli(),
                cost_fen: cost,
                basis,
                units: over.len(),
            });
            locked.extend(usage.reading_ids.iter().copied());
            settled.extend(usage.corrections.iter().map(|c| c.0));
            for ((unit, _), share) in over.iter().zip(split) {
                let entry = shares.entry(*unit).or_default();
                entry.0 += share;
                entry.1.push(usage.meter.name.clone());
            }
        }
        if failed {
            return Ok(out);
        }
        for (unit, (share, meters)) in shares {
            // 按面积 or 按户 when all the unit's meters share the same way.
            let mut bases = lines
                .iter()
                .filter(|l| meters.contains(&l.meter))
                .map(|l| l.basis);
            let first = bases.next();
            let basis_word = match first {
                Some(b) if bases.all(|x| x == b) => b.as_str(),
                _ => "",
            };
            let detail = match meters.as_slice() {
                [one] => format!("{one} {basis_word}分摊"),
                many => format!("公共表{}块 {basis_word}分摊", many.len()),
            };
            // The quantity of a share is its amount in fen at 0.01 元 each.
            out.insert(unit, Ok(Charge::priced(share, 1, 100, detail)));
        }
        preview.locked_readings.extend(locked);
        preview.settled_corrections.extend(settled);
        preview.shared.extend(lines);
        Ok(out)
    }

    /// Runs billing for `period` in one transaction. Lines made by an earlier run are not made
    /// again. Returns the preview that was committed.
    pub fn run_billing(&mut self, actor: &Actor, period: &Period) -> StoreResult<BillingPreview> {
        let preview = self.billing_preview(period)?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        for d in &preview.drafts {
            tx.execute(
                "INSERT INTO bill (unit_id, fee_item_id, period, part_start, part_end, item_name, detail, quantity, quantity_scale,
                                   part_num, part_den, price_4dp, discount_bp, gross_fen, discount_fen, amount_fen, payer, due_date,
                                   created_at, created_by, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?19, ?20)",
                params![d.unit_id, d.fee_item_id, d.period, date_str(d.part_start), date_str(d.part_end), d.item_name, d.detail,
                    d.quantity, d.quantity_scale, d.part_num, d.part_den, d.price_4dp, d.discount_bp, d.gross_fen, d.discount_fen,
                    d.amount_fen, d.payer, date_str(d.due_date), now, actor.id],
            )?;
        }
        super::meters::lock_billed(
            &tx,
            &period.to_string(),
            &preview.locked_readings,
            &preview.settled_corrections,
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "收费",
                action: "核算",
                entity: "period",
                entity_id: 0,
                before: None,
                after: Some(
                    json!({"period": period.to_string(), "lines": preview.drafts.len(), "total": yuan(preview.total_fen())}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(preview)
    }

    /// Adds a one-off charge to a unit (装修押金, 有偿维修, 工本费 …).
    pub fn add_one_off_bill(
        &mut self,
        actor: &Actor,
        unit_id: i64,
        fee_item_id: i64,
        amount_fen: i64,
        note: &str,
    ) -> StoreResult<i64> {
        if amount_fen <= 0 {
            return Err(StoreError::invalid("金额", "金额必须大于0"));
        }
        let now = self.now_stamp();
        let today = self.today();
        let tx = self.begin()?;
        let name: String = tx
            .query_row(
                "SELECT name FROM fee_item WHERE id = ?1",
                params![fee_item_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这个收费项目".into()))?;
        let payer: String = tx.query_row(
            "SELECT coalesce(group_concat(p.name, '、'), '') FROM occupancy o JOIN person p ON p.id = o.person_id
             WHERE o.unit_id = ?1 AND o.role = '业主' AND o.end_date IS NULL",
            params![unit_id],
            |r| r.get(0),
        )?;
        let detail = if note.trim().is_empty() {
            name.clone()
        } else {
            note.trim().to_string()
        };
        tx.execute(
            "INSERT INTO bill (unit_id, fee_item_id, period, part_start, part_end, item_name, detail, quantity, quantity_scale,
                               price_4dp, gross_fen, amount_fen, payer, due_date, note, created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?3, ?5, ?6, 1, 1, ?7, ?8, ?8, ?9, ?3, ?10, ?4, ?11, ?4, ?11)",
            params![unit_id, fee_item_id, date_str(today), now, name, detail, amount_fen * 100, amount_fen, payer, note.trim(), actor.id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "收费",
                action: "新增一次性收费",
                entity: "bill",
                entity_id: id,
                before: None,
                after: Some(
                    json!({"unit_id": unit_id, "item": name, "amount": yuan(amount_fen), "note": note.trim()}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }
}

impl Store {
    /// Adds today's late fee (滞纳金) of an overdue bill as a bill of its own, so it is
    /// collected and receipted like any fee. Returns the new bill's id.
    pub fn add_late_fee_bill(&mut self, actor: &Actor, bill_id: i64) -> StoreResult<i64> {
        let bill = self
            .unit_bills_by_id(bill_id)?
            .ok_or_else(|| StoreError::NotFound("没有这笔应收".into()))?;
        if bill.late_fee_fen <= 0 {
            return Err(StoreError::Conflict(format!(
                "{}（{}）现在没有滞纳金",
                bill.item_name, bill.period
            )));
        }
        let now = self.now_stamp();
        let today = date_str(self.today());
        let tx = self.begin()?;
        let already: i64 = tx.query_row(
            "SELECT count(*) FROM bill WHERE unit_id = ?1 AND fee_item_id = ?2 AND period = ?3 AND part_start = ?4",
            params![bill.unit_id, bill.fee_item_id, bill.period, format!("滞纳金{today}")],
            |r| r.get(0),
        )?;
        if already > 0 {
            return Err(StoreError::Conflict("今天已经计过这笔滞纳金".into()));
        }
        let detail = format!(
            "{}（{}）逾期滞纳金，计至 {today}",
            bill.item_name, bill.period
        );
        tx.execute(
            "INSERT INTO bill (unit_id, fee_item_id, period, part_start, part_end, item_name, detail, quantity, quantity_scale,
                               price_4dp, gross_fen, amount_fen, payer, due_date, created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, 1, ?8, ?9, ?9, ?10, ?5, ?11, ?12, ?11, ?12)",
            params![bill.unit_id, bill.fee_item_id, bill.period, format!("滞纳金{today}"), today,
                format!("{}滞纳金", bill.item_name), detail, bill.late_fee_fen * 100, bill.late_fee_fen, bill.payer, now, actor.id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "收费",
                action: "计入滞纳金",
                entity: "bill",
                entity_id: id,
                before: None,
                after: Some(json!({"for_bill": bill_id, "amount": yuan(bill.late_fee_fen)})),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    fn unit_bills_by_id(&self, bill_id: i64) -> StoreResult<Option<crate::store::BillRow>> {
        let unit: Option<i64> = self
            .conn
            .query_row(
                "SELECT unit_id FROM bill WHERE id = ?1",
                params![bill_id],
                |r| r.get(0),
            )
            .optional()?;
        match unit {
            Some(u) => Ok(self.unit_bills(u)?.into_iter().find(|b| b.id == bill_id)),
            None => Ok(None),
        }
    }
}
