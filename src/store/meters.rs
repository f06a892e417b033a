//! 抄表: unit and common meters with their replacements (换表), the monthly reading sheet with
//! its checks, readings to be read again (待复核), corrections of readings already billed,
//! and the usage of a period that the metered and shared fee items bill from.

use super::audit::{self, Change};
use super::{Actor, Store, StoreError, StoreResult, date_str};
use crate::domain::fees::Period;
use crate::domain::kinds::{MeterKind, ReadingState, ShareBasis, ShareScope, UnitStatus};
use crate::domain::meters::{
    MAX_DIGITS, MIN_DIGITS, MeterSpec, ReadingFlag, UsageError, format_milli, parse_reading,
    reading_flags, recent_average, step_usage,
};
use crate::domain::unit_code::{normalize_unit_code, walk_key};
use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use std::collections::HashMap;

/// The label of the sheet of common meters that belong to no building.
pub const ESTATE_PLACE: &str = "小区公共表";

/// How many months before the sheet's month are read for the recent average.
const WINDOW_MONTHS: usize = crate::domain::meters::AVERAGE_MONTHS;

/// One meter as listed in 表具管理.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterRow {
    /// Meter id.
    pub id: i64,
    /// The unit of a unit meter.
    pub unit_id: Option<i64>,
    /// Its code, empty for a common meter.
    pub unit_code: String,
    /// The building (of the unit, or of a common meter); empty for the whole estate.
    pub building: String,
    /// A common meter's name (3栋走廊灯, 1号电梯 …).
    pub name: String,
    /// Water, electricity or gas.
    pub kind: MeterKind,
    /// 表号.
    pub number: String,
    /// Where to find it.
    pub location: String,
    /// Multiplier and digits.
    pub spec: MeterSpec,
    /// Start reading, in thousandths.
    pub start_milli: i64,
    /// Put in on.
    pub opened_on: String,
    /// The meter it replaced.
    pub replaces: Option<i64>,
    /// Taken out on, with its final reading.
    pub closed: Option<(String, i64)>,
    /// Taken out for good (拆表), with no new meter: why.
    pub removed: Option<String>,
    /// A common meter's sharing.
    pub share: Option<(ShareBasis, ShareScope)>,
}

impl MeterRow {
    /// The unit code, or the common meter's name.
    #[must_use]
    pub fn label(&self) -> &str {
        if self.unit_id.is_some() {
            &self.unit_code
        } else {
            &self.name
        }
    }

    /// Whether it is a common meter (公共表).
    #[must_use]
    pub fn is_common(&self) -> bool {
        self.unit_id.is_none()
    }

    /// How it was taken out, if it was: "2026-11-10 换下" or "2026-11-10 拆表".
    #[must_use]
    pub fn taken_out(&self) -> Option<String> {
        self.closed.as_ref().map(|(on, _)| {
            let how = if self.removed.is_some() {
                "拆表"
            } else {
                "换下"
            };
            format!("{on} {how}")
        })
    }
}

/// A meter taken out for good (拆表), as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoveForm {
    /// The meter taken out.
    pub meter_id: i64,
    /// When.
    pub date: NaiveDate,
    /// Its final reading, as typed.
    pub final_reading: String,
    /// Why (燃气停用, 并户 …).
    pub reason: String,
}

/// A meter as typed on its form (new meter, or changes to one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterForm {
    /// A common meter rather than a unit's.
    pub common: bool,
    /// The unit (unit meters).
    pub unit_code: String,
    /// The name (common meters).
    pub name: String,
    /// The building of a common meter; empty for the whole estate.
    pub building: String,
    /// Kind.
    pub kind: MeterKind,
    /// 表号.
    pub number: String,
    /// Where to find it.
    pub location: String,
    /// 倍率 as typed.
    pub multiplier: String,
    /// Digits as typed.
    pub digits: String,
    /// Start reading as typed.
    pub start: String,
    /// Put in on.
    pub opened_on: NaiveDate,
    /// How a common meter is shared.
    pub share_basis: ShareBasis,
    /// Over which units.
    pub share_scope: ShareScope,
    /// The units of scope 指定房屋, as typed (codes separated by spaces, commas or 、).
    pub share_units: String,
}

impl MeterForm {
    /// A blank form for a meter put in on `today`.
    #[must_use]
    pub fn new(today: NaiveDate) -> Self {
        Self {
            common: false,
            unit_code: String::new(),
            name: String::new(),
            building: String::new(),
            kind: MeterKind::Water,
            number: String::new(),
            location: String::new(),
            multiplier: "1".into(),
            digits: "5".into(),
            start: "0".into(),
            opened_on: today,
            share_basis: ShareBasis::ByArea,
            share_scope: ShareScope::Building,
            share_units: String::new(),
        }
    }
}

/// A replacement (换表) as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaceForm {
    /// The meter taken out.
    pub meter_id: i64,
    /// When.
    pub date: NaiveDate,
    /// The old meter's final reading, as typed.
    pub final_reading: String,
    /// The new meter's number.
    pub number: String,
    /// The new meter's start reading, as typed.
    pub start: String,
    /// The new meter's multiplier, as typed.
    pub multiplier: String,
    /// The new meter's digits, as typed.
    pub digits: String,
}

/// A saved reading as the sheet shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedReading {
    /// Reading id.
    pub id: i64,
    /// The month it is for (`2026-11`).
    pub month: String,
    /// The value that counts (a correction's, if corrected), in thousandths.
    pub value_milli: i64,
    /// 翻表 confirmed.
    pub rollover: bool,
    /// The value first entered, when a correction changed it.
    pub corrected_from: Option<i64>,
    /// Read on.
    pub read_on: String,
    /// 正常 or 待复核.
    pub state: ReadingState,
    /// Why it is to be read again.
    pub note: String,
    /// The bill period it went into; then it is locked.
    pub billed_period: Option<String>,
}

/// The meter a replacement took out, as it counts in the new meter's first reading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplacedTail {
    /// The old meter's number.
    pub number: String,
    /// When it was taken out.
    pub closed_on: String,
    /// Its last reading (or start) before it was taken out.
    pub last_milli: i64,
    /// Its final reading.
    pub final_milli: i64,
    /// The usage between them, times its multiplier.
    pub usage_milli: i64,
}

/// One row of the monthly reading sheet (抄表录入).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    /// The meter.
    pub meter: MeterRow,
    /// Someone lives there (已入住/出租): a zero usage is flagged.
    pub occupied: bool,
    /// The reading before this month's (or the start reading), in thousandths.
    pub last_milli: i64,
    /// Which month the last reading is of; `None` for the start reading.
    pub last_month: Option<String>,
    /// The replaced meter's usage, counted in this meter's first reading.
    pub tail: Option<ReplacedTail>,
    /// Average monthly usage of recent months.
    pub average_milli: Option<i64>,
    /// This month's reading, if taken.
    pub reading: Option<SavedReading>,
}

impl SheetRow {
    /// The usage a reading of `value_milli` would make this month.
    pub fn usage_of(&self, value_milli: i64, rollover: bool) -> Result<i64, UsageError> {
        let own = step_usage(self.last_milli, value_milli, rollover, self.meter.spec)?;
        Ok(own + self.tail.as_ref().map_or(0, |t| t.usage_milli))
    }

    /// The usage of the saved reading, if there is one.
    #[must_use]
    pub fn usage(&self) -> Option<Result<i64, UsageError>> {
        self.reading
            .as_ref()
            .map(|r| self.usage_of(r.value_milli, r.rollover))
    }

    /// What the desk should look at about a usage on this row.
    #[must_use]
    pub fn flags_for(&self, usage_milli: i64) -> Vec<ReadingFlag> {
        reading_flags(usage_milli, self.average_milli, self.occupied)
    }

    /// The flags of the saved reading.
    #[must_use]
    pub fn flags(&self) -> Vec<ReadingFlag> {
        match self.usage() {
            Some(Ok(u)) => self.flags_for(u),
            _ => Vec::new(),
        }
    }

    /// Read and accepted (not waiting to be read again).
    #[must_use]
    pub fn is_read(&self) -> bool {
        self.reading
            .as_ref()
            .is_some_and(|r| r.state == ReadingState::Normal)
    }
}

/// A reading to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingInput {
    /// The meter.
    pub meter_id: i64,
    /// The reading, in thousandths.
    pub value_milli: i64,
    /// 翻表 confirmed.
    pub rollover: bool,
    /// Read on.
    pub read_on: NaiveDate,
    /// 正常, or 待复核 to have engineering read it again.
    pub state: ReadingState,
    /// Why it is to be read again.
    pub note: String,
}

/// How readings came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingSource {
    /// Typed into the sheet.
    Typed,
    /// From a spreadsheet.
    Imported,
}

impl ReadingSource {
    fn as_str(self) -> &'static str {
        match self {
            Self::Typed => "录入",
            Self::Imported => "导入",
        }
    }
}

/// One row of a readings file checked against the meters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportCheck {
    /// Row number in the file.
    pub row_no: usize,
    /// What the row named: a unit code or a meter number.
    pub key: String,
    /// The meter it names.
    pub meter: Option<MeterRow>,
    /// The reading before.
    pub last_milli: i64,
    /// The reading it would replace (one entered earlier this month).
    pub replaces: Option<i64>,
    /// Its usage.
    pub usage_milli: Option<i64>,
    /// What to look at (kept, shown).
    pub flags: Vec<ReadingFlag>,
    /// Ready to save, when the row is good.
    pub input: Option<ReadingInput>,
    /// Why the row is not imported.
    pub error: Option<String>,
}

