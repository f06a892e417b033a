//! The demo office: a realistic estate so a new user sees a living program, and the data the
//! benchmarks run on. Deterministic for a given seed.

use crate::clock::ManualClock;
use crate::domain::fees::Period;
use crate::domain::forms::{PersonForm, UnitForm};
use crate::domain::idcard::id_check_digit;
use crate::domain::kinds::{CardKind, OccupantRole, Role, UnitKind, UnitStatus};
use crate::store::{Actor, NewOperator, Office, Store, StoreResult};
use chrono::{Days, NaiveDate};
use std::sync::Arc;

mod desk;
mod fees;
mod keys;
mod meters;

/// The demo's logins, shown on a demo office's login screen: (role, login, password).
pub const DEMO_LOGINS: &[(Role, &str, &str)] = &[
    (Role::Supervisor, "zhuguan", "123456"),
    (Role::FrontDesk, "kefu", "123456"),
];

/// Bumped whenever the demo's content changes (benchmarks keep a made demo by this number).
pub const DEMO_GENERATION: u32 = 7;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct DemoSpec {
    /// Number of units (flats, shops and parking spaces together).
    pub units: usize,
    /// Months of history.
    pub months: u32,
    /// Seed of the generator.
    pub seed: u64,
}

impl Default for DemoSpec {
    fn default() -> Self {
        Self {
            units: 300,
            months: 12,
            seed: 1,
        }
    }
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
        let i = usize::try_from(self.below(len)).unwrap_or(0);
        &items[i.min(items.len().saturating_sub(1))]
    }
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "邓", "冯", "韩", "曹", "彭", "曾",
    "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏", "苏", "吕", "丁",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "建国", "志强", "海燕",
    "小红", "丹", "萍", "鹏", "辉", "玲", "宇", "浩", "凯", "婷", "雪", "琳", "晨", "欣怡", "子涵",
    "梓轩", "思远", "雨桐", "俊杰", "嘉怡", "晓东", "春梅", "国庆", "德明", "玉兰", "志明", "丽华",
    "三丰",
];
const REGIONS: &[&str] = &[
    "440305", "440304", "440303", "440306", "440307", "430102", "360102", "420102", "110101",
    "310104", "510104", "450102", "350203", "441302", "445202", "440104",
];
const PLATE_LETTERS: &[char] = &[
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'Q', 'R', 'S', 'T', 'U',
    'V', 'W', 'X', 'Y', 'Z',
];
const EVENTS: &[&str] = &[
    "厨房漏水，已通知工程部处理",
    "业主反映楼上噪音，已沟通",
    "外墙空调支架松动，已加固",
    "卫生间防水闭水试验48小时合格",
    "邻里车位纠纷，已调解",
    "更换入户门锁",
];

fn name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

fn mobile(rng: &mut Rng) -> String {
    let prefixes = ["13", "15", "18", "17", "19", "16"];
    format!(
        "{}{}{:08}",
        rng.pick(&prefixes),
        rng.below(10),
        rng.below(100_000_000)
    )
}

