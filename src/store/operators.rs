//! The office record and the operators who log in at the desk.

use super::audit::{self, Change};
use super::{Store, StoreError, StoreResult};
use crate::domain::kinds::Role;
use crate::domain::phone::validate_phone;
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rusqlite::{OptionalExtension, params};
use serde_json::json;

/// The shortest password the desk accepts.
pub const MIN_PASSWORD_CHARS: usize = 6;

/// The property office this database belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Office {
    /// Name printed on every receipt and notice.
    pub name: String,
    /// Address.
    pub address: String,
    /// Phone residents call.
    pub phone: String,
    /// Whether this is the demo office (its logins are shown on the login screen).
    pub is_demo: bool,
}

/// The person logged in: stamped on every record they write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Operator id.
    pub id: i64,
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
}

/// A new operator account as typed in 设置.
#[derive(Debug, Clone, Default)]
pub struct NewOperator {
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: String,
    /// Role (客服 by default).
    pub role: Option<Role>,
    /// Password in clear (hashed with argon2 before it is stored).
    pub password: String,
}

/// An operator as listed in 设置.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorRow {
    /// Operator id.
    pub id: i64,
    /// Login name.
    pub login: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Whether the account may log in.
    pub active: bool,
    /// When the account was created.
    pub created_at: String,
}

/// Refuses unless the actor is a supervisor. `what` names the action for the message.
pub fn require_supervisor(actor: &Actor, what: &str) -> StoreResult<()> {
    if actor.role == Role::Supervisor {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!("只有主管可以{what}")))
    }
}

