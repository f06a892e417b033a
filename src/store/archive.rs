//! The owner archives (业户档案): buildings, units, people, vehicles, cards and the
//! per-unit event log. Every change is stamped and audited; nothing is overwritten without
//! a trace: ownership ends and starts, vehicles and cards are ended or returned.

use super::audit::{self, Change};
use super::{Actor, Store, StoreError, StoreResult, date_str};
use crate::domain::forms::{FieldErrors, PersonForm, UnitForm, ValidPerson, check_plate};
use crate::domain::kinds::{CardKind, OccupantRole, UnitStatus};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

pub use super::archive_read::{
    ArchiveExportRows, CardRow, EventRow, GapRow, OccupantRow, UnitDetail, UnitRow, VehicleRow,
};
pub use super::roster_import::ImportReport;

/// Turns the first field error of a form into a store error.
pub(crate) fn first_invalid(errors: &FieldErrors) -> StoreError {
    errors.first().map_or_else(
        || StoreError::invalid("表单", "内容不完整"),
        |(field, reason)| StoreError::invalid(field, reason),
    )
}

/// Finds or creates a building by name, inside the caller's transaction.
pub(crate) fn building_id(
    conn: &Connection,
    actor: &Actor,
    now: &str,
    name: &str,
) -> StoreResult<i64> {
    if let Some(id) = conn
        .query_row(
            "SELECT id FROM building WHERE name = ?1",
            params![name],
            |r| r.get(0),
        )
        .optional()?
    {
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO building (name, created_at, created_by) VALUES (?1, ?2, ?3)",
        params![name, now, actor.id],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(
        conn,
        Some(actor),
        now,
        &Change {
            area: "档案",
            action: "新增楼栋",
            entity: "building",
            entity_id: id,
            before: None,
            after: Some(json!({ "name": name })),
        },
    )?;
    Ok(id)
}

/// Appends an entry to a unit's 大事记, inside the caller's transaction.
pub(crate) fn add_event(
    conn: &Connection,
    actor: &Actor,
    now: &str,
    unit_id: i64,
    date: &str,
    kind: &str,
    text: &str,
) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO unit_event (unit_id, event_date, kind, text, operator_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![unit_id, date, kind, text, actor.id, now],
    )?;
    Ok(())
}