/// A valid 18-digit ID number for someone born between 1950 and 2004.
pub fn id_number(rng: &mut Rng) -> String {
    let year = 1950 + rng.below(55);
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(28);
    let seq = rng.below(1000);
    let first17 = format!("{}{year}{month:02}{day:02}{seq:03}", rng.pick(REGIONS));
    let check = id_check_digit(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

fn plate(rng: &mut Rng) -> String {
    let tail_chars: Vec<char> = PLATE_LETTERS.iter().copied().chain('0'..='9').collect();
    if rng.chance(20) {
        // New-energy small car: 粤B D + 5.
        let second = rng.pick(&tail_chars);
        format!(
            "粤B{}{second}{:04}",
            rng.pick(&['D', 'F']),
            rng.below(10_000)
        )
    } else {
        let mut s = String::from("粤B");
        for i in 0..5 {
            if i < 2 && rng.chance(30) {
                s.push(*rng.pick(PLATE_LETTERS));
            } else {
                s.push(char::from(b'0' + u8::try_from(rng.below(10)).unwrap_or(0)));
            }
        }
        s
    }
}

fn area_text(centi: u64) -> String {
    format!("{}.{:02}", centi / 100, centi % 100)
}

/// One unit to create.
struct Plan {
    building: String,
    code: String,
    kind: UnitKind,
    area: String,
}

fn plan_units(spec: &DemoSpec) -> Vec<Plan> {
    let shops = spec.units / 25;
    let parking = spec.units / 10;
    let flats = spec.units.saturating_sub(shops + parking);
    let mut rng = Rng::new(spec.seed.wrapping_add(7));
    let per_building = 144; // 2 单元 × 18 floors × 4 rooms
    let layouts: [u64; 4] = [8956, 12530, 10288, 14375];
    let mut plans = Vec::with_capacity(spec.units);
    for i in 0..flats {
        let b = i / per_building + 1;
        let within = i % per_building;
        let entrance = within / 72 + 1;
        let floor = (within % 72) / 4 + 1;
        let room = within % 4 + 1;
        let base = layouts[room - 1];
        let area = base + rng.below(60);
        plans.push(Plan {
            building: format!("{b}栋"),
            code: format!("{b}栋{entrance}单元{floor}{room:02}"),
            kind: UnitKind::Residence,
            area: area_text(area),
        });
    }
    for i in 0..shops {
        plans.push(Plan {
            building: "商业街".into(),
            code: format!("商铺S-{:02}", i + 1),
            kind: UnitKind::Shop,
            area: area_text(3000 + rng.below(12_000)),
        });
    }
    for i in 0..parking {
        plans.push(Plan {
            building: "地下车库".into(),
            code: format!("车位B1-{:03}", i + 1),
            kind: UnitKind::Parking,
            area: area_text(1250 + rng.below(250)),
        });
    }
    plans
}

fn person(rng: &mut Rng, gaps: bool) -> PersonForm {
    PersonForm {
        name: name(rng),
        phone: if gaps && rng.chance(3) {
            String::new()
        } else {
            mobile(rng)
        },
        id_number: if gaps && rng.chance(4) {
            String::new()
        } else {
            id_number(rng)
        },
        note: String::new(),
    }
}

/// Fills an empty database with the demo office. Returns the supervisor who "did" it all.
pub fn generate(store: &mut Store, spec: &DemoSpec) -> StoreResult<Actor> {
    let supervisor = generate_open(store, spec)?;
    let real = store.clock().clone();
    let today = real.today();
    let manual = Arc::new(ManualClock::new(real.now()));
    store.set_clock(manual.clone());
    let result = close_months(store, &supervisor, spec, &manual, today);
    store.set_clock(real);
    result?;
    Ok(supervisor)
}

/// The demo office's history with every month still open: for benchmarks that add history
/// of their own before closing. Returns the supervisor.
pub fn generate_open(store: &mut Store, spec: &DemoSpec) -> StoreResult<Actor> {
    let supervisor = store.setup_office(
        &Office {
            name: "幸福里小区物业服务中心".into(),
            address: "深圳市南山区幸福路88号".into(),
            phone: "0755-86001234".into(),
            is_demo: true,
        },
        &NewOperator {
            login: DEMO_LOGINS[0].1.into(),
            name: "王静".into(),
            role: Some(Role::Supervisor),
            password: DEMO_LOGINS[0].2.into(),
        },
    )?;
    store.create_operator(
        &supervisor,
        &NewOperator {
            login: DEMO_LOGINS[1].1.into(),
            name: "李晓梅".into(),
            role: Some(Role::FrontDesk),
            password: DEMO_LOGINS[1].2.into(),
        },
    )?;
    let desk = store.cli_operator(Some(DEMO_LOGINS[1].1))?;
    let real = store.clock().clone();
    let today = real.today();
    let manual = Arc::new(ManualClock::new(real.now()));
    store.set_clock(manual.clone());
    store.set_bulk_mode(true)?;
    let result = fill(store, &supervisor, spec, &manual, today)
        .and_then(|()| {
            // Meters are read month by month as the fee history walks past each 25th.
            let mut readings = meters::set_up_meters(store, &supervisor, spec, &manual, today)?;
            fees::fill_fees(
                store,
                &supervisor,
                &desk,
                spec,
                &manual,
                today,
                &mut readings,
            )?;
            readings.read_until(store, &supervisor, &desk, &manual, today)
        })
        .and_then(|()| keys::fill_keys(store, &supervisor, &desk, spec, &manual, today))
        .and_then(|()| desk::fill_desk(store, &desk, spec, &manual, today));
    store.set_bulk_mode(false)?;
    store.set_clock(real);
    result?;
    Ok(supervisor)
}

/// Every month before last month was closed (月末结账) on the 2nd of the month after it;
/// last month is left for the person to close and export.
fn close_months(
    store: &mut Store,
    supervisor: &Actor,
    spec: &DemoSpec,
    clock: &ManualClock,
    today: NaiveDate,
) -> StoreResult<()> {
    let last_month = Period::month_of(today).previous();
    let mut month = Period::month_of(history_start(today, spec.months));
    while month < last_month {
        let next = month.next();
        at(
            clock,
            next.first_day().succ_opt().unwrap_or(next.first_day()),
            10,
            0,
        );
        store.close_month(supervisor, &month, "")?;
        month = next;
    }
    at(clock, today, 9, 0);
    Ok(())
}

/// The day the demo's history starts: `months` before `today`.
fn history_start(today: NaiveDate, months: u32) -> NaiveDate {
    today
        .checked_sub_months(chrono::Months::new(months.max(1)))
        .unwrap_or(today)
}

/// Sets the manual clock to a day at a time of day.
fn at(clock: &ManualClock, day: NaiveDate, hour: u32, minute: u32) {
    clock.set(day.and_hms_opt(hour, minute, 0).unwrap_or_default());
}

fn fill(
    store: &mut Store,
    actor: &Actor,
    spec: &DemoSpec,
    clock: &ManualClock,
    today: NaiveDate,
) -> StoreResult<()> {
    let mut rng = Rng::new(spec.seed);
    let history_days = u64::from(spec.months.max(1)) * 30;
    let handover_base = history_start(today, spec.months)
        .checked_sub_days(Days::new(365))
        .unwrap_or(today);
    // The archive was set up before the first hand-over; the rest happened since.
    at(
        clock,
        handover_base
            .checked_sub_days(Days::new(30))
            .unwrap_or(handover_base),
        10,
        0,
    );
    let mut created = Vec::new();
    for plan in plan_units(spec) {
        let roll = rng.below(100);
        let status = match (plan.kind, roll) {
            (_, 0..=4) => UnitStatus::NotHandedOver,
            (UnitKind::Parking, _) => UnitStatus::Occupied,
            (_, 5..=14) => UnitStatus::Vacant,
            (_, 15..=19) => UnitStatus::Decorating,
            (_, 20..=29) => UnitStatus::Rented,
            _ => UnitStatus::Occupied,
        };
        // Some units not handed over yet have not been surveyed: a gap in the archive.
        let area = if status == UnitStatus::NotHandedOver && rng.chance(40) {
            String::new()
        } else {
            plan.area
        };
        let unit_id = store.add_unit(
            actor,
            &UnitForm {
                building: plan.building,
                code: plan.code,
                kind: plan.kind,
                area,
                status: UnitStatus::NotHandedOver,
                note: String::new(),
            },
        )?;
        created.push((unit_id, status));
    }
    at(clock, today, 9, 0);
    for (unit_id, status) in created {
        if status == UnitStatus::NotHandedOver {
            continue;
        }
        let handed = handover_base
            .checked_add_days(Days::new(rng.below(300)))
            .unwrap_or(handover_base);
        populate(
            store,
            actor,
            &mut rng,
            unit_id,
            status,
            handed,
            today,
            history_days,
        )?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn populate(
    store: &mut Store,
    actor: &Actor,
    rng: &mut Rng,
    unit_id: i64,
    status: UnitStatus,
    handed: NaiveDate,
    today: NaiveDate,
    history_days: u64,
) -> StoreResult<()> {
    store.hand_over(actor, unit_id, handed, status)?;
    let owner = person(rng, true);
    let occ = store.add_occupant(actor, unit_id, OccupantRole::Owner, &owner, handed)?;
    let detail = store.unit_detail(unit_id)?;
    let owner_id = detail
        .occupants
        .iter()
        .find(|o| o.occupancy_id == occ)
        .map(|o| o.person_id);
    let kind = UnitKind::parse(&detail.unit.kind).unwrap_or(UnitKind::Residence);
    if kind == UnitKind::Residence
        && matches!(status, UnitStatus::Occupied | UnitStatus::Decorating)
    {
        // A household: the owner's family, three to five people in all.
        for _ in 0..2 + rng.below(3) {
            let mut member = person(rng, false);
            member.id_number = String::new();
            store.add_occupant(actor, unit_id, OccupantRole::CoResident, &member, handed)?;
        }
    }
    if status == UnitStatus::Rented {
        let lease = handed
            .checked_add_days(Days::new(rng.below(200)))
            .unwrap_or(handed)
            .min(today);
        for _ in 0..1 + rng.below(3) {
            store.add_occupant(
                actor,
                unit_id,
                OccupantRole::Tenant,
                &person(rng, true),
                lease,
            )?;
        }
    }
    if kind != UnitKind::Shop && status != UnitStatus::Vacant && rng.chance(45) {
        let space = format!("B1-{:03}", 1 + rng.below(600));
        let plate = plate(rng);
        // A clash with an earlier random plate is simply skipped.
        if store
            .add_vehicle(actor, unit_id, owner_id, &plate, &space)
            .is_ok()
            && rng.chance(70)
        {
            store.issue_card(
                actor,
                unit_id,
                owner_id,
                CardKind::CarCard,
                &format!("C{unit_id:05}"),
                handed,
            )?;
        }
    }
    if kind == UnitKind::Residence {
        store.issue_card(
            actor,
            unit_id,
            owner_id,
            CardKind::ResidentCard,
            &format!("R{unit_id:05}"),
            handed,
        )?;
        if rng.chance(60) {
            store.issue_card(
                actor,
                unit_id,
                None,
                CardKind::Intercom,
                &format!("D{unit_id:05}"),
                handed,
            )?;
        }
    }
    if rng.chance(8) {
        let when = today
            .checked_sub_days(Days::new(rng.below(history_days)))
            .unwrap_or(today)
            .max(handed);
        let text = *rng.pick(EVENTS);
        store.add_unit_event(actor, unit_id, when, "记事", text)?;
    }
    if rng.chance(2) {
        let when = today
            .checked_sub_days(Days::new(rng.below(history_days)))
            .unwrap_or(today)
            .max(handed);
        store.transfer_ownership(actor, unit_id, when, &person(rng, false), "二手房交易")?;
    }
    Ok(())
}

/// Opens the demo office at `path`, generating it first when there is none. It is made
/// under a temporary name and renamed when whole, so a demo cut short (the window closed
/// while it was being made) is never opened as if it were complete.
pub fn open_or_create(
    path: &std::path::Path,
    clock: crate::clock::SharedClock,
) -> StoreResult<Store> {
    if path.exists() {
        let store = Store::open(path, clock.clone())?;
        if store.office()?.is_some() {
            return Ok(store);
        }
    }
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = std::path::PathBuf::from(part);
    let cannot = |e: std::io::Error| crate::store::StoreError::CannotOpen {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut stale = part.as_os_str().to_owned();
        stale.push(suffix);
        match std::fs::remove_file(std::path::PathBuf::from(stale)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(cannot(e)),
            _ => {}
        }
    }
    {
        let mut store = Store::open(&part, clock.clone())?;
        generate(&mut store, &DemoSpec::default())?;
    }
    std::fs::rename(&part, path).map_err(cannot)?;
    Store::open(path, clock)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod open_tests {
    use super::*;
    use crate::clock::FixedClock;

    #[test]
    fn a_demo_cut_short_is_made_again_and_only_a_whole_one_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.sqlite");
        // What an earlier start left when the window was closed halfway.
        std::fs::write(dir.path().join("demo.sqlite.part"), b"half a demo").unwrap();
        let clock: crate::clock::SharedClock = Arc::new(FixedClock(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
                .unwrap()
                .and_hms_opt(9, 30, 0)
                .unwrap(),
        ));
        let store = open_or_create(&path, clock.clone()).unwrap();
        assert!(store.office().unwrap().is_some_and(|o| o.is_demo));
        assert_eq!(store.path(), Some(path.as_path()));
        assert!(!dir.path().join("demo.sqlite.part").exists());
        let units = store.unit_rows().unwrap().len();
        drop(store);
        // Opened again, it is the same office, not made twice.
        let again = open_or_create(&path, clock).unwrap();
        assert_eq!(again.unit_rows().unwrap().len(), units);
    }
}