impl ImportCheck {
    fn refused(row_no: usize, key: String, reason: String) -> Self {
        Self {
            row_no,
            key,
            meter: None,
            last_milli: 0,
            replaces: None,
            usage_milli: None,
            flags: Vec::new(),
            input: None,
            error: Some(reason),
        }
    }
}

/// A reading waiting to be read again (待复核), for the list handed to engineering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecheckRow {
    /// Reading id.
    pub reading_id: i64,
    /// The meter.
    pub meter: MeterRow,
    /// Month.
    pub month: String,
    /// The reading before.
    pub last_milli: i64,
    /// What was read.
    pub value_milli: i64,
    /// Why.
    pub note: String,
    /// Read on.
    pub read_on: String,
}

/// One reading of a month for the export, with its usage and flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthReadingRow {
    /// The sheet row.
    pub row: SheetRow,
    /// The usage, or why there is none.
    pub usage: Result<i64, String>,
    /// Who entered it.
    pub entered_by: String,
}

/// The usage of one meter lineage (a meter and those it replaced) over a billing period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodUsage {
    /// The meter in place at the end (the last one of the lineage read in the period).
    pub meter: MeterRow,
    /// Usage over the period, times the multipliers, in thousandths.
    pub usage_milli: i64,
    /// The reading the period starts from.
    pub from_milli: i64,
    /// The last reading of the period.
    pub to_milli: i64,
    /// Replacements in the period: (old number, old last, old final, date).
    pub replacements: Vec<ReplacedTail>,
    /// Readings the bill uses (locked when it is made).
    pub reading_ids: Vec<i64>,
    /// Corrections of earlier billed readings settled by this bill: (id, month, usage delta).
    pub corrections: Vec<(i64, String, i64)>,
}

impl PeriodUsage {
    /// Usage billed: the period's usage plus the corrections it settles.
    #[must_use]
    pub fn billed_milli(&self) -> i64 {
        self.usage_milli + self.corrections.iter().map(|c| c.2).sum::<i64>()
    }

    /// How the usage came about, for the bill line: 上次/本次/用量, replacements, multiplier,
    /// corrections.
    #[must_use]
    pub fn detail(&self) -> String {
        let unit = self.meter.kind.usage_unit();
        let mut text = if self.replacements.is_empty() {
            format!(
                "上次{} 本次{}",
                format_milli(self.from_milli),
                format_milli(self.to_milli)
            )
        } else {
            let mut parts = Vec::new();
            for r in &self.replacements {
                parts.push(format!(
                    "{}换表 旧表{}→{}",
                    r.closed_on.get(5..).unwrap_or(&r.closed_on),
                    format_milli(r.last_milli),
                    format_milli(r.final_milli)
                ));
            }
            parts.push(format!("新表至{}", format_milli(self.to_milli)));
            parts.join("，")
        };
        if self.meter.spec.multiplier != 1 {
            text.push_str(&format!(" ×{}倍", self.meter.spec.multiplier));
        }
        text.push_str(&format!(" 用量{}{unit}", format_milli(self.usage_milli)));
        for (_, month, delta) in &self.corrections {
            let sign = if *delta >= 0 { "+" } else { "" };
            text.push_str(&format!(
                "，{month}读数更正{sign}{}{unit}",
                format_milli(*delta)
            ));
        }
        text
    }
}

const METER_SQL: &str = "SELECT m.id, m.unit_id, coalesce(u.code, ''), coalesce(b.name, ''), m.name, m.kind, m.number,
        m.location, m.multiplier, m.digits, m.start_milli, m.opened_on, m.replaces, m.closed_on, m.final_milli,
        m.share_basis, m.share_scope, coalesce(u.status, ''), m.removed_note
     FROM meter m LEFT JOIN unit u ON u.id = m.unit_id
     LEFT JOIN building b ON b.id = coalesce(u.building_id, m.building_id)";

fn meter_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(MeterRow, bool)> {
    let kind: String = r.get(5)?;
    let digits: i64 = r.get(9)?;
    let closed_on: Option<String> = r.get(13)?;
    let final_milli: Option<i64> = r.get(14)?;
    let basis: Option<String> = r.get(15)?;
    let scope: Option<String> = r.get(16)?;
    let status: String = r.get(17)?;
    let occupied = matches!(
        UnitStatus::parse(&status),
        Some(UnitStatus::Occupied | UnitStatus::Rented)
    );
    Ok((
        MeterRow {
            id: r.get(0)?,
            unit_id: r.get(1)?,
            unit_code: r.get(2)?,
            building: r.get(3)?,
            name: r.get(4)?,
            kind: MeterKind::parse(&kind).unwrap_or(MeterKind::Water),
            number: r.get(6)?,
            location: r.get(7)?,
            spec: MeterSpec {
                multiplier: r.get(8)?,
                digits: u32::try_from(digits).unwrap_or(MIN_DIGITS),
            },
            start_milli: r.get(10)?,
            opened_on: r.get(11)?,
            replaces: r.get(12)?,
            closed: closed_on.zip(final_milli),
            removed: r.get(18)?,
            share: basis
                .as_deref()
                .and_then(ShareBasis::parse)
                .zip(scope.as_deref().and_then(ShareScope::parse)),
        },
        occupied,
    ))
}

/// A reading's columns (the reading `r` and its latest correction `c`), read by
/// [`reading_row_at`].
macro_rules! reading_columns {
    () => {
        "r.id, r.month, r.value_milli, r.rollover, r.read_on, r.state, r.note, r.billed_period,
         c.new_milli, c.new_rollover"
    };
}

/// Readings with their latest correction.
macro_rules! reading_from {
    () => {
        "FROM meter_reading r
         LEFT JOIN meter_correction c ON c.id = (SELECT max(id) FROM meter_correction WHERE reading_id = r.id)"
    };
}

const READING_COLUMNS: &str = reading_columns!();
const READING_FROM: &str = reading_from!();
const READING_SQL: &str = concat!("SELECT ", reading_columns!(), " ", reading_from!());

fn reading_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SavedReading> {
    reading_row_at(r, 0)
}

/// A reading from [`READING_COLUMNS`] starting at column `at`.
fn reading_row_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<SavedReading> {
    let entered: i64 = r.get(at + 2)?;
    let corrected: Option<i64> = r.get(at + 8)?;
    let state: String = r.get(at + 5)?;
    let rollover: bool = r.get(at + 3)?;
    let new_rollover: Option<bool> = r.get(at + 9)?;
    Ok(SavedReading {
        id: r.get(at)?,
        month: r.get(at + 1)?,
        value_milli: corrected.unwrap_or(entered),
        rollover: new_rollover.unwrap_or(rollover),
        corrected_from: corrected.map(|_| entered),
        read_on: r.get(at + 4)?,
        state: ReadingState::parse(&state).unwrap_or(ReadingState::Normal),
        note: r.get(at + 6)?,
        billed_period: r.get(at + 7)?,
    })
}

/// Month text of the month `n` months before `month`.
fn months_before(month: &Period, n: usize) -> Period {
    (0..n).fold(*month, |m, _| m.previous())
}

/// Meter ids written into SQL as a list (`1,2,3`; `NULL` for none). Ids are integers from
/// the database, so nothing typed by a person ever goes into the text.
fn id_list(ids: impl Iterator<Item = i64>) -> String {
    let list: Vec<String> = ids.map(|id| id.to_string()).collect();
    if list.is_empty() {
        "NULL".into()
    } else {
        list.join(",")
    }
}

/// The readings of many meters from `from` to `to` (month texts), oldest first, by meter.
fn readings_of_meters(
    conn: &Connection,
    ids: &str,
    from: &str,
    to: &str,
) -> StoreResult<HashMap<i64, Vec<SavedReading>>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT r.meter_id, {READING_COLUMNS} {READING_FROM}
         WHERE r.meter_id IN ({ids}) AND r.month >= ?1 AND r.month <= ?2 ORDER BY r.meter_id, r.month"
    ))?;
    let mut out: HashMap<i64, Vec<SavedReading>> = HashMap::new();
    for row in stmt.query_map(params![from, to], |r| {
        Ok((r.get::<_, i64>(0)?, reading_row_at(r, 1)?))
    })? {
        let (meter, reading) = row?;
        out.entry(meter).or_default().push(reading);
    }
    Ok(out)
}

/// The latest reading before `month` of many meters, by meter.
fn readings_before(
    conn: &Connection,
    ids: &str,
    month: &str,
) -> StoreResult<HashMap<i64, SavedReading>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT m.id, {READING_COLUMNS} FROM meter m
         JOIN meter_reading r ON r.id = (SELECT x.id FROM meter_reading x
                                         WHERE x.meter_id = m.id AND x.month < ?1
                                         ORDER BY x.month DESC LIMIT 1)
         LEFT JOIN meter_correction c ON c.id = (SELECT max(id) FROM meter_correction WHERE reading_id = r.id)
         WHERE m.id IN ({ids})"
    ))?;
    let mut out = HashMap::new();
    for row in stmt.query_map(params![month], |r| {
        Ok((r.get::<_, i64>(0)?, reading_row_at(r, 1)?))
    })? {
        let (meter, reading) = row?;
        out.insert(meter, reading);
    }
    Ok(out)
}

/// Readings of one meter from `from` to `to` (month texts), oldest first.
fn readings_between(
    conn: &Connection,
    meter_id: i64,
    from: &str,
    to: &str,
) -> StoreResult<Vec<SavedReading>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{READING_SQL} WHERE r.meter_id = ?1 AND r.month >= ?2 AND r.month <= ?3 ORDER BY r.month"
    ))?;
    let rows = stmt
        .query_map(params![meter_id, from, to], reading_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The latest reading of a meter before `month` (a month text), if any.
fn reading_before(
    conn: &Connection,
    meter_id: i64,
    month: &str,
) -> StoreResult<Option<SavedReading>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{READING_SQL} WHERE r.meter_id = ?1 AND r.month < ?2 ORDER BY r.month DESC LIMIT 1"
    ))?;
    Ok(stmt
        .query_row(params![meter_id, month], reading_row)
        .optional()?)
}