/// Inserts a checked person, inside the caller's transaction; returns the id.
pub(crate) fn insert_person(
    conn: &Connection,
    actor: &Actor,
    now: &str,
    p: &ValidPerson,
) -> StoreResult<i64> {
    conn.execute(
        "INSERT INTO person (name, phone, id_number, note, created_at, created_by, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6)",
        params![p.name, p.phone, p.id_number, p.note, now, actor.id],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Inserts an occupancy, inside the caller's transaction; returns the id.
pub(crate) fn insert_occupancy(
    conn: &Connection,
    actor: &Actor,
    now: &str,
    unit_id: i64,
    person_id: i64,
    role: OccupantRole,
    start: &str,
) -> StoreResult<i64> {
    conn.execute(
        "INSERT INTO occupancy (unit_id, person_id, role, start_date, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![unit_id, person_id, role.as_str(), start, now, actor.id],
    )?;
    Ok(conn.last_insert_rowid())
}

/// A checked plate to register on a unit.
pub(crate) struct NewVehicle<'a> {
    pub unit_id: i64,
    pub person_id: Option<i64>,
    pub plate: &'a str,
    pub space: &'a str,
    pub start: &'a str,
}

/// Registers a checked plate on a unit, inside the caller's transaction.
pub(crate) fn insert_vehicle(
    conn: &Connection,
    actor: &Actor,
    now: &str,
    vehicle: &NewVehicle<'_>,
) -> StoreResult<i64> {
    let NewVehicle {
        unit_id,
        person_id,
        plate,
        space,
        start,
    } = *vehicle;
    let holder: Option<String> = conn
        .query_row(
            "SELECT u.code FROM vehicle v JOIN unit u ON u.id = v.unit_id
             WHERE v.plate = ?1 AND v.end_date IS NULL",
            params![plate],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(code) = holder {
        return Err(StoreError::invalid(
            "车牌",
            format!("车牌 {plate} 已登记在 {code}"),
        ));
    }
    conn.execute(
        "INSERT INTO vehicle (unit_id, person_id, plate, space, start_date, created_at, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            unit_id,
            person_id,
            plate,
            space.trim(),
            start,
            now,
            actor.id
        ],
    )?;
    let id = conn.last_insert_rowid();
    audit::record(
        conn,
        Some(actor),
        now,
        &Change {
            area: "档案",
            action: "登记车辆",
            entity: "vehicle",
            entity_id: id,
            before: None,
            after: Some(json!({"unit_id": unit_id, "plate": plate, "space": space.trim()})),
        },
    )?;
    Ok(id)
}

fn person_json(p: &ValidPerson) -> Value {
    json!({"name": p.name, "phone": p.phone, "id_number": p.id_number, "note": p.note})
}

/// The unit's code, or NotFound.
fn unit_code(conn: &Connection, unit_id: i64) -> StoreResult<String> {
    conn.query_row(
        "SELECT code FROM unit WHERE id = ?1",
        params![unit_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound("没有这个房号".into()))
}

/// Refuses a date later than today for something that has already happened.
fn not_future(field: &'static str, date: NaiveDate, today: NaiveDate) -> StoreResult<String> {
    if date > today {
        Err(StoreError::invalid(field, "日期不能晚于今天"))
    } else {
        Ok(date_str(date))
    }
}

impl Store {
    /// Adds a building (楼栋). Names are unique.
    pub fn add_building(&mut self, actor: &Actor, name: &str) -> StoreResult<i64> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid("楼栋", "请填写楼栋名称"));
        }
        if name.chars().count() > 20 {
            return Err(StoreError::invalid("楼栋", "楼栋名称最多20个字"));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        let exists: i64 = tx.query_row(
            "SELECT count(*) FROM building WHERE name = ?1",
            params![name],
            |r| r.get(0),
        )?;
        if exists > 0 {
            return Err(StoreError::invalid("楼栋", format!("已有楼栋 {name}")));
        }
        let id = building_id(&tx, actor, &now, name)?;
        tx.commit()?;
        Ok(id)
    }

    /// Building names in walking order.
    pub fn buildings(&self) -> StoreResult<Vec<String>> {
        let mut stmt = self.conn.prepare_cached("SELECT name FROM building")?;
        let mut names = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        names.sort_by_cached_key(|n| crate::domain::unit_code::walk_key(n));
        Ok(names)
    }

    /// Adds a unit. The code must be unique; the building is created if new.
    pub fn add_unit(&mut self, actor: &Actor, form: &UnitForm) -> StoreResult<i64> {
        let unit = form.check().map_err(|e| first_invalid(&e))?;
        let now = self.now_stamp();
        let today = date_str(self.today());
        let tx = self.begin()?;
        if let Some(existing) = tx
            .query_row(
                "SELECT code FROM unit WHERE code = ?1",
                params![unit.code],
                |r| r.get::<_, String>(0),
            )
            .optional()?
        {
            return Err(StoreError::invalid(
                "房号",
                format!("房号 {existing} 已存在"),
            ));
        }
        let building = building_id(&tx, actor, &now, &unit.building)?;
        tx.execute(
            "INSERT INTO unit (building_id, code, kind, area_centi_m2, status, note, created_at, created_by, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)",
            params![building, unit.code, unit.kind.as_str(), unit.area_centi_m2, unit.status.as_str(), unit.note, now, actor.id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "档案",
                action: "新增房屋",
                entity: "unit",
                entity_id: id,
                before: None,
                after: Some(
                    json!({"building": unit.building, "code": unit.code, "kind": unit.kind.as_str(),
                    "area_centi_m2": unit.area_centi_m2, "status": unit.status.as_str(), "note": unit.note}),
                ),
            },
        )?;
        add_event(&tx, actor, &now, id, &today, "建档", "建立房屋档案")?;
        tx.commit()?;
        Ok(id)
    }

    /// Changes a unit's fields. A status change is written to the unit's 大事记 (交房,
    /// 装修开始/结束 …); the values before and after go to the audit log.
    pub fn update_unit(&mut self, actor: &Actor, unit_id: i64, form: &UnitForm) -> StoreResult<()> {
        let unit = form.check().map_err(|e| first_invalid(&e))?;
        let now = self.now_stamp();
        let today = date_str(self.today());
        let tx = self.begin()?;
        let before = tx
            .query_row(
                "SELECT b.name, u.code, u.kind, u.area_centi_m2, u.status, u.note
                 FROM unit u JOIN building b ON b.id = u.building_id WHERE u.id = ?1",
                params![unit_id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这个房号".into()))?;
        let clash: Option<i64> = tx
            .query_row(
                "SELECT id FROM unit WHERE code = ?1 AND id <> ?2",
                params![unit.code, unit_id],
                |r| r.get(0),
            )
            .optional()?;
        if clash.is_some() {
            return Err(StoreError::invalid(
                "房号",
                format!("房号 {} 已存在", unit.code),
            ));
        }
        let building = building_id(&tx, actor, &now, &unit.building)?;
        tx.execute(
            "UPDATE unit SET building_id = ?1, code = ?2, kind = ?3, area_centi_m2 = ?4, status = ?5, note = ?6,
                    updated_at = ?7, updated_by = ?8 WHERE id = ?9",
            params![building, unit.code, unit.kind.as_str(), unit.area_centi_m2, unit.status.as_str(), unit.note, now, actor.id, unit_id],
        )?;
        let old_status = before.4.clone();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "档案",
                action: "修改房屋",
                entity: "unit",
                entity_id: unit_id,
                before: Some(
                    json!({"building": before.0, "code": before.1, "kind": before.2,
                    "area_centi_m2": before.3, "status": before.4, "note": before.5}),
                ),
                after: Some(
                    json!({"building": unit.building, "code": unit.code, "kind": unit.kind.as_str(),
                    "area_centi_m2": unit.area_centi_m2, "status": unit.status.as_str(), "note": unit.note}),
                ),
            },
        )?;
        if old_status != unit.status.as_str() {
            let (kind, text) = status_event(&old_status, unit.status);
            add_event(&tx, actor, &now, unit_id, &today, kind, &text)?;
        }
        if before.1 != unit.code {
            add_event(
                &tx,
                actor,
                &now,
                unit_id,
                &today,
                "改房号",
                &format!("房号由 {} 改为 {}", before.1, unit.code),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// 交房: hands a unit over on `date`, leaving status 未交房 for `status`.
    pub fn hand_over(
        &mut self,
        actor: &Actor,
        unit_id: i64,
        date: NaiveDate,
        status: UnitStatus,
    ) -> StoreResult<()> {
        let when = not_future("交房日期", date, self.today())?;
        if status == UnitStatus::NotHandedOver {
            return Err(StoreError::invalid("状态", "交房后的状态不能是未交房"));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        let old: String = tx
            .query_row(
                "SELECT status FROM unit WHERE id = ?1",
                params![unit_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这个房号".into()))?;
        if old != UnitStatus::NotHandedOver.as_str() {
            return Err(StoreError::Conflict(format!(
                "这个房屋已经交房（现在是{old}）"
            )));
        }
        tx.execute(
            "UPDATE unit SET status = ?1, updated_at = ?2, updated_by = ?3 WHERE id = ?4",
            params![status.as_str(), now, actor.id, unit_id],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "档案",
                action: "交房",
                entity: "unit",
                entity_id: unit_id,
                before: Some(json!({"status": old})),
                after: Some(json!({"status": status.as_str(), "date": when})),
            },
        )?;
        add_event(
            &tx,
            actor,
            &now,
            unit_id,
            &when,
            "交房",
            &format!("交房，状态改为{status}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Adds a person to a unit as owner, co-resident or tenant from `start`.
    pub fn add_occupant(
        &mut self,
        actor: &Actor,
        unit_id: i64,
        role: OccupantRole,
        person: &PersonForm,
        start: NaiveDate,
    ) -> StoreResult<i64> {
        let p = person.check().map_err(|e| first_invalid(&e))?;
        let start = not_future("起始日期", start, self.today())?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let code = unit_code(&tx, unit_id)?;
        let person_id = insert_person(&tx, actor, &now, &p)?;
        let occ = insert_occupancy(&tx, actor, &now, unit_id, person_id, role, &start)?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "档案",
                action: "登记住户",
                entity: "person",
                entity_id: person_id,
                before: None,
                after: Some(
                    json!({"unit": code, "role": role.as_str(), "start": start, "person": person_json(&p)}),
                ),
            },
        )?;
        let kind = match role {
            OccupantRole::Owner => "业主登记",
            OccupantRole::CoResident => "住户迁入",
            OccupantRole::Tenant => "租户入住",
        };
        add_event(
            &tx,
            actor,
            &now,
            unit_id,
            &start,
            kind,
            &format!("{} {}", role.as_str(), p.name),
        )?;
        tx.commit()?;
        Ok(occ)
    }

    /// Changes a person's name, phone, ID or note. The old values stay in the audit log.
    pub fn update_person(
        &mut self,
        actor: &Actor,
        person_id: i64,
        form: &PersonForm,
    ) -> StoreResult<()> {
        let p = form.check().map_err(|e| first_invalid(&e))?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let before = tx
            .query_row(
                "SELECT name, phone, id_number, note FROM person WHERE id = ?1",
                params![person_id],
                |r| {
                    Ok(ValidPerson {
                        name: r.get(0)?,
                        phone: r.get(1)?,
                        id_number: r.get(2)?,
                        note: r.get(3)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这个人".into()))?;
        tx.execute(
            "UPDATE person SET name = ?1, phone = ?2, id_number = ?3, note = ?4, updated_at = ?5, updated_by = ?6 WHERE id = ?7",
            params![p.name, p.phone, p.id_number, p.note, now, actor.id, person_id],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "档案",
                action: "修改住户信息",
                entity: "person",
                entity_id: person_id,
                before: Some(person_json(&before)),
                after: Some(person_json(&p)),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Ends a co-resident's or tenant's stay (迁出/退租). Owners change only by transfer.
    pub fn end_occupancy(
        &mut self,
        actor: &Actor,
        occupancy_id: i64,
        date: NaiveDate,
        reason: &str,
    ) -> StoreResult<()> {
        let end = not_future("迁出日期", date, self.today())?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let (unit_id, role, start, name, ended): (i64, String, String, String, Option<String>) = tx
            .query_row(
                "SELECT o.unit_id, o.role, o.start_date, p.name, o.end_date FROM occupancy o
                 JOIN person p ON p.id = o.person_id WHERE o.id = ?1",
                params![occupancy_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这条住户记录".into()))?;
        if ended.is_some() {
            return Err(StoreError::Conflict(format!("{name} 已经迁出")));
        }
        if role == OccupantRole::Owner.as_str() {
            return Err(StoreError::Conflict("业主变更请用「过户」".into()));
        }
        if end < start {
            return Err(StoreError::invalid(
                "迁出日期",
                format!("迁出日期不能早于入住日期 {start}"),
            ));
        }
        let reason = if reason.trim().is_empty() {
            if role == OccupantRole::Tenant.as_str() {
                "退租"
            } else {
                "迁出"
            }
        } else {
            reason.trim()
        };
        tx.execute(
            "UPDATE occupancy SET end_date = ?1, end_reason = ?2, ended_at = ?3, ended_by = ?4 WHERE id = ?5",
            params![end, reason, now, actor.id, occupancy_id],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "档案",
                action: "住户迁出",
                entity: "occupancy",
                entity_id: occupancy_id,
                before: Some(json!({"end_date": null})),
                after: Some(json!({"end_date": end, "reason": reason})),
            },
        )?;
        add_event(
            &tx,
            actor,
            &now,
            unit_id,
            &end,
            reason,
            &format!("{role} {name} {reason}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// 过户: ends the current ownership (and the old owner's co-residents and vehicles) on
    /// `date` and starts the new owner's. The history stays on the unit.
    pub fn transfer_ownership(
        &mut self,
        actor: &Actor,
        unit_id: i64,
        date: NaiveDate,
        new_owner: &PersonForm,
        note: &str,
    ) -> StoreResult<()> {
        let p = new_owner.check().map_err(|e| first_invalid(&e))?;
        let when = not_future("过户日期", date, self.today())?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let code = unit_code(&tx, unit_id)?;
        let current: Vec<(i64, i64, String, String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT o.id, o.person_id, o.role, o.start_date, p.name FROM occupancy o JOIN person p ON p.id = o.person_id
                 WHERE o.unit_id = ?1 AND o.end_date IS NULL AND o.role IN ('业主', '同住')",
            )?;
            stmt.query_map(params![unit_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?
        };
        if let Some((_, _, _, start, _)) = current.iter().find(|c| c.3 > when) {
            return Err(StoreError::invalid(
                "过户日期",
                format!("过户日期不能早于现有住户的起始日期 {start}"),
            ));
        }
        let old_owners: Vec<&str> = current
            .iter()
            .filter(|c| c.2 == OccupantRole::Owner.as_str())
            .map(|c| c.4.as_str())
            .collect();
        let old_owner_text = if old_owners.is_empty() {
            "（无）".to_string()
        } else {
            old_owners.join("、")
        };
        for (occ_id, _, _, _, _) in &current {
            tx.execute(
                "UPDATE occupancy SET end_date = ?1, end_reason = '过户', ended_at = ?2, ended_by = ?3 WHERE id = ?4",
                params![when, now, actor.id, occ_id],
            )?;
        }
        let old_people: Vec<i64> = current.iter().map(|c| c.1).collect();
        let mut ended_plates = Vec::new();
        for person_id in &old_people {
            let mut stmt = tx.prepare(
                "SELECT id, plate FROM vehicle WHERE unit_id = ?1 AND person_id = ?2 AND end_date IS NULL",
            )?;
            let vehicles: Vec<(i64, String)> = stmt
                .query_map(params![unit_id, person_id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            for (vid, plate) in vehicles {
                tx.execute(
                    "UPDATE vehicle SET end_date = ?1, ended_at = ?2, ended_by = ?3 WHERE id = ?4",
                    params![when, now, actor.id, vid],
                )?;
                ended_plates.push(plate);
            }
        }
        let new_id = insert_person(&tx, actor, &now, &p)?;
        insert_occupancy(
            &tx,
            actor,
            &now,
            unit_id,
            new_id,
            OccupantRole::Owner,
            &when,
        )?;
        let unreturned: i64 = tx.query_row(
            "SELECT count(*) FROM card WHERE unit_id = ?1 AND returned_on IS NULL",
            params![unit_id],
            |r| r.get(0),
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "档案",
                action: "过户",
                entity: "unit",
                entity_id: unit_id,
                before: Some(
                    json!({"owners": old_owners, "ended_occupancies": current.iter().map(|c| c.0).collect::<Vec<_>>(), "ended_plates": ended_plates}),
                ),
                after: Some(
                    json!({"date": when, "new_owner": person_json(&p), "note": note.trim()}),
                ),
            },
        )?;
        let mut text = format!("过户：{old_owner_text} → {}", p.name);
        if !note.trim().is_empty() {
            text.push_str(&format!("（{}）", note.trim()));
        }
        if unreturned > 0 {
            text.push_str(&format!("；尚有{unreturned}张卡/对讲机未退"));
        }
        add_event(&tx, actor, &now, unit_id, &when, "过户", &text)?;
        tracing::info!("transfer of {code} to new owner recorded");
        tx.commit()?;
        Ok(())
    }

    /// Registers a vehicle on a unit.
    pub fn add_vehicle(
        &mut self,
        actor: &Actor,
        unit_id: i64,
        person_id: Option<i64>,
        plate: &str,
        space: &str,
    ) -> StoreResult<i64> {
        let plate = check_plate(plate).map_err(|e| StoreError::invalid("车牌", e))?;
        let now = self.now_stamp();
        let today = date_str(self.today());
        let tx = self.begin()?;
        unit_code(&tx, unit_id)?;
        let id = insert_vehicle(
            &tx,
            actor,
            &now,
            &NewVehicle {
                unit_id,
                person_id,
                plate: &plate,
                space,
                start: &today,
            },
        )?;
        add_event(
            &tx,
            actor,
            &now,
            unit_id,
            &today,
            "车辆登记",
            &format!("登记车辆 {plate}"),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Ends a vehicle's registration (the record stays).
    pub fn end_vehicle(
        &mut self,
        actor: &Actor,
        vehicle_id: i64,
        date: NaiveDate,
    ) -> StoreResult<()> {
        let end = not_future("注销日期", date, self.today())?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let (unit_id, plate, start, ended): (i64, String, String, Option<String>) = tx
            .query_row(
                "SELECT unit_id, plate, start_date, end_date FROM vehicle WHERE id = ?1",
                params![vehicle_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这辆车的登记".into()))?;
        if ended.is_some() {
            return Err(StoreError::Conflict(format!("{plate} 已经注销")));
        }
        if end < start {
            return Err(StoreError::invalid(
                "注销日期",
                format!("不能早于登记日期 {start}"),
            ));
        }
        tx.execute(
            "UPDATE vehicle SET end_date = ?1, ended_at = ?2, ended_by = ?3 WHERE id = ?4",
            params![end, now, actor.id, vehicle_id],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "档案",
                action: "注销车辆",
                entity: "vehicle",
                entity_id: vehicle_id,
                before: Some(json!({"plate": plate, "end_date": null})),
                after: Some(json!({"plate": plate, "end_date": end})),
            },
        )?;
        add_event(
            &tx,
            actor,
            &now,
            unit_id,
            &end,
            "车辆注销",
            &format!("注销车辆 {plate}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Issues a card or intercom handset to a unit.
    pub fn issue_card(
        &mut self,
        actor: &Actor,
        unit_id: i64,
        person_id: Option<i64>,
        kind: CardKind,
        card_no: &str,
        date: NaiveDate,
    ) -> StoreResult<i64> {
        let issued = not_future("发放日期", date, self.today())?;
        let card_no = card_no.trim();
        if card_no.chars().count() > 30 {
            return Err(StoreError::invalid("卡号", "卡号最多30个字"));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        unit_code(&tx, unit_id)?;
        if !card_no.is_empty() {
            let clash: Option<String> = tx
                .query_row(
                    "SELECT u.code FROM card c JOIN unit u ON u.id = c.unit_id
                     WHERE c.kind = ?1 AND c.card_no = ?2 AND c.returned_on IS NULL",
                    params![kind.as_str(), card_no],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(code) = clash {
                return Err(StoreError::invalid(
                    "卡号",
                    format!("{} {card_no} 已发给 {code}", kind.as_str()),
                ));
            }
        }
        tx.execute(
            "INSERT INTO card (unit_id, person_id, kind, card_no, issued_on, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![unit_id, person_id, kind.as_str(), card_no, issued, now, actor.id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "档案",
                action: "发卡",
                entity: "card",
                entity_id: id,
                before: None,
                after: Some(
                    json!({"unit_id": unit_id, "kind": kind.as_str(), "card_no": card_no, "issued_on": issued}),
                ),
            },
        )?;
        add_event(
            &tx,
            actor,
            &now,
            unit_id,
            &issued,
            "发卡",
            &format!("发放{} {card_no}", kind.as_str()),
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Records a card or handset handed back.
    pub fn return_card(&mut self, actor: &Actor, card_id: i64, date: NaiveDate) -> StoreResult<()> {
        let returned = not_future("退还日期", date, self.today())?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let (unit_id, kind, card_no, issued, back): (i64, String, String, String, Option<String>) =
            tx.query_row(
                "SELECT unit_id, kind, card_no, issued_on, returned_on FROM card WHERE id = ?1",
                params![card_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这张卡的记录".into()))?;
        if back.is_some() {
            return Err(StoreError::Conflict(format!("{kind} {card_no} 已经退还")));
        }
        if returned < issued {
            return Err(StoreError::invalid(
                "退还日期",
                format!("不能早于发放日期 {issued}"),
            ));
        }
        tx.execute(
            "UPDATE card SET returned_on = ?1, returned_by = ?2 WHERE id = ?3",
            params![returned, actor.id, card_id],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "档案",
                action: "退卡",
                entity: "card",
                entity_id: card_id,
                before: Some(json!({"returned_on": null})),
                after: Some(json!({"returned_on": returned})),
            },
        )?;
        add_event(
            &tx,
            actor,
            &now,
            unit_id,
            &returned,
            "退卡",
            &format!("退还{kind} {card_no}"),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Adds an entry to a unit's 大事记 by hand (漏水, 纠纷 …).
    pub fn add_unit_event(
        &mut self,
        actor: &Actor,
        unit_id: i64,
        date: NaiveDate,
        kind: &str,
        text: &str,
    ) -> StoreResult<()> {
        let date = not_future("日期", date, self.today())?;
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::invalid("事件", "请填写发生了什么"));
        }
        let kind = if kind.trim().is_empty() {
            "记事"
        } else {
            kind.trim()
        };
        let now = self.now_stamp();
        let tx = self.begin()?;
        unit_code(&tx, unit_id)?;
        add_event(&tx, actor, &now, unit_id, &date, kind, text)?;
        tx.commit()?;
        Ok(())
    }
}

/// The 大事记 entry for a status change.
fn status_event(old: &str, new: UnitStatus) -> (&'static str, String) {
    let old_status = UnitStatus::parse(old);
    match (old_status, new) {
        (Some(UnitStatus::NotHandedOver), _) => ("交房", format!("交房，状态改为{new}")),
        (_, UnitStatus::Decorating) => ("装修开始", "开始装修".to_string()),
        (Some(UnitStatus::Decorating), _) => ("装修结束", format!("装修结束，状态改为{new}")),
        _ => ("状态变更", format!("状态：{old} → {new}")),
    }
}
