//! Importing an owner roster (业主花名册): the rows that passed the file checks are checked
//! against the archive, then written together in one transaction.

use super::archive::{
    NewVehicle, add_event, building_id, insert_occupancy, insert_person, insert_vehicle,
};
use super::audit::{self, Change};
use super::{Actor, Store, StoreError, StoreResult, date_str};
use crate::domain::forms::ValidPerson;
use crate::domain::kinds::{OccupantRole, UnitKind, UnitStatus};
use crate::domain::roster::{RosterCheck, RosterRow};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use std::collections::HashSet;

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Units created.
    pub units_added: usize,
    /// Owners registered.
    pub owners_added: usize,
    /// Vehicles registered.
    pub vehicles_added: usize,
}

/// Why a roster row cannot go into this archive, if it cannot.
fn archive_clash(
    conn: &Connection,
    row: &RosterRow,
    plates_seen: &mut HashSet<String>,
) -> StoreResult<Option<String>> {
    let owner: Option<(i64, String)> = conn
        .query_row(
            "SELECT u.id, coalesce((SELECT group_concat(p.name, '、') FROM occupancy o JOIN person p ON p.id = o.person_id
                     WHERE o.unit_id = u.id AND o.role = '业主' AND o.end_date IS NULL), '')
             FROM unit u WHERE u.code = ?1",
            params![row.unit_code],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((_, owners)) = owner
        && !owners.is_empty()
    {
        return Ok(Some(format!(
            "房号 {} 已在档案中（业主 {owners}），更换业主请用过户",
            row.unit_code
        )));
    }
    for plate in &row.plates {
        if !plates_seen.insert(plate.clone()) {
            return Ok(Some(format!("车牌 {plate} 在文件中重复")));
        }
        let holder: Option<String> = conn
            .query_row(
                "SELECT u.code FROM vehicle v JOIN unit u ON u.id = v.unit_id WHERE v.plate = ?1 AND v.end_date IS NULL",
                params![plate],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(code) = holder {
            return Ok(Some(format!("车牌 {plate} 已登记在 {code}")));
        }
    }
    Ok(None)
}

impl Store {
    /// Adds the archive's reasons to rows that passed the file checks (unit already has an
    /// owner, plate already registered …). Rows already bad keep their reasons.
    pub fn check_roster_against_archive(&self, checks: &mut [RosterCheck]) -> StoreResult<()> {
        let mut plates = HashSet::new();
        for check in checks.iter_mut() {
            if let Ok(row) = &check.result
                && let Some(reason) = archive_clash(&self.conn, row, &mut plates)?
            {
                check.result = Err(vec![reason]);
            }
        }
        Ok(())
    }

    /// Writes the rows in one transaction: all of them, or none when any clashes now.
    pub fn import_roster(
        &mut self,
        actor: &Actor,
        rows: &[RosterRow],
    ) -> StoreResult<ImportReport> {
        let now = self.now_stamp();
        let today = date_str(self.today());
        let tx = self.begin()?;
        let mut report = ImportReport::default();
        let mut plates = HashSet::new();
        for row in rows {
            if let Some(reason) = archive_clash(&tx, row, &mut plates)? {
                return Err(StoreError::Conflict(format!(
                    "第{}行：{reason}",
                    row.row_no
                )));
            }
            let existing: Option<(i64, Option<i64>)> = tx
                .query_row(
                    "SELECT id, area_centi_m2 FROM unit WHERE code = ?1",
                    params![row.unit_code],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let unit_id = if let Some((id, area)) = existing {
                if area.is_none() && row.area_centi_m2.is_some() {
                    tx.execute(
                        "UPDATE unit SET area_centi_m2 = ?1, updated_at = ?2, updated_by = ?3 WHERE id = ?4",
                        params![row.area_centi_m2, now, actor.id, id],
                    )?;
                }
                id
            } else {
                let building_name = row.building.clone().unwrap_or_default();
                let building = building_id(&tx, actor, &now, &building_name)?;
                let kind = row
                    .unit_kind
                    .as_deref()
                    .and_then(UnitKind::parse)
                    .unwrap_or(UnitKind::Residence);
                let status = row
                    .unit_status
                    .as_deref()
                    .and_then(UnitStatus::parse)
                    .unwrap_or(UnitStatus::Occupied);
                tx.execute(
                    "INSERT INTO unit (building_id, code, kind, area_centi_m2, status, created_at, created_by, updated_at, updated_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)",
                    params![building, row.unit_code, kind.as_str(), row.area_centi_m2, status.as_str(), now, actor.id],
                )?;
                report.units_added += 1;
                tx.last_insert_rowid()
            };
            let person = ValidPerson {
                name: row.owner_name.clone(),
                phone: row.phone.clone().unwrap_or_default(),
                id_number: row.id_number.clone().unwrap_or_default(),
                note: String::new(),
            };
            let person_id = insert_person(&tx, actor, &now, &person)?;
            insert_occupancy(
                &tx,
                actor,
                &now,
                unit_id,
                person_id,
                OccupantRole::Owner,
                &today,
            )?;
            report.owners_added += 1;
            let space = row.parking_space.clone().unwrap_or_default();
            for plate in &row.plates {
                insert_vehicle(
                    &tx,
                    actor,
                    &now,
                    &NewVehicle {
                        unit_id,
                        person_id: Some(person_id),
                        plate,
                        space: &space,
                        start: &today,
                    },
                )?;
                report.vehicles_added += 1;
            }
            audit::record(
                &tx,
                Some(actor),
                &now,
                &Change {
                    area: "档案",
                    action: "导入花名册",
                    entity: "unit",
                    entity_id: unit_id,
                    before: None,
                    after: Some(
                        json!({"row": row.row_no, "code": row.unit_code, "owner": row.owner_name,
                        "phone": person.phone, "id_number": person.id_number, "area_centi_m2": row.area_centi_m2,
                        "plates": row.plates}),
                    ),
                },
            )?;
            add_event(
                &tx,
                actor,
                &now,
                unit_id,
                &today,
                "业主登记",
                &format!("花名册导入：业主 {}", row.owner_name),
            )?;
        }
        tx.commit()?;
        Ok(report)
    }
}
