//! The demo's money: fee items, a billing run per quarter of history, payments spread over
//! the days around each due date (some in part, some with prepayment, a few voided and taken
//! again), a closed day for every past day with receipts, and arrears left where people did
//! not pay.

use super::meters::MeterHistory;
use super::{DemoSpec, Rng, at, history_start};
use crate::clock::ManualClock;
use crate::domain::fees::Period;
use crate::domain::kinds::{FeeKind, MeterKind, PayMethod, UnitKind};
use crate::store::{Actor, FeeItemForm, Payment, Store, StoreResult};
use chrono::{Days, NaiveDate};

const METHODS: [(PayMethod, u64); 5] = [
    (PayMethod::Cash, 35),
    (PayMethod::WeChat, 35),
    (PayMethod::Alipay, 18),
    (PayMethod::Card, 7),
    (PayMethod::Transfer, 5),
];

fn method(rng: &mut Rng) -> PayMethod {
    let mut roll = rng.below(100);
    for (m, weight) in METHODS {
        if roll < weight {
            return m;
        }
        roll -= weight;
    }
    PayMethod::Cash
}

fn item(
    name: &str,
    kind: FeeKind,
    price: &str,
    kinds: Vec<UnitKind>,
    vacant: &str,
    late: &str,
) -> FeeItemForm {
    FeeItemForm {
        name: name.into(),
        kind,
        price: price.into(),
        unit_kinds: kinds,
        vacant_discount_percent: vacant.into(),
        late_rate_per_10000: late.into(),
        late_cap_percent: if late.is_empty() {
            String::new()
        } else {
            "100".into()
        },
        due_days: "20".into(),
        active: true,
        ..FeeItemForm::default()
    }
}

/// A unit's unpaid bills of one period: (period, its first day, due date, (bill, amount)).
type PeriodBills = (String, NaiveDate, NaiveDate, Vec<(i64, i64)>);

/// One planned visit to the desk: a unit paying its bills on a day.
struct Visit {
    day: NaiveDate,
    minute: u32,
    unit_id: i64,
    bills: Vec<(i64, i64)>,
    method: PayMethod,
    prepay_fen: i64,
    void_first: bool,
}

