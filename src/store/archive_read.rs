//! Reading the owner archives: the unit list, one unit's file, search entries, gaps, and
//! the rows of the archive workbook.

use super::{Store, StoreError, StoreResult};
use crate::domain::search::SearchSource;
use crate::domain::unit_code::walk_key;
use rusqlite::{OptionalExtension, params};

/// One unit in the archive list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    /// Unit id.
    pub id: i64,
    /// Code, e.g. `3栋2单元1502`.
    pub code: String,
    /// Building name.
    pub building: String,
    /// 住宅/店面/车位.
    pub kind: String,
    /// Area in hundredths of m², if known.
    pub area_centi_m2: Option<i64>,
    /// 未交房/空置/装修中/已入住/出租.
    pub status: String,
    /// Current owners' names, joined with 、.
    pub owners: String,
    /// The first current owner's phone.
    pub owner_phone: String,
    /// Note.
    pub note: String,
}

/// A person's stay on a unit (current or past).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OccupantRow {
    /// Occupancy id.
    pub occupancy_id: i64,
    /// Person id.
    pub person_id: i64,
    /// 业主/同住/租户.
    pub role: String,
    /// Name.
    pub name: String,
    /// Phone.
    pub phone: String,
    /// Full ID number (mask it everywhere but the person's own form).
    pub id_number: String,
    /// Note on the person.
    pub note: String,
    /// From.
    pub start_date: String,
    /// Until (None while current).
    pub end_date: Option<String>,
    /// Why it ended (过户, 退租 …).
    pub end_reason: String,
}

/// A vehicle registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VehicleRow {
    /// Vehicle id.
    pub id: i64,
    /// Plate.
    pub plate: String,
    /// Parking space.
    pub space: String,
    /// Holder's name, if tied to a person.
    pub holder: String,
    /// Registered on.
    pub start_date: String,
    /// Ended on.
    pub end_date: Option<String>,
}

/// A card or handset issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRow {
    /// Card id.
    pub id: i64,
    /// 住户卡/车卡/可视对讲机.
    pub kind: String,
    /// Number.
    pub card_no: String,
    /// Holder's name, if tied to a person.
    pub holder: String,
    /// Issued on.
    pub issued_on: String,
    /// Returned on.
    pub returned_on: Option<String>,
}

/// One 大事记 entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Date of the event.
    pub date: String,
    /// Kind (交房, 过户, 装修开始 …).
    pub kind: String,
    /// What happened.
    pub text: String,
    /// Who recorded it.
    pub operator: String,
    /// When it was recorded.
    pub recorded_at: String,
}

/// Everything on one unit's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitDetail {
    /// The unit itself.
    pub unit: UnitRow,
    /// People, current first, then history (newest first).
    pub occupants: Vec<OccupantRow>,
    /// Vehicles, current first.
    pub vehicles: Vec<VehicleRow>,
    /// Cards, unreturned first.
    pub cards: Vec<CardRow>,
    /// 大事记, newest first.
    pub events: Vec<EventRow>,
}

/// One gap in the archive (档案缺项).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapRow {
    /// Unit id.
    pub unit_id: i64,
    /// Unit code.
    pub unit_code: String,
    /// The person concerned, empty for the unit itself.
    pub person: String,
    /// What is missing.
    pub missing: String,
}

/// The rows of the archive workbook.
#[derive(Debug, Clone, Default)]
pub struct ArchiveExportRows {
    /// Units.
    pub units: Vec<UnitRow>,
    /// (unit code, occupant), current and past.
    pub people: Vec<(String, OccupantRow)>,
    /// (unit code, vehicle).
    pub vehicles: Vec<(String, VehicleRow)>,
    /// (unit code, card).
    pub cards: Vec<(String, CardRow)>,
}

const UNIT_ROW_SQL: &str = "SELECT u.id, u.code, b.name, u.kind, u.area_centi_m2, u.status, u.note,
        coalesce((SELECT group_concat(p.name, '、') FROM occupancy o JOIN person p ON p.id = o.person_id
                  WHERE o.unit_id = u.id AND o.role = '业主' AND o.end_date IS NULL), ''),
        coalesce((SELECT p.phone FROM occupancy o JOIN person p ON p.id = o.person_id
                  WHERE o.unit_id = u.id AND o.role = '业主' AND o.end_date IS NULL ORDER BY o.id LIMIT 1), '')
     FROM unit u JOIN building b ON b.id = u.building_id";

fn unit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UnitRow> {
    Ok(UnitRow {
        id: r.get(0)?,
        code: r.get(1)?,
        building: r.get(2)?,
        kind: r.get(3)?,
        area_centi_m2: r.get(4)?,
        status: r.get(5)?,
        note: r.get(6)?,
        owners: r.get(7)?,
        owner_phone: r.get(8)?,
    })
}