/// The first month a meter was read, if ever.
fn first_month(conn: &Connection, meter_id: i64) -> StoreResult<Option<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT min(month) FROM meter_reading WHERE meter_id = ?1")?;
    Ok(stmt.query_row(params![meter_id], |r| r.get(0))?)
}

/// The checks of a meter being taken out (换表 or 拆表) on `date` at the final reading
/// typed: not taken out already, dated between its opening and today and not before a
/// reading it has, and not below its last reading. Returns the date text and the final
/// reading; the error names the form's field.
fn closing_checks(
    conn: &Connection,
    old: &MeterRow,
    (date, date_field): (NaiveDate, &'static str),
    (final_text, final_field): (&str, &'static str),
    today: NaiveDate,
) -> StoreResult<(String, i64)> {
    if old.closed.is_some() {
        return Err(StoreError::Conflict(format!(
            "表号 {} 已经拆换过了",
            old.number
        )));
    }
    let day = date_str(date);
    if date > today {
        return Err(StoreError::invalid(date_field, "日期不能晚于今天"));
    }
    if day < old.opened_on {
        return Err(StoreError::invalid(
            date_field,
            format!("不能早于这块表的启用日期 {}", old.opened_on),
        ));
    }
    let final_milli = parse_reading(final_text, old.spec.digits)
        .map_err(|e| StoreError::invalid(final_field, e))?;
    let last = reading_before(conn, old.id, "9999-99")?;
    if let Some(l) = &last
        && l.month.as_str() > &day[..7]
    {
        return Err(StoreError::invalid(
            date_field,
            format!("这块表已有 {} 的读数，日期不能更早", l.month),
        ));
    }
    let last_milli = last.as_ref().map_or(old.start_milli, |r| r.value_milli);
    if final_milli < last_milli {
        return Err(StoreError::invalid(
            final_field,
            format!("不能低于上次读数 {}", format_milli(last_milli)),
        ));
    }
    Ok((day, final_milli))
}

/// The SQL condition of a meter being on the sheet of the month ending `last_day` (a
/// parameter): in use at the month's end, or taken out for good (拆表) in the month, its
/// final reading being the month's reading.
fn on_sheet(last_day: &str) -> String {
    format!(
        "(m.closed_on IS NULL OR m.closed_on > {last_day}
          OR (m.removed_note IS NOT NULL AND substr(m.closed_on, 1, 7) = substr({last_day}, 1, 7)))"
    )
}

/// One meter by id.
fn meter_by_id(conn: &Connection, id: i64) -> StoreResult<(MeterRow, bool)> {
    let mut stmt = conn.prepare_cached(&format!("{METER_SQL} WHERE m.id = ?1"))?;
    stmt.query_row(params![id], meter_row)
        .optional()?
        .ok_or_else(|| StoreError::NotFound("没有这块表".into()))
}

/// The usage of the meter a replacement took out, between its last reading and its final
/// one; counted in the new meter's first reading.
fn replaced_tail(conn: &Connection, meter: &MeterRow) -> StoreResult<Option<ReplacedTail>> {
    let Some(old_id) = meter.replaces else {
        return Ok(None);
    };
    let (old, _) = meter_by_id(conn, old_id)?;
    let Some((closed_on, final_milli)) = old.closed.clone() else {
        return Ok(None);
    };
    let last = reading_before(conn, old.id, "9999-99")?;
    let last_milli = last.map_or(old.start_milli, |r| r.value_milli);
    let usage_milli = step_usage(last_milli, final_milli, false, old.spec).unwrap_or(0);
    Ok(Some(ReplacedTail {
        number: old.number,
        closed_on,
        last_milli,
        final_milli,
        usage_milli,
    }))
}

/// A meter's readings over a window with what came before, from which each reading's usage
/// is worked out.
struct Chain {
    meter: MeterRow,
    occupied: bool,
    /// The reading before the window, or the start reading.
    before_milli: i64,
    before_month: Option<String>,
    readings: Vec<SavedReading>,
    first_month: Option<String>,
    tail: Option<ReplacedTail>,
}

impl Chain {
    /// The chains of many meters over the same window, in the order given, with a handful of
    /// queries whatever the number of meters.
    fn load_many(
        conn: &Connection,
        meters: Vec<(MeterRow, bool)>,
        from: &Period,
        to: &Period,
    ) -> StoreResult<Vec<Self>> {
        let ids = id_list(meters.iter().map(|(m, _)| m.id));
        let from_text = from.to_string();
        let mut window = readings_of_meters(conn, &ids, &from_text, &to.to_string())?;
        let mut before = readings_before(conn, &ids, &from_text)?;
        let mut chains = Vec::with_capacity(meters.len());
        for (meter, occupied) in meters {
            let (first_month, tail) = if meter.replaces.is_some() {
                (first_month(conn, meter.id)?, replaced_tail(conn, &meter)?)
            } else {
                (None, None)
            };
            let prior = before.remove(&meter.id);
            chains.push(Self {
                before_milli: prior.as_ref().map_or(meter.start_milli, |r| r.value_milli),
                before_month: prior.map(|r| r.month),
                readings: window.remove(&meter.id).unwrap_or_default(),
                meter,
                occupied,
                first_month,
                tail,
            });
        }
        Ok(chains)
    }

    /// The tail counted in the reading of `month`, if it is the meter's first.
    fn tail_for(&self, month: &str) -> Option<&ReplacedTail> {
        self.tail
            .as_ref()
            .filter(|_| self.first_month.as_deref().is_none_or(|f| f == month))
    }

    /// (last value, its month) before the reading at `index` (or before the window's end).
    fn last_before(&self, index: usize) -> (i64, Option<String>) {
        match index.checked_sub(1).and_then(|i| self.readings.get(i)) {
            Some(r) => (r.value_milli, Some(r.month.clone())),
            None => (self.before_milli, self.before_month.clone()),
        }
    }

    /// The usage of each reading in the window, in order.
    fn usages(&self) -> Vec<Result<i64, UsageError>> {
        self.readings
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (last, _) = self.last_before(i);
                let own = step_usage(last, r.value_milli, r.rollover, self.meter.spec)?;
                Ok(own + self.tail_for(&r.month).map_or(0, |t| t.usage_milli))
            })
            .collect()
    }

    /// The sheet row for `month`, the last month of the window.
    fn sheet_row(&self, month: &str) -> SheetRow {
        let usages = self.usages();
        let index = self
            .readings
            .iter()
            .position(|r| r.month.as_str() >= month)
            .unwrap_or(self.readings.len());
        let (last_milli, last_month) = self.last_before(index);
        let reading = self
            .readings
            .get(index)
            .filter(|r| r.month == month)
            .cloned();
        // Recent months that were read and accepted.
        let history: Vec<i64> = usages
            .iter()
            .zip(&self.readings)
            .take(index)
            .filter(|(_, r)| r.state == ReadingState::Normal)
            .filter_map(|(u, _)| u.as_ref().ok().copied())
            .collect();
        // The replaced meter counts in the first reading of the new one, which this is
        // when the new meter has no reading before this month.
        let tail = if last_month.is_none() || self.first_month.as_deref() == Some(month) {
            self.tail.clone()
        } else {
            None
        };
        SheetRow {
            meter: self.meter.clone(),
            occupied: self.occupied,
            last_milli,
            last_month,
            tail,
            average_milli: recent_average(&history),
            reading,
        }
    }
}

/// Why a reading of `month` cannot be dated `read_on`, if it cannot: not after today, and
/// within ten days before the month to twenty days after it.
fn read_on_problem(month: &Period, read_on: NaiveDate, today: NaiveDate) -> Option<String> {
    let earliest = month
        .first_day()
        .checked_sub_days(Days::new(10))
        .unwrap_or(month.first_day());
    let latest = month
        .last_day()
        .checked_add_days(Days::new(20))
        .unwrap_or(month.last_day());
    if read_on > today {
        Some("抄表日期不能晚于今天".into())
    } else if read_on < earliest || read_on > latest {
        Some(format!("抄表日期 {read_on} 不在 {month} 前后"))
    } else {
        None
    }
}

/// Why a reading is to be read again: what the desk wrote, or a plain default.
fn recheck_note(note: &str) -> &str {
    match note.trim() {
        "" => "读数存疑，请工程部复核",
        n => n,
    }
}

/// Splits a list of unit codes typed by hand.
fn split_codes(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn small_int(
    field: &'static str,
    text: &str,
    range: std::ops::RangeInclusive<i64>,
) -> StoreResult<i64> {
    match text.trim().parse::<i64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(StoreError::invalid(
            field,
            format!("请填写 {} 到 {} 之间的整数", range.start(), range.end()),
        )),
    }
}

/// A meter form checked: what goes into the table.
struct CheckedMeter {
    unit_id: Option<i64>,
    building_id: Option<i64>,
    name: String,
    number: String,
    location: String,
    spec: MeterSpec,
    start_milli: i64,
    share: Option<(ShareBasis, ShareScope)>,
    share_units: Vec<i64>,
}