/// Fills in the fee history. The clock is walked through it and left at `today`.
#[allow(clippy::too_many_arguments)]
pub(super) fn fill_fees(
    store: &mut Store,
    boss: &Actor,
    desk: &Actor,
    spec: &DemoSpec,
    clock: &ManualClock,
    today: NaiveDate,
    readings: &mut MeterHistory,
) -> StoreResult<()> {
    let mut rng = Rng::new(spec.seed.wrapping_add(31));
    let start = history_start(today, spec.months);
    at(clock, start, 8, 30);
    store.add_fee_item(
        boss,
        &item(
            "物业费",
            FeeKind::ByArea,
            "2.35",
            vec![UnitKind::Residence],
            "30",
            "5",
        ),
    )?;
    store.add_fee_item(
        boss,
        &item(
            "商铺物业费",
            FeeKind::ByArea,
            "4.50",
            vec![UnitKind::Shop],
            "",
            "5",
        ),
    )?;
    store.add_fee_item(
        boss,
        &item(
            "车位管理费",
            FeeKind::Fixed,
            "80",
            vec![UnitKind::Parking],
            "",
            "",
        ),
    )?;
    store.add_fee_item(
        boss,
        &item(
            "车辆管理费",
            FeeKind::PerVehicle,
            "60",
            vec![UnitKind::Residence],
            "",
            "",
        ),
    )?;
    store.add_fee_item(boss, &item("工本费", FeeKind::OneOff, "0", vec![], "", ""))?;
    add_metered_items(store, boss)?;
    // A billing run at the start of every quarter of the history.
    let mut period = Period::quarter_of(start);
    let current = Period::quarter_of(today);
    let mut runs = Vec::new();
    loop {
        let day = period.first_day().max(start);
        readings.read_until(store, boss, desk, clock, day)?;
        at(clock, day, 8, 30);
        if period.first_day() > start {
            // The quarter just ended has all its readings now: water and shared costs.
            store.run_billing(desk, &period.previous())?;
        }
        store.run_billing(desk, &period)?;
        runs.push(period);
        if period >= current {
            break;
        }
        period = period.next();
    }

    // Who pays what when.
    let units = store.unit_rows()?;
    let mut visits = Vec::new();
    for unit in &units {
        let bills = store.unit_bills(unit.id)?;
        // A household pays a period's bills together, or not at all.
        let mut by_period: Vec<PeriodBills> = Vec::new();
        let stubborn = rng.chance(4);
        for bill in bills.iter().filter(|b| b.outstanding_fen() > 0) {
            let Ok(due) = NaiveDate::parse_from_str(&bill.due_date, "%Y-%m-%d") else {
                continue;
            };
            // Paid from when the bill is there: a period's start, or for usage billed
            // after the period, the day of the bill (its due date less the 20 days).
            let billed = due.checked_sub_days(Days::new(20)).unwrap_or(due);
            let first = Period::parse(&bill.period).map_or(due, |p| p.first_day().max(billed));
            // Nobody pays a bill before it is made: not before the history starts.
            let first = first.max(start);
            match by_period.iter_mut().find(|(p, ..)| *p == bill.period) {
                Some((_, group_first, _, list)) => {
                    *group_first = (*group_first).max(first);
                    list.push((bill.id, bill.outstanding_fen()));
                }
                None => by_period.push((
                    bill.period.clone(),
                    first,
                    due,
                    vec![(bill.id, bill.outstanding_fen())],
                )),
            }
        }
        let mut by_day: Vec<(NaiveDate, Vec<(i64, i64)>)> = Vec::new();
        for (_, first, due, mut list) in by_period {
            let age_days = (today - due).num_days();
            let pays = !stubborn
                && if age_days < 0 {
                    rng.chance(40)
                } else {
                    rng.chance(if age_days < 60 { 80 } else { 97 })
                };
            if !pays {
                continue;
            }
            if rng.chance(3) {
                for (_, amount) in &mut list {
                    *amount = (*amount / 2).max(1);
                }
            }
            let day = first
                .checked_add_days(Days::new(rng.below(60)))
                .unwrap_or(first)
                .min(today);
            by_day.push((day, list));
        }
        for (day, bills) in by_day {
            visits.push(Visit {
                day,
                minute: u32::try_from(rng.below(8 * 60)).unwrap_or(0),
                unit_id: unit.id,
                bills,
                method: method(&mut rng),
                prepay_fen: if rng.chance(3) {
                    i64::try_from(100 + rng.below(5) * 100).unwrap_or(100) * 100
                } else {
                    0
                },
                void_first: rng.chance(1),
            });
        }
    }
    visits.sort_by_key(|v| (v.day, v.minute, v.unit_id));
    let owners: std::collections::HashMap<i64, String> = units
        .iter()
        .map(|u| (u.id, u.owners.split('、').next().unwrap_or("").to_string()))
        .collect();
    let mut days_with_receipts = Vec::new();
    for v in &visits {
        at(clock, v.day, 9 + v.minute / 60, v.minute % 60);
        let payer = owners
            .get(&v.unit_id)
            .filter(|n| !n.is_empty())
            .cloned()
            .unwrap_or_else(|| "业主".into());
        let payment = Payment {
            unit_id: v.unit_id,
            payer,
            method: v.method,
            bills: v.bills.clone(),
            prepay_fen: v.prepay_fen,
            balance_used_fen: 0,
            tendered_fen: 0,
            note: String::new(),
        };
        if v.void_first {
            let wrong = store.collect(desk, &payment)?;
            store.void_receipt(boss, &wrong, "收款方式选错，重开")?;
        }
        store.collect(desk, &payment)?;
        if days_with_receipts.last() != Some(&v.day) {
            days_with_receipts.push(v.day);
        }
    }
    // Every past day with receipts was closed in the evening, cash counted as expected.
    for day in days_with_receipts.into_iter().filter(|d| *d < today) {
        at(clock, day, 17, 45);
        let expected = store.day_summary(day)?.cash_expected_fen;
        store.close_day(desk, day, expected, "")?;
    }
    at(clock, today, 9, 0);
    Ok(())
}

/// The items billed from meter readings: water by each unit's meter, shop electricity, and
/// the shared electricity and water of the common meters.
fn add_metered_items(store: &mut Store, boss: &Actor) -> StoreResult<()> {
    for (name, kind, meter_kind, price, kinds) in [
        (
            "水费",
            FeeKind::Metered,
            MeterKind::Water,
            "3.80",
            vec![UnitKind::Residence, UnitKind::Shop],
        ),
        (
            "商铺电费",
            FeeKind::Metered,
            MeterKind::Electricity,
            "1.00",
            vec![UnitKind::Shop],
        ),
        (
            "公摊电费",
            FeeKind::Shared,
            MeterKind::Electricity,
            "0.68",
            vec![UnitKind::Residence, UnitKind::Shop],
        ),
        (
            "公摊水费",
            FeeKind::Shared,
            MeterKind::Water,
            "3.80",
            vec![UnitKind::Residence, UnitKind::Shop],
        ),
    ] {
        let mut form = item(name, kind, price, kinds, "", "");
        form.meter_kind = meter_kind;
        store.add_fee_item(boss, &form)?;
    }

    Ok(())
}