fn hash_password(password: &str) -> StoreResult<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Conflict(format!("无法保存密码：{e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

fn check_new_operator(op: &NewOperator) -> StoreResult<(String, String, Role)> {
    let login = op.login.trim().to_string();
    if login.is_empty() {
        return Err(StoreError::invalid("登录名", "请填写登录名"));
    }
    if login.chars().count() > 20 || login.chars().any(char::is_whitespace) {
        return Err(StoreError::invalid(
            "登录名",
            "登录名最多20个字，不能有空格",
        ));
    }
    let name = op.name.trim().to_string();
    if name.is_empty() {
        return Err(StoreError::invalid("姓名", "请填写姓名"));
    }
    if op.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(StoreError::invalid(
            "密码",
            format!("密码至少{MIN_PASSWORD_CHARS}位"),
        ));
    }
    Ok((login, name, op.role.unwrap_or(Role::FrontDesk)))
}

fn check_office(office: &Office) -> StoreResult<Office> {
    let name = office.name.trim().to_string();
    if name.is_empty() {
        return Err(StoreError::invalid("物业名称", "请填写物业服务中心的名称"));
    }
    let phone = if office.phone.trim().is_empty() {
        String::new()
    } else {
        validate_phone(&office.phone).map_err(|e| StoreError::invalid("联系电话", e))?
    };
    Ok(Office {
        name,
        address: office.address.trim().to_string(),
        phone,
        is_demo: office.is_demo,
    })
}

impl Store {
    /// The office record, once the first start has been completed.
    pub fn office(&self) -> StoreResult<Option<Office>> {
        Ok(self
            .conn
            .query_row(
                "SELECT name, address, phone, is_demo FROM office WHERE id = 1",
                [],
                |r| {
                    Ok(Office {
                        name: r.get(0)?,
                        address: r.get(1)?,
                        phone: r.get(2)?,
                        is_demo: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// First start: records the office and creates the first supervisor. Refused once done.
    pub fn setup_office(&mut self, office: &Office, first: &NewOperator) -> StoreResult<Actor> {
        let office = check_office(office)?;
        let (login, name, _) = check_new_operator(first)?;
        let hash = hash_password(&first.password)?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let done: i64 = tx.query_row(
            "SELECT (SELECT count(*) FROM office) + (SELECT count(*) FROM operator)",
            [],
            |r| r.get(0),
        )?;
        if done > 0 {
            return Err(StoreError::Conflict("这个数据库已经设置过物业信息".into()));
        }
        tx.execute(
            "INSERT INTO office (id, name, address, phone, is_demo, created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            params![office.name, office.address, office.phone, office.is_demo, now],
        )?;
        tx.execute(
            "INSERT INTO operator (login, name, role, password_hash, created_at) VALUES (?1, ?2, '主管', ?3, ?4)",
            params![login, name, hash, now],
        )?;
        let actor = Actor {
            id: tx.last_insert_rowid(),
            login,
            name,
            role: Role::Supervisor,
        };
        audit::record(
            &tx,
            Some(&actor),
            &now,
            &Change {
                area: "设置",
                action: "首次设置",
                entity: "office",
                entity_id: 1,
                before: None,
                after: Some(
                    json!({"name": office.name, "address": office.address, "phone": office.phone, "supervisor": actor.login}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(actor)
    }

    /// Changes the office's name, address or phone (supervisor only).
    pub fn update_office(&mut self, actor: &Actor, office: &Office) -> StoreResult<()> {
        require_supervisor(actor, "修改物业信息")?;
        let before = self
            .office()?
            .ok_or_else(|| StoreError::NotFound("还没有物业信息".into()))?;
        let office = check_office(office)?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        tx.execute(
            "UPDATE office SET name = ?1, address = ?2, phone = ?3 WHERE id = 1",
            params![office.name, office.address, office.phone],
        )?;
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "设置",
                action: "修改物业信息",
                entity: "office",
                entity_id: 1,
                before: Some(
                    json!({"name": before.name, "address": before.address, "phone": before.phone}),
                ),
                after: Some(
                    json!({"name": office.name, "address": office.address, "phone": office.phone}),
                ),
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Checks a login. Inactive accounts and wrong passwords get the same answer.
    pub fn login(&self, login: &str, password: &str) -> StoreResult<Actor> {
        let row: Option<(i64, String, String, String, String, bool)> = self
            .conn
            .query_row(
                "SELECT id, login, name, role, password_hash, active FROM operator WHERE login = ?1",
                params![login.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()?;
        match row {
            Some((id, login, name, role, hash, true)) if verify_password(password, &hash) => {
                Ok(Actor {
                    id,
                    login,
                    name,
                    role: Role::parse(&role).unwrap_or(Role::FrontDesk),
                })
            }
            _ => Err(StoreError::BadLogin),
        }
    }

    /// The operator that command-line work is recorded under: the named active account,
    /// or the first active supervisor.
    pub fn cli_operator(&self, login: Option<&str>) -> StoreResult<Actor> {
        let row: Option<(i64, String, String, String)> = self
            .conn
            .query_row(
                "SELECT id, login, name, role FROM operator WHERE active = 1
                   AND (?1 IS NULL AND role = '主管' OR login = ?1) ORDER BY id LIMIT 1",
                params![login],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let (id, login, name, role) = row.ok_or_else(|| {
            StoreError::NotFound(
                "没有可用的操作员：先打开程序完成首次设置，或用 --operator 指定登录名".into(),
            )
        })?;
        Ok(Actor {
            id,
            login,
            name,
            role: Role::parse(&role).unwrap_or(Role::FrontDesk),
        })
    }

    /// Creates an operator account (supervisor only).
    pub fn create_operator(&mut self, actor: &Actor, op: &NewOperator) -> StoreResult<i64> {
        require_supervisor(actor, "新增操作员")?;
        let (login, name, role) = check_new_operator(op)?;
        let hash = hash_password(&op.password)?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let taken: i64 = tx.query_row(
            "SELECT count(*) FROM operator WHERE login = ?1",
            params![login],
            |r| r.get(0),
        )?;
        if taken > 0 {
            return Err(StoreError::invalid(
                "登录名",
                format!("登录名 {login} 已被使用"),
            ));
        }
        tx.execute(
            "INSERT INTO operator (login, name, role, password_hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![login, name, role.as_str(), hash, now, actor.id],
        )?;
        let id = tx.last_insert_rowid();
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "操作员",
                action: "新增操作员",
                entity: "operator",
                entity_id: id,
                before: None,
                after: Some(json!({"login": login, "name": name, "role": role.as_str()})),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Every operator account, supervisors first.
    pub fn operators(&self) -> StoreResult<Vec<OperatorRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, login, name, role, active, created_at FROM operator ORDER BY role DESC, id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let role: String = r.get(3)?;
                Ok(OperatorRow {
                    id: r.get(0)?,
                    login: r.get(1)?,
                    name: r.get(2)?,
                    role: Role::parse(&role).unwrap_or(Role::FrontDesk),
                    active: r.get(4)?,
                    created_at: r.get(5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Sets a new password: one's own, or anyone's by a supervisor.
    pub fn change_password(
        &mut self,
        actor: &Actor,
        operator_id: i64,
        password: &str,
    ) -> StoreResult<()> {
        if operator_id != actor.id {
            require_supervisor(actor, "重设他人的密码")?;
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::invalid(
                "密码",
                format!("密码至少{MIN_PASSWORD_CHARS}位"),
            ));
        }
        let hash = hash_password(password)?;
        let now = self.now_stamp();
        let tx = self.begin()?;
        let n = tx.execute(
            "UPDATE operator SET password_hash = ?1 WHERE id = ?2",
            params![hash, operator_id],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound("没有这个操作员".into()));
        }
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "操作员",
                action: "修改密码",
                entity: "operator",
                entity_id: operator_id,
                before: None,
                after: None,
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Enables or disables an account (supervisor only). The last active supervisor stays.
    pub fn set_operator_active(
        &mut self,
        actor: &Actor,
        operator_id: i64,
        active: bool,
    ) -> StoreResult<()> {
        require_supervisor(actor, "停用或启用操作员")?;
        if !active && operator_id == actor.id {
            return Err(StoreError::Conflict("不能停用自己正在使用的账号".into()));
        }
        let now = self.now_stamp();
        let tx = self.begin()?;
        tx.execute(
            "UPDATE operator SET active = ?1 WHERE id = ?2",
            params![active, operator_id],
        )?;
        let supervisors: i64 = tx.query_row(
            "SELECT count(*) FROM operator WHERE role = '主管' AND active = 1",
            [],
            |r| r.get(0),
        )?;
        if supervisors == 0 {
            return Err(StoreError::Conflict("至少要保留一个可用的主管账号".into()));
        }
        audit::record(
            &tx,
            Some(actor),
            &now,
            &Change {
                area: "操作员",
                action: if active {
                    "启用操作员"
                } else {
                    "停用操作员"
                },
                entity: "operator",
                entity_id: operator_id,
                before: Some(json!({"active": !active})),
                after: Some(json!({"active": active})),
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}
