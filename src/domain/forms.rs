//! The archive's forms as typed, and their checks. The window shows each reason next to its
//! field; the store runs the same checks before it writes anything.

use super::area::parse_area;
use super::idcard::validate_id_number;
use super::kinds::{UnitKind, UnitStatus};
use super::phone::validate_phone;
use super::plate::validate_plate;
use super::unit_code::{building_of, normalize_unit_code};

/// Reasons per field, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(&'static str, String)>);

impl FieldErrors {
    /// The reason for one field, if it has one.
    #[must_use]
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, r)| r.as_str())
    }

    /// Whether every field is fine.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds a reason.
    pub fn push(&mut self, field: &'static str, reason: impl Into<String>) {
        self.0.push((field, reason.into()));
    }

    /// The first reason (field and text).
    #[must_use]
    pub fn first(&self) -> Option<(&'static str, &str)> {
        self.0.first().map(|(f, r)| (*f, r.as_str()))
    }
}

/// A person as typed on the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonForm {
    /// 姓名 (required).
    pub name: String,
    /// 电话 (optional; checked when given).
    pub phone: String,
    /// 身份证号 (optional; checked when given).
    pub id_number: String,
    /// 备注.
    pub note: String,
}

/// A person that passed the checks: phone and ID normalized, empty when not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPerson {
    /// Name.
    pub name: String,
    /// Phone, normalized, or empty.
    pub phone: String,
    /// ID number, normalized, or empty.
    pub id_number: String,
    /// Note.
    pub note: String,
}

/// The longest name the desk records.
pub const MAX_NAME_CHARS: usize = 20;

/// Checks a name: required and at most [`MAX_NAME_CHARS`] characters.
pub fn check_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        Err("请填写姓名".into())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err(format!("姓名最多{MAX_NAME_CHARS}个字"))
    } else {
        Ok(name.to_string())
    }
}

/// Checks an optional value: empty is allowed, anything typed must pass `check`.
pub fn optional(value: &str, check: fn(&str) -> Result<String, String>) -> Result<String, String> {
    if value.trim().is_empty() {
        Ok(String::new())
    } else {
        check(value)
    }
}

impl PersonForm {
    /// Checks every field.
    pub fn check(&self) -> Result<ValidPerson, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = check_name(&self.name).unwrap_or_else(|e| {
            errors.push("姓名", e);
            String::new()
        });
        let phone = optional(&self.phone, validate_phone).unwrap_or_else(|e| {
            errors.push("电话", e);
            String::new()
        });
        let id_number = optional(&self.id_number, validate_id_number).unwrap_or_else(|e| {
            errors.push("身份证号", e);
            String::new()
        });
        if errors.is_empty() {
            Ok(ValidPerson {
                name,
                phone,
                id_number,
                note: self.note.trim().to_string(),
            })
        } else {
            Err(errors)
        }
    }
}

/// A unit as typed on the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitForm {
    /// 楼栋: empty means "from the code" (`3栋…` → `3栋`).
    pub building: String,
    /// 房号.
    pub code: String,
    /// 类型.
    pub kind: UnitKind,
    /// 建筑面积 in m² as typed; empty means not known yet (an archive gap).
    pub area: String,
    /// 状态.
    pub status: UnitStatus,
    /// 备注.
    pub note: String,
}

impl Default for UnitForm {
    fn default() -> Self {
        Self {
            building: String::new(),
            code: String::new(),
            kind: UnitKind::Residence,
            area: String::new(),
            status: UnitStatus::NotHandedOver,
            note: String::new(),
        }
    }
}

/// A unit that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidUnit {
    /// Building name.
    pub building: String,
    /// Normalized code.
    pub code: String,
    /// Kind.
    pub kind: UnitKind,
    /// Area in hundredths of m², if known.
    pub area_centi_m2: Option<i64>,
    /// Status.
    pub status: UnitStatus,
    /// Note.
    pub note: String,
}

impl UnitForm {
    /// Checks every field (uniqueness of the code is the store's to check).
    pub fn check(&self) -> Result<ValidUnit, FieldErrors> {
        let mut errors = FieldErrors::default();
        let code = normalize_unit_code(&self.code).unwrap_or_else(|e| {
            errors.push("房号", e);
            String::new()
        });
        let building = if self.building.trim().is_empty() {
            building_of(&code).unwrap_or_else(|| {
                if !code.is_empty() {
                    errors.push("楼栋", "请选择楼栋（房号里看不出楼栋）");
                }
                String::new()
            })
        } else {
            self.building.trim().to_string()
        };
        let area_centi_m2 = if self.area.trim().is_empty() {
            None
        } else {
            match parse_area(&self.area) {
                Ok(a) => Some(a),
                Err(e) => {
                    errors.push("建筑面积", e);
                    None
                }
            }
        };
        if errors.is_empty() {
            Ok(ValidUnit {
                building,
                code,
                kind: self.kind,
                area_centi_m2,
                status: self.status,
                note: self.note.trim().to_string(),
            })
        } else {
            Err(errors)
        }
    }
}

/// Checks a plate typed on the vehicle form.
pub fn check_plate(plate: &str) -> Result<String, String> {
    if plate.trim().is_empty() {
        Err("请填写车牌".into())
    } else {
        validate_plate(plate)
    }
}
