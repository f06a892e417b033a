//! Shared helpers for the integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![allow(dead_code)]

pub mod ui;

use chrono::{NaiveDate, NaiveDateTime};
use std::sync::Arc;
use wuye_desk::clock::{FixedClock, SharedClock};
use wuye_desk::store::{Actor, NewOperator, Office, Store};

/// 2026-11-27 09:30, the day these tests live on.
pub fn clock() -> SharedClock {
    Arc::new(FixedClock(at("2026-11-27 09:30:00")))
}

pub fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn office() -> Office {
    Office {
        name: "测试小区物业服务中心".into(),
        address: "测试路1号".into(),
        phone: "0755-86001234".into(),
        is_demo: false,
    }
}

/// The first supervisor of the test offices (zhuguan / secret1).
pub fn supervisor() -> NewOperator {
    NewOperator {
        login: "zhuguan".into(),
        name: "王主管".into(),
        role: None,
        password: "secret1".into(),
    }
}

/// An office in a file at `path`, set up with [`supervisor`].
pub fn office_file(path: &std::path::Path) -> (Store, Actor) {
    let mut store = Store::open(path, clock()).unwrap();
    let actor = store.setup_office(&office(), &supervisor()).unwrap();
    (store, actor)
}

/// A fresh in-memory office with a supervisor (zhuguan / secret1).
pub fn store() -> (Store, Actor) {
    let mut store = Store::open_in_memory(clock()).unwrap();
    let actor = store
        .setup_office(
            &office(),
            &NewOperator {
                login: "zhuguan".into(),
                name: "王主管".into(),
                role: None,
                password: "secret1".into(),
            },
        )
        .unwrap();
    (store, actor)
}

/// A valid ID number built from the first 17 digits.
pub fn id(first17: &str) -> String {
    let c = wuye_desk::domain::idcard::id_check_digit(first17).unwrap();
    format!("{first17}{c}")
}

/// The fee tests' unit: 3栋2单元1502, 89.50 m², handed over 2025-01-01 to its owner 张三丰
/// (13800138000), and a 物业费 item of 2.35 per m² per month for flats. Returns the unit id.
pub fn fee_unit(s: &mut Store, boss: &Actor) -> i64 {
    use wuye_desk::domain::forms::{PersonForm, UnitForm};
    use wuye_desk::domain::kinds::{FeeKind, OccupantRole, UnitKind, UnitStatus};
    use wuye_desk::store::FeeItemForm;
    let unit = UnitForm {
        code: "3栋2单元1502".into(),
        area: "89.50".into(),
        ..UnitForm::default()
    };
    let u = s.add_unit(boss, &unit).unwrap();
    s.hand_over(boss, u, day("2025-01-01"), UnitStatus::Occupied)
        .unwrap();
    let owner = PersonForm {
        name: "张三丰".into(),
        phone: "13800138000".into(),
        ..PersonForm::default()
    };
    s.add_occupant(boss, u, OccupantRole::Owner, &owner, day("2025-01-01"))
        .unwrap();
    let fee = FeeItemForm {
        name: "物业费".into(),
        kind: FeeKind::ByArea,
        price: "2.35".into(),
        unit_kinds: vec![UnitKind::Residence],
        ..FeeItemForm::default()
    };
    s.add_fee_item(boss, &fee).unwrap();
    u
}

/// A genuine file of an older schema `version` (its sections only, as that version wrote
/// them) holding the test office and its supervisor (zhuguan / secret1).
pub fn office_file_at_version(path: &std::path::Path, version: i64) {
    let latest = path.with_extension("latest.sqlite");
    drop(office_file(&latest));
    let conn = rusqlite::Connection::open(path).unwrap();
    for (v, sql) in wuye_desk::store::schema_versions() {
        if v <= version {
            conn.execute_batch(sql).unwrap();
        }
    }
    conn.execute(
        "ATTACH DATABASE ?1 AS latest",
        [latest.to_string_lossy().as_ref()],
    )
    .unwrap();
    conn.execute_batch(&format!(
        "INSERT INTO office SELECT * FROM latest.office;
         INSERT INTO operator SELECT * FROM latest.operator;
         DETACH DATABASE latest;
         PRAGMA application_id = {}; PRAGMA user_version = {version};",
        wuye_desk::store::APPLICATION_ID
    ))
    .unwrap();
}

/// Adds the front-desk operator of the test offices (kefu / 123456, 李客服) and logs them in.
pub fn front_desk(s: &mut Store, boss: &Actor) -> Actor {
    s.create_operator(
        boss,
        &NewOperator {
            login: "kefu".into(),
            name: "李客服".into(),
            role: Some(wuye_desk::domain::kinds::Role::FrontDesk),
            password: "123456".into(),
        },
    )
    .unwrap();
    s.login("kefu", "123456").unwrap()
}
