//! The demo's meters: a water and an electricity meter for every flat and shop handed over,
//! common meters (corridor lights and lifts per building, the pump room, street lights and
//! garden water for the estate), a reading of every meter on the 25th of every month of the
//! history (households use what households use; a few dials roll over; a couple of meters are
//! replaced), and last month ending with a few readings to read again, one far above usual and
//! two meters not read yet.

use super::{DemoSpec, Rng, at, history_start};
use crate::clock::ManualClock;
use crate::domain::fees::Period;
use crate::domain::kinds::{MeterKind, ReadingState, ShareBasis, ShareScope, UnitStatus};
use crate::store::{
    Actor, ESTATE_PLACE, MeterForm, ReadingInput, ReadingSource, ReplaceForm, Store, StoreResult,
};
use chrono::{Datelike, Days, NaiveDate};

/// One meter being read through the history.
struct Dial {
    id: i64,
    /// Current value in thousandths.
    value_milli: i64,
    /// The dial's range in thousandths.
    modulus_milli: i64,
    /// Usual usage per month in whole units (low, high).
    usage: (u64, u64),
}

fn usage_range(kind: MeterKind, status: UnitStatus, shop: bool) -> (u64, u64) {
    match (kind, status, shop) {
        (MeterKind::Water, _, true) => (5, 30),
        (MeterKind::Electricity, _, true) => (300, 1500),
        (_, UnitStatus::Vacant, _) => (0, 1),
        (MeterKind::Water, UnitStatus::Decorating, _) => (2, 8),
        (MeterKind::Electricity, UnitStatus::Decorating, _) => (30, 120),
        (MeterKind::Water, ..) => (6, 20),
        (MeterKind::Electricity, ..) => (120, 420),
        (MeterKind::Gas, ..) => (5, 30),
    }
}

/// The meters being read month by month through the history.
pub(super) struct MeterHistory {
    rng: Rng,
    dials: Vec<Dial>,
    /// The next month to read.
    next: Period,
    /// The month before today's.
    last_month: Period,
    today: NaiveDate,
    replaced: u32,
}

/// Puts in the meters (dated just before the history starts); they are read by
/// [`MeterHistory::read_until`] as the history is walked.
pub(super) fn set_up_meters(
    store: &mut Store,
    boss: &Actor,
    spec: &DemoSpec,
    clock: &ManualClock,
    today: NaiveDate,
) -> StoreResult<MeterHistory> {
    let mut rng = Rng::new(spec.seed.wrapping_add(71));
    let start = history_start(today, spec.months);
    let opened = start.checked_sub_days(Days::new(20)).unwrap_or(start);
    at(clock, opened, 9, 0);
    let mut dials: Vec<Dial> = Vec::new();
    let mut serial = 0u64;
    for unit in store.unit_rows()? {
        let shop = unit.kind == "店面";
        let status = UnitStatus::parse(&unit.status).unwrap_or(UnitStatus::NotHandedOver);
        if !(unit.kind == "住宅" || shop) || status == UnitStatus::NotHandedOver {
            continue;
        }
        let floor = unit
            .code
            .rsplit('元')
            .next()
            .and_then(|r| r.get(..r.len().saturating_sub(2)))
            .unwrap_or("1")
            .to_string();
        for (kind, digits) in [(MeterKind::Water, 5u32), (MeterKind::Electricity, 6u32)] {
            serial += 1;
            // A few old dials are close to the top and roll over during the history.
            let near_top = rng.chance(1);
            let top = 10_i64.pow(digits);
            let start_value = if near_top {
                top - 1 - i64::try_from(rng.below(80)).unwrap_or(0)
            } else {
                i64::try_from(rng.below(u64::try_from(top / 20).unwrap_or(1))).unwrap_or(0)
            };
            let mut form = MeterForm::new(opened);
            form.unit_code.clone_from(&unit.code);
            form.kind = kind;
            form.number = match kind {
                MeterKind::Water => format!("SB{:08}", 22_010_000 + serial),
                _ => format!("DB{:010}", 3_300_100_000 + serial),
            };
            form.location = if shop {
                "店内后门上方".into()
            } else {
                match kind {
                    MeterKind::Water => format!("{floor}楼水表井"),
                    _ => format!("{floor}楼电表箱"),
                }
            };
            form.digits = digits.to_string();
            form.start = start_value.to_string();
            let id = store.add_meter(boss, &form)?;
            dials.push(Dial {
                id,
                value_milli: start_value * 1000,
                modulus_milli: top * 1000,
                usage: usage_range(kind, status, shop),
            });
        }
    }
    for building in store.buildings()? {
        if building == "商业街" || building == "地下车库" {
            continue;
        }
        for (name, basis, usage) in [
            ("走廊灯", ShareBasis::ByArea, (250, 420)),
            ("电梯", ShareBasis::ByHousehold, (900, 1500)),
        ] {
            dials.push(common(
                store,
                boss,
                opened,
                &format!("{building}{name}"),
                &building,
                MeterKind::Electricity,
                basis,
                ShareScope::Building,
                usage,
            )?);
        }
    }
    for (name, kind, basis, usage) in [
        (
            "二次供水泵房",
            MeterKind::Electricity,
            ShareBasis::ByHousehold,
            (3000, 4800),
        ),
        (
            "小区路灯",
            MeterKind::Electricity,
            ShareBasis::ByArea,
            (1200, 1900),
        ),
        (
            "绿化及保洁用水",
            MeterKind::Water,
            ShareBasis::ByArea,
            (120, 300),
        ),
    ] {
        dials.push(common(
            store,
            boss,
            opened,
            name,
            ESTATE_PLACE,
            kind,
            basis,
            ShareScope::Estate,
            usage,
        )?);
    }

    Ok(MeterHistory {
        rng,
        dials,
        next: Period::month_of(start),
        last_month: Period::month_of(today).previous(),
        today,
        replaced: 0,
    })
}

