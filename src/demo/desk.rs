//! The demo's front desk: every day of the history a handful of visits and calls (scaled to
//! the estate), some of which become repair orders or complaints; repairs are dispatched,
//! completed, checked or called back and closed the same day; complaints are dispatched,
//! resolved, called back and closed. The last days leave work open for 今日待办: orders waiting
//! for a technician or a callback, a complaint past its due time, an unfinished reception item
//! from yesterday.

use super::{DemoSpec, Rng, at, history_start, mobile, name};
use crate::clock::{Clock, ManualClock};
use crate::store::{
    Actor, ComplaintForm, ReceptionForm, RepairCompletion, RepairForm, Store, StoreResult,
};
use chrono::{Days, NaiveDate, NaiveDateTime};

const REPAIRS: [(&str, &str); 7] = [
    ("水", "卫生间水龙头滴水"),
    ("电", "厨房插座没电"),
    ("门窗", "阳台推拉门卡住"),
    ("管道", "厨房下水管堵塞"),
    ("公共设施", "楼道感应灯不亮"),
    ("电梯", "电梯按钮失灵"),
    ("其他", "信报箱锁坏了"),
];
const PUBLIC_PLACES: [&str; 4] = ["大堂", "地下车库", "儿童游乐区", "东门岗亭"];
const COMPLAINTS: [(&str, &str); 6] = [
    ("保洁", "楼道垃圾没有及时清运"),
    ("绿化", "小区草坪长期没有修剪"),
    ("秩序", "外来车辆占用消防通道"),
    ("噪音", "楼上夜间装修噪音"),
    ("邻里", "邻居在楼道堆放杂物"),
    ("收费", "物业费账单有疑问"),
];
const ENQUIRIES: [(&str, &str, &str); 4] = [
    ("咨询", "咨询物业费缴纳方式", "已告知可在前台或线上缴纳"),
    ("办理业务", "办理门禁卡", "已登记，三日内领取"),
    ("求助", "钥匙锁在家里", "已联系开锁服务"),
    ("建议", "建议增加电动车充电桩", "已转工程部评估"),
];
const TECHNICIANS: [&str; 3] = ["赵师傅", "钱师傅", "孙师傅"];

fn now(clock: &ManualClock) -> NaiveDateTime {
    clock.now()
}

/// Fills in the desk's history. The clock is walked through it.
pub(super) fn fill_desk(
    store: &mut Store,
    desk: &Actor,
    spec: &DemoSpec,
    clock: &ManualClock,
    today: NaiveDate,
) -> StoreResult<()> {
    let mut rng = Rng::new(spec.seed.wrapping_add(71));
    let units: Vec<(String, String)> = store
        .unit_rows()?
        .into_iter()
        .filter(|u| u.kind == "住宅" && !u.owners.is_empty())
        .map(|u| {
            (
                u.code,
                u.owners.split('、').next().unwrap_or_default().to_string(),
            )
        })
        .collect();
    if units.is_empty() {
        return Ok(());
    }
    let scale = u64::try_from(spec.units / 1000).unwrap_or(1).max(1);
    let start = history_start(today, spec.months);
    let last = today.pred_opt().unwrap_or(today);
    let mut day = start;
    while day <= last {
        let recent = (last - day).num_days();
        desk_day(store, desk, clock, &mut rng, &units, scale, day, recent)?;
        match day.checked_add_days(Days::new(1)) {
            Some(next) => day = next,
            None => break,
        }
    }
    Ok(())
}

