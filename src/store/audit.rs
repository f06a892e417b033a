//! The append-only audit log: who changed what, when, with the values before and after.
//!
//! The store can add entries and read them; it offers no way to change or remove one, and
//! triggers in the schema refuse UPDATE and DELETE on the table.

use super::{Actor, Store, StoreResult};
use rusqlite::{Connection, params};
use serde_json::Value;

/// One audit log entry, as shown in 设置 → 操作日志.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Row id (entries are numbered in the order they were written).
    pub id: i64,
    /// When.
    pub at: String,
    /// Who (operator's name), empty for the program itself.
    pub operator: String,
    /// Area of the desk (档案, 收费, 钥匙, 操作员 …).
    pub area: String,
    /// What was done (新增房屋, 过户 …).
    pub action: String,
    /// Which kind of record.
    pub entity: String,
    /// Which record.
    pub entity_id: Option<i64>,
    /// The record before, as JSON.
    pub before: Option<String>,
    /// The record after, as JSON.
    pub after: Option<String>,
}

/// What one audited change says.
pub(crate) struct Change<'a> {
    pub area: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends one entry, inside the caller's transaction.
pub(crate) fn record(
    conn: &Connection,
    actor: Option<&Actor>,
    at: &str,
    change: &Change<'_>,
) -> StoreResult<()> {
    conn.execute(
        "INSERT INTO audit_log (at, operator_id, area, action, entity, entity_id, before_json, after_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            at,
            actor.map(|a| a.id),
            change.area,
            change.action,
            change.entity,
            change.entity_id,
            change.before.as_ref().map(Value::to_string),
            change.after.as_ref().map(Value::to_string),
        ],
    )?;
    Ok(())
}

impl Store {
    /// The newest audit entries first; only those about one record when `entity` is given.
    pub fn audit_entries(
        &self,
        entity: Option<(&str, i64)>,
        limit: usize,
    ) -> StoreResult<Vec<AuditEntry>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let (kind, id) = entity.map_or((None, None), |(k, i)| (Some(k), Some(i)));
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.at, coalesce(o.name, ''), a.area, a.action, a.entity, a.entity_id,
                    a.before_json, a.after_json
             FROM audit_log a LEFT JOIN operator o ON o.id = a.operator_id
             WHERE (?1 IS NULL OR (a.entity = ?1 AND a.entity_id = ?2))
             ORDER BY a.id DESC LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(params![kind, id, limit], |r| {
                Ok(AuditEntry {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    operator: r.get(2)?,
                    area: r.get(3)?,
                    action: r.get(4)?,
                    entity: r.get(5)?,
                    entity_id: r.get(6)?,
                    before: r.get(7)?,
                    after: r.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}
