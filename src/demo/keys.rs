//! The demo's keys: sets entrusted by about a quarter of the households and most shops, a few
//! loans every day of the history (decoration workers, family, engineering, each with the
//! owner's confirmation) returned the same day or now and then the next morning, a signed
//! stock-take at the end of every past month, two keys out today and one not back since
//! yesterday.

use super::{DemoSpec, Rng, at, history_start, id_number, mobile, name};
use crate::clock::ManualClock;
use crate::store::{Actor, IdentityCheck, KeyLoanForm, KeySetForm, Store, StoreResult};
use chrono::{Datelike, Days, NaiveDate};
use std::collections::HashMap;

const RELATIONS: [(&str, &str); 5] = [
    ("装修", "装修进场"),
    ("家属", "取物"),
    ("工程", "维修水管"),
    ("租户", "看房"),
    ("其他", "保洁开荒"),
];
const MEANS: [&str; 3] = ["电话", "微信", "书面授权"];
const LABELS: [&str; 3] = ["入户门钥匙", "入户门及信箱钥匙", "卷闸门钥匙"];

/// A key set that may be lent: (key set id, owner who confirms loans).
type Lendable = (i64, String);

/// Fills in the key history. The clock is walked through it.
pub(super) fn fill_keys(
    store: &mut Store,
    boss: &Actor,
    desk: &Actor,
    spec: &DemoSpec,
    clock: &ManualClock,
    today: NaiveDate,
) -> StoreResult<()> {
    let mut rng = Rng::new(spec.seed.wrapping_add(53));
    let start = history_start(today, spec.months);
    at(clock, start, 8, 10);
    let mut sets: Vec<Lendable> = Vec::new();
    for unit in store.unit_rows()? {
        let Some(owner) = unit.owners.split('、').next().filter(|o| !o.is_empty()) else {
            continue;
        };
        let wanted = match unit.kind.as_str() {
            "住宅" => rng.chance(25),
            "店面" => rng.chance(70),
            _ => false,
        };
        if !wanted {
            continue;
        }
        let shop = unit.kind == "店面";
        let n = sets.len();
        let id = store.add_key_set(
            desk,
            &KeySetForm {
                unit_id: unit.id,
                label: if shop {
                    LABELS[2]
                } else {
                    LABELS[usize::from(rng.chance(30))]
                }
                .into(),
                count: (1 + rng.below(3)).to_string(),
                position: format!("{}-{:02}", ["A", "B", "C", "D"][n / 50 % 4], n % 50 + 1),
                entrusted_by: owner.to_string(),
                entrusted_on: start,
                authorisation: format!("业主{owner}本人；他人须业主电话确认"),
            },
        )?;
        sets.push((id, owner.to_string()));
    }
    if sets.is_empty() {
        return Ok(());
    }
    store.set_office_stock(boss, "住户卡", "40")?;
    store.set_office_stock(boss, "车卡", "25")?;
    store.set_office_stock(boss, "可视对讲机", "6")?;
    let yesterday = today.pred_opt().unwrap_or(today);
    let mut out: HashMap<i64, i64> = HashMap::new();
    let mut day = start;
    while day <= today {
        lend_day(
            store, desk, clock, &mut rng, &sets, &mut out, day, today, yesterday,
        )?;
        let last_of_month = day.succ_opt().is_none_or(|d| d.month() != day.month());
        if last_of_month && (day.year(), day.month()) != (today.year(), today.month()) {
            stocktake(store, boss, desk, clock, &mut rng, day)?;
        }
        match day.checked_add_days(Days::new(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    Ok(())
}

/// One day's loans and returns. Loans of the day come back the same afternoon, except now and
/// then one the next morning; on the last day two stay out, and one lent yesterday never
/// came back.
#[allow(clippy::too_many_arguments)]
fn lend_day(
    store: &mut Store,
    desk: &Actor,
    clock: &ManualClock,
    rng: &mut Rng,
    sets: &[Lendable],
    out: &mut HashMap<i64, i64>,
    day: NaiveDate,
    today: NaiveDate,
    yesterday: NaiveDate,
) -> StoreResult<()> {
    // Last night's loans come back first thing.
    let waiting: Vec<i64> = out.drain().map(|(_, loan)| loan).collect();
    for (i, loan) in waiting.into_iter().enumerate() {
        if day == today {
            out.insert(store.key_loan(loan)?.key_set_id, loan);
            continue;
        }
        let minute = u32::try_from(i % 50).unwrap_or(0);
        at(clock, day, 8, minute);
        store.return_key(desk, loan, clock_now(clock), "完好")?;
    }
    let loans = if day == today { 2 } else { 1 + rng.below(7) };
    let mut today_out = Vec::new();
    for i in 0..loans {
        let (set, owner) = rng.pick(sets);
        if out.contains_key(set) || today_out.iter().any(|(s, _)| s == set) {
            continue;
        }
        let hour = if day == today {
            8
        } else {
            9 + u32::try_from(rng.below(6)).unwrap_or(0)
        };
        let minute = if day == today {
            5 + u32::try_from(i).unwrap_or(0) * 10
        } else {
            u32::try_from(rng.below(60)).unwrap_or(0)
        };
        at(clock, day, hour, minute);
        let (relation, purpose) = *rng.pick(&RELATIONS);
        let loan = store.lend_key(
            desk,
            &KeyLoanForm {
                key_set_id: *set,
                borrower: name(rng),
                phone: mobile(rng),
                relation: relation.into(),
                id_number: id_number(rng),
                purpose: purpose.into(),
                due_on: day,
                identity: IdentityCheck::OwnerConfirmed,
                confirmed_by: owner.clone(),
                confirmed_means: (*rng.pick(&MEANS)).into(),
            },
        )?;
        today_out.push((*set, (loan, hour)));
    }
    for (n, (set, (loan, hour))) in today_out.into_iter().enumerate() {
        let overnight = (day == yesterday && n == 0) || rng.chance(3);
        if day == today || overnight {
            out.insert(set, loan);
            continue;
        }
        let back = (hour + 1 + u32::try_from(rng.below(4)).unwrap_or(0)).min(17);
        at(clock, day, back, 30 + u32::try_from(n % 25).unwrap_or(0));
        let condition = if rng.chance(2) {
            "钥匙环松动，已更换"
        } else {
            "完好"
        };
        store.return_key(desk, loan, clock_now(clock), condition)?;
    }
    Ok(())
}

fn clock_now(clock: &ManualClock) -> chrono::NaiveDateTime {
    use crate::clock::Clock;
    clock.now()
}

/// The month's stock-take at 17:30 of its last day, signed by the supervisor; now and then a
/// card short.
fn stocktake(
    store: &mut Store,
    boss: &Actor,
    desk: &Actor,
    clock: &ManualClock,
    rng: &mut Rng,
    day: NaiveDate,
) -> StoreResult<()> {
    at(clock, day, 17, 30);
    let short = rng.chance(15);
    let counted: Vec<(String, Option<i64>, i64, String)> = store
        .stocktake_sheet()?
        .into_iter()
        .map(|l| {
            if short && l.kind == "住户卡" && l.expected > 0 {
                (l.kind, l.key_set_id, l.expected - 1, "一张待查".to_string())
            } else {
                (l.kind, l.key_set_id, l.expected, String::new())
            }
        })
        .collect();
    let id = store.record_stocktake(desk, &counted)?;
    at(clock, day, 17, 50);
    let note = if short {
        "住户卡少一张，已查明为补卡时已发放，未及登记"
    } else {
        ""
    };
    store.sign_stocktake(boss, id, note)
}