/// One day at the desk; `recent` is how many days before yesterday it is (0 = yesterday).
#[allow(clippy::too_many_arguments)]
fn desk_day(
    store: &mut Store,
    desk: &Actor,
    clock: &ManualClock,
    rng: &mut Rng,
    units: &[(String, String)],
    scale: u64,
    day: NaiveDate,
    recent: i64,
) -> StoreResult<()> {
    let visits = scale + rng.below(2 * scale + 1);
    let mut repairs = Vec::new();
    let mut complaints = Vec::new();
    for i in 0..visits {
        let minute = u32::try_from(i * 59 / visits.max(1)).unwrap_or(0);
        let hour = 9 + u32::try_from(rng.below(2)).unwrap_or(0);
        at(clock, day, hour, minute);
        let (code, owner) = rng.pick(units).clone();
        let phone = mobile(rng);
        let roll = rng.below(10);
        let (category, matter, result, finished) = match roll {
            0..=2 => {
                let (_, what) = rng.pick(&REPAIRS);
                ("报修", what.to_string(), String::new(), false)
            }
            3 => {
                let (_, what) = rng.pick(&COMPLAINTS);
                ("投诉", what.to_string(), String::new(), false)
            }
            _ => {
                let (c, m, r) = rng.pick(&ENQUIRIES);
                // Now and then one is left to finish later.
                let done = !rng.chance(8);
                (*c, m.to_string(), r.to_string(), done)
            }
        };
        let id = store.add_reception(
            desk,
            &ReceptionForm {
                at: now(clock),
                channel: if rng.chance(60) { "来电" } else { "来访" }.into(),
                unit_code: code.clone(),
                person: owner.clone(),
                phone: phone.clone(),
                category: category.into(),
                matter: matter.clone(),
                result,
                finished,
            },
        )?;
        match category {
            "报修" => {
                let (cat, _) = REPAIRS
                    .iter()
                    .find(|(_, m)| *m == matter)
                    .copied()
                    .unwrap_or(REPAIRS[0]);
                let order = store.add_repair_order(
                    desk,
                    &RepairForm {
                        public: false,
                        unit_code: code,
                        place: String::new(),
                        reporter: owner,
                        phone,
                        category: cat.into(),
                        description: matter,
                        reported_at: now(clock),
                        from_reception: Some(id),
                    },
                )?;
                repairs.push(order);
            }
            "投诉" => {
                let (cat, _) = COMPLAINTS
                    .iter()
                    .find(|(_, m)| *m == matter)
                    .copied()
                    .unwrap_or(COMPLAINTS[0]);
                let c = store.add_complaint(
                    desk,
                    &ComplaintForm {
                        unit_code: code,
                        person: owner,
                        phone,
                        category: cat.into(),
                        content: matter,
                        received_at: now(clock),
                        serious: false,
                        from_reception: Some(id),
                    },
                )?;
                complaints.push(c);
            }
            _ if !finished && recent > 0 => {
                at(clock, day, 17, 40);
                store.finish_reception(desk, id, "已办结")?;
            }
            _ => {}
        }
    }
    // A public repair from the morning walk every few days.
    if rng.chance(40) {
        at(clock, day, 8, 30);
        let (cat, what) = *rng.pick(&REPAIRS);
        let order = store.add_repair_order(
            desk,
            &RepairForm {
                public: true,
                unit_code: String::new(),
                place: format!("{}栋{}", 1 + rng.below(20), rng.pick(&PUBLIC_PLACES)),
                reporter: "巡查客服".into(),
                phone: "13800000000".into(),
                category: cat.into(),
                description: what.into(),
                reported_at: now(clock),
                from_reception: None,
            },
        )?;
        repairs.push(order);
    }
    for (i, order) in repairs.into_iter().enumerate() {
        let minute = u32::try_from(i % 50).unwrap_or(0);
        // Yesterday's last orders wait for a technician; the others of yesterday for a callback.
        if recent == 0 && i % 3 == 0 {
            continue;
        }
        at(clock, day, 13, minute);
        let technician = *rng.pick(&TECHNICIANS);
        store.dispatch_repair(desk, order, technician, "")?;
        at(clock, day, 15, minute);
        store.complete_repair(
            desk,
            order,
            &RepairCompletion {
                at: now(clock),
                materials: String::new(),
                charge: String::new(),
            },
        )?;
        if recent <= 1 {
            continue;
        }
        at(clock, day, 17, minute);
        let public = store.repair_order(order)?.is_public();
        if public {
            store.check_repair(desk, order, "验收合格")?;
        } else {
            let satisfaction = i64::try_from(3 + rng.below(3)).unwrap_or(5);
            store.callback_repair(desk, order, day, "已修好", satisfaction)?;
        }
        store.close_repair(desk, order, "")?;
    }
    for (i, c) in complaints.into_iter().enumerate() {
        let minute = u32::try_from(i % 50).unwrap_or(0);
        // A few days ago one was never dispatched: it is overdue now.
        if recent == 3 && i == 0 {
            continue;
        }
        at(clock, day, 13, 30 + minute % 30);
        let handler = name(rng);
        store.dispatch_complaint(desk, c, "客服", &handler)?;
        if recent == 0 {
            continue;
        }
        at(clock, day, 16, minute);
        store.resolve_complaint(desk, c, "已处理并告知业主")?;
        at(clock, day, 17, 10 + minute % 40);
        let satisfaction = i64::try_from(3 + rng.below(3)).unwrap_or(5);
        store.callback_complaint(desk, c, day, "业主认可处理结果", satisfaction)?;
        store.close_complaint(desk, c, "")?;
    }
    Ok(())
}