/// Checks a meter form field by field, top to bottom as the form shows them.
fn check_meter_form(conn: &Connection, form: &MeterForm) -> StoreResult<CheckedMeter> {
    let mut checked = if form.common {
        check_common_place(conn, form)?
    } else {
        let code =
            normalize_unit_code(&form.unit_code).map_err(|e| StoreError::invalid("房号", e))?;
        let unit_id: i64 = conn
            .query_row("SELECT id FROM unit WHERE code = ?1", params![code], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| StoreError::invalid("房号", format!("没有房屋 {code}")))?;
        CheckedMeter {
            unit_id: Some(unit_id),
            building_id: None,
            name: String::new(),
            number: String::new(),
            location: String::new(),
            spec: MeterSpec {
                multiplier: 1,
                digits: MIN_DIGITS,
            },
            start_milli: 0,
            share: None,
            share_units: Vec::new(),
        }
    };
    let number = form.number.trim().to_string();
    if number.is_empty() {
        return Err(StoreError::invalid("表号", "请填写表号"));
    }
    if number.chars().count() > 30 {
        return Err(StoreError::invalid("表号", "表号最多30个字"));
    }
    let multiplier = small_int("倍率", &form.multiplier, 1..=10_000)?;
    let digits = small_int(
        "位数",
        &form.digits,
        i64::from(MIN_DIGITS)..=i64::from(MAX_DIGITS),
    )?;
    checked.spec = MeterSpec {
        multiplier,
        digits: u32::try_from(digits).unwrap_or(MIN_DIGITS),
    };
    checked.start_milli = parse_reading(&form.start, checked.spec.digits)
        .map_err(|e| StoreError::invalid("起始读数", e))?;
    checked.number = number;
    checked.location = form.location.trim().to_string();
    Ok(checked)
}