impl MeterHistory {
    /// Reads every meter on the 25th of each month up to `day` (never after today).
    pub(super) fn read_until(
        &mut self,
        store: &mut Store,
        boss: &Actor,
        desk: &Actor,
        clock: &ManualClock,
        day: NaiveDate,
    ) -> StoreResult<()> {
        let day = day.min(self.today);
        loop {
            let Some(read_on) = self.next.first_day().with_day(25) else {
                return Ok(());
            };
            if read_on > day {
                return Ok(());
            }
            let month = self.next;
            self.read_month(store, boss, desk, clock, &month, read_on)?;
            self.next = month.next();
        }
    }

    fn read_month(
        &mut self,
        store: &mut Store,
        boss: &Actor,
        desk: &Actor,
        clock: &ManualClock,
        month: &Period,
        read_on: NaiveDate,
    ) -> StoreResult<()> {
        let today = self.today;
        let rng = &mut self.rng;
        let dials = &mut self.dials;
        at(clock, read_on, 16, 30);
        let mut inputs = Vec::with_capacity(dials.len());
        let last = *month == self.last_month;
        for (i, dial) in dials.iter_mut().enumerate() {
            // Last month: two meters not read yet.
            if last && i % 97 == 5 && i < 300 {
                continue;
            }
            let (low, high) = dial.usage;
            let mut used = i64::try_from(low + rng.below(high - low + 1)).unwrap_or(0) * 1000;
            if last && i % 131 == 7 {
                // Something to look at: far above the usual.
                used *= 6;
            }
            let before = dial.value_milli;
            dial.value_milli = (before + used) % dial.modulus_milli;
            let mut input = ReadingInput {
                meter_id: dial.id,
                value_milli: dial.value_milli,
                rollover: dial.value_milli < before,
                read_on,
                state: ReadingState::Normal,
                note: String::new(),
            };
            if last && i % 113 == 11 && before > 2000 {
                // Misread on the dial: lower than last time, sent back to engineering.
                input.value_milli = before - 2000;
                input.rollover = false;
                input.state = ReadingState::Recheck;
                input.note = "低于上次读数，疑似读错".into();
                dial.value_milli = before;
            }
            inputs.push(input);
        }
        store.save_readings(desk, month, &inputs, ReadingSource::Typed)?;
        // Now and then a meter is replaced a few days after the reading.
        if self.replaced < 2 && rng.chance(15) {
            let i =
                usize::try_from(rng.below(u64::try_from(dials.len()).unwrap_or(1))).unwrap_or(0);
            if let Some(dial) = dials.get_mut(i)
                && let Some(day) = read_on.checked_add_days(Days::new(3))
                && day < today
            {
                at(clock, day, 10, 0);
                let final_milli = dial.value_milli + 1000;
                let old = store.meter(dial.id)?;
                let new_id = store.replace_meter(
                    boss,
                    &ReplaceForm {
                        meter_id: dial.id,
                        date: day,
                        final_reading: crate::domain::meters::format_milli(final_milli),
                        number: format!("{}-H", old.number),
                        start: "0".into(),
                        multiplier: old.spec.multiplier.to_string(),
                        digits: old.spec.digits.to_string(),
                    },
                )?;
                dial.id = new_id;
                dial.value_milli = 0;
                self.replaced += 1;
            }
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn common(
    store: &mut Store,
    boss: &Actor,
    opened: NaiveDate,
    name: &str,
    building: &str,
    kind: MeterKind,
    basis: ShareBasis,
    scope: ShareScope,
    usage: (u64, u64),
) -> StoreResult<Dial> {
    let mut form = MeterForm::new(opened);
    form.common = true;
    form.name = name.into();
    form.building = building.into();
    form.kind = kind;
    form.number = format!("GG-{name}");
    form.location = if scope == ShareScope::Estate {
        "物业配电房".into()
    } else {
        format!("{building}一楼配电间")
    };
    form.digits = "6".into();
    form.share_basis = basis;
    form.share_scope = scope;
    let id = store.add_meter(boss, &form)?;
    Ok(Dial {
        id,
        value_milli: 0,
        modulus_milli: 1_000_000_000,
        usage,
    })
}