impl Store {
    /// Every unit, in walking order (building, then unit number as a person counts).
    pub fn unit_rows(&self) -> StoreResult<Vec<UnitRow>> {
        let mut stmt = self.conn.prepare_cached(UNIT_ROW_SQL)?;
        let mut rows = stmt
            .query_map([], unit_row)?
            .collect::<Result<Vec<_>, _>>()?;
        rows.sort_by_cached_key(|r| walk_key(&r.code));
        Ok(rows)
    }

    /// Finds a unit by its code.
    pub fn unit_id_by_code(&self, code: &str) -> StoreResult<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id FROM unit WHERE code = ?1",
                params![code.trim()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// One unit's whole file.
    pub fn unit_detail(&self, unit_id: i64) -> StoreResult<UnitDetail> {
        let unit = self
            .conn
            .query_row(
                &format!("{UNIT_ROW_SQL} WHERE u.id = ?1"),
                params![unit_id],
                unit_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound("没有这个房号".into()))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.id, p.id, o.role, p.name, p.phone, p.id_number, p.note, o.start_date, o.end_date, o.end_reason
             FROM occupancy o JOIN person p ON p.id = o.person_id WHERE o.unit_id = ?1
             ORDER BY o.end_date IS NOT NULL, o.end_date DESC,
                      CASE o.role WHEN '业主' THEN 0 WHEN '同住' THEN 1 ELSE 2 END, o.id",
        )?;
        let occupants = stmt
            .query_map(params![unit_id], |r| {
                Ok(OccupantRow {
                    occupancy_id: r.get(0)?,
                    person_id: r.get(1)?,
                    role: r.get(2)?,
                    name: r.get(3)?,
                    phone: r.get(4)?,
                    id_number: r.get(5)?,
                    note: r.get(6)?,
                    start_date: r.get(7)?,
                    end_date: r.get(8)?,
                    end_reason: r.get(9)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.id, v.plate, v.space, coalesce(p.name, ''), v.start_date, v.end_date
             FROM vehicle v LEFT JOIN person p ON p.id = v.person_id WHERE v.unit_id = ?1
             ORDER BY v.end_date IS NOT NULL, v.id DESC",
        )?;
        let vehicles = stmt
            .query_map(params![unit_id], vehicle_row)?
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.kind, c.card_no, coalesce(p.name, ''), c.issued_on, c.returned_on
             FROM card c LEFT JOIN person p ON p.id = c.person_id WHERE c.unit_id = ?1
             ORDER BY c.returned_on IS NOT NULL, c.id DESC",
        )?;
        let cards = stmt
            .query_map(params![unit_id], card_row)?
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.event_date, e.kind, e.text, o.name, e.created_at FROM unit_event e
             JOIN operator o ON o.id = e.operator_id WHERE e.unit_id = ?1
             ORDER BY e.event_date DESC, e.id DESC",
        )?;
        let events = stmt
            .query_map(params![unit_id], |r| {
                Ok(EventRow {
                    date: r.get(0)?,
                    kind: r.get(1)?,
                    text: r.get(2)?,
                    operator: r.get(3)?,
                    recorded_at: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(UnitDetail {
            unit,
            occupants,
            vehicles,
            cards,
            events,
        })
    }

    /// What the search box searches: every unit with its current people and plates.
    pub fn search_entries(&self) -> StoreResult<Vec<SearchSource>> {
        let mut entries: Vec<SearchSource> = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, code FROM unit ORDER BY id")?;
        let units = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for unit in units {
            let (id, code) = unit?;
            index.insert(id, entries.len());
            entries.push(SearchSource {
                unit_id: id,
                unit_code: code,
                people: Vec::new(),
                plates: Vec::new(),
            });
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT o.unit_id, o.role, p.name, p.phone FROM occupancy o JOIN person p ON p.id = o.person_id
             WHERE o.end_date IS NULL ORDER BY o.unit_id, CASE o.role WHEN '业主' THEN 0 WHEN '同住' THEN 1 ELSE 2 END, o.id",
        )?;
        let people = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in people {
            let (unit_id, role, name, phone) = row?;
            if let Some(e) = index.get(&unit_id).and_then(|i| entries.get_mut(*i)) {
                e.people.push((role, name, phone));
            }
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT unit_id, plate FROM vehicle WHERE end_date IS NULL")?;
        let plates = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        for row in plates {
            let (unit_id, plate) = row?;
            if let Some(e) = index.get(&unit_id).and_then(|i| entries.get_mut(*i)) {
                e.plates.push(plate);
            }
        }
        Ok(entries)
    }

    /// 档案缺项: what the quarterly check would find missing, in walking order.
    pub fn archive_gaps(&self) -> StoreResult<Vec<GapRow>> {
        let mut gaps = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.code, '', '缺建筑面积' FROM unit u WHERE u.area_centi_m2 IS NULL
             UNION ALL
             SELECT u.id, u.code, '', '无业主' FROM unit u WHERE u.status <> '未交房' AND NOT EXISTS
                 (SELECT 1 FROM occupancy o WHERE o.unit_id = u.id AND o.role = '业主' AND o.end_date IS NULL)
             UNION ALL
             SELECT u.id, u.code, o.role || ' ' || p.name, '缺电话' FROM occupancy o
                 JOIN person p ON p.id = o.person_id JOIN unit u ON u.id = o.unit_id
                 WHERE o.end_date IS NULL AND o.role IN ('业主', '租户') AND p.phone = ''
             UNION ALL
             SELECT u.id, u.code, o.role || ' ' || p.name, '缺身份证号' FROM occupancy o
                 JOIN person p ON p.id = o.person_id JOIN unit u ON u.id = o.unit_id
                 WHERE o.end_date IS NULL AND o.role IN ('业主', '租户') AND p.id_number = ''
             UNION ALL
             SELECT u.id, u.code, '', '出租但无租户' FROM unit u WHERE u.status = '出租' AND NOT EXISTS
                 (SELECT 1 FROM occupancy o WHERE o.unit_id = u.id AND o.role = '租户' AND o.end_date IS NULL)",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(GapRow {
                unit_id: r.get(0)?,
                unit_code: r.get(1)?,
                person: r.get(2)?,
                missing: r.get(3)?,
            })
        })?;
        for row in rows {
            gaps.push(row?);
        }
        gaps.sort_by_cached_key(|g| (walk_key(&g.unit_code), g.missing.clone()));
        Ok(gaps)
    }

    /// Everything the archive workbook lists.
    pub fn archive_export_rows(&self) -> StoreResult<ArchiveExportRows> {
        let units = self.unit_rows()?;
        let order: std::collections::HashMap<i64, usize> =
            units.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let position = |unit_id: i64| order.get(&unit_id).copied().unwrap_or(usize::MAX);
        let mut stmt = self.conn.prepare_cached(
            "SELECT u.id, u.code, o.id, p.id, o.role, p.name, p.phone, p.id_number, p.note, o.start_date, o.end_date, o.end_reason
             FROM occupancy o JOIN person p ON p.id = o.person_id JOIN unit u ON u.id = o.unit_id
             ORDER BY o.end_date IS NOT NULL, o.id",
        )?;
        let mut people = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    OccupantRow {
                        occupancy_id: r.get(2)?,
                        person_id: r.get(3)?,
                        role: r.get(4)?,
                        name: r.get(5)?,
                        phone: r.get(6)?,
                        id_number: r.get(7)?,
                        note: r.get(8)?,
                        start_date: r.get(9)?,
                        end_date: r.get(10)?,
                        end_reason: r.get(11)?,
                    },
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        people.sort_by_key(|(unit_id, _, o)| (position(*unit_id), o.end_date.is_some()));
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.unit_id, u.code, v.id, v.plate, v.space, coalesce(p.name, ''), v.start_date, v.end_date
             FROM vehicle v JOIN unit u ON u.id = v.unit_id LEFT JOIN person p ON p.id = v.person_id ORDER BY v.id",
        )?;
        let mut vehicles = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    VehicleRow {
                        id: r.get(2)?,
                        plate: r.get(3)?,
                        space: r.get(4)?,
                        holder: r.get(5)?,
                        start_date: r.get(6)?,
                        end_date: r.get(7)?,
                    },
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        vehicles.sort_by_key(|(unit_id, _, _)| position(*unit_id));
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.unit_id, u.code, c.id, c.kind, c.card_no, coalesce(p.name, ''), c.issued_on, c.returned_on
             FROM card c JOIN unit u ON u.id = c.unit_id LEFT JOIN person p ON p.id = c.person_id ORDER BY c.id",
        )?;
        let mut cards = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    CardRow {
                        id: r.get(2)?,
                        kind: r.get(3)?,
                        card_no: r.get(4)?,
                        holder: r.get(5)?,
                        issued_on: r.get(6)?,
                        returned_on: r.get(7)?,
                    },
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        cards.sort_by_key(|(unit_id, _, _)| position(*unit_id));
        Ok(ArchiveExportRows {
            units,
            people: people.into_iter().map(|(_, code, o)| (code, o)).collect(),
            vehicles: vehicles.into_iter().map(|(_, code, v)| (code, v)).collect(),
            cards: cards.into_iter().map(|(_, code, c)| (code, c)).collect(),
        })
    }
}

fn vehicle_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<VehicleRow> {
    Ok(VehicleRow {
        id: r.get(0)?,
        plate: r.get(1)?,
        space: r.get(2)?,
        holder: r.get(3)?,
        start_date: r.get(4)?,
        end_date: r.get(5)?,
    })
}

fn card_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CardRow> {
    Ok(CardRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        card_no: r.get(2)?,
        holder: r.get(3)?,
        issued_on: r.get(4)?,
        returned_on: r.get(5)?,
    })
}