/// A common meter's name, building and sharing, checked.
fn check_common_place(conn: &Connection, form: &MeterForm) -> StoreResult<CheckedMeter> {
    let name = form.name.trim().to_string();
    if name.is_empty() {
        return Err(StoreError::invalid(
            "表名",
            "请填写公共表的名称，如 3栋走廊灯",
        ));
    }
    let building = form.building.trim();
    let building_id = if building.is_empty() || building == ESTATE_PLACE {
        None
    } else {
        Some(
            conn.query_row(
                "SELECT id FROM building WHERE name = ?1",
                params![building],
                |r| r.get::<_, i64>(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::invalid("楼栋", format!("没有楼栋 {building}")))?,
        )
    };
    if form.share_scope == ShareScope::Building && building_id.is_none() {
        return Err(StoreError::invalid(
            "公摊范围",
            "全小区的公共表请选「全小区」或「指定房屋」",
        ));
    }
    let mut share_units = Vec::new();
    if form.share_scope == ShareScope::Units {
        for code in split_codes(&form.share_units) {
            let code =
                normalize_unit_code(&code).map_err(|e| StoreError::invalid("分摊房屋", e))?;
            let id: i64 = conn
                .query_row("SELECT id FROM unit WHERE code = ?1", params![code], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or_else(|| StoreError::invalid("分摊房屋", format!("没有房屋 {code}")))?;
            if !share_units.contains(&id) {
                share_units.push(id);
            }
        }
        if share_units.is_empty() {
            return Err(StoreError::invalid("分摊房屋", "请填写分摊的房号"));
        }
    }
    Ok(CheckedMeter {
        unit_id: None,
        building_id,
        name,
        number: String::new(),
        location: String::new(),
        spec: MeterSpec {
            multiplier: 1,
            digits: MIN_DIGITS,
        },
        start_milli: 0,
        share: Some((form.share_basis, form.share_scope)),
        share_units,
    })
}

/// Sets the units a common meter of scope 指定房屋 is shared over (a setting: the old list is
/// replaced, and the change goes to the audit log with both lists).
fn set_share_units(conn: &Connection, meter_id: i64, units: &[i64]) -> StoreResult<()> {
    conn.execute(
        "DELETE FROM meter_share_unit WHERE meter_id = ?1",
        params![meter_id],
    )?;
    let mut insert =
        conn.prepare_cached("INSERT INTO meter_share_unit (meter_id, unit_id) VALUES (?1, ?2)")?;
    for unit in units {
        insert.execute(params![meter_id, unit])?;
    }
    Ok(())
}

/// The unit codes a meter is shared over, in walking order.
fn share_unit_codes(conn: &Connection, meter_id: i64) -> StoreResult<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.code FROM meter_share_unit s JOIN unit u ON u.id = s.unit_id WHERE s.meter_id = ?1",
    )?;
    let mut codes: Vec<String> = stmt
        .query_map(params![meter_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    codes.sort_by_cached_key(|c| walk_key(c));
    Ok(codes)
}

fn number_taken(
    conn: &Connection,
    kind: MeterKind,
    number: &str,
    except: Option<i64>,
) -> StoreResult<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM meter WHERE kind = ?1 AND number = ?2 AND closed_on IS NULL AND id IS NOT ?3",
        params![kind.as_str(), number, except],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

fn meter_json(m: &MeterRow) -> serde_json::Value {
    json!({"label": m.label(), "kind": m.kind.as_str(), "number": m.number, "location": m.location,
        "multiplier": m.spec.multiplier, "digits": m.spec.digits, "start": format_milli(m.start_milli),
        "opened_on": m.opened_on, "share": m.share.map(|(b, s)| format!("{b}/{s}"))})
}

fn sort_meters(rows: &mut [MeterRow]) {
    rows.sort_by_cached_key(|m| {
        (
            m.is_common(),
            walk_key(if m.is_common() { &m.name } else { &m.unit_code }),
            m.kind.as_str(),
            m.opened_on.clone(),
        )
    });
}

/// The SQL filter and building id of a sheet's place.
fn place_filter(conn: &Connection, place: &str) -> StoreResult<(&'static str, Option<i64>)> {
    if place == ESTATE_PLACE {
        return Ok((
            "m.unit_id IS NULL AND m.building_id IS NULL AND ?2 IS NULL",
            None,
        ));
    }
    let id: i64 = conn
        .query_row(
            "SELECT id FROM building WHERE name = ?1",
            params![place],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("没有楼栋 {place}")))?;
    Ok((
        "((m.unit_id IS NOT NULL AND u.building_id = ?2) OR (m.unit_id IS NULL AND m.building_id = ?2))",
        Some(id),
    ))
}

impl Store {
    /// The places a reading sheet can be for: every building, then the estate's common
    /// meters.
    pub fn meter_places(&self) -> StoreResult<Vec<String>> {
        let mut places = self.buildings()?;
        places.push(ESTATE_PLACE.to_string());
        Ok(places)
    }

    /// The meters of a place (building or [`ESTATE_PLACE`]), unit meters in walking order then
    /// common meters; taken-out meters only when `with_closed`.
    pub fn meters_of(&self, place: &str, with_closed: bool) -> StoreResult<Vec<MeterRow>> {
        let (filter, building) = place_filter(&self.conn, place)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "{METER_SQL} WHERE {filter} AND (?1 OR m.closed_on IS NULL)"
        ))?;
        let mut rows: Vec<MeterRow> = stmt
            .query_map(params![with_closed, building], |r| {
                meter_row(r).map(|m| m.0)
            })?
            .collect::<Result<_, _>>()?;
        sort_meters(&mut rows);
        Ok(rows)
    }

    /// Every meter of a unit, old ones too.
    pub fn unit_meters(&self, unit_id: i64) -> StoreResult<Vec<MeterRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{METER_SQL} WHERE m.unit_id = ?1 ORDER BY m.kind, m.opened_on, m.id"
        ))?;
        let rows = stmt
            .query_map(params![unit_id], |r| meter_row(r).map(|m| m.0))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// One meter.
    pub fn meter(&self, id: i64) -> StoreResult<MeterRow> {
        Ok(meter_by_id(&self.conn, id)?.0)
    }

    /// The unit codes a common meter of scope 指定房屋 is shared over.
    pub fn meter_share_units(&self, meter_id: i64) -> StoreResult<Vec<String>> {
        share_unit_codes(&self.conn, meter_id)
    }

    /// Puts in a meter (a unit's, or a common one with its sharing).
    pub fn add_meter(&mut self, actor: &Actor, form: &MeterForm) -> StoreResult<i64> {
        let today = self.today();
        if form.opened_on > today {
            return Err(StoreError::invalid("启用日期", "日期不能晚于今天"));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        let m = check_meter_form(&tx, form)?;
        if number_taken(&tx, form.kind, &m.number, None)? {
            return Err(StoreError::invalid(
                "表号",
                format!("已有表号为 {} 的{}", m.number, form.kind.meter_name()),
            ));
        }
        if let Some(unit_id) = m.unit_id {
            let open: i64 = tx.query_row(
                "SELECT count(*) FROM meter WHERE unit_id = ?1 AND kind = ?2 AND closed_on IS NULL",
                params![unit_id, form.kind.as_str()],
                |r| r.get(0),
            )?;
            if open > 0 {
                return Err(StoreError::invalid(
                    "表类",
                    format!("这户已有在用的{}，换表请用「换表」", form.kind.meter_name()),
                ));
            }
        }
        tx.execute(
            "INSERT INTO meter (unit_id, building_id, name, kind, number, location, multiplier, digits, start_milli,
                                opened_on, share_basis, share_scope, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![m.unit_id, m.building_id, m.name, form.kind.as_str(), m.number, m.location, m.spec.multiplier,
                m.spec.digits, m.start_milli, date_str(form.opened_on), m.share.map(|s| s.0.as_str()),
                m.share.map(|s| s.1.as_str()), now, actor.id],
        )?;
        let id = tx.last_insert_rowid();
        set_share_units(&tx, id, &m.share_units)?;
        let (row, _) = meter_by_id(&tx, id)?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "抄表",
                action: "新增表具",
                entity: "meter",
                entity_id: id,
                before: None,
                after: Some(meter_json(&row)),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Changes a meter's number, location, name and sharing; its multiplier, digits and
    /// start reading only while it has no readings (afterwards: 换表).
    pub fn update_meter(&mut self, actor: &Actor, id: i64, form: &MeterForm) -> StoreResult<()> {
        let now = self.now_stamp();
        let tx = self.begin()?;
        let (before, _) = meter_by_id(&tx, id)?;
        if before.closed.is_some() {
            return Err(StoreError::Conflict("已拆换的表不能再改".into()));
        }
        let mut form = form.clone();
        form.common = before.is_common();
        form.kind = before.kind;
        if !form.common {
            form.unit_code.clone_from(&before.unit_code);
        }
        let m = check_meter_form(&tx, &form)?;
        if number_taken(&tx, before.kind, &m.number, Some(id))? {
            return Err(StoreError::invalid(
                "表号",
                format!("已有表号为 {} 的{}", m.number, before.kind.meter_name()),
            ));
        }
        let read: i64 = tx.query_row(
            "SELECT count(*) FROM meter_reading WHERE meter_id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        if read > 0 && (m.spec != before.spec || m.start_milli != before.start_milli) {
            return Err(StoreError::invalid(
                "倍率",
                "这块表已有读数，倍率、位数和起始读数不能再改；表换了请用「换表」",
            ));
        }
        tx.execute(
            "UPDATE meter SET building_id = ?2, name = ?3, number = ?4, location = ?5, multiplier = ?6, digits = ?7,
                    start_milli = ?8, share_basis = ?9, share_scope = ?10 WHERE id = ?1",
            params![id, m.building_id, m.name, m.number, m.location, m.spec.multiplier,
                m.spec.digits, m.start_milli, m.share.map(|s| s.0.as_str()), m.share.map(|s| s.1.as_str())],
        )?;
        let before_units = share_unit_codes(&tx, id)?;
        set_share_units(&tx, id, &m.share_units)?;
        let (after, _) = meter_by_id(&tx, id)?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "抄表",
                action: "修改表具",
                entity: "meter",
                entity_id: id,
                before: Some(json!({"meter": meter_json(&before), "share_units": before_units})),
                after: Some(
                    json!({"meter": meter_json(&after), "share_units": share_unit_codes(&tx, id)?}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// 换表: takes a meter out with its final reading and puts a new one in its place with its
    /// start reading. The old meter and its readings stay. Returns the new meter's id.
    pub fn replace_meter(&mut self, actor: &Actor, form: &ReplaceForm) -> StoreResult<i64> {
        let today = self.today();
        let now = self.now_stamp();
        let tx = self.begin()?;
        let (old, _) = meter_by_id(&tx, form.meter_id)?;
        let (date, final_milli) = closing_checks(
            &tx,
            &old,
            (form.date, "换表日期"),
            (&form.final_reading, "旧表止码"),
            today,
        )?;
        let multiplier = small_int("倍率", &form.multiplier, 1..=10_000)?;
        let digits = small_int(
            "位数",
            &form.digits,
            i64::from(MIN_DIGITS)..=i64::from(MAX_DIGITS),
        )?;
        let spec = MeterSpec {
            multiplier,
            digits: u32::try_from(digits).unwrap_or(MIN_DIGITS),
        };
        let start_milli = parse_reading(&form.start, spec.digits)
            .map_err(|e| StoreError::invalid("新表起始读数", e))?;
        let number = form.number.trim().to_string();
        if number.is_empty() {
            return Err(StoreError::invalid("新表号", "请填写新表的表号"));
        }
        if number_taken(&tx, old.kind, &number, Some(old.id))? || number == old.number {
            return Err(StoreError::invalid(
                "新表号",
                format!("已有表号为 {number} 的{}", old.kind.meter_name()),
            ));
        }
        tx.execute(
            "UPDATE meter SET closed_on = ?2, final_milli = ?3, closed_at = ?4, closed_by = ?5 WHERE id = ?1",
            params![old.id, date, final_milli, now, actor.id],
        )?;
        tx.execute(
            "INSERT INTO meter (unit_id, building_id, name, kind, number, location, multiplier, digits, start_milli,
                                opened_on, replaces, share_basis, share_scope, created_at, created_by)
             SELECT unit_id, building_id, name, kind, ?2, location, ?3, ?4, ?5, ?6, id, share_basis, share_scope, ?7, ?8
             FROM meter WHERE id = ?1",
            params![old.id, number, spec.multiplier, spec.digits, start_milli, date, now, actor.id],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO meter_share_unit (meter_id, unit_id) SELECT ?2, unit_id FROM meter_share_unit WHERE meter_id = ?1",
            params![old.id, id],
        )?;
        if let Some(unit_id) = old.unit_id {
            super::archive::add_event(
                &tx,
                actor,
                &now,
                unit_id,
                &date,
                "换表",
                &format!(
                    "{}换表：旧表 {} 止码 {}，新表 {} 起始 {}",
                    old.kind.meter_name(),
                    old.number,
                    format_milli(final_milli),
                    number,
                    format_milli(start_milli)
                ),
            )?;
        }
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "抄表",
                action: "换表",
                entity: "meter",
                entity_id: id,
                before: Some(meter_json(&old)),
                after: Some(
                    json!({"date": date, "final": format_milli(final_milli), "number": number,
                    "start": format_milli(start_milli), "multiplier": spec.multiplier, "digits": spec.digits}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Takes a meter out for good (拆表: gas stopped, two flats joined …), with no new one.
    /// Its final reading is the reading of the month it is taken out in, so the last usage
    /// is billed with that month like any other; from the next month it is on no sheet.
    /// When that month is read already, the final reading must be the reading saved.
    pub fn remove_meter(&mut self, actor: &Actor, form: &RemoveForm) -> StoreResult<()> {
        let today = self.today();
        let now = self.now_stamp();
        let reason = form.reason.trim().to_string();
        let tx = self.begin()?;
        let (old, _) = meter_by_id(&tx, form.meter_id)?;
        let (date, final_milli) = closing_checks(
            &tx,
            &old,
            (form.date, "拆表日期"),
            (&form.final_reading, "拆表止码"),
            today,
        )?;
        if reason.is_empty() {
            return Err(StoreError::invalid(
                "拆表原因",
                "请写明拆表原因，如：燃气停用、两户合并",
            ));
        }
        let month = date[..7].to_string();
        let saved = readings_of_meters(&tx, &old.id.to_string(), &month, &month)?
            .remove(&old.id)
            .and_then(|mut list| list.pop());
        match saved {
            Some(r) if r.state == ReadingState::Recheck => {
                return Err(StoreError::invalid(
                    "拆表止码",
                    format!("{month} 的读数在待复核：请先在抄表页录入复核读数，再拆表"),
                ));
            }
            Some(r) if r.value_milli != final_milli => {
                return Err(StoreError::invalid(
                    "拆表止码",
                    format!(
                        "{month} 已录读数 {}，拆表止码要记作当月读数：请先在抄表页更正该月读数，或把拆表日期选在下月",
                        format_milli(r.value_milli)
                    ),
                ));
            }
            Some(_) => {}
            None => {
                tx.execute(
                    "INSERT INTO meter_reading (meter_id, month, value_milli, read_on, note, created_at, created_by,
                                                updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)",
                    params![old.id, month, final_milli, date, format!("拆表：{reason}"), now, actor.id],
                )?;
            }
        }
        tx.execute(
            "UPDATE meter SET closed_on = ?2, final_milli = ?3, closed_at = ?4, closed_by = ?5, removed_note = ?6
             WHERE id = ?1",
            params![old.id, date, final_milli, now, actor.id, reason],
        )?;
        if let Some(unit_id) = old.unit_id {
            super::archive::add_event(
                &tx,
                actor,
                &now,
                unit_id,
                &date,
                "拆表",
                &format!(
                    "{}拆表：表号 {} 止码 {}（{reason}）",
                    old.kind.meter_name(),
                    old.number,
                    format_milli(final_milli)
                ),
            )?;
        }
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "抄表",
                action: "拆表",
                entity: "meter",
                entity_id: old.id,
                before: Some(meter_json(&old)),
                after: Some(
                    json!({"date": date, "final": format_milli(final_milli), "reason": reason}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Puts in a meter of `kind` for every unit of `building` that has none, numbered with
    /// the unit code until the real number is typed in. Returns how many were made.
    pub fn add_missing_meters(
        &mut self,
        actor: &Actor,
        building: &str,
        kind: MeterKind,
        digits: u32,
    ) -> StoreResult<usize> {
        let now = self.now_stamp();
        let today = date_str(self.today());
        let tx = self.begin()?;
        let units: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(
                "SELECT u.id, u.code FROM unit u JOIN building b ON b.id = u.building_id
                 WHERE b.name = ?1 AND NOT EXISTS
                   (SELECT 1 FROM meter m WHERE m.unit_id = u.id AND m.kind = ?2 AND m.closed_on IS NULL)",
            )?;
            stmt.query_map(params![building, kind.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?
        };
        let digits = digits.clamp(MIN_DIGITS, MAX_DIGITS);
        for (unit_id, code) in &units {
            if number_taken(&tx, kind, code, None)? {
                return Err(StoreError::Conflict(format!(
                    "已有表号为 {code} 的{}，请先改掉它的表号",
                    kind.meter_name()
                )));
            }
            tx.execute(
                "INSERT INTO meter (unit_id, kind, number, digits, opened_on, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![unit_id, kind.as_str(), code, digits, today, now, actor.id],
            )?;
        }
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "抄表",
                action: "批量建表",
                entity: "building",
                entity_id: 0,
                before: None,
                after: Some(
                    json!({"building": building, "kind": kind.as_str(), "meters": units.len()}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(units.len())
    }

    /// The reading sheet of a place for a month and kind: every meter in use at the end of
    /// the month, unit meters in walking order, then common meters.
    pub fn reading_sheet(
        &self,
        month: &Period,
        place: &str,
        kind: MeterKind,
    ) -> StoreResult<Vec<SheetRow>> {
        let (filter, building) = place_filter(&self.conn, place)?;
        let last_day = date_str(month.last_day());
        let mut stmt = self.conn.prepare_cached(&format!(
            "{METER_SQL} WHERE {filter} AND m.kind = ?1 AND m.opened_on <= ?3 AND {}",
            on_sheet("?3")
        ))?;
        let meters: Vec<(MeterRow, bool)> = stmt
            .query_map(params![kind.as_str(), building, last_day], meter_row)?
            .collect::<Result<_, _>>()?;
        self.sheet_rows(month, meters)
    }

    fn sheet_rows(
        &self,
        month: &Period,
        meters: Vec<(MeterRow, bool)>,
    ) -> StoreResult<Vec<SheetRow>> {
        let from = months_before(month, WINDOW_MONTHS);
        let month_text = month.to_string();
        let mut rows: Vec<SheetRow> = Chain::load_many(&self.conn, meters, &from, month)?
            .iter()
            .map(|chain| chain.sheet_row(&month_text))
            .collect();
        rows.sort_by_cached_key(|r| (r.meter.is_common(), walk_key(r.meter.label()), r.meter.id));
        Ok(rows)
    }

    /// Every meter's sheet row for a month (all places, all kinds): for imports and the
    /// month's export.
    pub fn month_sheet(
        &self,
        month: &Period,
        kind: Option<MeterKind>,
    ) -> StoreResult<Vec<SheetRow>> {
        let last_day = date_str(month.last_day());
        let mut stmt = self.conn.prepare_cached(&format!(
            "{METER_SQL} WHERE m.opened_on <= ?1 AND {} AND (?2 IS NULL OR m.kind = ?2)",
            on_sheet("?1")
        ))?;
        let meters: Vec<(MeterRow, bool)> = stmt
            .query_map(params![last_day, kind.map(MeterKind::as_str)], meter_row)?
            .collect::<Result<_, _>>()?;
        self.sheet_rows(month, meters)
    }

    /// Checks the rows of a readings file for `month` and `kind` against the meters, with
    /// the same checks as the sheet; nothing is written. `default_read_on` dates rows
    /// without a 抄表日期. The inner error is a header the file lacks, or a closed month.
    pub fn check_reading_import(
        &self,
        month: &Period,
        kind: MeterKind,
        table: &crate::domain::roster::Table,
        default_read_on: NaiveDate,
    ) -> StoreResult<Result<Vec<ImportCheck>, String>> {
        let lines = match crate::domain::meters::reading_lines(table) {
            Ok(lines) => lines,
            Err(e) => return Ok(Err(e)),
        };
        if self.is_month_closed(&month.to_string())? {
            return Ok(Err(format!("{} 已月末结账，读数不能再导入", month.label())));
        }
        let today = self.today();
        let sheet = self.month_sheet(month, Some(kind))?;
        let by_number: HashMap<&str, usize> = sheet
            .iter()
            .enumerate()
            .map(|(i, r)| (r.meter.number.as_str(), i))
            .collect();
        let by_unit: HashMap<&str, usize> = sheet
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.meter.is_common())
            .map(|(i, r)| (r.meter.unit_code.as_str(), i))
            .collect();
        let meter_name = kind.meter_name();
        let mut checks: Vec<ImportCheck> = Vec::new();
        // sheet row → the file row that named it first.
        let mut first_row_of: HashMap<usize, usize> = HashMap::new();
        for line in lines {
            let line = match line {
                Ok(line) => line,
                Err((row_no, reason)) => {
                    checks.push(ImportCheck::refused(row_no, String::new(), reason));
                    continue;
                }
            };
            let key = line
                .unit_code
                .clone()
                .or_else(|| line.number.clone())
                .unwrap_or_default();
            let found = match (&line.number, &line.unit_code) {
                (Some(number), unit) => match by_number.get(number.as_str()) {
                    Some(i) => match (unit, sheet.get(*i)) {
                        (Some(u), Some(r)) if r.meter.unit_code != *u => Err(format!(
                            "表号 {number} 是 {} 的{meter_name}，和房号 {u} 对不上",
                            r.meter.label()
                        )),
                        _ => Ok(*i),
                    },
                    None => Err(self.missing_number(kind, number)?),
                },
                (None, Some(unit)) => match by_unit.get(unit.as_str()) {
                    Some(i) => Ok(*i),
                    None if self.unit_id_by_code(unit)?.is_some() => {
                        Err(format!("{unit} 没有在用的{meter_name}"))
                    }
                    None => Err(format!("没有房屋 {unit}")),
                },
                (None, None) => Err("缺房号和表号".into()),
            };
            let index = match found {
                Ok(i) => i,
                Err(reason) => {
                    checks.push(ImportCheck::refused(line.row_no, key, reason));
                    continue;
                }
            };
            let Some(row) = sheet.get(index) else {
                continue;
            };
            if let Some(first) = first_row_of.get(&index) {
                if let Some(earlier) = checks.iter_mut().find(|c| c.row_no == *first) {
                    earlier.input = None;
                    earlier.error = Some(format!("与第{}行是同一块表，两行都不导入", line.row_no));
                }
                checks.push(ImportCheck::refused(
                    line.row_no,
                    key,
                    format!("与第{first}行是同一块表，两行都不导入"),
                ));
                continue;
            }
            first_row_of.insert(index, line.row_no);
            let mut check = ImportCheck::refused(line.row_no, key, String::new());
            check.meter = Some(row.meter.clone());
            check.last_milli = row.last_milli;
            check.replaces = row.reading.as_ref().map(|r| r.value_milli);
            let read_on = line.read_on.unwrap_or(default_read_on);
            let outcome = (|| -> Result<(i64, i64), String> {
                if let (Some(how), Some(_)) = (row.meter.taken_out(), &row.meter.removed) {
                    return Err(format!("表号 {} 已于 {how}，不再抄读", row.meter.number));
                }
                let value = parse_reading(&line.value, row.meter.spec.digits)?;
                if let Some(problem) = read_on_problem(month, read_on, today) {
                    return Err(problem);
                }
                if let Some(p) = row.reading.as_ref().and_then(|r| r.billed_period.as_ref()) {
                    return Err(format!("本月读数已计入 {p} 的账单，请用「读数更正」"));
                }
                let usage = row.usage_of(value, false).map_err(|e| match e {
                    UsageError::Lower { .. } => format!("{e}翻表请在抄表录入中确认"),
                    UsageError::NotRolledOver => e.to_string(),
                })?;
                Ok((value, usage))
            })();
            match outcome {
                Ok((value, usage)) => {
                    check.error = None;
                    check.usage_milli = Some(usage);
                    check.flags = row.flags_for(usage);
                    check.input = Some(ReadingInput {
                        meter_id: row.meter.id,
                        value_milli: value,
                        rollover: false,
                        read_on,
                        state: ReadingState::Normal,
                        note: String::new(),
                    });
                }
                Err(reason) => check.error = Some(reason),
            }
            checks.push(check);
        }
        Ok(Ok(checks))
    }

    /// Why a meter number names no meter in use: taken out, or unknown.
    fn missing_number(&self, kind: MeterKind, number: &str) -> StoreResult<String> {
        let closed: Option<(String, bool)> = self
            .conn
            .query_row(
                "SELECT closed_on, removed_note IS NOT NULL FROM meter
                 WHERE kind = ?1 AND number = ?2 AND closed_on IS NOT NULL
                 ORDER BY closed_on DESC LIMIT 1",
                params![kind.as_str(), number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match closed {
            Some((on, true)) => format!("表号 {number} 已于 {on} 拆表，不再抄读"),
            Some((on, false)) => format!("表号 {number} 已于 {on} 换下，请录入新表的读数"),
            None => format!("没有表号为 {number} 的{}", kind.meter_name()),
        })
    }

    /// How many meters in use at the end of `month` have no reading for it.
    pub fn unread_meters(&self, month: &Period) -> StoreResult<i64> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM meter m WHERE m.opened_on <= ?2 AND (m.closed_on IS NULL OR m.closed_on > ?2)
               AND NOT EXISTS (SELECT 1 FROM meter_reading r WHERE r.meter_id = m.id AND r.month = ?1)",
            params![month.to_string(), date_str(month.last_day())],
            |r| r.get(0),
        )?)
    }

    /// Whether `month` (`2026-11`) is closed (月末结账).
    pub fn is_month_closed(&self, month: &str) -> StoreResult<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM month_close WHERE month = ?1",
            params![month],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// Saves readings of `month` in one transaction: all or none. A reading below the last
    /// one needs a confirmed rollover or the state 待复核; a meter taken out, a reading with more
    /// digits than the meter, the same meter twice, a reading already billed or a closed
    /// month are refused with the reason. Returns the readings' ids, in order.
    pub fn save_readings(
        &mut self,
        actor: &Actor,
        month: &Period,
        inputs: &[ReadingInput],
        source: ReadingSource,
    ) -> StoreResult<Vec<i64>> {
        if month.is_quarter() {
            return Err(StoreError::invalid("月份", "抄表按月录入，请写成 2026-11"));
        }
        let month_text = month.to_string();
        if self.is_month_closed(&month_text)? {
            return Err(StoreError::Conflict(format!(
                "{} 已月末结账，读数不能再录入；如需更正，请做读数更正",
                month.label()
            )));
        }
        let today = self.today();
        let now = self.now_stamp();
        let last_day = date_str(month.last_day());
        let tx = self.begin()?;
        let mut seen = std::collections::HashSet::new();
        if inputs.iter().any(|i| !seen.insert(i.meter_id)) {
            return Err(StoreError::invalid(
                "本期读数",
                "同一块表出现了两次，请只留一行",
            ));
        }
        // What every reading is checked against, read at once: the meters, this month's
        // readings, the readings before it, and meters with a later month billed.
        let list = id_list(inputs.iter().map(|i| i.meter_id));
        let mut stmt = tx.prepare(&format!("{METER_SQL} WHERE m.id IN ({list})"))?;
        let meters: HashMap<i64, MeterRow> = stmt
            .query_map([], |r| meter_row(r).map(|(m, _)| (m.id, m)))?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        let mut this_month = readings_of_meters(&tx, &list, &month_text, &month_text)?;
        let before = readings_before(&tx, &list, &month_text)?;
        let mut stmt = tx.prepare(&format!(
            "SELECT DISTINCT meter_id FROM meter_reading
             WHERE meter_id IN ({list}) AND month > ?1 AND billed_period IS NOT NULL"
        ))?;
        let later_billed: std::collections::HashSet<i64> = stmt
            .query_map(params![month_text], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        drop(stmt);
        let mut ids = Vec::with_capacity(inputs.len());
        for input in inputs {
            let meter = meters
                .get(&input.meter_id)
                .ok_or_else(|| StoreError::NotFound("没有这块表".into()))?;
            let who = format!("{} {}", meter.label(), meter.kind.meter_name());
            if let Some((closed_on, _)) = &meter.closed
                && closed_on.as_str() <= last_day.as_str()
            {
                let what = if meter.removed.is_some() {
                    "拆表，拆表止码已记作当月读数"
                } else {
                    "换下，请录入新表的读数"
                };
                return Err(StoreError::invalid(
                    "本期读数",
                    format!("{who}（表号 {}）已于 {closed_on} {what}", meter.number),
                ));
            }
            if meter.opened_on.as_str() > last_day.as_str() {
                return Err(StoreError::invalid(
                    "本期读数",
                    format!("{who} {} 才启用，没有 {month_text} 的读数", meter.opened_on),
                ));
            }
            if input.value_milli >= meter.spec.modulus_milli() || input.value_milli < 0 {
                return Err(StoreError::invalid(
                    "本期读数",
                    format!("{who}：读数超过表盘位数（{}位）", meter.spec.digits),
                ));
            }
            if let Some(problem) = read_on_problem(month, input.read_on, today) {
                return Err(StoreError::invalid("抄表日期", format!("{who}：{problem}")));
            }
            let existing = this_month
                .remove(&meter.id)
                .and_then(|r| r.into_iter().next());
            if let Some(e) = &existing
                && e.billed_period.is_some()
            {
                return Err(StoreError::Conflict(format!(
                    "{who} {month_text} 的读数已计费，请用「读数更正」，差额计入下期账单"
                )));
            }
            // A later month already billed counted its usage from this reading.
            if later_billed.contains(&meter.id) {
                return Err(StoreError::Conflict(format!(
                    "{who} {month_text} 之后的读数已计费，这个月的读数不能再改"
                )));
            }
            let last = before
                .get(&meter.id)
                .map_or(meter.start_milli, |r| r.value_milli);
            let rollover = input.rollover && input.value_milli < last;
            if input.state == ReadingState::Normal
                && let Err(e) = step_usage(last, input.value_milli, rollover, meter.spec)
            {
                return Err(StoreError::invalid("本期读数", format!("{who}：{e}")));
            }
            let note = if input.state == ReadingState::Recheck {
                recheck_note(&input.note)
            } else {
                ""
            };
            let read_on = date_str(input.read_on);
            match existing {
                Some(e) => {
                    tx.prepare_cached(
                        "UPDATE meter_reading SET value_milli = ?2, rollover = ?3, read_on = ?4, state = ?5, note = ?6,
                                source = ?7, updated_at = ?8, updated_by = ?9 WHERE id = ?1",
                    )?
                    .execute(
                        params![e.id, input.value_milli, rollover, read_on, input.state.as_str(), note,
                            source.as_str(), now, actor.id],
                    )?;
                    ids.push(e.id);
                    if e.value_milli != input.value_milli || e.rollover != rollover {
                        audit::record(
                            &tx,
                            Some(actor),
                            &now,
                            &Change {
                                area: "抄表",
                                action: "重录读数",
                                entity: "meter_reading",
                                entity_id: e.id,
                                before: Some(json!({"meter": meter.number, "month": month_text,
                                    "value": format_milli(e.value_milli), "rollover": e.rollover, "state": e.state.as_str()})),
                                after: Some(
                                    json!({"value": format_milli(input.value_milli), "rollover": rollover,
                                    "state": input.state.as_str()}),
                                ),
                            },
                        )?;
                    }
                }
                None => {
                    tx.prepare_cached(
                        "INSERT INTO meter_reading (meter_id, month, value_milli, rollover, read_on, state, note, source,
                                                    created_at, created_by, updated_at, updated_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)",
                    )?
                    .execute(
                        params![meter.id, month_text, input.value_milli, rollover, read_on, input.state.as_str(),
                            note, source.as_str(), now, actor.id],
                    )?;
                    ids.push(tx.last_insert_rowid());
                }
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Marks a saved reading 待复核 (engineering reads it again), with why.
    pub fn mark_recheck(&mut self, actor: &Actor, reading_id: i64, note: &str) -> StoreResult<()> {
        let note = recheck_note(note);
        let now = self.now_stamp();
        let tx = self.begin()?;
        let found: Option<(Option<String>, Option<String>)> = tx
            .query_row(
                "SELECT r.billed_period, CASE WHEN r.month >= substr(m.closed_on, 1, 7) THEN m.closed_on END
                 FROM meter_reading r JOIN meter m ON m.id = r.meter_id WHERE r.id = ?1",
                params![reading_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match found {
            None => return Err(StoreError::NotFound("没有这条读数".into())),
            Some((Some(p), _)) => {
                return Err(StoreError::Conflict(format!(
                    "这条读数已计入 {p} 的账单，请用「读数更正」"
                )));
            }
            Some((None, Some(on))) => {
                return Err(StoreError::Conflict(format!(
                    "这块表已于 {on} 拆换，这条读数不能再复核"
                )));
            }
            Some((None, None)) => {}
        }
        tx.execute(
            "UPDATE meter_reading SET state = '待复核', note = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
            params![reading_id, note, now, actor.id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every reading waiting to be read again, oldest month first, in walking order.
    pub fn recheck_list(&self) -> StoreResult<Vec<RecheckRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.meter_id, r.month, r.value_milli, r.note, r.read_on
             FROM meter_reading r INDEXED BY meter_reading_recheck WHERE r.state = '待复核'",
        )?;
        let found: Vec<(i64, i64, String, i64, String, String)> = stmt
            .query_map([], |r| {
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
        let mut rows = Vec::with_capacity(found.len());
        for (reading_id, meter_id, month, value_milli, note, read_on) in found {
            let (meter, _) = meter_by_id(&self.conn, meter_id)?;
            let last_milli = reading_before(&self.conn, meter_id, &month)?
                .map_or(meter.start_milli, |r| r.value_milli);
            rows.push(RecheckRow {
                reading_id,
                meter,
                month,
                last_milli,
                value_milli,
                note,
                read_on,
            });
        }
        rows.sort_by_cached_key(|r| {
            (
                r.month.clone(),
                r.meter.is_common(),
                walk_key(r.meter.label()),
                r.meter.kind.as_str(),
            )
        });
        Ok(rows)
    }

    /// 读数更正 of a reading already billed (or of a closed month): the new value counts from
    /// now on, and the difference it makes to the usage billed goes into the meter's next
    /// bill. The reading itself stays as it was read.
    pub fn correct_reading(
        &mut self,
        actor: &Actor,
        reading_id: i64,
        value: &str,
        rollover: bool,
        reason: &str,
    ) -> StoreResult<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::invalid("更正原因", "请写明更正原因"));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        let (meter_id, month): (i64, String) = tx
            .query_row(
                "SELECT meter_id, month FROM meter_reading WHERE id = ?1",
                params![reading_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这条读数".into()))?;
        let (meter, _) = meter_by_id(&tx, meter_id)?;
        let new_milli = parse_reading(value, meter.spec.digits)
            .map_err(|e| StoreError::invalid("更正读数", e))?;
        let current = readings_between(&tx, meter_id, &month, &month)?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound("没有这条读数".into()))?;
        let closed: i64 = tx.query_row(
            "SELECT count(*) FROM month_close WHERE month = ?1",
            params![month],
            |r| r.get(0),
        )?;
        if current.billed_period.is_none() && closed == 0 {
            return Err(StoreError::Conflict(
                "这条读数还没有计费，直接在抄表录入里重新录入即可".into(),
            ));
        }
        let later_billed: i64 = tx.query_row(
            "SELECT count(*) FROM meter_reading WHERE meter_id = ?1 AND month > ?2 AND billed_period IS NOT NULL",
            params![meter_id, month],
            |r| r.get(0),
        )?;
        if later_billed > 0 {
            return Err(StoreError::Conflict(
                "之后月份的读数也已计费，用量合计已经按表盘走字收齐，不需要更正".into(),
            ));
        }
        let last =
            reading_before(&tx, meter_id, &month)?.map_or(meter.start_milli, |r| r.value_milli);
        let rollover = rollover && new_milli < last;
        let new_usage = step_usage(last, new_milli, rollover, meter.spec)
            .map_err(|e| StoreError::invalid("更正读数", e.to_string()))?;
        let old_usage =
            step_usage(last, current.value_milli, current.rollover, meter.spec).unwrap_or(0);
        if new_milli == current.value_milli && rollover == current.rollover {
            return Err(StoreError::invalid(
                "更正读数",
                "和现在的读数一样，无需更正",
            ));
        }
        // Only usage already billed needs an adjustment; an unbilled reading of a closed
        // month is billed with the corrected value anyway.
        let delta = if current.billed_period.is_some() {
            new_usage - old_usage
        } else {
            0
        };
        tx.execute(
            "INSERT INTO meter_correction (reading_id, old_milli, new_milli, old_rollover, new_rollover, usage_delta_milli,
                                           reason, settled_period, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![reading_id, current.value_milli, new_milli, current.rollover, rollover, delta, reason,
                (delta == 0).then_some(""), now, actor.id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "抄表",
                action: "读数更正",
                entity: "meter_correction",
                entity_id: id,
                before: Some(
                    json!({"meter": meter.number, "month": month, "value": format_milli(current.value_milli)}),
                ),
                after: Some(
                    json!({"value": format_milli(new_milli), "usage_delta": format_milli(delta), "reason": reason}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every reading of a month with its usage, for the month's export and workbook.
    pub fn month_readings(&self, month: &Period) -> StoreResult<Vec<MonthReadingRow>> {
        let rows = self.month_sheet(month, None)?;
        let mut names: HashMap<i64, String> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, o.name FROM meter_reading r JOIN operator o ON o.id = r.updated_by WHERE r.month = ?1",
        )?;
        for row in stmt.query_map(params![month.to_string()], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })? {
            let (id, name) = row?;
            names.insert(id, name);
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let usage = match (row.usage(), &row.reading) {
                    (Some(Ok(u)), Some(r)) if r.state == ReadingState::Normal => Ok(u),
                    (_, Some(r)) if r.state == ReadingState::Recheck => Err("待复核".to_string()),
                    (Some(Err(e)), _) => Err(e.to_string()),
                    _ => Err("未抄".to_string()),
                };
                let entered_by = row
                    .reading
                    .as_ref()
                    .and_then(|r| names.get(&r.id).cloned())
                    .unwrap_or_default();
                MonthReadingRow {
                    row,
                    usage,
                    entered_by,
                }
            })
            .collect())
    }

    /// The usage over `period` of every meter lineage of `kind` (unit meters by unit, common
    /// meters by the meter they descend from), or why a lineage cannot be billed yet.
    /// Keyed by the unit id (unit meters) or the newest meter's id (common meters).
    pub(crate) fn period_usages(
        &self,
        period: &Period,
        kind: MeterKind,
        common: bool,
    ) -> StoreResult<Vec<Result<PeriodUsage, Waiting>>> {
        let first = Period::month_of(period.first_day());
        let last = Period::month_of(period.last_day());
        let mut stmt = self.conn.prepare_cached(&format!(
            "{METER_SQL} WHERE m.kind = ?1 AND (m.unit_id IS NULL) = ?2 AND m.opened_on <= ?3
               AND (m.closed_on IS NULL OR m.closed_on >= ?4)"
        ))?;
        let meters: Vec<(MeterRow, bool)> = stmt
            .query_map(
                params![
                    kind.as_str(),
                    common,
                    date_str(period.last_day()),
                    date_str(period.first_day())
                ],
                meter_row,
            )?
            .collect::<Result<_, _>>()?;
        // Lineages: a meter and the meters it replaced, newest last.
        let by_id: HashMap<i64, usize> = meters
            .iter()
            .enumerate()
            .map(|(i, (m, _))| (m.id, i))
            .collect();
        let replaced: std::collections::HashSet<i64> =
            meters.iter().filter_map(|(m, _)| m.replaces).collect();
        let mut unsettled: HashMap<i64, Vec<(i64, String, i64)>> = HashMap::new();
        let mut corr = self.conn.prepare_cached(
            "SELECT c.id, r.meter_id, r.month, c.usage_delta_milli FROM meter_correction c
             JOIN meter_reading r ON r.id = c.reading_id WHERE c.settled_period IS NULL ORDER BY c.id",
        )?;
        for row in corr.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })? {
            let (id, meter_id, month, delta) = row?;
            unsettled
                .entry(meter_id)
                .or_default()
                .push((id, month, delta));
        }
        let mut chains: HashMap<i64, Chain> =
            Chain::load_many(&self.conn, meters.clone(), &first, &last)?
                .into_iter()
                .map(|c| (c.meter.id, c))
                .collect();
        let mut out = Vec::new();
        for (newest, _) in meters.iter().filter(|(m, _)| !replaced.contains(&m.id)) {
            let mut lineage = vec![newest.clone()];
            let mut cursor = newest.replaces;
            while let Some(id) = cursor {
                match by_id.get(&id).and_then(|i| meters.get(*i)) {
                    Some((m, _)) => {
                        cursor = m.replaces;
                        lineage.push(m.clone());
                    }
                    None => break,
                }
            }
            lineage.reverse();
            let lineage: Vec<Chain> = lineage
                .iter()
                .filter_map(|m| chains.remove(&m.id))
                .collect();
            out.push(lineage_usage(newest.clone(), &lineage, &last, &unsettled));
        }
        Ok(out)
    }

    /// The units a common meter's cost is shared over: (unit id, area) of units handed over.
    pub(crate) fn share_units(&self, meter: &MeterRow) -> StoreResult<Vec<(i64, Option<i64>)>> {
        let Some((_, scope)) = meter.share else {
            return Ok(Vec::new());
        };
        // Units handed over, with their areas, in a fixed order so a split is repeatable.
        let sql = match scope {
            ShareScope::Estate => {
                "SELECT u.id, u.area_centi_m2 FROM unit u WHERE u.status <> '未交房' AND ?1 IS NOT NULL
                 ORDER BY u.id"
            }
            ShareScope::Building => {
                "SELECT u.id, u.area_centi_m2 FROM unit u JOIN meter m ON m.building_id = u.building_id
                 WHERE m.id = ?1 AND u.status <> '未交房' ORDER BY u.id"
            }
            ShareScope::Units => {
                "SELECT u.id, u.area_centi_m2 FROM meter_share_unit s JOIN unit u ON u.id = s.unit_id
                 WHERE s.meter_id = ?1 AND u.status <> '未交房' ORDER BY u.id"
            }
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows: Vec<(i64, Option<i64>)> = stmt
            .query_map(params![meter.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

/// The usage of one lineage (its meters' chains over the period, oldest meter first), or
/// why it cannot be billed yet.
fn lineage_usage(
    newest: MeterRow,
    lineage: &[Chain],
    last: &Period,
    unsettled: &HashMap<i64, Vec<(i64, String, i64)>>,
) -> Result<PeriodUsage, Waiting> {
    let mut usage = PeriodUsage {
        meter: newest.clone(),
        usage_milli: 0,
        from_milli: 0,
        to_milli: 0,
        replacements: Vec::new(),
        reading_ids: Vec::new(),
        corrections: Vec::new(),
    };
    let mut started = false;
    let mut last_read: Option<String> = None;
    for chain in lineage {
        let meter = &chain.meter;
        let usages = chain.usages();
        for (i, (r, u)) in chain.readings.iter().zip(usages).enumerate() {
            last_read = Some(r.month.clone());
            if r.billed_period.is_some() {
                // Billed by an earlier run: only the basis of what follows.
                continue;
            }
            if r.state == ReadingState::Recheck {
                return Err(Box::new((newest, format!("{} 的读数待复核", r.month))));
            }
            let u = match u {
                Ok(u) => u,
                Err(e) => return Err(Box::new((newest, format!("{}：{e}", r.month)))),
            };
            if let Some(t) = chain.tail_for(&r.month) {
                usage.replacements.push(t.clone());
            }
            if !started {
                let (from, _) = chain.last_before(i);
                usage.from_milli = if chain.tail_for(&r.month).is_some() {
                    chain.tail.as_ref().map_or(from, |t| t.last_milli)
                } else {
                    from
                };
                started = true;
            }
            usage.usage_milli += u;
            usage.to_milli = r.value_milli;
            usage.reading_ids.push(r.id);
        }
        if let Some(list) = unsettled.get(&meter.id) {
            usage.corrections.extend(list.iter().cloned());
        }
    }
    // A meter taken out for good (拆表) is read for the last time in the month it went.
    let mut wanted = last.to_string();
    if newest.removed.is_some()
        && let Some(gone) = newest.closed.as_ref().and_then(|(on, _)| on.get(..7))
        && gone < wanted.as_str()
    {
        wanted = gone.to_string();
    }
    if last_read.as_deref() != Some(wanted.as_str()) {
        return Err(Box::new((newest, format!("{wanted} 未抄表"))));
    }
    if usage.billed_milli() < 0 {
        // A correction larger than this period's usage waits for a later bill.
        usage.corrections.clear();
    }
    Ok(usage)
}

/// A meter lineage that cannot be billed yet: its newest meter, and why.
pub(crate) type Waiting = Box<(MeterRow, String)>;

/// Locks the readings a bill used and settles the corrections it carried, inside the
/// billing run's transaction.
pub(crate) fn lock_billed(
    conn: &Connection,
    period: &str,
    reading_ids: &[i64],
    corrections: &[i64],
) -> StoreResult<()> {
    let mut lock = conn.prepare_cached(
        "UPDATE meter_reading SET billed_period = ?2 WHERE id = ?1 AND billed_period IS NULL",
    )?;
    for id in reading_ids {
        lock.execute(params![id, period])?;
    }
    let mut settle = conn.prepare_cached(
        "UPDATE meter_correction SET settled_period = ?2 WHERE id = ?1 AND settled_period IS NULL",
    )?;
    for id in corrections {
        settle.execute(params![id, period])?;
    }
    Ok(())
}
